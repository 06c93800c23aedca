// The lists the inbox's panes read. Each key holds the API's page as
// answered (Page<T>, first 200), so every screen that reads the same key
// agrees on its shape.
import { useQuery } from "@tanstack/react-query";
import { api, type Page } from "../../../lib/api";
import { qk } from "../../../lib/queryKeys";
import type { Channel, ConversationCounts, ConversationView, Team, User } from "../../../lib/types";

export function useUsers() {
  return useQuery({ queryKey: qk.users, queryFn: () => api.get<Page<User>>("/api/v1/users", { limit: 200 }) });
}

export function useTeams() {
  return useQuery({ queryKey: qk.teams, queryFn: () => api.get<Page<Team>>("/api/v1/teams", { limit: 200 }) });
}

export function useChannels() {
  return useQuery({
    queryKey: qk.channels,
    queryFn: () => api.get<Page<Channel>>("/api/v1/channels", { limit: 200 }),
    staleTime: 5 * 60_000,
  });
}

export function useSavedViews() {
  return useQuery({ queryKey: qk.views, queryFn: () => api.get<Page<ConversationView>>("/api/v1/me/views") });
}

export function useCounts() {
  return useQuery({
    queryKey: qk.counts,
    queryFn: () => api.get<ConversationCounts>("/api/v1/conversations/counts", { status: "open" }),
  });
}
