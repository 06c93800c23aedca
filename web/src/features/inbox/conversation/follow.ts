// The open conversation follows the socket without reading its pages
// again: a message written reads the messages after the newest one held
// (?after=), one request however many pages the agent scrolled back
// through; a status or a reaction is applied from the event itself; an
// edit or a fetched attachment reads that one message. Invalidating the
// key instead re-read every loaded page, from the newest, on every event.
import type { InfiniteData, QueryClient } from "@tanstack/react-query";
import { api, type Page } from "../../../lib/api";
import { qk } from "../../../lib/queryKeys";
import type { LogEvent, Message } from "../../../lib/types";
import type { MessagePages } from "./data";

/** newerLimit: the most messages one read after the newest brings; more, and the pages are read again. */
export const newerLimit = 200;

/**
 * followedMeta marks a query that a follower keeps current while it is
 * shown: the socket's invalidation leaves it alone then (liveContext.tsx),
 * and marks it stale only once nobody shows it.
 */
export const followedMeta = { followed: true } as const;

type Payload = { message_id?: number; status?: Message["status"]; reason?: string; reaction?: string };

/** payloadOf reads the fields of a message event the follower uses. */
function payloadOf(e: LogEvent): Payload {
  return e.payload && typeof e.payload === "object" ? (e.payload as Payload) : {};
}

/** fromEvent is the change an event carries in full (a status, a reaction), or null when the message must be read. */
export function fromEvent(e: LogEvent): ((m: Message) => Message) | null {
  const p = payloadOf(e);
  if (e.type === "message.status" && p.status) {
    const status = p.status;
    // The reason of another status is a note (SMS segments, "retried"),
    // never shown as a failure: the server keeps it out of failure_reason.
    return (m) => ({ ...m, status, failure_reason: status === "failed" ? (p.reason ?? m.failure_reason) : undefined });
  }
  if (e.type === "message.reaction" && p.reaction !== undefined) return (m) => ({ ...m, reaction: p.reaction || undefined });
  return null;
}

/** Pages is what an infinite query of a conversation's list holds: newest first. */
export type Pages<T> = InfiniteData<Page<T>, string | undefined>;

/** newestID is the id of the newest item the pages hold (0: none). */
export function newestID<T extends { id: number }>(d: Pages<T>): number {
  let n = 0;
  for (const p of d.pages) for (const m of p.data) if (m.id > n) n = m.id;
  return n;
}

/**
 * mergeMessages replaces the copies the pages hold of the messages (or
 * comments, events) given and puts the others in the newest page, in
 * their place (newest first, as the pages are).
 */
export function mergeMessages<T extends { id: number }>(d: Pages<T> | undefined, list: T[]): Pages<T> | undefined {
  if (!d || d.pages.length === 0 || list.length === 0) return d;
  const byID = new Map(list.map((m) => [m.id, m]));
  const pages = d.pages.map((p) => ({
    ...p,
    data: p.data.map((m) => {
      const x = byID.get(m.id);
      if (!x) return m;
      byID.delete(m.id);
      return x;
    }),
  }));
  // Newest first by id: a message committed after a newer one (see
  // hear) goes in its place, not above the newer.
  const added = [...byID.values()];
  pages[0] = { ...pages[0]!, data: [...added, ...pages[0]!.data].sort((a, b) => b.id - a.id) };
  return { ...d, pages };
}

/**
 * MessageFollower gathers what the socket said of one conversation and
 * applies it to the loaded pages, one batch at a time. It never writes
 * while the query reads pages (the first one, an older one, or all again
 * after a gap): those reads write back pages read before, so it waits for
 * them to settle (settled()) and does its batch again when one started
 * meanwhile.
 */
export class MessageFollower {
  private newer = false;
  private written = new Set<number>();
  private events = new Map<number, LogEvent[]>();
  private running = false;
  private stopped = false;

  constructor(
    private qc: QueryClient,
    private id: number,
  ) {}

