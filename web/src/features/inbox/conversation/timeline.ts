// The conversation's timeline: messages, internal comments and events
// merged into ONE ordered list. Pure, so the ordering rules are tested
// without a browser: by time, then by kind (the conversation's opening
// first, then what people wrote, then what the system did at the same
// instant), then by id; each item once.
import type { Comment, LogEvent, Message } from "../../../lib/types";

/** A message this tab is sending: shown at once as pending, failed with the error. */
export interface LocalMessage {
  localID: string;
  kind: "message" | "comment";
  text: string;
  createdAt: string;
  /** The server's id once the send was accepted (the fetched copy then wins). */
  serverID?: number;
  status: "pending" | "failed";
  error?: string;
  attachments?: string[];
  mentions?: number[];
  /** Written with AI help: sent with ai_assisted, shown with the AI mark. */
  aiAssisted?: boolean;
  /**
   * Its writer and the newest message (or, for a comment, comment) id the
   * tab had when it was sent: the server's copy may come through the live
   * socket before the send's own answer, and is known then as the first
   * one after it by the same person with the same text.
   */
  userID?: number;
  after?: number;
}

export type TimelineItem =
  | { kind: "message"; key: string; at: number; id: number; message: Message; local?: LocalMessage }
  | { kind: "comment"; key: string; at: number; id: number; comment: Comment; local?: LocalMessage }
  | { kind: "event"; key: string; at: number; id: number; event: LogEvent };

/** Events the timeline does not show: their message or comment is shown instead. */
const hidden = new Set(["message.received", "message.sent", "message.status", "message.reaction", "message.edited", "message.attachment", "comment.created", "comment.edited", "comment.deleted"]);

export function shownEvent(type: string): boolean {
  return !hidden.has(type) && !type.startsWith("contact.");
}

function rank(i: TimelineItem): number {
  if (i.kind === "event") return i.event.type === "conversation.opened" ? 0 : 2;
  return 1;
}

function time(s: string): number {
  const n = Date.parse(s);
  return Number.isNaN(n) ? 0 : n;
}

export function compareItems(a: TimelineItem, b: TimelineItem): number {
  if (a.at !== b.at) return a.at - b.at;
  const r = rank(a) - rank(b);
  if (r !== 0) return r;
  // Local items (negative ids) after the stored ones of the same instant.
  return a.id - b.id;
}

export interface TimelineInput {
  messages?: Message[];
  comments?: Comment[];
  events?: LogEvent[];
  local?: LocalMessage[];
  conversationID?: number;
  /**
   * since (ms) is the time of the oldest message loaded while older ones
   * remain to be read: comments and events before it are left out until
   * their messages are loaded, so nothing of long ago shows as if it came
   * just before the newest page.
   */
  since?: number;
}

/**
 * sideSince is mergeTimeline's since for the messages read so far
 * (undefined: not read yet) and whether older ones remain. Before the
 * messages are read, no comment or event shows: alone, an old one would
 * stand in the window, then vanish once the newest page hid it (and a
 * search's hit opening at it would have been shown, and lost, already).
 */
export function sideSince(messages: Message[] | undefined, older: boolean): number | undefined {
  if (!messages) return Number.POSITIVE_INFINITY;
  return older && messages.length ? Date.parse(messages[0]!.created_at) : undefined;
}

/** mergeTimeline builds the ordered, deduplicated list. */
export function mergeTimeline({ messages = [], comments = [], events = [], local = [], conversationID = 0, since }: TimelineInput): TimelineItem[] {
  const byKey = new Map<string, TimelineItem>();
  for (const m of messages) {
    byKey.set("m" + m.id, { kind: "message", key: "m" + m.id, at: time(m.created_at), id: m.id, message: m });
  }
  const shown = (at: number) => since === undefined || at >= since;
  for (const c of comments) {
    const at = time(c.created_at);
    if (shown(at)) byKey.set("c" + c.id, { kind: "comment", key: "c" + c.id, at, id: c.id, comment: c });
  }
  for (const e of events) {
    const at = time(e.created_at);
    if (!shownEvent(e.type) || !shown(at)) continue;
    byKey.set("e" + e.id, { kind: "event", key: "e" + e.id, at, id: e.id, event: e });
  }
  let n = 0;
  const claimed = new Set<string>();
  for (const l of local) {
    n++;
    const stored = l.serverID !== undefined ? byKey.has((l.kind === "message" ? "m" : "c") + l.serverID) : copyOf(l, messages, comments, claimed);
    if (stored) continue; // the server's copy is here: the local one has served
    const at = time(l.createdAt);
    const id = -1_000_000 + n; // sorts after stored items of the same ms, in sending order
    if (l.kind === "message") {
      const message: Message = {
        id: l.serverID ?? id,
        channel_id: 0,
        contact_id: 0,
        conversation_id: conversationID,
        content: null,
        created_at: l.createdAt,
        direction: "out",
        sender: "user",
        status: l.status,
        failure_reason: l.error,
        text: l.text,
        type: l.attachments?.length ? "attachment" : "text",
        workspace_id: 0,
        ...(l.aiAssisted ? { ai: "draft" as const } : {}),
      };
      byKey.set("l" + l.localID, { kind: "message", key: "l" + l.localID, at, id: Number.MAX_SAFE_INTEGER - 1000 + n, message, local: l });
    } else {
      const comment: Comment = { id: l.serverID ?? id, conversation_id: conversationID, created_at: l.createdAt, mentions: l.mentions ?? [], text: l.text };
      byKey.set("l" + l.localID, { kind: "comment", key: "l" + l.localID, at, id: Number.MAX_SAFE_INTEGER - 1000 + n, comment, local: l });
    }
  }
  return [...byKey.values()].sort(compareItems);
}

/**
 * copyOf finds, for a local message or comment whose send has not answered
 * yet, the server's copy the lists already hold: the first one after the
 * newest the tab had when sending, by the same person (a message: sent
 * out), with the same text, that no earlier local one claimed.
 */
function copyOf(l: LocalMessage, messages: Message[], comments: Comment[], claimed: Set<string>): boolean {
  if (l.after === undefined || l.userID === undefined) return false;
  const written =
    l.kind === "message"
      ? messages.filter((m) => m.direction === "out").map((m) => ({ key: "m" + m.id, id: m.id, by: m.sender_user_id, text: m.text }))
      : comments.map((c) => ({ key: "c" + c.id, id: c.id, by: c.user_id, text: c.text }));
  let found: (typeof written)[number] | undefined;
  for (const w of written) {
    if (w.id > l.after && !claimed.has(w.key) && w.by === l.userID && w.text === l.text && (!found || w.id < found.id)) found = w;
  }
  if (found) claimed.add(found.key);
  return !!found;
}

/** dedupeByID keeps the last copy of each id (pages fetched twice, a live copy). */
export function dedupeByID<T extends { id: number }>(list: T[]): T[] {
  const seen = new Map<number, T>();
  for (const x of list) seen.set(x.id, x);
  return [...seen.values()];
}
