// StepNode: one step (or the trigger) on the canvas — its type icon, a
// one-line summary of its settings, and its named exits as handles along
// the bottom, each free one with a "+" that opens the step picker.
import { Handle, type Node, type NodeProps, Position } from "@xyflow/react";
import { TriangleAlert } from "lucide-react";
import { memo } from "react";
import { useTranslation } from "react-i18next";
import { TRIGGER_ICON, iconOf } from "./icons";
import { StepPicker } from "./StepPicker";

export interface StepNodeData extends Record<string, unknown> {
  kind: "trigger" | "step";
  stepID: string;
  type: string;
  name?: string;
  summary: string;
  exits: { name: string; label: string; wired: boolean }[];
  problems: string[];
  types: string[];
  onAdd(exit: string, type: string): void;
}

export type StepFlowNode = Node<StepNodeData, "step">;

function StepNodeView({ data, selected }: NodeProps<StepFlowNode>) {
  const { t } = useTranslation();
  const Icon = data.kind === "trigger" ? TRIGGER_ICON : iconOf(data.type);
  const title =
    data.kind === "trigger"
      ? t(`builderCanvas.triggers.${data.type}`, { defaultValue: data.type })
      : data.name || t(`builderCanvas.types.${data.type}`, { defaultValue: data.type });
  const bad = data.problems.length > 0;
  return (
    <div
      data-testid="builder-node"
      data-step-id={data.stepID}
      data-kind={data.kind}
      data-problem={bad ? "true" : undefined}
      title={bad ? data.problems.join("\n") : undefined}
      className={
        "bg-bg text-fg w-[260px] rounded-lg border-2 shadow-sm " +
        (bad ? "border-danger " : selected ? "border-accent " : "border-line ") +
        (data.kind === "trigger" ? "bg-panel" : "")
      }
    >
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
      <div className="border-line flex border-t">
        {data.exits.map((e) => (
          <div key={e.name} className="relative flex min-w-0 flex-1 flex-col items-center gap-1 px-1 pt-1 pb-2">
            <span className="text-muted max-w-full truncate text-[11px]" data-testid="node-exit" data-exit={e.name}>
              {e.label}
            </span>
            {!e.wired && (
              <StepPicker
                types={data.types}
                exitLabel={e.label}
                testID={`add-step-${data.stepID}-${e.name}`}
                onPick={(type) => data.onAdd(e.name, type)}
              />
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
