// A conversation's transcript: its messages, internal comments and what
// happened to it (opened, assigned, snoozed, closed), in order, as plain
// text a person can attach to a ticket, forward or archive. Written in the
// reader's language with the workspace's time zone and in the order the
// timeline shows them; built in the browser from the lists it reads.
import type { TFunction } from "i18next";
import { allPages } from "../../../lib/api";
import type { Comment, Conversation, LogEvent, Message } from "../../../lib/types";
import { describeEvent, type Names } from "./eventText";
import { attachmentOf, attachmentsOf, locationOf, quickReplies, senderName, unsupportedType } from "./messageContent";
import { formatDateTime } from "./time";
import { mergeTimeline } from "./timeline";
import { timelineEvents } from "./timelineWindow";

/** The events a transcript tells: the timeline's of the conversation itself, not each workflow step. */
export const transcriptEvents = timelineEvents.filter((type) => type.startsWith("conversation."));

/** A list longer than this many pages of 200 is cut, and the transcript says so. */
const maxPages = 1000;

export interface TranscriptParts {
  messages: Message[];
  comments: Comment[];
  events: LogEvent[];
  /** Some list was longer than the transcript reads. */
  cut: boolean;
}

/** fetchTranscriptParts reads a conversation's messages, comments and events whole, oldest first. */
export async function fetchTranscriptParts(id: number, signal?: AbortSignal): Promise<TranscriptParts> {
  const base = `/api/v1/conversations/${id}`;
  const [messages, comments, events] = await Promise.all([
    allPages<Message>(`${base}/messages`, undefined, signal, maxPages),
    allPages<Comment>(`${base}/comments`, undefined, signal, maxPages),
    allPages<LogEvent>(`${base}/events`, { types: transcriptEvents.join(",") }, signal, maxPages),
  ]);
  return {
    messages: messages.data,
    comments: comments.data,
    events: events.data,
    cut: !!(messages.next_cursor || comments.next_cursor || events.next_cursor),
  };
}

export interface TranscriptContext {
  conversation: Pick<Conversation, "id" | "opened_at" | "closed_at">;
  contactName: string;
  channelName?: string;
  names: Names;
  tz: string;
  lang: string;
  t: TFunction;
}

/** transcriptText writes the transcript, in the timeline's order (mergeTimeline). */
export function transcriptText(parts: TranscriptParts, ctx: TranscriptContext): string {
  const { t, tz, lang, conversation: c } = ctx;
  const k = (key: string, opts?: Record<string, unknown>) => t(`conversation.transcript.${key}`, opts ?? {});
  const when = (iso: string) => formatDateTime(iso, lang, tz);
  const lines = mergeTimeline({ messages: parts.messages, comments: parts.comments, events: parts.events, conversationID: c.id }).map((i) => {
    switch (i.kind) {
      case "event":
        return `[${when(i.event.created_at)}] — ${indent(describeEvent(i.event, t, ctx.names).text)}`;
      case "message":
        return `[${when(i.message.created_at)}] ${senderName(i.message, ctx.names, ctx.contactName, t)}: ${indent(messageText(i.message, k))}`;
      case "comment": {
        const who = ctx.names.user(i.comment.user_id) ?? t("conversation.sender.user");
        return `[${when(i.comment.created_at)}] ${k("note", { name: who })}: ${indent(i.comment.text)}`;
      }
    }
  });

  const head = [k("title", { id: c.id, name: ctx.contactName })];
  const about = [ctx.channelName ? k("channel", { name: ctx.channelName }) : "", k("opened", { at: when(c.opened_at) })];
  if (c.closed_at) about.push(k("closed", { at: when(c.closed_at) }));
  head.push(about.filter(Boolean).join(" · "), k("zone", { tz }));
  const out = [...head, "", ...lines];
  if (parts.cut) out.push("", k("cut"));
  return out.join("\n") + "\n";
}

/** messageText is a message as text: its words, and what it carries that is not words. */
function messageText(m: Message, k: (key: string, opts?: Record<string, unknown>) => string): string {
  const parts: string[] = [];
  if (m.text) parts.push(m.text);
  const a = attachmentOf(m);
  if (a) parts.push(k("attachment", { name: a.file_name || a.type || m.type }));
  for (const f of attachmentsOf(m)) parts.push(k("attachment", { name: f.file_name || f.type || "file" }) + (f.caption ? ` ${f.caption}` : ""));
  const where = locationOf(m);
  if (where) parts.push(k("location", { url: where }));
  const replies = quickReplies(m);
  if (replies.length > 0) parts.push(k("replies", { list: replies.join(" | ") }));
  if (parts.length === 0) parts.push(k("unsupported", { type: unsupportedType(m) || m.type }));
  if (m.edited_at) parts.push(k("edited"));
  if (m.status === "failed") parts.push(k("sendFailed", { reason: m.failure_reason ?? "" }));
  return parts.join(" ");
}

/** indent keeps a text's later lines under its first, so a line that starts with "[" is always a new entry. */
function indent(text: string): string {
  return text.replace(/\r?\n/g, "\n    ");
}

/** transcriptFileName is the downloaded file's name. */
export function transcriptFileName(id: number): string {
  return `conversation-${id}.txt`;
}
