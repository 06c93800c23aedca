// pageHooks: what the editor page reads from around it — the step types
// the engine knows (its JSON Schema), the app's theme, and whether a key
// was typed in a field (the canvas's shortcuts leave those alone).
import { useQuery } from "@tanstack/react-query";
import { useMemo, useSyncExternalStore } from "react";
import { api } from "../../../lib/api";
import { qk as queryKeys } from "../../../lib/queryKeys";
import { STEP_EXITS } from "../model/graph";

/** useSchemaTypes is the step types the engine's schema lists (the known ones until it has loaded). */
export function useSchemaTypes(): string[] {
  const q = useQuery({
    queryKey: queryKeys.workflowSchema,
    queryFn: () => api.get<Record<string, unknown>>("/api/v1/workflows/schema"),
    staleTime: Infinity,
  });
  return useMemo(() => {
    const items = (q.data?.properties as { steps?: { items?: { oneOf?: { title?: string }[] } } } | undefined)?.steps?.items?.oneOf;
    const titles = items?.map((i) => i.title).filter((x): x is string => !!x);
    return titles?.length ? titles : Object.keys(STEP_EXITS).concat("branch");
  }, [q.data]);
}

// The theme is a class on <html>: follow it, so React Flow's controls and minimap switch with the app.
function subscribeTheme(cb: () => void) {
  const o = new MutationObserver(cb);
  o.observe(document.documentElement, { attributes: true, attributeFilter: ["class"] });
  return () => o.disconnect();
}
/** useDark follows the app's dark theme. */
export function useDark() {
  return useSyncExternalStore(subscribeTheme, () => document.documentElement.classList.contains("dark"));
}

/** isTyping tells a key typed in a field or an editable text. */
export function isTyping(e: KeyboardEvent) {
  const el = e.target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  return el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName);
}
