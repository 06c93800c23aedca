// canvasText: what the canvas says besides its nodes — React Flow's
// screen-reader texts translated, a node's exits in display order, and
// the trigger's one-line summary.
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { STEP_EXITS, type Definition } from "../model/graph";

/** useFlowAriaLabels translates React Flow's own screen-reader texts. */
export function useFlowAriaLabels() {
  const { t } = useTranslation();
  return useMemo(
    () => ({
      "node.a11yDescription.default": t("builderCanvas.a11y.node"),
      "node.a11yDescription.keyboardDisabled": t("builderCanvas.a11y.node"),
      "node.a11yDescription.ariaLiveMessage": ({ direction, x, y }: { direction: string; x: number; y: number }) =>
        t("builderCanvas.a11y.moved", { direction, x, y }),
      "edge.a11yDescription.default": t("builderCanvas.a11y.edge"),
      "controls.ariaLabel": t("builderCanvas.a11y.controls"),
      "controls.zoomIn.ariaLabel": t("builderCanvas.a11y.zoomIn"),
      "controls.zoomOut.ariaLabel": t("builderCanvas.a11y.zoomOut"),
      "controls.fitView.ariaLabel": t("builderCanvas.a11y.fitView"),
      "controls.interactive.ariaLabel": t("builderCanvas.a11y.interactive"),
      "minimap.ariaLabel": t("builderCanvas.minimap"),
      "handle.ariaLabel": t("builderCanvas.a11y.handle"),
    }),
    [t],
  );
}

export function exitOrder(type: string, names: string[]): string[] {
  const known = type === "branch" ? names.filter((n) => n !== "else").sort().concat(names.includes("else") ? ["else"] : []) : STEP_EXITS[type] ?? [];
  return [...known.filter((n) => names.includes(n)), ...names.filter((n) => !known.includes(n))];
}

export function sortExits<T extends { name: string }>(order: string[], exits: T[]): T[] {
  return order.map((n) => exits.find((e) => e.name === n)).filter((e): e is T => !!e);
}

export function summarizeTrigger(def: Definition): string {
  const c = def.trigger.conditions ?? {};
  return Object.entries(c)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(", ") : typeof v === "object" ? JSON.stringify(v) : String(v)}`)
    .join(" · ");
}
