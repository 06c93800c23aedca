// Where the user dragged nodes. The definition has no place for positions
// (the server decodes it with DisallowUnknownFields), so they are kept in
// this browser's localStorage, per workflow; steps without one take the
// automatic layout.
import type { Positions } from "./layout";

const key = (workflowID: string | number) => `switchboard.builder.positions.${workflowID}`;

export function loadPositions(workflowID: string | number): Positions {
  try {
    const raw = localStorage.getItem(key(workflowID));
    const v: unknown = raw ? JSON.parse(raw) : {};
    return v && typeof v === "object" ? (v as Positions) : {};
  } catch {
    return {};
  }
}

export function savePositions(workflowID: string | number, p: Positions) {
  try {
    localStorage.setItem(key(workflowID), JSON.stringify(p));
  } catch {
    // Storage full or disabled: positions last for this page only.
  }
}
