import { describe, expect, it } from "vitest";
import {
  STEP_EXITS,
  type Definition,
  TRIGGER_ID,
  addStep,
  branchOf,
  copySteps,
  connect,
  deleteStep,
  exitNames,
  exitsOf,
  pasteSteps,
  setTrigger,
  setWorkflowMeta,
  toGraph,
  updateStep,
} from "./graph";
import { amend, historyOf, push, redo, undo } from "./history";
import { NODE_HEIGHT, NODE_WIDTH, autoLayout, positionsFor } from "./layout";

// The seed's inbound workflow (internal/workflow/templates/inbound_conversation.json), shortened settings.
const seed = (): Definition => ({
  name: "Inbound conversations",
  trigger: { type: "conversation_opened", conditions: { sources: ["contact"] } },
  steps: [
    { id: "welcome", type: "send_message", settings: { text: "Hi" }, exits: { next: "ask_need" } },
    {
      id: "ask_need",
      type: "ask_question",
      settings: { question: "?" },
      exits: { next: "route", failure: "to_support", timeout: "to_support" },
    },
    {
      id: "route",
      type: "branch",
      settings: { branches: [{ name: "Sales" }, { name: "Support" }, { name: "Billing" }] },
      exits: { "branch[0]": "to_sales", "branch[1]": "to_support", "branch[2]": "to_billing", else: "to_support" },
    },
    { id: "to_sales", type: "assign_to", settings: {}, exits: { timeout: "busy", failure: "busy" } },
    { id: "to_support", type: "assign_to", settings: {}, exits: { timeout: "busy", failure: "busy" } },
    { id: "to_billing", type: "assign_to", settings: {}, exits: { timeout: "busy", failure: "busy" } },
    { id: "busy", type: "send_message", settings: { text: "busy" } },
  ],
});

describe("toGraph", () => {
  it("has the trigger and every step, one edge per wired exit labelled with its name, and the free exits", () => {
    const g = toGraph(seed());
    expect(g.nodes.map((n) => n.id)).toEqual([TRIGGER_ID, "welcome", "ask_need", "route", "to_sales", "to_support", "to_billing", "busy"]);
    expect(g.edges).toHaveLength(1 + 1 + 3 + 4 + 6);
    expect(g.edges.find((e) => e.id === "route:branch[1]")).toMatchObject({ target: "to_support", label: "Support" });
    expect(g.edges.find((e) => e.source === TRIGGER_ID)?.target).toBe("welcome");
    expect(g.free.map((f) => `${f.source}:${f.exit}`)).toEqual([
      "welcome:failure",
      "to_sales:next",
      "to_support:next",
      "to_billing:next",
      "busy:next",
      "busy:failure",
    ]);
  });
  it("gives a branch one exit per branch and else", () => {
    expect(exitNames(seed().steps[2]!)).toEqual(["branch[0]", "branch[1]", "branch[2]", "else"]);
  });
});

describe("addStep", () => {
  it("adds a step with a new unique id on a free exit", () => {
    const before = seed();
    const { def, id } = addStep(before, { source: "busy", exit: "next" }, "send_message", { text: "x" });
    expect(id).toBe("send_message");
    expect(def.steps.find((s) => s.id === "busy")?.exits).toEqual({ next: "send_message" });
    const again = addStep(def, { source: "send_message", exit: "next" }, "send_message");
    expect(again.id).toBe("send_message_2");
    expect(before.steps).toHaveLength(7); // the input is untouched
  });
  it("inserts between a wired exit and its old target", () => {
    const { def, id } = addStep(seed(), { source: "welcome", exit: "next" }, "wait");
    expect(def.steps.find((s) => s.id === "welcome")?.exits?.next).toBe(id);
    expect(def.steps.find((s) => s.id === id)?.exits).toEqual({ next: "ask_need" });
  });
  it("adds the first step on the trigger of an empty workflow", () => {
    const empty: Definition = { name: "x", trigger: { type: "manual" }, steps: [] };
    expect(toGraph(empty).free).toEqual([{ source: TRIGGER_ID, exit: "start", label: "start" }]);
    const { def, id } = addStep(empty, { source: TRIGGER_ID, exit: "start" }, "send_message");
    expect(def.start).toBe(id);
    expect(toGraph(def).edges).toHaveLength(1);
  });
});

