import { describe, expect, it } from "vitest";
import { type StepFlowNode, sameStepNode } from "./StepNode";

function node(over: Partial<StepFlowNode> = {}, data: Partial<StepFlowNode["data"]> = {}): StepFlowNode {
  return {
    id: "ask",
    type: "step",
    position: { x: 10, y: 20 },
    selected: false,
    deletable: false,
    ariaLabel: "Step ask",
    ...over,
    data: {
      kind: "step",
      stepID: "ask",
      type: "ask_question",
      summary: "Which one?",
      exits: [
        { name: "next", label: "next", wired: true },
        { name: "timeout", label: "timeout", wired: false },
      ],
      problems: [],
      counts: { next: 3 },
      visit: undefined,
      ...data,
    },
  };
}

describe("sameStepNode", () => {
  it("is true for two builds of the same node (new arrays and objects, same values)", () => {
    expect(sameStepNode(node(), node())).toBe(true);
    // A field set to undefined is the same as a field left out.
    expect(sameStepNode(node({}, { diff: undefined }), node())).toBe(true);
  });

  it("is false when what the node shows changes", () => {
    const base = node();
    expect(sameStepNode(base, node({ selected: true }))).toBe(false);
    expect(sameStepNode(base, node({ position: { x: 11, y: 20 } }))).toBe(false);
    expect(sameStepNode(base, node({ ariaLabel: "Étape ask" }))).toBe(false);
    expect(sameStepNode(base, node({}, { summary: "Which two?" }))).toBe(false);
    expect(sameStepNode(base, node({}, { problems: ["settings.question: is required"] }))).toBe(false);
    expect(sameStepNode(base, node({}, { counts: { next: 4 } }))).toBe(false);
    expect(sameStepNode(base, node({}, { diff: "changed" }))).toBe(false);
    expect(sameStepNode(base, node({}, { visit: { times: 1 } }))).toBe(false);
    expect(
      sameStepNode(
        base,
        node({}, { exits: [{ name: "next", label: "next", wired: true }, { name: "timeout", label: "timeout", wired: true }] }),
      ),
    ).toBe(false);
  });
});
