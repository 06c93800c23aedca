// The test panel's logic, without React: what the status line says, which
// quick replies can still be clicked, and whether a live event is about
// the test conversation.
import type { components } from "../../../lib/api-types";

export type Session = components["schemas"]["TestchatSession"];
export type Message = components["schemas"]["ConversationMessage"];

/** A status line: an i18n key of builderTest.status and its values. */
export interface StatusLine {
  key: string;
  values?: Record<string, string | number>;
}

/** statusOf says where the test stands, for the panel's status line. */
export function statusOf(s: Session | undefined): StatusLine {
  if (!s) return { key: "loading" };
  if (!s.published_version) return { key: "publishFirst" };
  const run = s.run;
  if (!run) return { key: s.mode === "run_now" ? "runNowHint" : "writeHint" };
  const step = run.step;
  switch (run.status) {
    case "running":
      return { key: "running", values: { step } };
    case "waiting_reply":
      return { key: "waitingReply", values: { step } };
    case "waiting_assignment":
      return { key: "waitingAssignment", values: { step } };
    case "waiting_timer":
      return { key: "waitingTimer", values: { step } };
    case "failed":
      return { key: "failed", values: { step, error: run.error ?? "" } };
    case "stopped":
      return { key: "stopped" };
  }
  return { key: "finished" };
}

/** assignmentOf says who has the test conversation, if anyone. */
export function assignmentOf(s: Session | undefined): StatusLine | null {
  const c = s?.conversation;
  if (!c) return null;
  if (c.assignee_id) {
    const name = c.assignee_name || `#${c.assignee_id}`;
    return c.team_name ? { key: "assignedTeam", values: { name, team: c.team_name } } : { key: "assigned", values: { name } };
  }
  if (c.team_id) return { key: "teamOnly", values: { team: c.team_name || `#${c.team_id}` } };
  return null;
}

/** repliesOf returns the quick replies a message offers. */
export function repliesOf(m: Pick<Message, "type" | "content">): string[] {
  if (m.type !== "quick_reply" || !m.content || typeof m.content !== "object") return [];
  const r = (m.content as { replies?: unknown }).replies;
  return Array.isArray(r) ? r.filter((x): x is string => typeof x === "string") : [];
}

/**
 * answerable returns the id of the message whose quick replies can still
 * be clicked: the last message, when it is the workflow's and offers some.
 */
export function answerable(messages: Pick<Message, "id" | "direction" | "type" | "content">[]): number | null {
  const last = messages[messages.length - 1];
  if (!last || last.direction !== "out" || repliesOf(last).length === 0) return null;
  return last.id;
}

/** concerns says whether a live event is about the test contact or its conversation. */
export function concerns(e: { conversation_id?: number; contact_id?: number }, s: Session | undefined): boolean {
  if (!s?.started) return false;
  if (s.contact_id && e.contact_id === s.contact_id) return true;
  return !!s.conversation && e.conversation_id === s.conversation.id;
}