describe("deleteStep with its branch", () => {
  it("removes the steps reachable only through the step, keeps shared ones", () => {
    // to_sales leads to busy, which the other assigns still reach: only to_sales goes.
    expect(branchOf(seed(), "to_sales")).toEqual(["to_sales"]);
    const def = deleteStep(seed(), "to_sales");
    expect(def.steps.map((s) => s.id)).not.toContain("to_sales");
    expect(def.steps.find((s) => s.id === "route")?.exits?.["branch[0]"]).toBeUndefined();
    expect(toGraph(def).free).toContainEqual({ source: "route", exit: "branch[0]", label: "Sales" });
  });
  it("removes a whole branch", () => {
    expect(branchOf(seed(), "route").sort()).toEqual(["route", "to_billing", "to_sales"]);
    // ask_need still reaches to_support (failure/timeout) and so busy.
    const def = deleteStep(seed(), "route");
    expect(def.steps.map((s) => s.id)).toEqual(["welcome", "ask_need", "to_support", "busy"]);
    expect(def.steps.find((s) => s.id === "ask_need")?.exits).toEqual({ failure: "to_support", timeout: "to_support" });
  });
  it("deleting the start removes everything after it", () => {
    const def = deleteStep(seed(), "welcome");
    expect(def.steps).toEqual([]);
  });
});

describe("trigger and workflow settings", () => {
  it("a new trigger type starts without the old type's conditions; once per contact is kept", () => {
    const once = setTrigger(seed(), { once_per_contact: true });
    expect(once.trigger).toEqual({ type: "conversation_opened", conditions: { sources: ["contact"] }, once_per_contact: true });
    const tagged = setTrigger(once, { type: "contact_tag_updated" });
    expect(tagged.trigger).toEqual({ type: "contact_tag_updated", once_per_contact: true });
    expect(setTrigger(tagged, { once_per_contact: false }).trigger).toEqual({ type: "contact_tag_updated" });
    expect(setTrigger(once, { type: "conversation_opened" }).trigger.conditions).toEqual({ sources: ["contact"] });
  });
  it("changes the name, the description and the options without touching the steps", () => {
    const d = seed();
    const n = setWorkflowMeta(d, { name: "Inbound v2", description: "Routes new chats", end_on_assignment: false });
    expect([n.name, n.description, n.options]).toEqual(["Inbound v2", "Routes new chats", { end_on_assignment: false }]);
    expect(n.steps).toEqual(d.steps);
    expect(setWorkflowMeta(n, { description: "" }).description).toBeUndefined();
    expect(d.name).toBe("Inbound conversations");
  });
  it("names a step and clears its name", () => {
    const named = updateStep(seed(), "welcome", { text: "Hi" }, "Greeting");
    expect(named.steps.find((s) => s.id === "welcome")?.name).toBe("Greeting");
    expect(updateStep(named, "welcome", { text: "Hi" }, "").steps.find((s) => s.id === "welcome")?.name).toBeUndefined();
  });
});

