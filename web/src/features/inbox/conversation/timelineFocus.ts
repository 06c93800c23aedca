// A message or an internal comment the timeline was asked to show (a
// search's hit): once its page is read, it is put in the middle of the
// window, once, and the window stays there as the person reads from it;
// until then, older pages are read, one after another (a comment shows
// once the messages around it are read).
import { useLayoutEffect, useRef, type RefObject } from "react";
import type { Older } from "./TimelineEdges";


/** TimelineFocus is the item a search's hit opens the timeline at. */
export interface TimelineFocus {
  kind: "message" | "comment";
  id: number;
}

/** focused says whether focus is this item. */
export function focused(focus: TimelineFocus | null | undefined, kind: TimelineFocus["kind"], id: number): boolean {
  return !!focus && focus.kind === kind && focus.id === id;
}

/** useFocusMessage brings the focused item into view in scroller, then calls shown (the window moved). */
export function useFocusMessage(scroller: RefObject<HTMLDivElement | null>, focus: TimelineFocus | null | undefined, older: Older | undefined, shown: () => void) {
  const done = useRef<string | null>(null);
  useLayoutEffect(() => {
    const el = scroller.current;
    const key = focus ? `${focus.kind}:${focus.id}` : null;
    if (!el || !focus || done.current === key) return;
    const node = el.querySelector<HTMLElement>(`[data-${focus.kind}-id="${focus.id}"]`);
    if (node) {
      done.current = key;
      node.scrollIntoView({ block: "center" });
      shown();
    } else if (older?.more && !older.loading && !older.failed) {
      older.load();
    }
  });
}
