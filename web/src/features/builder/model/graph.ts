// The builder's graph model: a workflow definition (docs/workflows.md) seen
// as nodes and edges, and the edits the canvas makes to it. Pure functions
// over plain data, no React: every edit returns a new definition and never
// mutates its input, so a history of definitions is undo/redo.

export interface Step {
  id: string;
  type: string;
  name?: string;
  settings?: Record<string, unknown>;
  exits?: Record<string, string>;
}

export interface Trigger {
  type: string;
  conditions?: Record<string, unknown>;
  once_per_contact?: boolean;
}

export interface Definition {
  name: string;
  description?: string;
  trigger: Trigger;
  options?: { end_on_assignment?: boolean };
  start?: string;
  steps: Step[];
}

/** The trigger's node id: not a valid step id (steps match [A-Za-z0-9_-]). */
export const TRIGGER_ID = "@trigger";
/** The trigger's one exit: the start step. */
export const START_EXIT = "start";

/** The exits of each step type (internal/workflow/step_*.go exits()). */
export const STEP_EXITS: Record<string, string[]> = {
  add_comment: ["next", "failure"],
  ask_question: ["next", "failure", "timeout"],
  assign_to: ["next", "timeout", "failure"],
  classify: ["next", "none"],
  close_conversation: ["next", "failure"],
  date_time: ["next", "failure"],
  http_request: ["success", "failure"],
  jump_to: ["next"],
  open_conversation: ["next", "failure"],
  send_message: ["next", "failure"],
  trigger_workflow: ["next", "failure"],
  update_contact_field: ["next", "failure"],
  update_contact_tag: ["next", "failure"],
  update_lifecycle: ["next", "failure"],
  wait: ["next"],
};

/** exitNames lists a step's exits in display order: a branch has one per branch, then else. */
export function exitNames(step: Step): string[] {
  if (step.type === "branch") {
    const branches = Array.isArray(step.settings?.branches) ? (step.settings.branches as unknown[]) : [];
    return [...branches.map((_, i) => `branch[${i}]`), "else"];
  }
  const known = STEP_EXITS[step.type] ?? ["next"];
  // An exit the definition wires that we do not know still shows.
  const extra = Object.keys(step.exits ?? {}).filter((e) => !known.includes(e));
  return [...known, ...extra];
}

/** exitLabel is an exit's display name: a branch's own name when it has one. */
export function exitLabel(step: Step, exit: string): string {
  const m = /^branch\[(\d+)\]$/.exec(exit);
  if (m && step.type === "branch") {
    const b = (step.settings?.branches as { name?: string }[] | undefined)?.[Number(m[1])];
    if (b?.name) return b.name;
  }
  return exit;
}

export function startOf(def: Definition): string | undefined {
  if (def.start && def.steps.some((s) => s.id === def.start)) return def.start;
  return def.steps[0]?.id;
}

export interface GraphNode {
  id: string;
  kind: "trigger" | "step";
  type: string;
  step?: Step;
}

export interface GraphEdge {
  id: string;
  source: string;
  exit: string;
  target: string;
  label: string;
  /** jump: a Jump To step's target (settings.step), not an exit. */
  jump?: boolean;
}

export interface FreeExit {
  source: string;
  exit: string;
  label: string;
}

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  free: FreeExit[];
}

function jumpTarget(step: Step): string | undefined {
  if (step.type !== "jump_to") return undefined;
  const t = step.settings?.step;
  return typeof t === "string" && t ? t : undefined;
}

