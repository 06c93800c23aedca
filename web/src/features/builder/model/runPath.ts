// runPath reads a run's history (GET /api/v1/workflows/{id}/runs/{runID}:
// one entry per step it went through, with the exit it took) into what the
// canvas highlights: each visited step with what came out of it, and the
// edges the run followed, from the trigger on.
import { TRIGGER_ID } from "./graph";

export interface RunEntry {
  step: string;
  type?: string;
  exit?: string;
  outcome?: string;
  error?: string;
  input?: unknown;
}

export interface Visit {
  /** How many times the run went through the step (loops, retries). */
  times: number;
  /** The last pass's exit, outcome and error. */
  exit?: string;
  outcome?: string;
  error?: string;
  input?: unknown;
}

export interface RunPath {
  visits: Map<string, Visit>;
  /** Edge ids ("<step>:<exit>", and the trigger's) the run followed. */
  edges: Set<string>;
}

/**
 * The engine names the exit a branch took by the branch's name ("Billing")
 * in a run's history, where the definition wires it as "branch[2]":
 * normalize maps the history's name to the definition's (identity when
 * not given).
 */
export type ExitNormalizer = (step: string, exit: string) => string;

export function runPath(history: RunEntry[] | undefined, startExit = "start", normalize: ExitNormalizer = (_s, e) => e): RunPath {
  const visits = new Map<string, Visit>();
  const edges = new Set<string>();
  for (const e of history ?? []) {
    if (!e.step) continue;
    const v = visits.get(e.step) ?? { times: 0 };
    v.times++;
    v.exit = e.exit ? normalize(e.step, e.exit) : undefined;
    v.outcome = e.outcome || undefined;
    v.error = e.error || undefined;
    v.input = e.input;
    visits.set(e.step, v);
    if (v.exit) edges.add(`${e.step}:${v.exit}`);
  }
  if (visits.size > 0) edges.add(`${TRIGGER_ID}:${startExit}`);
  return { visits, edges };
}

/** exitCounts groups the 7-day stats (GET …/stats) by step, then exit. */
export function exitCounts(
  rows: { step: string; exit: string; runs: number }[] | undefined,
  normalize: ExitNormalizer = (_s, e) => e,
): Map<string, Record<string, number>> {
  const out = new Map<string, Record<string, number>>();
  for (const r of rows ?? []) {
    const m = out.get(r.step) ?? {};
    const exit = normalize(r.step, r.exit);
    m[exit] = (m[exit] ?? 0) + r.runs;
    out.set(r.step, m);
  }
  return out;
}

/** branchExits answers the normalizer of a definition's branches: a
 * branch's name becomes its "branch[i]" exit; other exits stay. */
export function branchExits(steps: { id: string; type: string; settings?: Record<string, unknown> }[]): ExitNormalizer {
  const names = new Map<string, string[]>();
  for (const s of steps) {
    if (s.type !== "branch") continue;
    const branches = (s.settings?.branches as { name?: string }[] | undefined) ?? [];
    names.set(s.id, branches.map((b) => b.name ?? ""));
  }
  return (step, exit) => {
    const list = names.get(step);
    if (!list || exit === "else" || /^branch\[\d+\]$/.test(exit)) return exit;
    const i = list.indexOf(exit);
    return i >= 0 ? `branch[${i}]` : exit;
  };
}
