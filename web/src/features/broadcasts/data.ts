// The broadcasts' server state: the list (paged by cursor), one broadcast
// and its recipients (followed every few seconds while it is scheduled or
// sending, so its numbers move, then by the socket's message events), the
// audience's estimate, and the changes.
import { useEffect, useRef } from "react";
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, type Page } from "../../lib/api";
import { useLive } from "../../lib/liveContext";
import { useDebounced } from "../../lib/useDebounced";
import { cleanAudience, keys, type Audience, type Broadcast, type BroadcastInput, type Recipient } from "./types";

/** How often a sending broadcast's page asks again (a scheduled one's, once its time is near). */
export const FOLLOW_MS = 3000;

/**
 * followIn is when to read a broadcast again: every `every` ms while it is
 * sent, at its time while it is scheduled (a broadcast due in two days is
 * not asked about every few seconds; an hour at most, so a changed
 * schedule shows), never once it went.
 */
export function followIn(b: Pick<Broadcast, "status" | "scheduled_at">, now: number, every: number): number | false {
  if (b.status === "sending") return every;
  if (b.status !== "scheduled") return false;
  const until = b.scheduled_at ? Date.parse(b.scheduled_at) - now : 0;
  return Math.min(Math.max(until, every), 60 * 60 * 1000);
}

/** soonest of several follows, false when none. */
function soonest(follows: (number | false)[]): number | false {
  const due = follows.filter((f): f is number => f !== false);
  return due.length ? Math.min(...due) : false;
}
const PAGE = 50;

export function useBroadcastList() {
  return useInfiniteQuery({
    queryKey: keys.list,
    queryFn: ({ pageParam, signal }) => api.get<Page<Broadcast>>("/api/v1/broadcasts", { limit: PAGE, cursor: pageParam || undefined }, signal),
    initialPageParam: "",
    getNextPageParam: (last) => last.next_cursor || undefined,
    // A list with a broadcast on its way follows it too (its numbers, its
    // status turning to sent).
    refetchInterval: (q) => soonest((q.state.data?.pages ?? []).flatMap((p) => p.data.map((b) => followIn(b, Date.now(), FOLLOW_MS * 2)))),
  });
}

export function useBroadcast(id: number) {
  return useQuery({
    queryKey: keys.one(id),
    queryFn: ({ signal }) => api.get<Broadcast>(`/api/v1/broadcasts/${id}`, undefined, signal),
    enabled: id > 0,
    refetchInterval: (q) => (q.state.data ? followIn(q.state.data, Date.now(), FOLLOW_MS) : false),
  });
}

/** How long a burst of message events is gathered before a sent broadcast is read again. */
export const RECEIPTS_MS = 2000;

/**
 * useFollowReceipts: once a broadcast has gone its status stops moving, but
 * its numbers do not — its messages are delivered, read and answered for
 * hours. The socket's message events say when: the broadcast and its
 * recipients are read again, at most once per burst (the events do not
 * say which broadcast a message belongs to).
 */
export function useFollowReceipts(id: number, on: boolean) {
  const qc = useQueryClient();
  const { subscribe } = useLive();
  useEffect(() => {
    if (!on) return;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const off = subscribe((e) => {
      if (e.type !== "message.status" && e.type !== "message.received") return;
      timer ??= setTimeout(() => {
        timer = null;
        // The broadcast alone: its recipients follow its numbers (useRecipientsFollow).
        void qc.invalidateQueries({ queryKey: keys.one(id), exact: true });
      }, RECEIPTS_MS);
    });
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, [id, on, subscribe, qc]);
}

/** useRecipients: who the broadcast went to, narrowed to one status ("" for all), a page at a time. */
export function useRecipients(id: number, status: string) {
  return useInfiniteQuery({
    queryKey: keys.recipients(id, status),
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<Recipient>>(`/api/v1/broadcasts/${id}/recipients`, { limit: PAGE, status: status || undefined, cursor: pageParam || undefined }, signal),
    initialPageParam: "",
    getNextPageParam: (last) => last.next_cursor || undefined,
    placeholderData: keepPreviousData,
  });
}

/**
 * useRecipientsFollow: the recipients' statuses are what the broadcast's
 * numbers count, so when the numbers (or its status) move, every list of
 * its recipients is read again — the open one now, the others when shown.
 * Polled on their own, the list's last read could fall before the
 * broadcast's, and stay behind once it is sent.
 */
export function useRecipientsFollow(b: Broadcast) {
  const qc = useQueryClient();
  const version = b.status + JSON.stringify(b.stats);
  const seen = useRef(version);
  useEffect(() => {
    if (seen.current === version) return;
    seen.current = version;
    void qc.invalidateQueries({ queryKey: [...keys.one(b.id), "recipients"] });
  }, [version, b.id, qc]);
}

/**
 * useAudienceCount: how many contacts the audience reaches on the channel
 * now, asked once the filters have stayed the same for a moment (a typed
 * search is not asked letter by letter).
 */
export function useAudienceCount(channelID: number, audience: Audience) {
  const now = JSON.stringify({ channelID, audience: cleanAudience(audience) });
  const wanted = useDebounced(now, 400);
  const asked = JSON.parse(wanted) as { channelID: number; audience: Audience };
  const q = useQuery({
    queryKey: keys.audience(asked.channelID, asked.audience),
    // A POST that changes nothing: the audience is a body, as the broadcast stores it.
    queryFn: () => api.post<{ count: number }>("/api/v1/broadcasts/audience", { channel_id: asked.channelID, audience: asked.audience }),
    enabled: asked.channelID > 0,
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
  // The count of filters since changed is not theirs: none until they are asked.
  return { ...q, count: q.isPlaceholderData || wanted !== now ? undefined : q.data?.count };
}

/** useSaveDraft creates the broadcast (id 0) or edits its draft, and keeps the lists in step. */
export function useSaveDraft() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input }: { id: number; input: BroadcastInput }) =>
      id ? api.patch<Broadcast>(`/api/v1/broadcasts/${id}`, input) : api.post<Broadcast>("/api/v1/broadcasts", input),
    onSuccess: (b) => {
      qc.setQueryData(keys.one(b.id), b);
      void qc.invalidateQueries({ queryKey: keys.list });
    },
  });
}

/** useBroadcastAction: send (now or at scheduled_at), or cancel; the answer is the broadcast as it now is. */
export function useBroadcastAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action, scheduledAt }: { id: number; action: "send" | "cancel"; scheduledAt?: string }) =>
      action === "send"
        ? api.post<Broadcast>(`/api/v1/broadcasts/${id}/send`, scheduledAt ? { scheduled_at: scheduledAt } : {})
        : api.post<Broadcast>(`/api/v1/broadcasts/${id}/cancel`),
    onSuccess: (b) => {
      qc.setQueryData(keys.one(b.id), b);
      void qc.invalidateQueries({ queryKey: keys.list });
      void qc.invalidateQueries({ queryKey: [...keys.one(b.id), "recipients"] });
    },
  });
}

export function useDeleteBroadcast() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api.del(`/api/v1/broadcasts/${id}`),
    onSuccess: (_v, id) => {
      qc.removeQueries({ queryKey: keys.one(id) });
      void qc.invalidateQueries({ queryKey: keys.list });
    },
  });
}
