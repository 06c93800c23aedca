// The live socket: one WebSocket per tab to /api/v1/live. It keeps the id
// of the last event it got (the cursor) and reconnects from it, so nothing
// is missed or repeated across a drop; it checks each conversation's
// sequence numbers, and reports a gap (an event it can never have seen,
// e.g. one that was not visible then) so that conversation is fetched again.
import type { LogEvent } from "./types";

export interface TypingNotice {
  conversation_id: number;
  user_id: number;
  state: "start" | "stop";
}

export interface LiveHandlers {
  onEvent(e: LogEvent): void;
  /** A conversation's events skipped from `had` to `got`: fetch it again. */
  onGap(conversationID: number): void;
  onTyping(t: TypingNotice): void;
  /**
   * The socket is open (true) or down and retrying (false). fromHead: it
   * has no cursor (the server's hello never came), so it opens at the
   * log's head, and what happened before that is on no page read earlier.
   */
  onStatus?(connected: boolean, fromHead: boolean): void;
  /** The server closed with 4401: the credentials no longer hold. */
  onSignedOut?(): void;
}

/** SeqTracker remembers each conversation's last seq and says when one skips. */
export class SeqTracker {
  private last = new Map<number, number>();
  /**
   * see records an event and answers "gap" when seq jumps past last+1 (the
   * conversation has events this tab missed), "dup" for a seq already
   * seen, "ok" otherwise. An unknown conversation starts wherever it is.
   */
  see(conversationID: number, seq: number): "ok" | "gap" | "dup" {
    const had = this.last.get(conversationID);
    if (had !== undefined && seq <= had) return "dup";
    this.last.set(conversationID, seq);
    if (had === undefined || seq === had + 1) return "ok";
    return "gap";
  }
  /** known sets what a fetched conversation is up to (its last_seq). */
  known(conversationID: number, seq: number) {
    const had = this.last.get(conversationID) ?? 0;
    if (seq > had) this.last.set(conversationID, seq);
  }
}

/** Backoff for reconnects: 0.5 s doubling to 15 s, with jitter. */
export function reconnectDelay(attempt: number, random = Math.random): number {
  const base = Math.min(15000, 500 * 2 ** attempt);
  return Math.round(base / 2 + (random() * base) / 2);
}

export class LiveSocket {
  private ws: WebSocket | null = null;
  private cursor: number | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  readonly seqs = new SeqTracker();

  constructor(
    private handlers: LiveHandlers,
    private url = defaultURL(),
  ) {}

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.ws?.close(1000);
    this.ws = null;
  }

  /** typing tells the others this person started or stopped replying. */
  typing(conversationID: number, state: "start" | "stop") {
    this.send({ type: "typing", conversation_id: conversationID, state });
  }

  heartbeat() {
    this.send({ type: "heartbeat" });
  }

  private send(frame: object) {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
  }

  private connect() {
    const url = this.cursor === null ? this.url : `${this.url}${this.url.includes("?") ? "&" : "?"}after=${this.cursor}`;
    const fromHead = this.cursor === null;
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.onmessage = (m) => this.frame(String(m.data));
    ws.onopen = () => {
      this.attempt = 0;
      this.handlers.onStatus?.(true, fromHead);
    };
    ws.onclose = (c) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.handlers.onStatus?.(false, this.cursor === null);
      // 4401: the credentials the socket was opened with ended. The app
      // reads the session again; signed out, it unmounts the socket
      // (stop), and the reconnect below never happens. Still signed in
      // (the person signed in again in another tab, with a new cookie),
      // the socket comes back with it rather than leaving the tab deaf.
      if (c.code === 4401) this.handlers.onSignedOut?.();
      if (this.stopped) return;
      this.timer = setTimeout(() => this.connect(), reconnectDelay(this.attempt++));
    };
  }

  private frame(data: string) {
    let f: { type: string; cursor?: number; event?: LogEvent } & Partial<TypingNotice>;
    try {
      f = JSON.parse(data);
    } catch {
      return;
    }
    switch (f.type) {
      case "hello":
        if (this.cursor === null && typeof f.cursor === "number") this.cursor = f.cursor;
        break;
      case "event": {
        const e = f.event!;
        this.cursor = Math.max(this.cursor ?? 0, e.id);
        if (e.conversation_id && e.seq) {
          const seen = this.seqs.see(e.conversation_id, e.seq);
          if (seen === "dup") return;
          if (seen === "gap") this.handlers.onGap(e.conversation_id);
        }
        this.handlers.onEvent(e);
        break;
      }
      case "typing":
        this.handlers.onTyping(f as TypingNotice);
        break;
    }
  }
}

function defaultURL(): string {
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  return `${proto}//${location.host}/api/v1/live`;
}
