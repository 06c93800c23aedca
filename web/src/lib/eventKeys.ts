// keysFor maps one event of the log to the query keys it makes stale: the
// one place that knows which screen an event changes.
import { qk } from "./queryKeys";
import type { LogEvent } from "./types";

export type Key = readonly unknown[];

export function keysFor(e: Pick<LogEvent, "type" | "conversation_id" | "contact_id">): Key[] {
  const conv = e.conversation_id;
  const contact = e.contact_id;
  const keys: Key[] = [];
  switch (e.type) {
    case "conversation.opened":
    case "conversation.closed":
    case "conversation.assigned":
    case "conversation.unassigned":
    case "conversation.snoozed":
    case "conversation.unsnoozed":
    case "conversation.queued":
      keys.push(qk.conversations, qk.counts);
      if (conv) keys.push(qk.conversation(conv), qk.conversationEvents(conv));
      if (contact) keys.push(qk.contactConversations(contact));
      if (e.type === "conversation.assigned") keys.push(qk.presence, qk.notifications);
      break;
    case "message.received":
    case "message.sent":
    case "message.status":
    case "message.reaction":
    case "message.edited":
    case "message.attachment":
      if (conv) keys.push(qk.messages(conv));
      // A message in no conversation is a broadcast's: the contact's
      // panel lists those, with their status.
      else if (contact && (e.type === "message.sent" || e.type === "message.status")) keys.push(qk.contactBroadcasts(contact));
      // A status, a reaction or an edit changes the message, not the list;
      // a message in no conversation changes no list either.
      if (conv && (e.type === "message.received" || e.type === "message.sent")) keys.push(qk.conversations, qk.conversation(conv));
      break;
    case "comment.created":
    case "comment.edited":
    case "comment.deleted":
      if (conv) keys.push(qk.comments(conv));
      keys.push(qk.notifications); // a mention added, or gone with its comment
      break;
    case "conversation.rated":
      // The contact's answer to the survey: in the conversation's timeline
      // and header, the contact's timeline and past conversations, and on
      // the lists' closed conversations.
      keys.push(qk.conversations);
      if (conv) keys.push(qk.conversation(conv), qk.conversationEvents(conv));
      if (contact) keys.push(qk.contactEvents(contact), qk.contactConversations(contact));
      break;
    case "workflow.run.started":
    case "workflow.step":
    case "workflow.run.ended":
    case "ai_agent.turn":
      if (conv) keys.push(qk.conversationEvents(conv));
      break;
    case "contact.created":
    case "contact.updated":
    case "contact.deleted":
    case "contact.tag.updated":
    case "contact.lifecycle.updated":
    case "contact.merged":
    case "contact.identity.added":
    case "contact.merge.dismissed":
    case "contact.merge.restored":
      if (contact) keys.push(qk.contact(contact));
      keys.push(qk.conversations, qk.contacts);
      // A saved view filtering on the contact's tag, field, stage or name
      // counts its conversations afresh (docs/api.md, Counts): a change to
      // the contact moves its count. A new contact has no conversation yet.
      if (e.type !== "contact.created") keys.push(qk.counts);
      break;
    case "user.presence.updated":
    case "user.capacity.updated":
      keys.push(qk.presence, qk.users);
      break;
    case "webhook.disabled":
      keys.push(qk.notifications);
      break;
    case "team.members.updated":
      keys.push(qk.teams, qk.users, qk.counts);
      break;
  }
  return keys;
}
