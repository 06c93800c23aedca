// What a contact's timeline says of an event: the contact's own (a tag
// added, the fields an edit changed, the lifecycle stage moved, another
// contact merged in, a channel they became reachable on) from their
// payloads (internal/contact), and its
// conversations' and workflows' as the conversation's timeline says them
// (describeEvent), so both read alike.
import type { TFunction } from "i18next";
import type { LogEvent } from "../../lib/types";
import { describeEvent, type EventText, type Names } from "../inbox/conversation/eventText";

export interface ContactNames extends Names {
  /** field names a custom field's key ("plan" → "Plan"). */
  field(key: string): string | undefined;
  /** channelName names a channel by its id. */
  channelName(id: number | undefined): string | undefined;
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** described are the event types whose payload the conversation's timeline reads. */
const described = /^(conversation\.(opened|closed|assigned|unassigned|queued|snoozed|unsnoozed|rated)|workflow\.(run\.started|step|run\.ended)|ai_agent\.turn)$/;

export function describeContactEvent(e: LogEvent, t: TFunction, names: ContactNames): EventText {
  const p = (e.payload && typeof e.payload === "object" ? e.payload : {}) as Record<string, unknown>;
  const k = (key: string, opts?: Record<string, unknown>) => t(`contacts.eventText.${key}`, opts ?? {});
  switch (e.type) {
    case "contact.tag.updated": {
      const tag = str(p.tag);
      if (tag) return { text: k(p.action === "removed" ? "tagRemoved" : "tagAdded", { tag }), details: [] };
      break;
    }
    case "contact.updated": {
      const changed = Array.isArray(p.changed) ? (p.changed as unknown[]).filter((c): c is string => typeof c === "string") : [];
      if (changed.length === 1 && changed[0] === "blocked") {
        const blocked = (p.values as Record<string, unknown> | undefined)?.blocked === true;
        const by = names.user(typeof p.user_id === "number" ? p.user_id : undefined);
        const key = blocked ? "blocked" : "unblocked";
        return { text: by ? k(`${key}By`, { by }) : k(key), details: [] };
      }
      if (changed.length) return { text: k("updated", { fields: changed.map((c) => fieldName(c, t, names)).join(", ") }), details: [] };
      break;
    }
    case "contact.lifecycle.updated": {
      const to = str(p.to);
      const from = str(p.from);
      if (to && from) return { text: k("stageMoved", { from, to }), details: [] };
      if (to) return { text: k("stageSet", { to }), details: [] };
      if (from) return { text: k("stageCleared", { from }), details: [] };
      break;
    }
    case "contact.merged": {
      const details: string[] = [];
      if (typeof p.moved_conversations === "number") details.push(k("movedConversations", { count: p.moved_conversations }));
      if (typeof p.moved_identities === "number") details.push(k("movedIdentities", { count: p.moved_identities }));
      const by = names.user(typeof p.user_id === "number" ? p.user_id : undefined);
      const id = p.merged_contact_id ?? "?";
      return { text: by ? k("mergedBy", { id, by }) : k("merged", { id }), details };
    }
    case "contact.merge.dismissed":
    case "contact.merge.restored": {
      const id = p.other_id ?? "?";
      const by = names.user(typeof p.user_id === "number" ? p.user_id : undefined);
      const key = e.type === "contact.merge.dismissed" ? "notDuplicate" : "suggestedAgain";
      return { text: by ? k(`${key}By`, { id, by }) : k(key, { id }), details: [] };
    }
    case "contact.identity.added": {
      const external = str(p.external_id);
      if (!external) break;
      const channel = names.channelName(typeof p.channel_id === "number" ? p.channel_id : undefined) ?? `#${String(p.channel_id ?? "?")}`;
      const by = p.matched_by === "email" ? "email" : "phone";
      if (p.reason === "reached") {
        const user = names.user(typeof p.user_id === "number" ? p.user_id : undefined);
        return { text: user ? k("identityReachedBy", { channel, external, user }) : k("identityReached", { channel, external }), details: [k(`identityFrom.${by}`)] };
      }
      return { text: k("identityWrote", { channel, external }), details: [k(`identityMatched.${by}`)] };
    }
  }
  if (e.type === "message.received" && p.blocked === true) return { text: k("receivedBlocked"), details: [] };
  // A broadcast's message is in no conversation: the contact's timeline is
  // where it is seen, with what it said.
  if (e.type === "message.sent" && typeof p.broadcast_id === "number") {
    const text = str(p.text);
    return { text: k("broadcastSent", { id: p.broadcast_id }), details: text ? [text] : [] };
  }
  if (described.test(e.type)) return describeEvent(e, t, names);
  return { text: t(`contacts.event.${e.type.replaceAll(".", "_")}`, { defaultValue: e.type }), details: [] };
}

/** fieldName is how the contact's form labels a changed field ("phone", "fields.plan"). */
function fieldName(changed: string, t: TFunction, names: ContactNames): string {
  if (changed.startsWith("fields.")) {
    const key = changed.slice("fields.".length);
    return names.field(key) ?? key;
  }
  return t(`contacts.field.${changed}`, { defaultValue: changed });
}
