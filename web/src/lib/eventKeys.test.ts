import { describe, expect, it } from "vitest";
import { keysFor, type Key } from "./eventKeys";
import { qk } from "./queryKeys";

const conv = 7;
const contact = 3;
const conversationChange: Key[] = [
  qk.conversations,
  qk.counts,
  qk.conversation(conv),
  qk.conversationEvents(conv),
  qk.contactConversations(contact),
];

// Each event type with a conversation and a contact, and every key it must
// make stale (in any order, nothing more).
const table: [string, Key[]][] = [
  ["conversation.opened", conversationChange],
  ["conversation.closed", conversationChange],
  ["conversation.assigned", [...conversationChange, qk.presence, qk.notifications]],
  ["conversation.unassigned", conversationChange],
  ["conversation.snoozed", conversationChange],
  ["conversation.unsnoozed", conversationChange],
  ["conversation.queued", conversationChange],
  // The rating shows on the conversation's header, in the contact's past
  // conversations and on the lists' closed conversations.
  [
    "conversation.rated",
    [qk.conversations, qk.conversation(conv), qk.conversationEvents(conv), qk.contactEvents(contact), qk.contactConversations(contact)],
  ],
  ["message.received", [qk.messages(conv), qk.conversations, qk.conversation(conv)]],
  ["message.sent", [qk.messages(conv), qk.conversations, qk.conversation(conv)]],
  ["message.status", [qk.messages(conv)]],
  ["message.reaction", [qk.messages(conv)]],
  ["message.edited", [qk.messages(conv)]],
  ["message.attachment", [qk.messages(conv)]],
  ["comment.created", [qk.comments(conv), qk.notifications]],
  ["comment.edited", [qk.comments(conv), qk.notifications]],
  ["comment.deleted", [qk.comments(conv), qk.notifications]],
  ["webhook.disabled", [qk.notifications]],
  ["workflow.run.started", [qk.conversationEvents(conv)]],
  ["workflow.step", [qk.conversationEvents(conv)]],
  ["ai_agent.turn", [qk.conversationEvents(conv)]],
  ["workflow.run.ended", [qk.conversationEvents(conv)]],
  ["contact.created", [qk.contact(contact), qk.conversations, qk.contacts]],
  // A saved view may filter on the contact's tag, field, stage or name
  // (docs/api.md, Counts): its count moves with the contact.
  ["contact.updated", [qk.contact(contact), qk.conversations, qk.contacts, qk.counts]],
  ["contact.deleted", [qk.contact(contact), qk.conversations, qk.contacts, qk.counts]],
  ["contact.tag.updated", [qk.contact(contact), qk.conversations, qk.contacts, qk.counts]],
  ["contact.lifecycle.updated", [qk.contact(contact), qk.conversations, qk.contacts, qk.counts]],
  ["contact.merged", [qk.contact(contact), qk.conversations, qk.contacts, qk.counts]],
  ["user.presence.updated", [qk.presence, qk.users]],
  ["user.capacity.updated", [qk.presence, qk.users]],
  ["team.members.updated", [qk.teams, qk.users, qk.counts]],
  ["routing.settings.updated", []],
  ["something.unknown", []],
];

// A broadcast's message is in no conversation: the contact's panel lists
// it, and no conversation list moves (a broadcast sends thousands).
const noConversation: [string, Key[]][] = [
  ["message.sent", [qk.contactBroadcasts(contact)]],
  ["message.status", [qk.contactBroadcasts(contact)]],
  ["message.received", []],
];

const sorted = (keys: Key[]) => keys.map((k) => JSON.stringify(k)).sort();

describe("keysFor", () => {
  it.each(table)("%s", (type, want) => {
    expect(sorted(keysFor({ type, conversation_id: conv, contact_id: contact }))).toEqual(sorted(want));
  });

  it.each(noConversation)("%s in no conversation", (type, want) => {
    expect(sorted(keysFor({ type, contact_id: contact }))).toEqual(sorted(want));
  });

  it("touches no conversation key without a conversation", () => {
    expect(sorted(keysFor({ type: "conversation.closed" }))).toEqual(sorted([qk.conversations, qk.counts]));
    expect(keysFor({ type: "message.status" })).toEqual([]);
    expect(keysFor({ type: "conversation.rated" })).toEqual([qk.conversations]);
    expect(sorted(keysFor({ type: "comment.created" }))).toEqual(sorted([qk.notifications]));
    expect(sorted(keysFor({ type: "contact.updated" }))).toEqual(sorted([qk.conversations, qk.contacts, qk.counts]));
  });

  it("names keys that are prefixes of the lists they refresh", () => {
    // invalidateQueries matches by prefix: every list and count sits under these.
    expect(qk.conversationList({ assignee: "me" }).slice(0, 1)).toEqual([...qk.conversations]);
    expect(qk.messages(conv).slice(0, 2)).toEqual([...qk.conversation(conv)]);
  });
});
