import { describe, expect, it } from "vitest";
import { insertAt, nodeVariables, renderTemplate } from "./template";

describe("template preview", () => {
  it("renders known variables with sample values and marks unknown ones", () => {
    expect(renderTemplate("Hi {{ contact.first_name }}, {{var.plan}}")).toBe("Hi Ada, ‹var.plan›");
    expect(renderTemplate("{{contact.fields.plan}}", { "contact.plan": "gold" })).toBe("gold");
  });
  it("inserts at the cursor", () => {
    expect(insertAt("Hi !", 3, 3, "contact.first_name")).toEqual({ text: "Hi {{contact.first_name}}!", cursor: 25 });
  });
  it("derives saved answers and response mappings", () => {
    expect(nodeVariables({ kind: "step", id: "ask", type: "ask_question", settings: { save_to: { kind: "variable", name: "need" } } })).toEqual(["step.ask.answer", "var.need"]);
    expect(nodeVariables({ kind: "step", id: "call", type: "http_request", settings: { response: { tier: "$.tier" } } })).toEqual(["step.call.status", "step.call.body", "var.tier"]);
  });
  it("offers what a Classify step saves: its intent variable (intent unless save_to names another) and its outputs", () => {
    expect(nodeVariables({ kind: "step", id: "c", type: "classify", settings: {} })).toEqual(["step.c.intent", "step.c.confidence", "step.c.language", "step.c.method", "var.intent"]);
    expect(nodeVariables({ kind: "step", id: "c", type: "classify", settings: { save_to: "topic" } })).toContain("var.topic");
    expect(nodeVariables({ kind: "step", id: "c", type: "classify", settings: { contact_field: "topic" } })).toContain("contact.fields.topic");
  });
});

describe("the variables the picker offers", () => {
  it("lists every assignee variable of the docs, availability included, with a sample value", async () => {
    const { assigneeVariables } = await import("./template");
    expect(assigneeVariables).toEqual(["assignee.name", "assignee.email", "assignee.status", "assignee.availability", "assignee.id"]);
    for (const v of assigneeVariables) expect(renderTemplate(`{{${v}}}`)).not.toMatch(/‹/);
  });
});

describe("workflow variables", () => {
  it("collects every node's variables once", async () => {
    const { workflowVariables } = await import("./template");
    expect(
      workflowVariables([
        { kind: "trigger", id: "trigger", type: "shortcut", settings: { inputs: [{ name: "amount" }] } },
        { kind: "step", id: "q", type: "ask_question", settings: { save_to: { kind: "field", name: "plan" } } },
      ]),
    ).toEqual(["var.amount", "step.q.answer", "contact.fields.plan"]);
  });
});

describe("server problems", () => {
  it("map to the form's data paths", async () => {
    const { problemPath } = await import("./SchemaForm");
    expect(problemPath("settings.attachments[0].type")).toBe("attachments[0].type");
    expect(problemPath("trigger.conditions.to")).toBe("to");
    expect(problemPath("steps[2].settings.text")).toBe("text");
  });
});
