// A message the timeline was asked to show (a search's hit): once its page
// is read, it is put in the middle of the window, once, and the window
// stays there as the person reads from it; until then, older pages are
// read, one after another.
import { useLayoutEffect, useRef, type RefObject } from "react";

type Older = { more: boolean; loading: boolean; failed?: boolean; load(): void };

/** useFocusMessage brings message focus into view in scroller, then calls shown (the window moved). */
export function useFocusMessage(scroller: RefObject<HTMLDivElement | null>, focus: number | null | undefined, older: Older | undefined, shown: () => void) {
  const done = useRef<number | null>(null);
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || !focus || done.current === focus) return;
    const node = el.querySelector<HTMLElement>(`[data-message-id="${focus}"]`);
    if (node) {
      done.current = focus;
      node.scrollIntoView({ block: "center" });
      shown();
    } else if (older?.more && !older.loading && !older.failed) {
      older.load();
    }
  });
}
