// The difference between two definitions (a published version and the
// draft), step by step: which steps were added, removed or changed and,
// for each change, which paths changed with their values before and after.
// Pure: the canvas marks steps from `marks`, the versions panel lists
// `entries`.
import type { Definition, Step } from "./graph";

/** StepDiff maps a step id ("trigger" for the trigger) to how it differs. */
export type StepDiff = Map<string, "added" | "changed">;

/** One changed value: its path ("settings.text", "exits.next", "conditions.sources") and both values. */
export interface FieldChange {
  path: string;
  before?: unknown;
  after?: unknown;
}

export type DiffEntry =
  /** The workflow's own fields: name, description, start, options. */
  | { kind: "workflow"; changes: FieldChange[] }
  /** The trigger: type, conditions.*, once_per_contact. */
  | { kind: "trigger"; changes: FieldChange[] }
  | { kind: "added"; id: string; step: Step }
  | { kind: "removed"; id: string; step: Step }
  | { kind: "changed"; id: string; step: Step; before: Step; changes: FieldChange[] };

export interface DefinitionDiff {
  /** How each step on the canvas (the newer definition) differs. */
  marks: StepDiff;
  /** Every difference, in the order to list them: workflow, trigger, the steps in order, removed steps last. */
  entries: DiffEntry[];
}

/** TRIGGER_KEY is the trigger's key in a StepDiff. */
export const TRIGGER_KEY = "trigger";

/** diffDefinitions compares `before` (e.g. the published version) with `after` (e.g. the draft). */
export function diffDefinitions(before: Definition, after: Definition): DefinitionDiff {
  const marks: StepDiff = new Map();
  const entries: DiffEntry[] = [];

  const wf: FieldChange[] = [];
  compare("name", before.name, after.name, wf);
  compare("description", before.description, after.description, wf);
  compare("start", before.start, after.start, wf);
  compare("options.end_on_assignment", !!before.options?.end_on_assignment, !!after.options?.end_on_assignment, wf);
  if (wf.length) entries.push({ kind: "workflow", changes: wf });

  const tr: FieldChange[] = [];
  compare("type", before.trigger.type, after.trigger.type, tr);
  compare("conditions", before.trigger.conditions, after.trigger.conditions, tr);
  compare("once_per_contact", !!before.trigger.once_per_contact, !!after.trigger.once_per_contact, tr);
  if (tr.length) {
    entries.push({ kind: "trigger", changes: tr });
    marks.set(TRIGGER_KEY, "changed");
  }

  const old = new Map(before.steps.map((s) => [s.id, s]));
  const now = new Set(after.steps.map((s) => s.id));
  for (const s of after.steps) {
    const b = old.get(s.id);
    if (!b) {
      entries.push({ kind: "added", id: s.id, step: s });
      marks.set(s.id, "added");
      continue;
    }
    const changes = stepChanges(b, s);
    if (changes.length) {
      entries.push({ kind: "changed", id: s.id, step: s, before: b, changes });
      marks.set(s.id, "changed");
    }
  }
  for (const s of before.steps) if (!now.has(s.id)) entries.push({ kind: "removed", id: s.id, step: s });
  return { marks, entries };
}

/** stepChanges lists what differs between two versions of one step. */
export function stepChanges(before: Step, after: Step): FieldChange[] {
  const out: FieldChange[] = [];
  compare("name", before.name, after.name, out);
  compare("type", before.type, after.type, out);
  compare("settings", before.settings, after.settings, out);
  compare("exits", before.exits, after.exits, out);
  return out;
}

/** sameDefinition tells whether two definitions have no difference at all. */
export function sameDefinition(a: Definition, b: Definition): boolean {
  return diffDefinitions(a, b).entries.length === 0;
}

// Missing, null, "", [] and {} are all "nothing": the server drops empty
// values (omitempty) and the forms may clear a field either way.
function empty(v: unknown): boolean {
  if (v === undefined || v === null || v === "") return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isObject(v)) return Object.keys(v).every((k) => empty(v[k]));
  return false;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isLeafArray(v: unknown): boolean {
  return Array.isArray(v) && v.every((x) => x === null || typeof x !== "object");
}

/** compare appends the changed leaves under path; objects and arrays of objects are walked, lists of values compared whole. */
function compare(path: string, a: unknown, b: unknown, out: FieldChange[]) {
  if (empty(a) && empty(b)) return;
  // A missing object or list is walked as an empty one, so each value added or removed is named.
  if (isObject(a) && empty(b)) b = {};
  if (empty(a) && isObject(b)) a = {};
  if (Array.isArray(a) && !isLeafArray(a) && empty(b)) b = [];
  if (empty(a) && Array.isArray(b) && !isLeafArray(b)) a = [];
  if (isObject(a) && isObject(b)) {
    const keys = [...Object.keys(a), ...Object.keys(b).filter((k) => !(k in a))];
    for (const k of keys) compare(`${path}.${k}`, a[k], b[k], out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && !(isLeafArray(a) && isLeafArray(b))) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) compare(`${path}[${i}]`, a[i], b[i], out);
    return;
  }
  if (!equal(a, b)) out.push({ path, before: empty(a) ? undefined : a, after: empty(b) ? undefined : b });
}

function equal(a: unknown, b: unknown): boolean {
  if (empty(a) && empty(b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!equal(a[k], b[k])) return false;
    return true;
  }
  return a === b;
}
