// The lists the inbox's panes read: the saved views and their counts, and
// what the Filter control offers (the directory lists are lib/directory.ts's).
import { useQuery } from "@tanstack/react-query";
import { api, type Page } from "../../../lib/api";
import { qk } from "../../../lib/queryKeys";
import type { ConversationCounts, ConversationView } from "../../../lib/types";
import { timeRelative } from "./views";

export { useChannels, useTeams, useUsers } from "../../../lib/directory";

export function useSavedViews() {
  return useQuery({ queryKey: qk.views, queryFn: () => api.get<Page<ConversationView>>("/api/v1/me/views") });
}

/** How often the counts are refetched with no event: a saved view on
 * time since the contact wrote changes its count with time alone, and the
 * server pushes nothing for it. */
export const TIME_VIEW_COUNTS_MS = 60_000;

export function countsRefetchInterval(views: ConversationView[] | undefined): number | false {
  return views?.some((v) => timeRelative(v.filter)) ? TIME_VIEW_COUNTS_MS : false;
}

export function useCounts() {
  const views = useSavedViews().data?.data;
  return useQuery({
    queryKey: qk.counts,
    queryFn: () => api.get<ConversationCounts>("/api/v1/conversations/counts", { status: "open" }),
    // Only while the inbox is mounted and the page visible (not in the
    // background): idle means idle.
    refetchInterval: countsRefetchInterval(views),
    refetchIntervalInBackground: false,
  });
}

// The workspace's tags, lifecycle stages and custom fields (lib/directory)
// are fetched only once the Filter control or a chip needs them.
export { useFields, useStages, useTags, type Stage, type Tag } from "../../../lib/directory";
