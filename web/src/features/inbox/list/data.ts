// The lists the inbox's panes read: the saved views and their counts, and
// what the Filter control offers (the directory lists are lib/directory.ts's).
import { useQuery } from "@tanstack/react-query";
import { allPages, api, type Page } from "../../../lib/api";
import type { components } from "../../../lib/api-types";
import { qk } from "../../../lib/queryKeys";
import type { ContactField, ConversationCounts, ConversationView } from "../../../lib/types";
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

export type Tag = components["schemas"]["ContactTag"];
export type Stage = components["schemas"]["ContactStage"];

// The workspace's tags, lifecycle stages (in their order) and custom
// fields, under the keys the contacts screens and settings read (the same
// whole-list shape), fetched only once the Filter control or a chip needs them.
export const useTags = (enabled = true) =>
  useQuery({ queryKey: qk.tags, queryFn: () => allPages<Tag>("/api/v1/tags"), staleTime: 60_000, enabled });
export const useStages = (enabled = true) =>
  useQuery({ queryKey: qk.stages, queryFn: () => allPages<Stage>("/api/v1/lifecycle-stages"), staleTime: 300_000, enabled });
export const useFields = (enabled = true) =>
  useQuery({ queryKey: qk.fields, queryFn: () => allPages<ContactField>("/api/v1/custom-fields"), staleTime: 300_000, enabled });