describe("updateStep on a Branch", () => {
  it("keeps each branch's wiring when a branch other than the last is removed", () => {
    const route = (d: Definition) => d.steps.find((s) => s.id === "route")!;
    // Sales removed (the drawer's trash on the first row): Support and Billing keep their steps.
    const d = updateStep(seed(), "route", { branches: [{ name: "Support" }, { name: "Billing" }] });
    expect(route(d).exits).toEqual({ "branch[0]": "to_support", "branch[1]": "to_billing", else: "to_support" });
    expect(toGraph(d).edges.find((e) => e.id === "route:branch[0]")).toMatchObject({ target: "to_support", label: "Support" });
    // The middle one, while the last branch's name was being typed in the same change.
    const m = updateStep(seed(), "route", { branches: [{ name: "Sales" }, { name: "Billing (EU)" }] });
    expect(route(m).exits).toEqual({ "branch[0]": "to_sales", "branch[1]": "to_billing", else: "to_support" });
    // The last one: the others as they were.
    const l = updateStep(seed(), "route", { branches: [{ name: "Sales" }, { name: "Support" }] });
    expect(route(l).exits).toEqual({ "branch[0]": "to_sales", "branch[1]": "to_support", else: "to_support" });
  });
});

describe("undo/redo", () => {
  it("walks the history of definitions", () => {
    let h = historyOf(seed());
    h = push(h, addStep(h.present, { source: "busy", exit: "next" }, "wait").def);
    h = push(h, deleteStep(h.present, "to_sales"));
    expect(h.present.steps).toHaveLength(7);
    h = undo(h);
    expect(h.present.steps).toHaveLength(8);
    h = undo(h);
    expect(h.present).toEqual(seed());
    expect(undo(h)).toBe(h);
    h = redo(h);
    expect(h.present.steps).toHaveLength(8);
    h = push(h, updateStep(h.present, "busy", { text: "later" }));
    expect(h.future).toEqual([]);
    expect(redo(h)).toBe(h);
  });

  it("makes one step of a field's typing, and a new one of typing again after an undo", () => {
    const text = (d: Definition) => d.steps.find((s) => s.id === "welcome")?.settings?.text;
    const typed = (d: Definition, v: string) => updateStep(d, "welcome", { text: v });
    let h = historyOf(seed());
    h = amend(h, typed(h.present, "Hi!"), "welcome", 1000);
    h = amend(h, typed(h.present, "Hi! Welcome"), "welcome", 1500); // still typing: the same step
    expect(h.past).toHaveLength(1);
    h = undo(h);
    expect(text(h.present)).toBe("Hi");
    // Typing again in the same field right away is a new edit: the text before it stays one undo away.
    h = amend(h, typed(h.present, "Hello"), "welcome", 1800);
    expect(text(h.present)).toBe("Hello");
    expect(h.future).toEqual([]);
    h = undo(h);
    expect(text(h.present)).toBe("Hi");
    // Another field, or a pause, is a new step too.
    h = amend(redo(h), typed(h.present, "Hello there"), "welcome", 1800 + 2000);
    expect(undo(h).present).not.toBe(h.present);
    expect(text(undo(h).present)).toBe("Hello");
  });
});

describe("copy/paste", () => {
  it("pastes copies with new ids, internal exits remapped, outside exits dropped", () => {
    const clip = copySteps(seed(), ["to_sales", "busy"]);
    const { def, ids } = pasteSteps(seed(), clip);
    expect(ids).toEqual(["to_sales_2", "busy_2"]);
    expect(def.steps.find((s) => s.id === "to_sales_2")?.exits).toEqual({ timeout: "busy_2", failure: "busy_2" });
    const half = pasteSteps(seed(), copySteps(seed(), ["route"]));
    expect(half.def.steps.find((s) => s.id === "route_2")?.exits).toEqual({});
  });
  it("wires the first copy on a free exit when given one", () => {
    const { def, ids } = pasteSteps(seed(), copySteps(seed(), ["busy"]), { source: "busy", exit: "next" });
    expect(def.steps.find((s) => s.id === "busy")?.exits?.next).toBe(ids[0]);
  });
});

