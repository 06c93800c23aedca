import { describe, expect, it } from "vitest";
import {
  clearDraft,
  draftKey,
  loadDraft,
  matchesQuery,
  mentionedIDs,
  mentionQuery,
  replaceTrigger,
  saveDraft,
  snippetQuery,
  snippetValues,
  fillVariables,
} from "./composerText";

describe("snippet query", () => {
  it("finds a /name at the start or after a space, up to the caret", () => {
    expect(snippetQuery("/hel", 4)).toEqual({ start: 0, query: "hel" });
    expect(snippetQuery("Hi /thanks", 10)).toEqual({ start: 3, query: "thanks" });
    expect(snippetQuery("Hi /", 4)).toEqual({ start: 3, query: "" });
    expect(snippetQuery("a/b", 3)).toBeNull(); // a path, not a snippet
    expect(snippetQuery("see https://x.y/ab", 18)).toBeNull();
    expect(snippetQuery("/thanks done", 12)).toBeNull(); // a space ended it
  });

  it("replaces the /query with the snippet's text", () => {
    const text = "Hello /tha and more";
    const t = snippetQuery(text, 10)!;
    expect(replaceTrigger(text, 10, t, "Thank you!")).toEqual({ text: "Hello Thank you! and more", caret: 16 });
  });
});

describe("mentions", () => {
  it("finds an @name being typed", () => {
    expect(mentionQuery("@an", 3)).toEqual({ start: 0, query: "an" });
    expect(mentionQuery("ping @Ana Le", 12)).toEqual({ start: 5, query: "Ana Le" });
    expect(mentionQuery("mail a@b.c", 10)).toBeNull();
  });

  it("keeps the ids of the people still named in the text", () => {
    const chosen = [
      { id: 2, name: "Ana Lima" },
      { id: 3, name: "Bo" },
      { id: 2, name: "Ana Lima" },
    ];
    expect(mentionedIDs("@Ana Lima can you look? cc @Bo", chosen)).toEqual([2, 3]);
    expect(mentionedIDs("@Ana Lima only", chosen)).toEqual([2]);
    expect(mentionedIDs("nobody", chosen)).toEqual([]);
  });

  it("matches names by prefix of any word", () => {
    expect(matchesQuery("Ana Lima", "li")).toBe(true);
    expect(matchesQuery("Ana Lima", "x")).toBe(false);
    expect(matchesQuery("refund_policy", "pol")).toBe(true);
  });
});

describe("drafts", () => {
  it("keeps a draft per conversation and forgets an empty one", () => {
    sessionStorage.clear();
    saveDraft(7, { text: "half a reply", mode: "comment", mentions: [{ id: 2, name: "Ana" }] });
    expect(sessionStorage.getItem(draftKey(7))).not.toBeNull();
    expect(draftKey(7)).toBe("switchboard.draft.7");
    expect(loadDraft(7)).toEqual({ text: "half a reply", mode: "comment", mentions: [{ id: 2, name: "Ana" }] });
    expect(loadDraft(8)).toBeNull();
    saveDraft(7, { text: "  ", mode: "reply" });
    expect(loadDraft(7)).toBeNull();
    saveDraft(7, { text: "x", mode: "reply" });
    clearDraft(7);
    expect(loadDraft(7)).toBeNull();
  });

  it("ignores a draft that is not one", () => {
    sessionStorage.setItem(draftKey(9), "{not json");
    expect(loadDraft(9)).toBeNull();
    sessionStorage.setItem(draftKey(9), JSON.stringify({ text: 3 }));
    expect(loadDraft(9)).toBeNull();
  });
});

describe("snippet variables", () => {
  const values = snippetValues({
    contact: { id: 7, first_name: "Zoë", last_name: "", phone: "+14155550100", lifecycle_stage: "Customer", fields: { plan: "gold", sizes: ["S", "M"], vip: true } },
    contactName: "Zoë",
    conversationID: 41,
    agent: { name: "Ana Lima", email: "ana@x.io" },
    assigneeName: "Bo Chen",
  });
  it.each([
    ["the contact's fields", "{{contact.first_name}} {{contact.phone}} {{contact.lifecycle}} #{{contact.id}}", "Zoë +14155550100 Customer #7"],
    ["a custom field, both ways", "{{contact.plan}} {{ contact.fields.plan }} {{contact.sizes}} {{contact.vip}}", "gold gold S, M true"],
    ["an empty field is empty", "[{{contact.last_name}}][{{contact.email}}]", "[][]"],
    ["the conversation, its assignee and the writer", "#{{conversation.id}} {{assignee.name}} {{agent.name}} {{agent.first_name}}", "#41 Bo Chen Ana Lima Ana"],
    ["an unknown variable stays", "{{var.order}} {{contact.nope}} {{ }}", "{{var.order}} {{contact.nope}} {{ }}"],
  ])("%s", (_, text, want) => expect(fillVariables(text, values)).toBe(want));
});
