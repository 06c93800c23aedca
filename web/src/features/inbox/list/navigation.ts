// List navigation, kept pure so it is tested without a browser: the
// selection is a conversation id (stable across refetches, whatever moves
// around it), and these functions say where it goes.

export type Move = "next" | "prev" | "first" | "last" | "pageDown" | "pageUp";

/**
 * move answers the id selected after a move, or null for an empty list.
 * With nothing selected (or the selection gone), next/first pick the first
 * row and prev/last the last. It stops at the ends (no wrap-around).
 */
export function move(ids: readonly number[], selected: number | null, m: Move, page = 10): number | null {
  if (ids.length === 0) return null;
  const i = selected === null ? -1 : ids.indexOf(selected);
  let to: number;
  switch (m) {
    case "first":
      to = 0;
      break;
    case "last":
      to = ids.length - 1;
      break;
    case "next":
      to = i < 0 ? 0 : Math.min(ids.length - 1, i + 1);
      break;
    case "prev":
      to = i < 0 ? 0 : Math.max(0, i - 1);
      break;
    case "pageDown":
      to = i < 0 ? 0 : Math.min(ids.length - 1, i + page);
      break;
    case "pageUp":
      to = i < 0 ? 0 : Math.max(0, i - page);
      break;
  }
  return ids[to]!;
}

/** The list keys and what they do; anything else is not the list's. */
export function keyToMove(key: string): Move | "open" | null {
  switch (key) {
    case "j":
    case "ArrowDown":
      return "next";
    case "k":
    case "ArrowUp":
      return "prev";
    case "Home":
      return "first";
    case "End":
      return "last";
    case "PageDown":
      return "pageDown";
    case "PageUp":
      return "pageUp";
    case "Enter":
      return "open";
  }
  return null;
}

/**
 * reconcile keeps the selection across a refetch: the same conversation if
 * it is still listed, else whichever now sits where it was (it was closed
 * or moved to another view), else null.
 */
export function reconcile(prev: readonly number[], next: readonly number[], selected: number | null): number | null {
  if (selected === null) return null;
  if (next.includes(selected)) return selected;
  if (next.length === 0) return null;
  const was = prev.indexOf(selected);
  if (was < 0) return null;
  return next[Math.min(was, next.length - 1)]!;
}

/**
 * nearEnd says when to fetch the next page: the last row shown (or the
 * selection) is within `margin` rows of the end of what is loaded.
 */
export function nearEnd(lastVisibleIndex: number, loaded: number, margin = 20): boolean {
  return loaded > 0 && lastVisibleIndex >= loaded - 1 - margin;
}

/**
 * anchorShift keeps what the person is looking at in place when rows are
 * added above it: the number of rows the anchor (the first visible row)
 * moved by, to scroll by as many rows. 0 when the anchor is gone.
 */
export function anchorShift(prev: readonly number[], next: readonly number[], anchor: number | null): number {
  if (anchor === null) return 0;
  const a = prev.indexOf(anchor);
  const b = next.indexOf(anchor);
  if (a < 0 || b < 0) return 0;
  return b - a;
}
