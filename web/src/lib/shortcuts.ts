// Keyboard shortcuts: one listener on the document; components register
// the keys they answer while mounted. A key typed into a field is the
// field's (except Escape and the command palette's Mod+K).
import { useEffect, useRef } from "react";

export interface Shortcut {
  /** "j", "Enter", "?", "mod+k" (⌘ on macOS, Ctrl elsewhere), "Escape". */
  key: string;
  handler: (e: KeyboardEvent) => void;
}

const active: Shortcut[][] = [];

export function matches(key: string, e: Pick<KeyboardEvent, "key" | "metaKey" | "ctrlKey" | "altKey">): boolean {
  if (key.startsWith("mod+")) {
    return (e.metaKey || e.ctrlKey) && e.key.toLowerCase() === key.slice(4);
  }
  if (e.metaKey || e.ctrlKey || e.altKey) return false;
  return e.key === key;
}

export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

/** dispatch runs the newest registered handler for e; true when one ran. */
export function dispatch(e: KeyboardEvent): boolean {
  const typing = isTyping(e.target);
  for (let i = active.length - 1; i >= 0; i--) {
    for (const s of active[i]!) {
      if (typing && !s.key.startsWith("mod+") && s.key !== "Escape") continue;
      if (matches(s.key, e)) {
        e.preventDefault();
        s.handler(e);
        return true;
      }
    }
  }
  return false;
}

let listening = false;
function listen() {
  if (listening || typeof document === "undefined") return;
  listening = true;
  document.addEventListener("keydown", (e) => {
    if (!e.defaultPrevented) dispatch(e);
  });
}

/** useShortcuts registers keys for as long as the component is mounted. */
export function useShortcuts(list: Shortcut[], enabled = true) {
  const ref = useRef(list);
  ref.current = list;
  useEffect(() => {
    if (!enabled) return;
    listen();
    const proxy: Shortcut[] = ref.current.map((s, i) => ({ key: s.key, handler: (e) => ref.current[i]?.handler(e) }));
    active.push(proxy);
    return () => {
      const i = active.indexOf(proxy);
      if (i >= 0) active.splice(i, 1);
    };
  }, [enabled, list.map((s) => s.key).join(" ")]);
}
