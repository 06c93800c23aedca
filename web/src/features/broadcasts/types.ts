// The broadcasts' shapes, as /api/v1/broadcasts serves them, and their
// query keys. Written by hand while the server's OpenAPI document has no
// broadcasts yet; the list of statuses is what the pages switch on.

/** Audience is a filter of the contacts list (GET /contacts takes the same). */
export interface Audience {
  q?: string;
  tag?: string;
  stage?: string;
  /** key=value of a custom field. */
  field?: string;
  /** RFC 3339 instants. */
  last_message_after?: string;
  last_message_before?: string;
}

export interface BroadcastMessage {
  type: "text" | "template";
  text?: string;
  /** For a template: what the inbox composer's template picker sends as a message's content. */
  content?: Record<string, unknown>;
}

export const statuses = ["draft", "scheduled", "sending", "sent", "cancelled"] as const;
export type BroadcastStatus = (typeof statuses)[number];

/** Each message counts once, in its current status; skipped were never sent; replied wrote back after it. */
export interface BroadcastStats {
  recipients: number;
  pending: number;
  sent: number;
  delivered: number;
  read: number;
  failed: number;
  skipped: number;
  replied: number;
}

export interface Broadcast {
  id: number;
  name: string;
  channel_id: number;
  audience: Audience;
  message: BroadcastMessage;
  status: BroadcastStatus;
  scheduled_at?: string;
  started_at?: string;
  finished_at?: string;
  created_by: number;
  created_at: string;
  updated_at: string;
  stats: BroadcastStats;
}

export const recipientStatuses = ["pending", "sent", "delivered", "read", "failed", "skipped"] as const;
export type RecipientStatus = (typeof recipientStatuses)[number];

export interface Recipient {
  contact_id: number;
  contact_name: string;
  message_id?: number;
  status: RecipientStatus;
  /** Why it was skipped or failed. */
  reason?: string;
  replied: boolean;
  replied_at?: string;
}

/** What the form writes (POST creates, PATCH edits a draft). */
export interface BroadcastInput {
  name: string;
  channel_id: number;
  audience: Audience;
  message: BroadcastMessage;
}

export const keys = {
  all: ["broadcasts"] as const,
  list: ["broadcasts", "list"] as const,
  one: (id: number) => ["broadcasts", id] as const,
  recipients: (id: number, status: string) => ["broadcasts", id, "recipients", status] as const,
  audience: (channelID: number, audience: Audience) => ["broadcasts", "audience", channelID, audience] as const,
};

/** cleanAudience drops empty members, so equal audiences make equal keys and bodies. */
export function cleanAudience(a: Audience): Audience {
  const out: Audience = {};
  for (const [k, v] of Object.entries(a) as [keyof Audience, string | undefined][]) if (v) out[k] = v;
  return out;
}

/** live: a broadcast whose numbers still move, which its page follows. */
export const isLive = (s: BroadcastStatus) => s === "scheduled" || s === "sending";

/** percent of part in whole, rounded to a whole number (0 of 0 is 0). */
export function percent(part: number, whole: number): number {
  return whole > 0 ? Math.round((part * 100) / whole) : 0;
}

/**
 * reached counts the recipients whose message got at least that far:
 * each message counts once in its current status, so "delivered" is the
 * delivered ones and those read since.
 */
export function reached(s: BroadcastStats): { delivered: number; read: number } {
  return { delivered: s.delivered + s.read, read: s.read };
}
