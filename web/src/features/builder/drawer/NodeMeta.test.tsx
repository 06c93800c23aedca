// Every property of the workflow schema outside a node's settings is edited
// somewhere: by NodeMeta (a control with data-meta-path) or by the canvas
// itself (ids, exits, the start). A new property in the engine's schema
// fails here until it has a place.
import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render } from "@testing-library/react";
import "../../../lib/i18n";
import fixture from "./schema.fixture.json";
import { typeNames, type JSONSchema } from "./schema";
import { NodeMeta, canvasPaths, metaPaths, type MetaPatch } from "./NodeMeta";

const root = fixture as unknown as JSONSchema;
afterEach(cleanup);

/** definitionPaths lists the schema's properties above the settings: the definition's, each trigger's and each step's. */
function definitionPaths(): string[] {
  const out = new Set<string>();
  const props = (s: JSONSchema | undefined, prefix: string) => {
    for (const [k, v] of Object.entries(s?.properties ?? {})) {
      out.add(prefix + k);
      if (k === "options") props(v, "options.");
    }
  };
  props(root, "");
  for (const v of root.properties?.trigger?.oneOf ?? []) props(v, "trigger.");
  for (const v of root.properties?.steps?.items?.oneOf ?? []) props(v, "steps[].");
  return [...out].sort();
}

describe("NodeMeta", () => {
  it("gives every definition property outside the settings a place", () => {
    const known = new Set([...metaPaths, ...canvasPaths]);
    expect(definitionPaths().filter((p) => !known.has(p) && p !== "options")).toEqual([]);
  });

  it("renders a control for each of its paths across the trigger and a step", () => {
    const have = new Set<string>();
    for (const kind of ["trigger", "step"] as const) {
      const { container } = render(
        <NodeMeta kind={kind} value={{ type: "manual", workflow: { name: "W" } }} triggerTypes={typeNames(root, "trigger")} onChange={() => {}} />,
      );
      container.querySelectorAll("[data-meta-path]").forEach((e) => have.add(e.getAttribute("data-meta-path")!));
      cleanup();
    }
    expect(metaPaths.filter((p) => !have.has(p))).toEqual([]);
  });

  it("reports each change as a patch", () => {
    const got: MetaPatch[] = [];
    const { container } = render(
      <NodeMeta kind="trigger" value={{ type: "manual", workflow: { name: "W" } }} triggerTypes={typeNames(root, "trigger")} onChange={(p) => got.push(p)} />,
    );
    const el = (p: string) => container.querySelector(`[data-meta-path="${p}"]`)!;
    fireEvent.change(el("trigger.type"), { target: { value: "conversation_opened" } });
    fireEvent.click(el("trigger.once_per_contact"));
    fireEvent.change(el("name"), { target: { value: "Inbound" } });
    fireEvent.click(el("options.end_on_assignment"));
    expect(got).toEqual([
      { trigger: { type: "conversation_opened" } },
      { trigger: { once_per_contact: true } },
      { workflow: { name: "Inbound" } },
      { workflow: { end_on_assignment: true } },
    ]);
  });
});
