// History: undo/redo as a list of definitions (each edit returns a new one).
export interface History<T> {
  past: T[];
  present: T;
  future: T[];
  /**
   * The last edit's key and time, when it may be continued (amend): only
   * while it is the present. An undo or a redo ends it, so typing again
   * is a new step instead of rewriting the state undone to.
   */
  last?: { key: string; at: number };
}

export const HISTORY_LIMIT = 100;
/** Edits of the same key closer than this are one step (a field's typing). */
export const COALESCE_MS = 1500;

export function historyOf<T>(present: T): History<T> {
  return { past: [], present, future: [] };
}

/** push records an edit; the redo list is dropped. An edit to the same value is ignored. */
export function push<T>(h: History<T>, next: T): History<T> {
  if (next === h.present) return h;
  return { past: [...h.past, h.present].slice(-HISTORY_LIMIT), present: next, future: [] };
}

/**
 * amend records an edit made at `now`, folding it into the last one when it
 * continues it (the same key within COALESCE_MS): typing in a field is one
 * undo step, not one per keystroke.
 */
export function amend<T>(h: History<T>, next: T, key: string | undefined, now: number): History<T> {
  const same = !!key && h.last?.key === key && now - h.last.at < COALESCE_MS;
  const out = same ? { ...h, present: next } : push(h, next);
  return { ...out, last: key ? { key, at: now } : undefined };
}

export function undo<T>(h: History<T>): History<T> {
  if (!h.past.length) return h;
  return { past: h.past.slice(0, -1), present: h.past[h.past.length - 1] as T, future: [h.present, ...h.future] };
}

export function redo<T>(h: History<T>): History<T> {
  if (!h.future.length) return h;
  return { past: [...h.past, h.present], present: h.future[0] as T, future: h.future.slice(1) };
}
