// The conversation's server state: one query per resource, keyed as
// queryKeys.ts says so the socket's events refresh exactly these. The
// directory lists (users, teams, channels…) are lib/directory.ts's.
import { useEffect, useMemo } from "react";
import { useInfiniteQuery, useQuery, useQueryClient, type InfiniteData } from "@tanstack/react-query";
import { allPages, api, ApiError, type Page } from "../../../lib/api";
import { qk } from "../../../lib/queryKeys";
import type { Channel, Conversation, LogEvent, Message } from "../../../lib/types";
import type { components } from "../../../lib/api-types";
import { dedupeByID } from "./timeline";
import { followedMeta, MessageFollower } from "./follow";

import type { ChannelType } from "../../../lib/directory";
export type Capabilities = components["schemas"]["ChannelCapabilities"];
export type ShortcutInput = components["schemas"]["WorkflowShortcutInput"];
export type Shortcut = components["schemas"]["WorkflowShortcut"];

export { useCategories, useChannels, usePresence, useSnippets, useTeams, useUsers } from "../../../lib/directory";

export const useConversation = (id: number) =>
  useQuery({
    queryKey: qk.conversation(id),
    queryFn: ({ signal }) => api.get<Conversation>(`/api/v1/conversations/${id}`, undefined, signal),
    retry: (n, e) => !(e instanceof ApiError && e.status === 404) && n < 1,
  });

/** messagesPage is how many messages the timeline reads at a time. */
export const messagesPage = 50;

/** MessagePages is what the cache holds under qk.messages(id): the pages read so far, newest first. */
export type MessagePages = InfiniteData<Page<Message>, string | undefined>;

/** messagesOf lays the pages out as the timeline reads them: oldest first, each message once. */
export function messagesOf(d: MessagePages): Message[] {
  const all: Message[] = [];
  for (let i = d.pages.length - 1; i >= 0; i--) for (let j = d.pages[i]!.data.length - 1; j >= 0; j--) all.push(d.pages[i]!.data[j]!);
  return dedupeByID(all);
}

/** Subscribe is how a hook hears the socket's events (useLive().subscribe). */
export type Subscribe = (fn: (e: LogEvent) => void) => () => void;

/**
 * useMessages reads the conversation newest first, one page at a time
 * (?order=desc): it opens on the last messages, however long the
 * conversation, and fetchNextPage reads the page before the oldest one
 * shown. data is oldest first. Given the socket (subscribe), it follows
 * the conversation (follow.ts): an event reads what it changed, not the
 * pages shown. Left, the conversation keeps its newest page only: opened
 * again it reads one page, not every page the agent had scrolled back
 * through.
 */
export function useMessages(id: number, subscribe?: Subscribe) {
  const qc = useQueryClient();
  useEffect(
    () => () => {
      qc.setQueryData<MessagePages>(qk.messages(id), (d) =>
        d && d.pages.length > 1 ? { pages: d.pages.slice(0, 1), pageParams: d.pageParams.slice(0, 1) } : d,
      );
    },
    [qc, id],
  );
  const query = useInfiniteQuery({
    queryKey: qk.messages(id),
    queryFn: ({ signal, pageParam }) =>
      api.get<Page<Message>>(`/api/v1/conversations/${id}/messages`, { order: "desc", limit: messagesPage, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor || undefined,
    select: messagesOf,
    meta: subscribe ? followedMeta : undefined,
  });
  const follower = useMemo(() => new MessageFollower(qc, id), [qc, id]);
  useEffect(() => () => follower.stop(), [follower]);
  useEffect(() => subscribe?.((e) => follower.hear(e)), [subscribe, follower]);
  useEffect(() => {
    if (!query.isFetching) follower.settled();
  }, [query.isFetching, follower]);
  return query;
}

/** addMessage puts a message the server accepted on the newest page, unless a page has it already (the socket's copy). */
export function addMessage(d: MessagePages | undefined, m: Message): MessagePages | undefined {
  if (!d || d.pages.length === 0 || d.pages.some((p) => p.data.some((x) => x.id === m.id))) return d;
  const [newest, ...rest] = d.pages;
  return { ...d, pages: [{ ...newest!, data: [m, ...newest!.data] }, ...rest] };
}

/** patchMessages changes messages wherever they are in the pages read. */
export function patchMessages(d: MessagePages | undefined, fn: (m: Message) => Message): MessagePages | undefined {
  return d && { ...d, pages: d.pages.map((p) => ({ ...p, data: p.data.map(fn) })) };
}
export { addNewest, timelineEvents, useComments, useEvents, type Reach } from "./timelineWindow";

export { useChannelTypes } from "../../../lib/directory";

/** The shortcut workflows an agent may run; none when the server has no list (404). */
export const useShortcutList = () =>
  useQuery({
    queryKey: qk.shortcuts,
    queryFn: async () => {
      try {
        return (await api.get<{ data: Shortcut[] }>("/api/v1/shortcuts")).data ?? [];
      } catch (e) {
        if (e instanceof ApiError && (e.status === 404 || e.status === 403 || e.status === 405)) return [];
        throw e;
      }
    },
    retry: false,
    staleTime: 300_000,
  });

/** Workflow names for the timeline: managers may list them; agents see the shortcuts' names only. */
export const useWorkflowNames = (enabled: boolean) =>
  useQuery({
    queryKey: [...qk.workflows, "names"],
    queryFn: async () => {
      try {
        return (await allPages<{ id: number; name: string }>("/api/v1/workflows")).data;
      } catch {
        return [];
      }
    },
    enabled,
    retry: false,
    staleTime: 300_000,
  });

/** capabilitiesOf: what the conversation's channel can send (undefined while unknown). */
export function capabilitiesOf(channel: Channel | undefined, types: ChannelType[] | undefined): Capabilities | undefined {
  if (!channel || !types) return undefined;
  return types.find((t) => t.type === channel.type)?.capabilities;
}
