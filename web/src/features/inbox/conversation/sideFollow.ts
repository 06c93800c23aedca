// The open conversation's comments and timeline events follow the socket
// as its messages do (follow.ts), without reading their pages again: a
// comment written reads the comments after the newest one held
// (?after=), one request however many pages are loaded; a timeline event
// is the item itself, put in place from the socket with no request (the
// socket sends each event as GET …/events lists it, up to the log's
// horizon, so in id order). Invalidating the key instead re-read every
// loaded page, up to 20 of 200, on every event. A comment rewritten is
// read alone (GET …/comments/{id}) and replaces its copy; one deleted
// leaves the pages with no request.
import type { QueryClient, QueryKey } from "@tanstack/react-query";
import { ApiError, type Page } from "../../../lib/api";
import type { LogEvent } from "../../../lib/types";
import { mergeMessages, newestID, type Pages } from "./follow";

/** afterLimit: the most items one read after the newest brings; more, and the pages are read again. */
export const afterLimit = 200;

export interface SideSource<T> {
  /**
   * heard is what an event of the conversation brings: the item itself
   * (item), or the id of one written that must be read (written: 0 when
   * the event names none), or null when the list is not concerned.
   */
  heard(e: LogEvent): { item: T } | { written: number } | { changed: number } | { removed: number } | null;
  /** readAfter reads the items after an id, oldest first (?after=, limit afterLimit). */
  readAfter?: (after: number) => Promise<Page<T>>;
  /** readOne reads one item again (one changed). */
  readOne?: (id: number) => Promise<T>;
}

/** dropItems takes the items of ids out of the pages. */
function dropItems<T extends { id: number }>(d: Pages<T> | undefined, ids: Set<number>): Pages<T> | undefined {
  if (!d || ids.size === 0) return d;
  return { ...d, pages: d.pages.map((p) => ({ ...p, data: p.data.filter((x) => !ids.has(x.id)) })) };
}

/**
 * SideFollower applies what the socket said of one conversation to a
 * list's loaded pages, one batch at a time. As the message follower, it
 * never writes while the query reads pages (their read writes back pages
 * read before): it waits for settled() and does its batch again when a
 * read started meanwhile.
 */
export class SideFollower<T extends { id: number }> {
  private items = new Map<number, T>();
  private written = new Set<number>();
  private changed = new Set<number>();
  private removed = new Set<number>();
  private newer = false;
  private running = false;
  private stopped = false;

  constructor(
    private qc: QueryClient,
    private key: QueryKey,
    private id: number,
    private source: SideSource<T>,
  ) {}

  private fetching(): boolean {
    return this.qc.getQueryState(this.key)?.fetchStatus === "fetching";
  }

  hear(e: LogEvent) {
    if (e.conversation_id !== this.id) return;
    const h = this.source.heard(e);
    if (!h) return;
    if ("item" in h) this.items.set(h.item.id, h.item);
    else if ("changed" in h) this.changed.add(h.changed);
    else if ("removed" in h) this.removed.add(h.removed);
    else if (h.written) this.written.add(h.written);
    else this.newer = true;
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
    const idle = !this.newer && this.items.size === 0 && this.written.size === 0 && this.changed.size === 0 && this.removed.size === 0;
    if (this.running || this.stopped || idle || this.fetching()) return;
    const held = this.qc.getQueryData<Pages<T>>(this.key);
    const items = this.items;
    const written = this.written;
    const changed = this.changed;
    const removed = this.removed;
    const newer = this.newer;
    this.items = new Map();
    this.written = new Set();
    this.changed = new Set();
    this.removed = new Set();
    this.newer = false;
    // Nothing read yet and no read running: the first read brings it all.
    if (!held || held.pages.length === 0) return;
    this.running = true;
    try {
      const heldIDs = new Set(held.pages.flatMap((p) => p.data.map((x) => x.id)));
      const newest = newestID(held);
      const missing = [...written].filter((x) => !heldIDs.has(x));
      let fresh: Page<T> | undefined;
      if ((newer || missing.length > 0) && this.source.readAfter) {
        // On PostgreSQL two writers may commit a conversation's comments
        // out of id order: one written below the newest held is not after
        // it. There is no read of one comment: the read starts just below
        // the lowest such id instead (the items between come again, and
        // replace their copies), still one request.
        const from = Math.min(newest, ...missing.map((x) => x - 1));
        fresh = await this.source.readAfter(Math.max(from, 0));
      }
      // Only those shown are read again; one deleted since reads as 404.
      const reread: T[] = [];
      for (const x of changed) {
        if (!heldIDs.has(x) || removed.has(x) || !this.source.readOne) continue;
        try {
          reread.push(await this.source.readOne(x));
        } catch (err) {
          if (!(err instanceof ApiError && err.status === 404)) throw err;
          removed.add(x);
        }
      }
      if (this.stopped) return;
      if (fresh?.next_cursor) {
        // More written meanwhile than one read brings: the pages again.
        void this.qc.invalidateQueries({ queryKey: this.key });
        return;
      }
      const reading = this.fetching();
      const kept = (x: T) => !removed.has(x.id);
      this.qc.setQueryData<Pages<T>>(this.key, (d) =>
        dropItems(mergeMessages(d, [...items.values(), ...(fresh?.data ?? []), ...reread].filter(kept)), removed),
      );
      if (reading) {
        // A read of pages started while this one ran: it will write back
        // what it read before; this batch is done again once it settles.
        for (const [k, v] of items) if (!this.items.has(k)) this.items.set(k, v);
        for (const x of written) this.written.add(x);
        for (const x of changed) this.changed.add(x);
        for (const x of removed) this.removed.add(x);
        this.newer ||= newer;
      }
    } catch {
      // The read failed: read the pages again, as before.
      if (!this.stopped) void this.qc.invalidateQueries({ queryKey: this.key });
    } finally {
      this.running = false;
    }
    void this.drain();
  }
}