/** toGraph: the trigger and each step a node; one edge per wired exit (labelled with its name); the free exits. */
export function toGraph(def: Definition): Graph {
  const ids = new Set(def.steps.map((s) => s.id));
  const nodes: GraphNode[] = [{ id: TRIGGER_ID, kind: "trigger", type: def.trigger.type }];
  const edges: GraphEdge[] = [];
  const free: FreeExit[] = [];
  const start = startOf(def);
  if (start) edges.push({ id: `${TRIGGER_ID}:${START_EXIT}`, source: TRIGGER_ID, exit: START_EXIT, target: start, label: "" });
  else free.push({ source: TRIGGER_ID, exit: START_EXIT, label: START_EXIT });
  for (const s of def.steps) {
    nodes.push({ id: s.id, kind: "step", type: s.type, step: s });
    for (const exit of exitNames(s)) {
      const target = s.exits?.[exit];
      const label = exitLabel(s, exit);
      if (target && ids.has(target)) edges.push({ id: `${s.id}:${exit}`, source: s.id, exit, target, label });
      else free.push({ source: s.id, exit, label });
    }
    const j = jumpTarget(s);
    if (j && ids.has(j)) edges.push({ id: `${s.id}:jump`, source: s.id, exit: "jump", target: j, label: "jump", jump: true });
  }
  return { nodes, edges, free };
}

/** successors: the steps a step leads to (its exits and, for Jump To, its target). */
function successors(def: Definition, id: string): string[] {
  if (id === TRIGGER_ID) {
    const s = startOf(def);
    return s ? [s] : [];
  }
  const step = def.steps.find((s) => s.id === id);
  if (!step) return [];
  const out = Object.values(step.exits ?? {});
  const j = jumpTarget(step);
  if (j) out.push(j);
  return out;
}

/** reachable: every node reachable from `from` (included), not passing through `avoid`. */
export function reachable(def: Definition, from: string, avoid?: string): Set<string> {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id) || id === avoid) continue;
    seen.add(id);
    stack.push(...successors(def, id));
  }
  return seen;
}

/** uniqueID: a fresh step id from a base (its type), base_2, base_3… */
export function uniqueID(def: Definition, base: string, taken: Set<string> = new Set()): string {
  const used = new Set([...def.steps.map((s) => s.id), ...taken]);
  const clean = base.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 56) || "step";
  if (!used.has(clean)) return clean;
  for (let i = 2; ; i++) if (!used.has(`${clean}_${i}`)) return `${clean}_${i}`;
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

/**
 * addStep puts a new step of `type` on the exit `at` (of a step, or the
 * trigger's start). When that exit already leads somewhere, the new step is
 * inserted: its first exit takes over the old target.
 */
export function addStep(
  def: Definition,
  at: { source: string; exit: string },
  type: string,
  settings: Record<string, unknown> = {},
): { def: Definition; id: string } {
  const next = clone(def);
  const id = uniqueID(next, type);
  const step: Step = { id, type, settings: clone(settings), exits: {} };
  let old: string | undefined;
  if (at.source === TRIGGER_ID) {
    old = startOf(next);
    next.start = id;
    next.steps.unshift(step);
  } else {
    const src = next.steps.find((s) => s.id === at.source);
    if (!src) throw new Error(`no step ${at.source}`);
    old = src.exits?.[at.exit];
    src.exits = { ...src.exits, [at.exit]: id };
    next.steps.splice(next.steps.indexOf(src) + 1, 0, step);
  }
  const first = exitNames(step)[0];
  if (old && first && next.steps.some((s) => s.id === old)) step.exits = { [first]: old };
  return { def: next, id };
}

/**
 * branchOf: the steps deleting `id` removes — the step itself and every
 * step reachable from it that is no longer reachable from the trigger once
 * it is gone (that is, every step reachable only through it). A step that
 * another path still reaches (a shared "busy" message, a loop's head) is
 * kept. Steps that were unreachable before are not counted.
 */
export function branchOf(def: Definition, id: string): string[] {
  const fromStep = reachable(def, id);
  const stillReached = reachable(def, TRIGGER_ID, id);
  return def.steps.map((s) => s.id).filter((s) => fromStep.has(s) && !stillReached.has(s));
}

