// RunsAside: the runs panel beside the canvas, with the run whose path the
// canvas shows (its status, version and how many steps it visited).
import { X } from "lucide-react";
import { useTranslation } from "react-i18next";
import { RunsPanel } from "../list/RunsPanel";

export function RunsAside({
  workflowID,
  openRun,
  summary,
  onOpenRun,
}: {
  workflowID: number;
  openRun: number | null;
  /** The open run once loaded. */
  summary: { status: string; version: number; steps: number } | null;
  onOpenRun(runID: number | null): void;
}) {
  const { t } = useTranslation();
  return (
    <aside className="border-line bg-bg flex w-96 shrink-0 flex-col gap-3 overflow-y-auto border-l p-3" data-testid="builder-runs-panel">
      {openRun !== null && (
        <div className="bg-subtle flex items-start gap-2 rounded p-2 text-sm" data-testid="builder-open-run" data-run-id={openRun}>
          <div className="flex-1">
            <div className="font-medium">{t("builderCanvas.runOpen", { id: openRun })}</div>
            <div className="text-muted text-xs">{summary ? t("builderCanvas.runSummary", summary) : t("app.loading")}</div>
          </div>
          <button type="button" aria-label={t("builderCanvas.runClose")} onClick={() => onOpenRun(null)} className="hover:bg-hover rounded p-1">
            <X size={14} aria-hidden />
          </button>
        </div>
      )}
      <RunsPanel workflowID={workflowID} onOpenRun={onOpenRun} />
    </aside>
  );
}
