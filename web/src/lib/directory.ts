// The workspace's directory lists every screen reads — people, teams,
// presence, channels, closing categories, snippets — each the API's first
// page of 200 under one key, so every screen that reads a key agrees on
// its shape and the socket's events refresh it once for all.
import { useQuery } from "@tanstack/react-query";
import { api, type Page } from "./api";
import { qk } from "./queryKeys";
import type { Category, Channel, Presence, Snippet, Team, User } from "./types";

const page200 = <T>(path: string) => () => api.get<Page<T>>(path, { limit: 200 });

export const useUsers = () => useQuery({ queryKey: qk.users, queryFn: page200<User>("/api/v1/users"), staleTime: 60_000 });
export const useTeams = () => useQuery({ queryKey: qk.teams, queryFn: page200<Team>("/api/v1/teams"), staleTime: 60_000 });
export const usePresence = () => useQuery({ queryKey: qk.presence, queryFn: page200<Presence>("/api/v1/presence") });
export const useChannels = () =>
  useQuery({ queryKey: qk.channels, queryFn: page200<Channel>("/api/v1/channels"), staleTime: 300_000 });
export const useCategories = () =>
  useQuery({ queryKey: qk.categories, queryFn: page200<Category>("/api/v1/closing-categories"), staleTime: 300_000 });
export const useSnippets = () => useQuery({ queryKey: qk.snippets, queryFn: page200<Snippet>("/api/v1/snippets"), staleTime: 60_000 });
