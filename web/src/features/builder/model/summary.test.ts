// A step's one line on the canvas names what its settings point at by
// name (a user, a team, a channel, a workflow), through the lookup it is
// given; an id that names nothing any more says so.
import { describe, expect, it } from "vitest";
import fixture from "../drawer/schema.fixture.json";
import { type NameOf, STEP_REFS, refKindsOf, summarize } from "./summary";

const names: Record<string, Record<number, string>> = {
  user: { 12: "Bea Billing" },
  team: { 4: "Billing" },
  channel: { 6: "Web chat" },
  workflow: { 5: "Survey" },
};
const nameOf: NameOf = (kind, id) => names[kind]?.[id] ?? `#${id} (no longer exists)`;

describe("summarize with names", () => {
  it.each([
    ["an Assign To a user", { type: "assign_to", settings: { target: "user", user_id: 12 } }, "user · Bea Billing"],
    ["an Assign To a team by id", { type: "assign_to", settings: { target: "team", team_id: 4, strategy: "round_robin" } }, "team · Billing · round_robin"],
    ["an Assign To a team by name", { type: "assign_to", settings: { target: "team", team: "Sales" } }, "team · Sales"],
    ["an Assign To a deleted user", { type: "assign_to", settings: { target: "user", user_id: 99 } }, "user · #99 (no longer exists)"],
    ["a Trigger Another Workflow", { type: "trigger_workflow", settings: { workflow_id: 5 } }, "Survey"],
    ["a Trigger Another Workflow deleted", { type: "trigger_workflow", settings: { workflow_id: 42 } }, "#42 (no longer exists)"],
    ["an Open Conversation on a channel", { type: "open_conversation", settings: { channel_id: 6 } }, "Web chat"],
    ["an Open Conversation on any channel", { type: "open_conversation", settings: {} }, ""],
    ["a Send a Message on a channel", { type: "send_message", settings: { text: "Hi", channel_id: 6 } }, "Hi · Web chat"],
  ])("%s", (_, step, want) => {
    expect(summarize(step, nameOf)).toBe(want);
  });

  it("shows ids as #12 when no names are given", () => {
    expect(summarize({ type: "assign_to", settings: { target: "user", user_id: 12 } })).toBe("user · #12");
    expect(summarize({ type: "trigger_workflow", settings: { workflow_id: 5 } })).toBe("#5");
  });
});

describe("refKindsOf", () => {
  it("lists the kinds the steps name, for only those lists to be read", () => {
    const steps = [
      { type: "assign_to", settings: { target: "user", user_id: 12 } },
      { type: "send_message", settings: { text: "Hi" } },
      { type: "trigger_workflow", settings: { workflow_id: 5 } },
    ];
    expect([...refKindsOf(steps)].sort()).toEqual(["user", "workflow"]);
    expect(refKindsOf([{ type: "send_message", settings: { text: "Hi" } }]).size).toBe(0);
  });
});

describe("STEP_REFS", () => {
  it("names the settings the engine's schema marks x-ref (steps aside: the definition's own)", () => {
    type Settings = { properties?: Record<string, { "x-ref"?: string }> };
    const alts = (fixture as unknown as { properties: { steps: { items: { oneOf: { title: string; properties: { settings?: Settings } }[] } } } })
      .properties.steps.items.oneOf;
    const fromSchema: Record<string, Record<string, string>> = {};
    for (const a of alts) {
      for (const [k, p] of Object.entries(a.properties.settings?.properties ?? {})) {
        if (p["x-ref"] && p["x-ref"] !== "step") (fromSchema[a.title] ??= {})[k] = p["x-ref"];
      }
    }
    expect(STEP_REFS).toEqual(fromSchema);
  });
});
