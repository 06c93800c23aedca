import { describe, expect, it } from "vitest";
import { diffDefinitions, sameDefinition, stepChanges } from "./diff";
import type { Definition } from "./graph";

const v1: Definition = {
  name: "Inbound",
  description: "Route new conversations",
  trigger: { type: "conversation_opened", conditions: { sources: ["contact"] } },
  steps: [
    { id: "welcome", type: "send_message", settings: { text: "Hi!" }, exits: { next: "ask" } },
    {
      id: "ask",
      type: "ask_question",
      settings: { question: "What do you need?", answer_type: "multiple_choice", options: ["Sales", "Support"] },
      exits: { next: "route" },
    },
    {
      id: "route",
      type: "branch",
      settings: { branches: [{ name: "Sales", conditions: [{ variable: "var.need", operator: "is_equal_to", value: "Sales" }] }] },
      exits: { "branch[0]": "bye" },
    },
    { id: "bye", type: "add_comment", settings: { text: "routed" } },
  ],
};

function edit(f: (d: Definition) => void): Definition {
  const d = structuredClone(v1);
  f(d);
  return d;
}

describe("comparing two definitions", () => {
  it("finds nothing between a definition and its copy, nor for empty values the server drops", () => {
    expect(diffDefinitions(v1, structuredClone(v1))).toEqual({ marks: new Map(), entries: [] });
    const loose = edit((d) => {
      d.steps[3]!.exits = {};
      d.steps[3]!.name = "";
      d.trigger.once_per_contact = false;
      d.options = {};
    });
    expect(sameDefinition(v1, loose)).toBe(true);
  });

  it("marks added and changed steps and lists removed ones, in the draft's order", () => {
    const draft = edit((d) => {
      d.steps[0]!.settings = { text: "Hello there!" };
      d.steps[0]!.exits = { next: "email" };
      d.steps.splice(1, 0, { id: "email", type: "ask_question", settings: { question: "Email?", answer_type: "email" }, exits: { next: "ask" } });
      d.steps = d.steps.filter((s) => s.id !== "bye");
      d.steps[3]!.exits = {};
    });
    const { marks, entries } = diffDefinitions(v1, draft);
    expect([...marks]).toEqual([
      ["welcome", "changed"],
      ["email", "added"],
      ["route", "changed"],
    ]);
    expect(entries.map((e) => [e.kind, "id" in e ? e.id : ""])).toEqual([
      ["changed", "welcome"],
      ["added", "email"],
      ["changed", "route"],
      ["removed", "bye"],
    ]);
    expect(entries[0]).toMatchObject({
      changes: [
        { path: "settings.text", before: "Hi!", after: "Hello there!" },
        { path: "exits.next", before: "ask", after: "email" },
      ],
    });
    expect(entries[2]).toMatchObject({ changes: [{ path: "exits.branch[0]", before: "bye", after: undefined }] });
  });

  it("walks nested settings to the value that changed; a list of values is compared whole", () => {
    const draft = edit((d) => {
      const b = d.steps[2]!.settings!.branches as { conditions: { value: string }[] }[];
      b[0]!.conditions[0]!.value = "Buy";
      (d.steps[1]!.settings as { options: string[] }).options = ["Sales", "Support", "Billing"];
      d.steps[1]!.name = "Ask the need";
    });
    const { entries } = diffDefinitions(v1, draft);
    expect(entries).toMatchObject([
      {
        kind: "changed",
        id: "ask",
        changes: [
          { path: "name", before: undefined, after: "Ask the need" },
          { path: "settings.options", before: ["Sales", "Support"], after: ["Sales", "Support", "Billing"] },
        ],
      },
      { kind: "changed", id: "route", changes: [{ path: "settings.branches[0].conditions[0].value", before: "Sales", after: "Buy" }] },
    ]);
  });

  it("tells a changed type", () => {
    const changes = stepChanges(v1.steps[3]!, { ...v1.steps[3]!, type: "send_message" });
    expect(changes).toEqual([{ path: "type", before: "add_comment", after: "send_message" }]);
  });

  it("marks the trigger when its type, conditions or once-per-contact change", () => {
    const draft = edit((d) => {
      d.trigger = { type: "conversation_opened", conditions: { sources: ["contact", "user"] }, once_per_contact: true };
    });
    const { marks, entries } = diffDefinitions(v1, draft);
    expect([...marks]).toEqual([["trigger", "changed"]]);
    expect(entries).toEqual([
      {
        kind: "trigger",
        changes: [
          { path: "conditions.sources", before: ["contact"], after: ["contact", "user"] },
          { path: "once_per_contact", before: false, after: true },
        ],
      },
    ]);
    const other = diffDefinitions(v1, edit((d) => (d.trigger = { type: "manual" })));
    expect(other.entries).toEqual([
      {
        kind: "trigger",
        changes: [
          { path: "type", before: "conversation_opened", after: "manual" },
          { path: "conditions.sources", before: ["contact"], after: undefined },
        ],
      },
    ]);
  });

  it("lists the workflow's name and description", () => {
    const { marks, entries } = diffDefinitions(v1, edit((d) => ((d.name = "Inbound v2"), (d.description = undefined))));
    expect(marks.size).toBe(0);
    expect(entries).toEqual([
      {
        kind: "workflow",
        changes: [
          { path: "name", before: "Inbound", after: "Inbound v2" },
          { path: "description", before: "Route new conversations", after: undefined },
        ],
      },
    ]);
  });
});
