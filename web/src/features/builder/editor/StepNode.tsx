// StepNode: one step (or the trigger) on the canvas — its type icon, a
// one-line summary of its settings, and its named exits as handles along
// the bottom, each free one with a "+" that opens the step picker.
import { Handle, type Node, type NodeProps, Position } from "@xyflow/react";
import { TriangleAlert } from "lucide-react";
import { createContext, memo, useContext, useState } from "react";
import { useTranslation } from "react-i18next";
import { TRIGGER_ICON, iconOf } from "./icons";
import { StepPicker } from "./StepPicker";
import type { Visit } from "../model/runPath";

export interface StepNodeData extends Record<string, unknown> {
  kind: "trigger" | "step";
  stepID: string;
  type: string;
  name?: string;
  summary: string;
  exits: { name: string; label: string; wired: boolean }[];
  problems: string[];
  /** The open run's pass through this step, when it went through it. */
  visit?: Visit;
  /** How many runs took each exit over the last 7 days. */
  counts?: Record<string, number>;
  /** In compare mode, how this step differs from the version compared with. */
  diff?: "added" | "changed";
}

export type StepFlowNode = Node<StepNodeData, "step">;

/**
 * What every node's "+" needs, the same for all of them: the step types
 * the server knows and the edit that adds one on an exit. It is a context,
 * not node data, so that the schema arriving or an edit elsewhere does not
 * make every node's data new (and every node render again).
 */
export interface StepCanvas {
  types: string[];
  onAdd(source: string, exit: string, type: string): void;
}
export const StepCanvasContext = createContext<StepCanvas>({ types: [], onAdd: () => {} });

// Speed: a step picker builds its whole list of step types (translated)
// when it renders, open or not; a 100-step workflow has ~100 free exits,
// so opening it built ~2,000 entries nobody sees (100 ms and as much
// garbage on a fast machine). A node hands its pickers the types once a
// pointer goes down on its exits or one of them takes the focus: both
// come before the click (or Enter) that opens a picker.
const NO_TYPES: string[] = [];

function AddStep({ source, stepID, exit, label, armed }: { source: string; stepID: string; exit: string; label: string; armed: boolean }) {
  const canvas = useContext(StepCanvasContext);
  return (
    <StepPicker
      types={armed ? canvas.types : NO_TYPES}
      exitLabel={label}
      testID={`add-step-${stepID}-${exit}`}
      onPick={(type) => canvas.onAdd(source, exit, type)}
    />
  );
}

/**
 * sameStepNode says whether two builds of a node would show the same: same
 * place, selection, label and data (compared by value). The canvas keeps
 * the node it has when nothing changed, so React Flow and StepNode's memo
 * skip it: selecting a node, an edit, the week's counts or a problem list
 * arriving render the nodes they touch, not all of them.
 */
export function sameStepNode(a: StepFlowNode, b: StepFlowNode): boolean {
  return (
    a === b ||
    (a.id === b.id &&
      !!a.selected === !!b.selected &&
      a.ariaLabel === b.ariaLabel &&
      a.deletable === b.deletable &&
      a.position.x === b.position.x &&
      a.position.y === b.position.y &&
      sameValue(a.data, b.data))
  );
}

function sameValue(x: unknown, y: unknown): boolean {
  if (Object.is(x, y)) return true;
  if (Array.isArray(x) || Array.isArray(y)) {
    return Array.isArray(x) && Array.isArray(y) && x.length === y.length && x.every((v, i) => sameValue(v, y[i]));
  }
  if (!isPlain(x) || !isPlain(y)) return false;
  const kx = Object.keys(x).filter((k) => x[k] !== undefined);
  const ky = Object.keys(y).filter((k) => y[k] !== undefined);
  return kx.length === ky.length && kx.every((k) => sameValue(x[k], y[k]));
}

