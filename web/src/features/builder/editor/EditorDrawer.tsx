// EditorDrawer: the step drawer of the node selected on the canvas, wired
// to the editor's definition — its settings, its name (or the trigger's
// type and the workflow's own settings) and its exits (connect, as a
// drag on the canvas) — each change an edit of the latest definition,
// undoable.
import type { Ref } from "react";
import { type DrawerHandle, type DrawerNode, StepDrawer } from "../drawer/StepDrawer";
import { workflowVariables } from "../drawer/template";
import { type Definition, TRIGGER_ID, connect, exitsOf, setTrigger, setWorkflowMeta, updateStep, updateTrigger } from "../model/graph";
import type { Problem } from "./Toolbar";

/** Edit applies a change to the latest definition; edits with the same coalesce key in a row are one undo step. */
export type Edit = (change: (d: Definition) => Definition, coalesce?: string) => void;

export function EditorDrawer({
  def,
  selected,
  problems,
  workflowID,
  editWith,
  onClose,
  handle,
  onPending,
}: {
  def: Definition;
  /** The node selected on the canvas: TRIGGER_ID or a step's id. */
  selected: string | null;
  /** Every problem of the definition (the node's are shown). */
  problems: Problem[];
  workflowID: number;
  editWith: Edit;
  onClose(): void;
  /** The editor takes the drawer's pending edit through it before a save. */
  handle?: Ref<DrawerHandle>;
  onPending?(waiting: boolean): void;
}) {
  const node = drawerNodeOf(def, selected);
  if (!node || !selected) return null;
  const step = node.kind === "step" ? def.steps.find((s) => s.id === node.id) : undefined;
  return (
    <StepDrawer
      key={node.id}
      ref={handle}
      onPending={onPending}
      node={node}
      steps={def.steps}
      workflowID={workflowID}
      problems={problems.filter((p) => (p.step ?? "trigger") === node.id)}
      variables={workflowVariables([
        { kind: "trigger", id: "trigger", type: def.trigger.type, settings: def.trigger.conditions ?? {} },
        ...def.steps.filter((s) => s.id !== node.id).map((s) => ({ kind: "step", id: s.id, type: s.type, settings: s.settings ?? {} })),
      ])}
      onClose={onClose}
      meta={
        node.kind === "trigger"
          ? {
              type: def.trigger.type,
              once_per_contact: def.trigger.once_per_contact,
              workflow: { name: def.name, description: def.description, end_on_assignment: def.options?.end_on_assignment },
            }
          : { name: step?.name }
      }
      onMeta={(m) =>
        "step" in m
          ? editWith((d) => updateStep(d, node.id, d.steps.find((x) => x.id === node.id)?.settings ?? {}, m.step.name), `${node.id}:name`)
          : "trigger" in m
            ? editWith((d) => setTrigger(d, m.trigger), "trigger:meta")
            : editWith((d) => setWorkflowMeta(d, m.workflow), "workflow:meta")
      }
      exits={exitsOf(def, selected)}
      // Arrowing through a native select changes it at each step: the run of
      // changes to one exit is one undo step, as one drag is.
      onExit={(exit, target) => editWith((d) => connect(d, selected, exit, target), `${selected}:exit:${exit}`)}
      onChange={(settings) =>
        node.kind === "trigger" ? editWith((d) => updateTrigger(d, settings), "trigger") : editWith((d) => updateStep(d, node.id, settings), node.id)
      }
    />
  );
}

/** drawerNodeOf is what the drawer edits of the selected node: the trigger's conditions or a step's settings. */
export function drawerNodeOf(def: Definition, selected: string | null): DrawerNode | null {
  if (selected === TRIGGER_ID) return { kind: "trigger", id: "trigger", type: def.trigger.type, settings: def.trigger.conditions ?? {} };
  const s = selected ? def.steps.find((x) => x.id === selected) : undefined;
  return s ? { kind: "step", id: s.id, type: s.type, settings: s.settings ?? {} } : null;
}
