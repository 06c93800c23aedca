// The broadcasts' shapes, from the server's OpenAPI document, and their
// query keys.
import type { components } from "../../lib/api-types";

type S = components["schemas"];

/** Audience is a filter of the contacts list (GET /contacts takes the same). */
export type Audience = S["BroadcastAudience"];

/** A text, or a template whose content is what the inbox composer's template picker sends. */
export type BroadcastMessage = S["BroadcastMessage"] & { type: "text" | "template" };

export const statuses = ["draft", "scheduled", "sending", "sent", "cancelled"] as const;
export type BroadcastStatus = (typeof statuses)[number];

/** Each message counts once, in its current status; skipped were never sent; replied wrote back after it. */
export type BroadcastStats = S["BroadcastStats"];

// The OpenAPI document says "string" of the statuses; the pages switch on
// the values internal/broadcast writes.
export type Broadcast = S["Broadcast"] & { status: BroadcastStatus; message: BroadcastMessage };

export const recipientStatuses = ["pending", "sent", "delivered", "read", "failed", "skipped"] as const;
export type RecipientStatus = (typeof recipientStatuses)[number];

export type Recipient = S["BroadcastRecipient"] & { status: RecipientStatus };

/** What the form writes (POST creates, PATCH edits a draft). */
export type BroadcastInput = Pick<Broadcast, "name" | "channel_id" | "audience" | "message">;

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
