// The transcript: messages, notes and what happened, in order at each
// instant, in the workspace's time zone and the reader's language; a
// message's later lines indented under it, what is not text said in words.
import { describe, expect, it } from "vitest";
import i18n from "../../../lib/i18n";
import type { Comment, LogEvent, Message } from "../../../lib/types";
import type { Names } from "./eventText";
import { transcriptFileName, transcriptText, type TranscriptParts } from "./transcript";

const users: Record<number, string> = { 2: "Ana", 3: "Bob" };
const names: Names = {
  user: (id) => (id ? users[id] : undefined),
  team: () => undefined,
  workflow: () => undefined,
  contact: "Ada Lovelace",
  channel: "Website chat",
  time: (iso) => iso,
};
const msg = (id: number, at: string, m: Partial<Message>): Message =>
  ({ id, created_at: at, workspace_id: 1, channel_id: 1, contact_id: 9, content: null, direction: "in", sender: "contact", status: "received", text: "", type: "text", ...m }) as Message;
const ev = (id: number, at: string, type: string, payload: object): LogEvent => ({ id, type, payload, created_at: at, workspace_id: 1 }) as LogEvent;
const note = (id: number, at: string, user_id: number, text: string): Comment => ({ id, created_at: at, conversation_id: 12, user_id, text, mentions: [] }) as Comment;

const parts: TranscriptParts = {
  events: [
    ev(1, "2026-03-02T09:00:00Z", "conversation.opened", { source: "contact" }),
    ev(5, "2026-03-02T09:01:00Z", "conversation.assigned", { assignee_id: 3, by_user_id: 2 }),
    ev(9, "2026-03-02T09:30:00Z", "conversation.closed", { source: "user", user_id: 3 }),
  ],
  messages: [
    msg(2, "2026-03-02T09:00:00Z", { text: "Hello,\nmy order is late" }),
    msg(6, "2026-03-02T09:02:00Z", { direction: "out", sender: "user", sender_user_id: 3, text: "Let me check.", status: "read" }),
    msg(7, "2026-03-02T09:03:00Z", { type: "attachment", content: { attachment: { type: "file", file_name: "invoice.pdf" } } }),
    msg(8, "2026-03-02T09:04:00Z", { direction: "out", sender: "workflow", text: "Rate us", status: "failed", failure_reason: "window closed" }),
  ],
  comments: [note(4, "2026-03-02T09:02:30Z", 2, "They paid twice")],
  cut: false,
};

describe("transcript", () => {
  it("tells the whole conversation in order", () => {
    const text = transcriptText(parts, {
      conversation: { id: 12, opened_at: "2026-03-02T09:00:00Z", closed_at: "2026-03-02T09:30:00Z" },
      contactName: "Ada Lovelace",
      channelName: "Website chat",
      names,
      tz: "Europe/Paris",
      lang: "en-GB",
      t: i18n.getFixedT("en"),
    });
    expect(text.split("\n")).toEqual([
      "Conversation #12 with Ada Lovelace",
      "Channel: Website chat · Opened 2 Mar 2026, 10:00 · Closed 2 Mar 2026, 10:30",
      "Times in Europe/Paris",
      "",
      "[2 Mar 2026, 10:00] — Ada Lovelace opened the conversation on Website chat",
      "[2 Mar 2026, 10:00] Ada Lovelace: Hello,",
      "    my order is late",
      "[2 Mar 2026, 10:01] — Ana assigned it to Bob",
      "[2 Mar 2026, 10:02] Bob: Let me check.",
      "[2 Mar 2026, 10:02] Internal note by Ana: They paid twice",
      "[2 Mar 2026, 10:03] Ada Lovelace: [attachment: invoice.pdf]",
      "[2 Mar 2026, 10:04] Workflow: Rate us [not delivered: window closed]",
      "[2 Mar 2026, 10:30] — Bob closed the conversation",
      "",
    ]);
  });

  it("is written in French for a French reader, and says where it stops", () => {
    const text = transcriptText(
      { ...parts, events: [], comments: [], messages: parts.messages.slice(0, 1), cut: true },
      {
        conversation: { id: 12, opened_at: "2026-03-02T09:00:00Z" },
        contactName: "Ada Lovelace",
        names,
        tz: "UTC",
        lang: "fr",
        t: i18n.getFixedT("fr"),
      },
    );
    expect(text).toContain("Conversation n° 12 avec Ada Lovelace\nOuverte le 2 mars 2026, 09:00\nHeures de UTC\n");
    expect(text).toContain("La transcription s'arrête ici");
    expect(transcriptFileName(12)).toBe("conversation-12.txt");
  });
});
