// A contact's timeline says what each event changed (which tag, which
// fields, the stages, who merged what), and its conversations' events as
// the conversation's timeline says them; it said "Tags changed" and
// "Contact updated" alone.
import { describe, expect, it } from "vitest";
import i18n from "../../lib/i18n";
import type { LogEvent } from "../../lib/types";
import { describeContactEvent, type ContactNames } from "./contactEventText";

const names: ContactNames = {
  user: (id) => (id === 2 ? "Ana" : undefined),
  team: (id) => (id === 5 ? "Sales" : undefined),
  workflow: (id) => (id === 8 ? "Inbound" : undefined),
  field: (key) => (key === "plan" ? "Plan" : undefined),
  channelName: (id) => (id === 3 ? "WhatsApp Sales" : undefined),
  contact: "Ada Lovelace",
  time: (iso) => iso.slice(11, 16),
};
const ev = (type: string, payload: object): LogEvent => ({ id: 1, type, payload, created_at: "2026-01-01T10:00:00Z", workspace_id: 1 });
const say = (type: string, payload: object, lang = "en") => describeContactEvent(ev(type, payload), i18n.getFixedT(lang), names);

describe("contact timeline sentences", () => {
  it.each([
    ["contact.tag.updated", { tag: "vip", action: "added" }, "Tag vip added"],
    ["contact.tag.updated", { tag: "vip", action: "removed" }, "Tag vip removed"],
    ["contact.updated", { changed: ["phone", "fields.plan", "fields.gone"] }, "Changed Phone, Plan, gone"],
    ["contact.lifecycle.updated", { from: "New Lead", to: "Customer" }, "Lifecycle stage New Lead → Customer"],
    ["contact.lifecycle.updated", { from: "", to: "Customer" }, "Lifecycle stage set to Customer"],
    ["contact.merged", { merged_contact_id: 12, user_id: 2, moved_conversations: 1, moved_identities: 2 }, "Contact #12 merged in by Ana"],
    ["conversation.assigned", { assignee_id: 2, routing: { target: "user" } }, "Assigned to Ana"],
    ["workflow.run.started", { workflow_id: 8 }, "Workflow Inbound started"],
    ["conversation.opened", { source: "contact" }, "Ada Lovelace opened the conversation"],
    ["conversation.rated", { rating: 4, comment: "Quick and kind" }, "Ada Lovelace rated the conversation 4/5"],
    ["message.received", {}, "Message received"],
    ["message.received", { blocked: true }, "Message received while blocked: no conversation opened"],
    ["message.sent", { broadcast_id: 7, text: "20% off" }, "Broadcast #7 sent"],
    ["message.sent", { text: "hi" }, "Message sent"],
    ["contact.updated", { changed: ["blocked"], values: { blocked: true }, user_id: 2 }, "Blocked by Ana"],
    ["contact.updated", { changed: ["blocked"], values: { blocked: false }, user_id: 0 }, "Unblocked"],
    // A payload without what the sentence needs keeps the plain label.
    ["contact.tag.updated", {}, "Tags changed"],
    ["contact.updated", { changed: [] }, "Contact updated"],
    ["contact.identity.added", { channel_id: 3, external_id: "visitor-1", matched_by: "phone", reason: "wrote" }, "Wrote from WhatsApp Sales as visitor-1 for the first time"],
    ["contact.identity.added", { channel_id: 3, external_id: "14155550101", matched_by: "phone", reason: "reached", user_id: 2 }, "Reached on WhatsApp Sales as 14155550101 by Ana"],
    ["contact.identity.added", { channel_id: 9, external_id: "a@example.com", matched_by: "email", reason: "reached" }, "Reached on #9 as a@example.com"],
    ["contact.identity.added", {}, "Channel identity added"],
    ["contact.merge.dismissed", { contact_id: 4, other_id: 12, user_id: 2 }, "Marked as not a duplicate of contact #12 by Ana"],
    ["contact.merge.restored", { contact_id: 4, other_id: 12 }, "Suggested again as a duplicate of contact #12"],
  ])("%s %j", (type, payload, want) => {
    expect(say(type, payload).text).toBe(want);
  });

  it("counts what a merge moved, and speaks French", () => {
    expect(say("contact.merged", { merged_contact_id: 12, moved_conversations: 1, moved_identities: 2 }).details).toEqual([
      "1 conversation moved here",
      "2 channel identities moved here",
    ]);
    expect(say("contact.tag.updated", { tag: "vip", action: "removed" }, "fr").text).toBe("Étiquette vip retirée");
    expect(say("contact.updated", { changed: ["email"] }, "fr").text).toBe("Modifié : E-mail");
  });

  it("says how a new identity was recognised, or where it came from", () => {
    expect(say("contact.identity.added", { channel_id: 3, external_id: "v", matched_by: "email", reason: "wrote" }).details).toEqual(["Recognised by their email address"]);
    expect(say("contact.identity.added", { channel_id: 3, external_id: "1415", matched_by: "phone", reason: "reached" }).details).toEqual(["From their phone number"]);
    expect(say("contact.identity.added", { channel_id: 3, external_id: "v", matched_by: "phone", reason: "wrote" }, "fr").text).toBe(
      "A écrit depuis WhatsApp Sales en tant que v pour la première fois",
    );
  });
});
