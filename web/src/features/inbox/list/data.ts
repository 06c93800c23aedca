// The lists the inbox's panes read: the saved views and their counts
// (the directory lists are lib/directory.ts's).
import { useQuery } from "@tanstack/react-query";
import { api, type Page } from "../../../lib/api";
import { qk } from "../../../lib/queryKeys";
import type { ConversationCounts, ConversationView } from "../../../lib/types";

export { useChannels, useTeams, useUsers } from "../../../lib/directory";

export function useSavedViews() {
  return useQuery({ queryKey: qk.views, queryFn: () => api.get<Page<ConversationView>>("/api/v1/me/views") });
}

export function useCounts() {
  return useQuery({
    queryKey: qk.counts,
    queryFn: () => api.get<ConversationCounts>("/api/v1/conversations/counts", { status: "open" }),
  });
}
