// The timeline's comments and events, read newest first in step with the
// messages: as far back as the oldest message shown, and further as older
// messages are read. Read oldest first up to 20 pages, a conversation with
// more than 4,000 events showed its first ones, never its newest.
import { useEffect, useMemo } from "react";
import { useInfiniteQuery, useQueryClient, type InfiniteData, type QueryKey } from "@tanstack/react-query";
import { api, type Page } from "../../../lib/api";
import { qk } from "../../../lib/queryKeys";
import type { Comment, LogEvent } from "../../../lib/types";
import { dedupeByID } from "./timeline";
import { followedMeta } from "./follow";
import { afterLimit, SideFollower, type SideSource } from "./sideFollow";
import type { Subscribe } from "./data";

/**
 * Reach is how far back the timeline shows: from a time (ms, the oldest
 * message shown while older ones remain), everything (null: every message
 * is shown), or not known yet (undefined: the messages are being read;
 * the newest page only).
 */
export type Reach = number | null | undefined;

/** sidePage is how many comments or events one read brings. */
export const sidePage = 200;
/** sideMaxPages bounds a read to the end (everything shown): the newest 4,000 at most. */
export const sideMaxPages = 20;

type Dated = { id: number; created_at: string };
export type SidePages<T> = InfiniteData<Page<T>, string | undefined>;

/** itemsOf lays the pages out oldest first, each item once. */
export function itemsOf<T extends Dated>(d: SidePages<T>): T[] {
  const all: T[] = [];
  for (let i = d.pages.length - 1; i >= 0; i--) for (let j = d.pages[i]!.data.length - 1; j >= 0; j--) all.push(d.pages[i]!.data[j]!);
  return dedupeByID(all);
}

/** covers: the pages read reach back past `reach` (or to the first item). */
export function covers<T extends Dated>(d: SidePages<T>, reach: Reach): boolean {
  if (reach === undefined) return true;
  const last = d.pages[d.pages.length - 1];
  if (!last?.next_cursor || d.pages.length >= sideMaxPages) return true;
  if (reach === null) return false;
  const oldest = last.data[last.data.length - 1];
  // Items of the same instant as the oldest message are shown with it:
  // read on until one is older.
  return !!oldest && Date.parse(oldest.created_at) < reach;
}

/** addNewest puts an item the server accepted on the newest page, unless a page has it already. */
export function addNewest<T extends { id: number }>(d: SidePages<T> | undefined, x: T): SidePages<T> | undefined {
  if (!d || d.pages.length === 0 || d.pages.some((p) => p.data.some((y) => y.id === x.id))) return d;
  const [newest, ...rest] = d.pages;
  return { ...d, pages: [{ ...newest!, data: [x, ...newest!.data] }, ...rest] };
}

/**
 * useWindowed reads a list newest first as far back as `reach`. Given the
 * socket (subscribe), it follows the conversation (sideFollow.ts): an
 * event reads what it added, not the pages loaded.
 */
function useWindowed<T extends Dated>(
  id: number,
  key: QueryKey,
  path: string,
  query: Record<string, string>,
  reach: Reach,
  subscribe: Subscribe | undefined,
  source: SideSource<T>,
) {
  const qc = useQueryClient();
  // Left, the conversation keeps its newest page only (as its messages).
  useEffect(
    () => () => {
      qc.setQueryData<SidePages<T>>(key, (d) => (d && d.pages.length > 1 ? { pages: d.pages.slice(0, 1), pageParams: d.pageParams.slice(0, 1) } : d));
    },
    [qc, path], // the key names the same list as the path

  );
  const q = useInfiniteQuery({
    queryKey: key,
    queryFn: ({ signal, pageParam }) => api.get<Page<T>>(path, { ...query, order: "desc", limit: sidePage, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor || undefined,
    select: itemsOf<T>,
    meta: subscribe ? followedMeta : undefined,
  });
  // The source is made anew each render; the follower is one per list.
  const follower = useMemo(() => new SideFollower<T>(qc, key, id, source), [qc, path]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => () => follower.stop(), [follower]);
  useEffect(() => subscribe?.((e) => follower.hear(e)), [subscribe, follower]);
  const { isFetching, isFetchNextPageError, fetchNextPage } = q;
  const held = qc.getQueryData<SidePages<T>>(key);
  const short = !!held && !covers(held, reach);
  // Each page read may leave it short still: the count of pages makes the
  // next read follow even when the fetching state was never rendered.
  const pages = held?.pages.length ?? 0;
  useEffect(() => {
    if (short && !isFetching && !isFetchNextPageError) void fetchNextPage({ cancelRefetch: false });
  }, [short, pages, isFetching, isFetchNextPageError, fetchNextPage]);
  useEffect(() => {
    if (!isFetching) follower.settled();
  }, [isFetching, follower]);
  return q;
}

/** useComments reads the conversation's internal comments newest first, as far back as `reach`; given the socket, it follows them. */
export function useComments(id: number, reach?: Reach, subscribe?: Subscribe) {
  const path = `/api/v1/conversations/${id}/comments`;
  return useWindowed<Comment>(id, qk.comments(id), path, {}, reach, subscribe, {
    heard: (e) => {
      const of = Number((e.payload as { comment_id?: number } | null)?.comment_id) || 0;
      if (e.type === "comment.created") return { written: of };
      if (e.type === "comment.edited" && of) return { changed: of };
      if (e.type === "comment.deleted" && of) return { removed: of };
      return null;
    },
    readAfter: (after) => api.get<Page<Comment>>(path, { after, limit: afterLimit }),
    readOne: (comment) => api.get<Comment>(`${path}/${comment}`),
  });
}

/**
 * timelineEvents are the event types the timeline shows (timeline.ts
 * shownEvent), the only ones read: the message and comment events (one or
 * more per message) would fill the pages read, and the messages' window
 * would need many pages of them.
 */
export const timelineEvents = [
  "conversation.opened",
  "conversation.closed",
  "conversation.assigned",
  "conversation.unassigned",
  "conversation.snoozed",
  "conversation.unsnoozed",
  "conversation.queued",
  "conversation.rated",
  "workflow.run.started",
  "workflow.step",
  "workflow.run.ended",
  "ai_agent.turn",
];

/**
 * useEvents reads the events the timeline shows newest first, as far back
 * as `reach`; given the socket, it puts each one it sends in place.
 */
export function useEvents(id: number, reach?: Reach, subscribe?: Subscribe) {
  const path = `/api/v1/conversations/${id}/events`;
  return useWindowed<LogEvent>(id, qk.conversationEvents(id), path, { types: timelineEvents.join(",") }, reach, subscribe, {
    heard: (e) => (timelineEvents.includes(e.type) ? { item: e } : null),
  });
}