  private get key() {
    return qk.messages(this.id);
  }

  private fetching(): boolean {
    return this.qc.getQueryState(this.key)?.fetchStatus === "fetching";
  }

  hear(e: LogEvent) {
    if (e.conversation_id !== this.id) return;
    if (e.type === "message.received" || e.type === "message.sent") {
      this.newer = true;
      // Named too: on PostgreSQL two writers may commit a conversation's
      // messages out of id order, and one whose id is below the newest
      // held is not among the messages read after it.
      const mid = Number(payloadOf(e).message_id);
      if (mid) this.written.add(mid);
    } else if (e.type === "message.status" || e.type === "message.reaction" || e.type === "message.edited" || e.type === "message.attachment") {
      const mid = Number(payloadOf(e).message_id);
      if (!mid) return;
      this.events.set(mid, [...(this.events.get(mid) ?? []), e]);
    } else return;
    void this.drain();
  }

  /** settled: the query's read ended; what was heard meanwhile is applied now. */
  settled() {
    void this.drain();
  }

  stop() {
    this.stopped = true;
  }

  private async drain(): Promise<void> {
    if (this.running || this.stopped || (!this.newer && this.events.size === 0) || this.fetching()) return;
    const held = this.qc.getQueryData<MessagePages>(this.key);
    if (!held || held.pages.length === 0) {
      // Nothing read yet and no read running: the first read brings it all.
      this.newer = false;
      this.events.clear();
      this.written.clear();
      return;
    }
    const newer = this.newer;
    const events = this.events;
    const written = this.written;
    this.newer = false;
    this.events = new Map();
    this.written = new Set();
    this.running = true;
    try {
      const heldIDs = new Set(held.pages.flatMap((p) => p.data.map((m) => m.id)));
      // A message the pages do not hold needs nothing: its page, or the
      // read after the newest, brings it as it is.
      const reread = [...events].filter(([mid, list]) => heldIDs.has(mid) && list.some((e) => !fromEvent(e))).map(([mid]) => mid);
      // A message written below the newest held (committed after a
      // newer one) is read by its id: the read after the newest misses it.
      const newest = newestID(held);
      for (const mid of written) if (mid < newest && !heldIDs.has(mid) && !reread.includes(mid)) reread.push(mid);
      const [fresh, copies] = await Promise.all([
        newer ? api.get<Page<Message>>(`/api/v1/conversations/${this.id}/messages`, { after: newest, limit: newerLimit }) : undefined,
        Promise.all(reread.map((mid) => api.get<Message>(`/api/v1/messages/${mid}`))),
      ]);
      if (this.stopped) return;
      if (fresh?.next_cursor) {
        // More written meanwhile than one read brings: the pages again.
        void this.qc.invalidateQueries({ queryKey: this.key });
        return;
      }
      const reading = this.fetching();
      this.qc.setQueryData<MessagePages>(this.key, (d) => {
        let out = d;
        for (const [mid, list] of events) {
          if (reread.includes(mid)) continue;
          for (const e of list) {
            const fn = fromEvent(e)!;
            out = out && { ...out, pages: out.pages.map((p) => ({ ...p, data: p.data.map((m) => (m.id === mid ? fn(m) : m)) })) };
          }
        }
        return mergeMessages(out, [...copies, ...(fresh?.data ?? [])]);
      });
      if (reading) {
        // A read of pages started while this one ran: it will write back
        // what it read before; this batch is done again once it settles.
        this.newer ||= newer;
        for (const [mid, list] of events) this.events.set(mid, [...list, ...(this.events.get(mid) ?? [])]);
        for (const mid of written) this.written.add(mid);
      }
    } catch {
      // The targeted read failed: read the pages again, as before.
      if (!this.stopped) void this.qc.invalidateQueries({ queryKey: this.key });
    } finally {
      this.running = false;
    }
    void this.drain();
  }
}