describe("layout", () => {
  const overlap = (a: { x: number; y: number }, b: { x: number; y: number }) =>
    Math.abs(a.x - b.x) < NODE_WIDTH && Math.abs(a.y - b.y) < NODE_HEIGHT;
  it("places no two nodes over each other, and children below their parents", () => {
    let def = seed();
    def = addStep(def, { source: "busy", exit: "next" }, "jump_to", { step: "ask_need" }).def; // a loop back up
    def = pasteSteps(def, copySteps(def, ["to_sales", "busy"])).def; // unreachable copies
    const pos = autoLayout(def);
    const ids = Object.keys(pos);
    expect(ids).toHaveLength(def.steps.length + 1);
    for (const a of ids) for (const b of ids) if (a < b) expect(overlap(pos[a]!, pos[b]!), `${a} / ${b}`).toBe(false);
    for (const e of toGraph(def).edges) {
      if (e.jump) continue; // the jump goes back up
      expect(pos[e.target]!.y, `${e.source} -> ${e.target}`).toBeGreaterThan(pos[e.source]!.y);
    }
    expect(pos[TRIGGER_ID]!.y).toBe(0);
    // Siblings side by side: the three assigns on one row, in the branch's order.
    expect(pos.to_sales!.y).toBe(pos.to_billing!.y);
    expect(pos.to_sales!.x).toBeLessThan(pos.to_billing!.x);
  });
  it("keeps the positions the user dragged", () => {
    const pos = positionsFor(seed(), { busy: { x: 999, y: 5 } });
    expect(pos.busy).toEqual({ x: 999, y: 5 });
  });
});

import { summarize } from "./summary";
describe("summarize", () => {
  it("gives one line per step type", () => {
    expect(summarize(seed().steps[2]!)).toBe("Sales · Support · Billing");
    expect(summarize({ type: "send_message", settings: { text: "Hi\nthere" } })).toBe("Hi there");
    expect(summarize({ type: "wait", settings: {} })).toBe("");
  });
});

describe("STEP_EXITS", () => {
  it("names the exits the engine's schema gives each step type", async () => {
    const fixture = (await import("../drawer/schema.fixture.json")).default as unknown as {
      properties: { steps: { items: { oneOf: { title: string; properties: { exits?: { propertyNames?: { enum?: string[] } } } }[] } } };
    };
    const fromSchema = Object.fromEntries(
      fixture.properties.steps.items.oneOf
        .filter((v) => v.title !== "branch")
        .map((v) => [v.title, [...(v.properties.exits?.propertyNames?.enum ?? [])].sort()]),
    );
    const ours = Object.fromEntries(Object.entries(STEP_EXITS).map(([k, v]) => [k, [...v].sort()]));
    expect(ours).toEqual(fromSchema);
  });
});

describe("exitsOf", () => {
  it("lists a step's exits in order with where each leads, a branch's by its branches' names", () => {
    expect(exitsOf(seed(), "route")).toEqual([
      { name: "branch[0]", label: "Sales", target: "to_sales" },
      { name: "branch[1]", label: "Support", target: "to_support" },
      { name: "branch[2]", label: "Billing", target: "to_billing" },
      { name: "else", label: "else", target: "to_support" },
    ]);
    expect(exitsOf(seed(), "to_sales")).toEqual([
      { name: "next", label: "next", target: undefined },
      { name: "timeout", label: "timeout", target: "busy" },
      { name: "failure", label: "failure", target: "busy" },
    ]);
  });

  it("gives the trigger its start, and an exit to a step that is gone as free", () => {
    expect(exitsOf(seed(), TRIGGER_ID)).toEqual([{ name: "start", label: "start", target: "welcome" }]);
    const d = seed();
    d.steps[0]!.exits = { next: "ghost" };
    expect(exitsOf(d, "welcome")[0]).toEqual({ name: "next", label: "next", target: undefined });
    expect(exitsOf(d, "nope")).toEqual([]);
  });

  it("changes as connect changes the graph", () => {
    const d = connect(connect(seed(), "to_sales", "next", "busy"), "to_sales", "timeout", undefined);
    expect(exitsOf(d, "to_sales").map((e) => e.target)).toEqual(["busy", undefined, "busy"]);
    expect(exitsOf(connect(d, TRIGGER_ID, "start", "route"), TRIGGER_ID)[0]!.target).toBe("route");
  });
});
