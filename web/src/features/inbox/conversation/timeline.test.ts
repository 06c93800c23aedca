import { describe, expect, it } from "vitest";
import { mergeTimeline, dedupeByID, sideSince, type LocalMessage } from "./timeline";
import type { Comment, LogEvent, Message } from "../../../lib/types";

const msg = (id: number, at: string, extra: Partial<Message> = {}): Message => ({
  id,
  channel_id: 1,
  contact_id: 1,
  conversation_id: 9,
  content: null,
  created_at: at,
  direction: "in",
  sender: "contact",
  status: "received",
  text: "m" + id,
  type: "text",
  workspace_id: 1,
  ...extra,
});
const comment = (id: number, at: string): Comment => ({ id, conversation_id: 9, created_at: at, mentions: [], text: "c" + id });
const ev = (id: number, type: string, at: string, payload: object = {}): LogEvent => ({
  id,
  type,
  created_at: at,
  payload,
  workspace_id: 1,
  conversation_id: 9,
});
const keys = (items: ReturnType<typeof mergeTimeline>) => items.map((i) => i.key);

describe("mergeTimeline", () => {
  it("orders by time, then id", () => {
    const items = mergeTimeline({
      messages: [msg(3, "2026-01-01T10:00:02Z"), msg(2, "2026-01-01T10:00:01Z"), msg(1, "2026-01-01T10:00:01Z")],
    });
    expect(keys(items)).toEqual(["m1", "m2", "m3"]);
  });

  it("leaves out comments and events older than the messages loaded, while older messages remain", () => {
    // The timeline shows the newest page of messages first: a comment of
    // last year must not sit above it as if it came just before.
    const input = {
      messages: [msg(901, "2026-01-05T10:00:00Z"), msg(902, "2026-01-05T10:01:00Z")],
      comments: [comment(1, "2025-01-01T10:00:00Z"), comment(2, "2026-01-05T10:00:30Z")],
      events: [ev(1, "conversation.opened", "2025-01-01T09:00:00Z", { source: "contact" }), ev(2, "conversation.assigned", "2026-01-05T10:00:00Z")],
      local: [{ localID: "x", kind: "comment", text: "mine", createdAt: "2026-01-05T10:02:00Z", status: "pending" } as LocalMessage],
    };
    expect(keys(mergeTimeline({ ...input, since: Date.parse("2026-01-05T10:00:00Z") }))).toEqual(["m901", "e2", "c2", "m902", "lx"]);
    expect(keys(mergeTimeline(input))).toEqual(["e1", "c1", "m901", "e2", "c2", "m902", "lx"]);
  });

  it("shows no comment or event before the messages are read (sideSince), then those the messages' window holds", () => {
    // Read before the messages, an old note would show alone, then vanish
    // under the newest page: a search's hit opening at it lost it so.
    const newest = [msg(901, "2026-01-05T10:00:00Z"), msg(902, "2026-01-05T10:01:00Z")];
    const input = {
      comments: [comment(1, "2025-01-01T10:00:00Z"), comment(2, "2026-01-05T10:00:30Z")],
      local: [{ localID: "x", kind: "comment", text: "mine", createdAt: "2026-01-05T10:02:00Z", status: "pending" } as LocalMessage],
    };
    expect(keys(mergeTimeline({ ...input, since: sideSince(undefined, false) }))).toEqual(["lx"]);
    expect(keys(mergeTimeline({ ...input, messages: newest, since: sideSince(newest, true) }))).toEqual(["m901", "c2", "m902", "lx"]);
    expect(keys(mergeTimeline({ ...input, messages: newest, since: sideSince(newest, false) }))).toEqual(["c1", "m901", "c2", "m902", "lx"]);
    expect(keys(mergeTimeline({ ...input, messages: [], since: sideSince([], true) }))).toEqual(["c1", "c2", "lx"]);
  });

  it("interleaves events and comments with messages by time", () => {
    const items = mergeTimeline({
      messages: [msg(1, "2026-01-01T10:00:00.100Z"), msg(2, "2026-01-01T10:05:00Z")],
      comments: [comment(1, "2026-01-01T10:03:00Z")],
      events: [
        ev(10, "conversation.opened", "2026-01-01T10:00:00.100Z"),
        ev(11, "conversation.assigned", "2026-01-01T10:01:00Z"),
        ev(12, "conversation.closed", "2026-01-01T10:06:00Z"),
      ],
    });
    // The opening comes before the first message even at the same instant.
    expect(keys(items)).toEqual(["e10", "m1", "e11", "c1", "m2", "e12"]);
  });

  it("hides events that duplicate a message or a comment", () => {
    const items = mergeTimeline({
      messages: [msg(1, "2026-01-01T10:00:00Z")],
      events: [ev(5, "message.received", "2026-01-01T10:00:00Z"), ev(6, "comment.created", "2026-01-01T10:00:00Z")],
    });
    expect(keys(items)).toEqual(["m1"]);
  });

  it("dedupes items given twice", () => {
    const items = mergeTimeline({
      messages: [msg(1, "2026-01-01T10:00:00Z"), msg(1, "2026-01-01T10:00:00Z", { status: "read" })],
      events: [ev(3, "conversation.snoozed", "2026-01-01T10:01:00Z"), ev(3, "conversation.snoozed", "2026-01-01T10:01:00Z")],
    });
    expect(keys(items)).toEqual(["m1", "e3"]);
    const first = items[0]!;
    expect(first.kind === "message" && first.message.status).toBe("read");
    expect(dedupeByID([{ id: 1 }, { id: 2 }, { id: 1 }]).map((x) => x.id)).toEqual([1, 2]);
  });

  it("lands a message that arrives live in its place", () => {
    const before = mergeTimeline({
      messages: [msg(1, "2026-01-01T10:00:00Z"), msg(3, "2026-01-01T10:10:00Z")],
      events: [ev(20, "conversation.assigned", "2026-01-01T10:06:00Z")],
    });
    expect(keys(before)).toEqual(["m1", "e20", "m3"]);
    const after = mergeTimeline({
      messages: [msg(1, "2026-01-01T10:00:00Z"), msg(3, "2026-01-01T10:10:00Z"), msg(2, "2026-01-01T10:05:00Z")],
      events: [ev(20, "conversation.assigned", "2026-01-01T10:06:00Z")],
    });
    expect(keys(after)).toEqual(["m1", "m2", "e20", "m3"]);
  });

  it("shows a local message as pending, then lets the server's copy replace it", () => {
    const local: LocalMessage = { localID: "a", kind: "message", text: "hi", createdAt: "2026-01-01T10:20:00Z", status: "pending" };
    const pending = mergeTimeline({ messages: [msg(1, "2026-01-01T10:00:00Z")], local: [local] });
    expect(keys(pending)).toEqual(["m1", "la"]);
    const it0 = pending[1]!;
    expect(it0.kind === "message" && it0.message.status).toBe("pending");
    expect(it0.kind === "message" && it0.message.direction).toBe("out");

    const stored = mergeTimeline({
      messages: [msg(1, "2026-01-01T10:00:00Z"), msg(7, "2026-01-01T10:20:00.200Z", { direction: "out", status: "sent" })],
      local: [{ ...local, serverID: 7 }],
    });
    expect(keys(stored)).toEqual(["m1", "m7"]);
  });

  it("knows the server's copy that came before the send's answer, once per local message", () => {
    const base = { kind: "message" as const, createdAt: "2026-01-01T10:20:00Z", status: "pending" as const, userID: 4, after: 1 };
    const locals: LocalMessage[] = [
      { ...base, localID: "a", text: "ok" },
      { ...base, localID: "b", text: "ok" },
    ];
    const out = (id: number, extra: Partial<Message> = {}) =>
      msg(id, "2026-01-01T10:20:00.100Z", { direction: "out", sender: "user", sender_user_id: 4, text: "ok", ...extra });
    // The first "ok" is stored: it stands for the first local one only.
    expect(keys(mergeTimeline({ messages: [msg(1, "2026-01-01T10:00:00Z"), out(5)], local: locals })).sort()).toEqual(["lb", "m1", "m5"]);
    // Not another person's message, nor one from before the send, nor other words.
    for (const other of [out(5, { sender_user_id: 8 }), out(1), out(5, { text: "okay" })]) {
      expect(keys(mergeTimeline({ messages: [other], local: [locals[0]!] }))).toContain("la");
    }
  });

  it("knows a comment's server copy that came before the post's answer", () => {
    const local: LocalMessage = { localID: "n", kind: "comment", text: "checking", createdAt: "2026-01-01T10:20:00Z", status: "pending", userID: 4, after: 3 };
    const comment = (id: number, extra: Partial<Comment> = {}): Comment => ({
      id, conversation_id: 9, created_at: "2026-01-01T10:20:00.100Z", mentions: [], text: "checking", user_id: 4, ...extra,
    });
    expect(keys(mergeTimeline({ comments: [comment(5)], local: [local] }))).toEqual(["c5"]);
    // Not another person's, nor one from before the post, nor other words.
    for (const other of [comment(5, { user_id: 8 }), comment(3), comment(5, { text: "checked" })]) {
      expect(keys(mergeTimeline({ comments: [other], local: [local] }))).toContain("ln");
    }
  });

  it("keeps a failed local message with its error", () => {
    const local: LocalMessage = { localID: "b", kind: "comment", text: "note", createdAt: "2026-01-01T10:20:00Z", status: "failed", error: "boom" };
    const items = mergeTimeline({ local: [local] });
    expect(items[0]!.kind).toBe("comment");
    expect(items[0]!.kind === "comment" && items[0]!.local?.error).toBe("boom");
  });
});
