// A simple layered top-down layout, no library: the trigger on top, each
// node one layer below the deepest of its parents (longest path over the
// graph without its back edges, so every forward edge points down), nodes
// of a layer side by side in the order of their parents, each row centred.
import { type Definition, TRIGGER_ID, toGraph } from "./graph";

export interface Point {
  x: number;
  y: number;
}
export type Positions = Record<string, Point>;

export const NODE_WIDTH = 260;
export const NODE_HEIGHT = 120;
export const GAP_X = 60;
export const GAP_Y = 90;

export function autoLayout(def: Definition): Positions {
  const { nodes, edges } = toGraph(def);
  const out = new Map<string, string[]>();
  for (const n of nodes) out.set(n.id, []);
  for (const e of edges) out.get(e.source)?.push(e.target);

  // Back edges by DFS from the trigger, then from any node not yet seen.
  const state = new Map<string, 1 | 2>();
  const back = new Set<string>();
  const visit = (root: string) => {
    const stack: [string, number][] = [[root, 0]];
    state.set(root, 1);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const kids = out.get(top[0])!;
      if (top[1] >= kids.length) {
        state.set(top[0], 2);
        stack.pop();
        continue;
      }
      const k = kids[top[1]++]!;
      if (state.get(k) === 1) back.add(`${top[0]}>${k}`);
      else if (!state.has(k)) {
        state.set(k, 1);
        stack.push([k, 0]);
      }
    }
  };
  visit(TRIGGER_ID);
  for (const n of nodes) if (!state.has(n.id)) visit(n.id);

  // Longest path layering over the forward edges (Kahn's order).
  const parents = new Map<string, string[]>();
  const indeg = new Map<string, number>();
  for (const n of nodes) {
    parents.set(n.id, []);
    indeg.set(n.id, 0);
  }
  for (const [s, ks] of out)
    for (const k of ks) {
      if (back.has(`${s}>${k}`)) continue;
      parents.get(k)!.push(s);
      indeg.set(k, indeg.get(k)! + 1);
    }
  const depth = new Map<string, number>();
  const queue = nodes.filter((n) => indeg.get(n.id) === 0).map((n) => n.id);
  // Steps nobody reaches sit one layer below the trigger, like a start.
  for (const id of queue) depth.set(id, id === TRIGGER_ID ? 0 : 1);
  const order: string[] = [];
  while (queue.length) {
    const id = queue.shift()!;
    order.push(id);
    for (const k of out.get(id)!) {
      if (back.has(`${id}>${k}`)) continue;
      depth.set(k, Math.max(depth.get(k) ?? 0, depth.get(id)! + 1));
      indeg.set(k, indeg.get(k)! - 1);
      if (indeg.get(k) === 0) queue.push(k);
    }
  }

  // Rows, ordered by the mean place of their parents in the row above, then by discovery.
  const rows: string[][] = [];
  for (const id of order) (rows[depth.get(id)!] ??= []).push(id);
  const place = new Map<string, number>();
  const pos: Positions = {};
  rows.forEach((row, d) => {
    const key = (id: string) => {
      const ps = parents.get(id)!.filter((p) => place.has(p));
      // An exit's own order among its parent's exits keeps siblings left to right.
      if (!ps.length) return Number.MAX_SAFE_INTEGER;
      return ps.reduce((a, p) => a + place.get(p)! + out.get(p)!.indexOf(id) / 100, 0) / ps.length;
    };
    const sorted = row
      .map((id, i) => ({ id, k: key(id), i }))
      .sort((a, b) => a.k - b.k || a.i - b.i)
      .map((x) => x.id);
    const width = sorted.length * NODE_WIDTH + (sorted.length - 1) * GAP_X;
    sorted.forEach((id, i) => {
      place.set(id, i);
      pos[id] = { x: -width / 2 + i * (NODE_WIDTH + GAP_X), y: d * (NODE_HEIGHT + GAP_Y) };
    });
  });
  return pos;
}

/** positionsFor: the automatic layout, with the positions the user dragged kept. */
export function positionsFor(def: Definition, manual: Positions): Positions {
  const auto = autoLayout(def);
  for (const id of Object.keys(auto)) if (manual[id]) auto[id] = manual[id];
  return auto;
}