/** deleteStep removes a step with its branch (branchOf); exits that led into it become free. */
export function deleteStep(def: Definition, id: string): Definition {
  const gone = new Set(branchOf(def, id));
  const next = clone(def);
  next.steps = next.steps.filter((s) => !gone.has(s.id));
  for (const s of next.steps) {
    if (!s.exits) continue;
    for (const [e, t] of Object.entries(s.exits)) if (gone.has(t)) delete s.exits[e];
    if (s.type === "jump_to" && typeof s.settings?.step === "string" && gone.has(s.settings.step)) {
      s.settings = { ...s.settings, step: "" };
    }
  }
  if (next.start && gone.has(next.start)) delete next.start;
  return next;
}

/** connect wires (or, with target undefined, frees) one exit. */
export function connect(def: Definition, source: string, exit: string, target: string | undefined): Definition {
  const next = clone(def);
  if (source === TRIGGER_ID) {
    if (target) {
      next.start = target;
      // The start is the first step by default; keep it first for readability.
      const i = next.steps.findIndex((s) => s.id === target);
      if (i > 0) next.steps.unshift(...next.steps.splice(i, 1));
    }
    return next;
  }
  const s = next.steps.find((x) => x.id === source);
  if (!s) return next;
  const exits = { ...s.exits };
  if (target) exits[exit] = target;
  else delete exits[exit];
  s.exits = exits;
  return next;
}

/** An exit of a node as a form lists it: its name, display label and the step it leads to (none: the run ends there). */
export interface NodeExit {
  name: string;
  label: string;
  target?: string;
}

/**
 * exitsOf lists a node's exits as the canvas draws them (toGraph): the
 * trigger's start, or a step's exits in display order, each with the step
 * it is wired to (an exit naming a step that does not exist is free).
 * connect(def, node, exit, target) changes one.
 */
export function exitsOf(def: Definition, node: string): NodeExit[] {
  if (node === TRIGGER_ID) return [{ name: START_EXIT, label: START_EXIT, target: startOf(def) }];
  const step = def.steps.find((s) => s.id === node);
  if (!step) return [];
  const ids = new Set(def.steps.map((s) => s.id));
  return exitNames(step).map((name) => {
    const target = step.exits?.[name];
    return { name, label: exitLabel(step, name), target: target && ids.has(target) ? target : undefined };
  });
}

/** updateStep replaces a step's settings (and name when given). */
export function updateStep(def: Definition, id: string, settings: Record<string, unknown>, name?: string): Definition {
  const next = clone(def);
  const s = next.steps.find((x) => x.id === id);
  if (!s) return next;
  const before = s.type === "branch" ? branchesOf(s) : [];
  s.settings = clone(settings);
  if (name !== undefined) {
    if (name) s.name = name;
    else delete s.name;
  }
  if (s.type === "branch" && s.exits) {
    // A branch removed loses its exit, and the branches after it keep
    // theirs: exits are named by position, so branch[2] becomes branch[1].
    const removed = removedIndex(before, branchesOf(s));
    if (removed !== undefined) {
      const exits: Record<string, string> = {};
      for (const [e, t] of Object.entries(s.exits)) {
        const m = /^branch\[(\d+)\]$/.exec(e);
        const i = m ? Number(m[1]) : -1;
        if (i === removed) continue;
        exits[i > removed ? `branch[${i - 1}]` : e] = t;
      }
      s.exits = exits;
    }
    // A branch that lost branches loses their exits.
    const valid = new Set(exitNames(s));
    for (const e of Object.keys(s.exits)) if (!valid.has(e)) delete s.exits[e];
  }
  return next;
}

function branchesOf(s: Step): unknown[] {
  return Array.isArray(s.settings?.branches) ? (s.settings.branches as unknown[]) : [];
}

/**
 * removedIndex: which one branch `after` lacks of `before` — the removal
 * that leaves the most branches as they were (another one may have been
 * edited in the same change), the first that differs on a tie.
 */