function isPlain(v: unknown): v is Record<string, unknown> {
  if (!v || typeof v !== "object") return false;
  const p = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

function StepNodeView({ id, data, selected }: NodeProps<StepFlowNode>) {
  const { t } = useTranslation();
  const Icon = data.kind === "trigger" ? TRIGGER_ICON : iconOf(data.type);
  const title =
    data.kind === "trigger"
      ? t(`builderCanvas.triggers.${data.type}`, { defaultValue: data.type })
      : data.name || t(`builderCanvas.types.${data.type}`, { defaultValue: data.type });
  const bad = data.problems.length > 0;
  const [armed, setArmed] = useState(false);
  const arm = armed ? undefined : () => setArmed(true);
  return (
    <div
      data-testid="builder-node"
      data-step-id={data.stepID}
      data-kind={data.kind}
      data-problem={bad ? "true" : undefined}
      data-diff={data.diff}
      title={bad ? data.problems.join("\n") : undefined}
      className={
        "bg-bg text-fg w-[260px] rounded-lg border-2 shadow-sm " +
        (bad || data.visit?.error
          ? "border-danger "
          : selected
            ? "border-accent "
            : data.visit
              ? "border-success "
              : data.diff === "added"
                ? "border-success border-dashed "
                : data.diff === "changed"
                  ? "border-warning "
                  : "border-line ") +
        (data.kind === "trigger" ? "bg-panel" : "")
      }
    >
      {/* Compare mode: a tag on the top border, text and colour (the versions panel). */}
      {data.diff && (
        <span
          data-testid="node-diff"
          title={t(data.diff === "added" ? "builderVersions.badge.addedTitle" : "builderVersions.badge.changedTitle")}
          className={
            "bg-bg absolute -top-2.5 right-3 rounded border px-1 text-[10px] leading-4 font-semibold uppercase " +
            (data.diff === "added" ? "border-success text-success" : "border-warning text-warning")
          }
        >
          {t(data.diff === "added" ? "builderVersions.badge.added" : "builderVersions.badge.changed")}
        </span>
      )}
      {data.kind === "step" && <Handle type="target" position={Position.Top} className="!bg-muted" />}
      <div className="flex items-center gap-2 px-3 pt-2">
        <span className={"rounded p-1 " + (data.kind === "trigger" ? "bg-accent text-accent-fg" : "bg-subtle text-muted")}>
          <Icon size={14} aria-hidden />
        </span>
        <span className="min-w-0 flex-1 truncate text-sm font-semibold">
          {data.kind === "trigger" && <span className="text-muted mr-1 font-normal">{t("builderCanvas.when")}</span>}
          {title}
        </span>
        {bad && (
          <span className="text-danger flex items-center gap-1 text-xs" data-testid="node-problem">
            <TriangleAlert size={14} aria-hidden />
            <span className="sr-only">{t("builderCanvas.hasProblems", { count: data.problems.length })}</span>
          </span>
        )}
      </div>
      <div className="text-muted truncate px-3 pt-0.5 pb-1 text-xs">
        {data.kind === "step" ? <span className="mr-1 font-mono">{data.stepID}</span> : null}
        {data.summary || (data.kind === "step" ? t("builderCanvas.noSettings") : "")}
      </div>
      {data.visit && (
        <div
          data-testid="node-visit"
          className={"truncate px-3 pb-1 text-[11px] font-medium " + (data.visit.error ? "text-danger" : "text-success")}
          title={data.visit.outcome ?? data.visit.error}
        >
          {data.visit.error
            ? t("builderCanvas.visitFailed", { error: data.visit.error })
            : data.visit.exit
              ? t("builderCanvas.visitExit", { exit: data.exits.find((e) => e.name === data.visit?.exit)?.label ?? data.visit.exit, count: data.visit.times })
              : t("builderCanvas.visitHere")}
          {data.visit.outcome && !data.visit.error ? <span className="text-muted font-normal"> · {data.visit.outcome}</span> : null}
        </div>
      )}
      <div className="border-line flex border-t" onPointerDownCapture={arm} onFocusCapture={arm}>
        {data.exits.map((e) => (
          <div key={e.name} className="relative flex min-w-0 flex-1 flex-col items-center gap-1 px-1 pt-1 pb-2">
            <span className="text-muted max-w-full truncate text-[11px]" data-testid="node-exit" data-exit={e.name}>
              {e.label}
              {data.counts?.[e.name] ? (
                <span className="text-fg ml-1 font-medium" title={t("builderCanvas.exitCountTitle", { count: data.counts[e.name] })}>
                  · {data.counts[e.name]}
                </span>
              ) : null}
            </span>
            {!e.wired && (
              <AddStep source={id} stepID={data.stepID} exit={e.name} label={e.label} armed={armed} />
            )}
            <Handle
              type="source"
              id={e.name}
              position={Position.Bottom}
              className="!bg-muted"
              style={{ left: "50%" }}
            />
          </div>
        ))}
      </div>
    </div>
  );
}

export const StepNode = memo(StepNodeView);
