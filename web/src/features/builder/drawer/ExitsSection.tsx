// ExitsSection: the node's exits in the step drawer, each a labelled
// native select of the definition's steps (listed as the Jump To picker
// lists them) and "nothing (the run ends)": the connections the canvas
// draws, made and changed from the keyboard or a screen reader as a drag
// makes them (the trigger's first step too).
import { useId } from "react";
import { useTranslation } from "react-i18next";
import { GitFork } from "lucide-react";
import { refText } from "./RefSelect";
import { type DrawerStep, stepOption } from "./refs";

/** An exit of the node: its name, its label on the canvas (a branch's name), the step it leads to. */
export interface DrawerExit {
  name: string;
  label: string;
  target?: string;
}

const control = "border-line bg-bg w-full min-w-0 rounded border px-2 py-1.5 text-sm";

export function ExitsSection({
  kind,
  self,
  exits,
  steps,
  onExit,
}: {
  kind: "trigger" | "step";
  /** The node's own step id (not offered: a Jump To does not name itself either). */
  self: string;
  exits: DrawerExit[];
  steps: DrawerStep[];
  /** onExit wires exit to target, or frees it (undefined: a run ends there). */
  onExit(exit: string, target: string | undefined): void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const label = (e: DrawerExit) => {
    if (kind === "trigger") return t("builderDrawer.exits.start");
    const branch = /^branch\[(\d+)\]$/.exec(e.name);
    if (branch) return e.label !== e.name ? t("builderDrawer.exits.branch", { name: e.label }) : t("builderDrawer.exits.branchN", { n: Number(branch[1]) + 1 });
    return t(`builderDrawer.exits.names.${e.name}`, { defaultValue: e.name });
  };
  return (
    <section data-testid="drawer-exits" aria-labelledby={`${id}-title`} className="border-line mt-4 flex flex-col gap-3 border-t pt-3">
      <div>
        <h3 id={`${id}-title`} className="flex items-center gap-1 text-sm font-semibold">
          <GitFork size={14} aria-hidden />
          {t("builderDrawer.exits.title")}
        </h3>
        <p className="text-muted text-xs">{t(kind === "trigger" ? "builderDrawer.exits.triggerHint" : "builderDrawer.exits.hint")}</p>
      </div>
      {exits.map((e, i) => {
        // A step wired to itself (a loop) stays shown, though not offered.
        const options = steps.filter((s) => s.id !== self || s.id === e.target).map((s) => stepOption(s, t));
        return (
          <div key={e.name} className="flex flex-col gap-1">
            <label htmlFor={`${id}-${i}`} className="text-sm font-medium">
              {label(e)}
            </label>
            <select
              id={`${id}-${i}`}
              className={control}
              data-exit={e.name}
              value={e.target ?? ""}
              onChange={(ev) => onExit(e.name, ev.target.value || undefined)}
            >
              {/* The trigger always leads somewhere once there is a step: its start cannot be unwired. */}
              {(kind === "step" || !e.target) && (
                <option value="">{kind === "step" ? t("builderDrawer.exits.end") : t("builderDrawer.choose")}</option>
              )}
              {options.map((o) => (
                <option key={o.value} value={o.value}>
                  {refText(o)}
                </option>
              ))}
            </select>
          </div>
        );
      })}
    </section>
  );
}