function removedIndex(before: unknown[], after: unknown[]): number | undefined {
  if (after.length !== before.length - 1) return undefined;
  const a = after.map((x) => JSON.stringify(x));
  let best: number | undefined;
  let bestSame = -1;
  for (let i = 0; i < before.length; i++) {
    const rest = before.filter((_, j) => j !== i).map((x) => JSON.stringify(x));
    const same = rest.filter((x, j) => x === a[j]).length;
    if (same > bestSame) [best, bestSame] = [i, same];
  }
  return best;
}

/** updateTrigger replaces the trigger's conditions. */
export function updateTrigger(def: Definition, conditions: Record<string, unknown>): Definition {
  const next = clone(def);
  next.trigger = { ...next.trigger, conditions: clone(conditions) };
  return next;
}

/**
 * setTrigger changes the trigger's type or its once-per-contact flag. A new
 * type starts with no conditions: the old type's conditions mean nothing to it.
 */
export function setTrigger(def: Definition, patch: { type?: string; once_per_contact?: boolean }): Definition {
  const next = clone(def);
  if (patch.type !== undefined && patch.type !== next.trigger.type) next.trigger = { type: patch.type, once_per_contact: next.trigger.once_per_contact };
  if (patch.once_per_contact !== undefined) next.trigger.once_per_contact = patch.once_per_contact;
  if (!next.trigger.once_per_contact) delete next.trigger.once_per_contact;
  return next;
}

/** setWorkflowMeta changes the workflow's name, description or options. */
export function setWorkflowMeta(def: Definition, patch: { name?: string; description?: string; end_on_assignment?: boolean }): Definition {
  const next = clone(def);
  if (patch.name !== undefined) next.name = patch.name;
  if (patch.description !== undefined) {
    if (patch.description) next.description = patch.description;
    else delete next.description;
  }
  if (patch.end_on_assignment !== undefined) next.options = { ...next.options, end_on_assignment: patch.end_on_assignment };
  return next;
}

/** Clipboard: copied steps, their exits to steps outside the copy dropped. */
export interface Clipboard {
  steps: Step[];
}

export function copySteps(def: Definition, ids: string[]): Clipboard {
  const set = new Set(ids);
  const steps = def.steps.filter((s) => set.has(s.id)).map(clone);
  for (const s of steps) {
    if (!s.exits) continue;
    for (const [e, t] of Object.entries(s.exits)) if (!set.has(t)) delete s.exits[e];
  }
  return { steps };
}

/**
 * pasteSteps adds copies of the clipboard's steps with new ids, their exits
 * among themselves remapped to the copies (a Jump To inside the copy too).
 * With `at`, the first pasted step is wired to that exit; otherwise the
 * copies are unconnected until wired.
 */
export function pasteSteps(
  def: Definition,
  clip: Clipboard,
  at?: { source: string; exit: string },
): { def: Definition; ids: string[] } {
  let next = clone(def);
  const map = new Map<string, string>();
  const taken = new Set<string>();
  for (const s of clip.steps) {
    const id = uniqueID(next, s.id, taken);
    taken.add(id);
    map.set(s.id, id);
  }
  const copies = clip.steps.map((s) => {
    const c = clone(s);
    c.id = map.get(s.id)!;
    if (c.exits) {
      const exits: Record<string, string> = {};
      for (const [e, t] of Object.entries(c.exits)) if (map.has(t)) exits[e] = map.get(t)!;
      c.exits = exits;
    }
    if (c.type === "jump_to" && typeof c.settings?.step === "string" && map.has(c.settings.step)) {
      c.settings = { ...c.settings, step: map.get(c.settings.step)! };
    }
    return c;
  });
  next.steps.push(...copies);
  if (at && copies[0]) next = connect(next, at.source, at.exit, copies[0].id);
  return { def: next, ids: copies.map((c) => c.id) };
}
