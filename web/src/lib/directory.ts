// The workspace's directory lists every screen reads — people, teams,
// presence, channels, closing categories, snippets, workflows, and the
// contacts' tags, lifecycle stages and custom fields — each read whole
// (allPages) under one key, so every screen that reads a key agrees on its
// shape and the socket's events refresh it once for all.
import { useQuery } from "@tanstack/react-query";
import { allPages, api } from "./api";
import { qk } from "./queryKeys";
import type { components } from "./api-types";
import type { Category, Channel, ContactField, Presence, Snippet, Team, User } from "./types";

export type Tag = components["schemas"]["ContactTag"];
export type Stage = components["schemas"]["ContactStage"];
export type Workflow = components["schemas"]["Workflow"];
export type ChannelType = components["schemas"]["ChannelType"];

/** The channel types the node serves (their forms, their reply windows, whom they reach first): fixed while it runs. */
export const useChannelTypes = () =>
  useQuery({
    queryKey: qk.channelTypes,
    queryFn: () => api.get<{ items: ChannelType[] }>("/api/v1/channel-types"),
    staleTime: Infinity,
  });

const whole = <T>(path: string) => () => allPages<T>(path);

// enabled: false waits until a screen needs them (the inbox's Filter, a
// step drawer whose settings name a user, a team, a channel or a workflow).
export const useUsers = (enabled = true) => useQuery({ queryKey: qk.users, queryFn: whole<User>("/api/v1/users"), staleTime: 60_000, enabled });
export const useTeams = (enabled = true) => useQuery({ queryKey: qk.teams, queryFn: whole<Team>("/api/v1/teams"), staleTime: 60_000, enabled });
export const usePresence = () => useQuery({ queryKey: qk.presence, queryFn: whole<Presence>("/api/v1/presence") });
export const useChannels = (enabled = true) =>
  useQuery({ queryKey: qk.channels, queryFn: whole<Channel>("/api/v1/channels"), staleTime: 300_000, enabled });
export const useCategories = () =>
  useQuery({ queryKey: qk.categories, queryFn: whole<Category>("/api/v1/closing-categories"), staleTime: 300_000 });
export const useSnippets = () => useQuery({ queryKey: qk.snippets, queryFn: whole<Snippet>("/api/v1/snippets"), staleTime: 60_000 });
export const useTags = (enabled = true) => useQuery({ queryKey: qk.tags, queryFn: whole<Tag>("/api/v1/tags"), staleTime: 60_000, enabled });
export const useStages = (enabled = true) =>
  useQuery({ queryKey: qk.stages, queryFn: whole<Stage>("/api/v1/lifecycle-stages"), staleTime: 300_000, enabled });
export const useFields = (enabled = true) =>
  useQuery({ queryKey: qk.fields, queryFn: whole<ContactField>("/api/v1/custom-fields"), staleTime: 300_000, enabled });
// No staleTime: the builder's list shows each workflow's status and counts as they are now.
export const useWorkflows = (enabled = true) => useQuery({ queryKey: qk.workflows, queryFn: whole<Workflow>("/api/v1/workflows"), enabled });
