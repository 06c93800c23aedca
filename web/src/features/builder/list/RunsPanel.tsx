// RunsPanel: a workflow's runs, newest first — contact, started, status,
// where it waits, version — from GET /api/v1/workflows/{id}/runs. The
// canvas mounts it and opens a run with onOpenRun (its path on the
// canvas). Filtered by status; "Load more" pages on. It follows the
// workflow's runs live (useLiveRuns).
import { useEffect, useState } from "react";
import { useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, type Page } from "../../../lib/api";
import { useLive } from "../../../lib/liveContext";
import { qk } from "../../../lib/queryKeys";
import type { components } from "../../../lib/api-types";
import { useWorkspaceDate } from "../../../lib/workspaceDate";

type Run = components["schemas"]["WorkflowRun"];

export const runStatuses = ["running", "waiting_reply", "waiting_timer", "waiting_assignment", "finished", "failed", "stopped"] as const;

/** waiting says whether a run with this status waits at its step. */
export function waiting(status: string) {
  return status === "running" || status.startsWith("waiting_");
}

/** liveRunsEveryMs: the runs list is read again at most this often. */
export const liveRunsEveryMs = 1000;

/**
 * useLiveRuns reads the workflow's runs list again when one of its runs
 * begins, takes a step or ends: at once for the first event, then at most
 * once every liveRunsEveryMs, so that a busy workflow (hundreds of steps a
 * second) costs the server one read a second, not one per step.
 */
function useLiveRuns(workflowID: number) {
  const qc = useQueryClient();
  const { subscribe } = useLive();
  useEffect(() => {
    let last = 0;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const refresh = () => {
      last = Date.now();
      void qc.invalidateQueries({ queryKey: qk.workflowRuns(workflowID) });
    };
    const off = subscribe((e) => {
      if (!e.type.startsWith("workflow.") || (e.payload as { workflow_id?: unknown } | undefined)?.workflow_id !== workflowID || timer) return;
      const wait = last + liveRunsEveryMs - Date.now();
      if (wait <= 0) refresh();
      else
        timer = setTimeout(() => {
          timer = null;
          refresh();
        }, wait);
    });
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, [subscribe, qc, workflowID]);
}

export function RunsPanel({ workflowID, onOpenRun }: { workflowID: number; onOpenRun: (runID: number) => void }) {
  const { t } = useTranslation();
  const [status, setStatus] = useState("");
  useLiveRuns(workflowID);
  const runs = useInfiniteQuery({
    queryKey: [...qk.workflowRuns(workflowID), status] as const,
    queryFn: ({ pageParam }) =>
      api.get<Page<Run>>(`/api/v1/workflows/${workflowID}/runs`, { limit: 50, status: status || undefined, cursor: pageParam || undefined }),
    initialPageParam: "",
    getNextPageParam: (last) => last.next_cursor || undefined,
  });
  const when = useWorkspaceDate({ dateStyle: "short", timeStyle: "short" });
  const rows = runs.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <section data-testid="runs-panel" aria-label={t("builderList.runs.title")} className="flex min-h-0 flex-col gap-2 text-sm">
      <div className="flex items-center gap-2">
        <h2 className="flex-1 font-semibold">{t("builderList.runs.title")}</h2>
        <label className="sr-only" htmlFor="runs-status">
          {t("builderList.runs.filter")}
        </label>
        <select id="runs-status" value={status} onChange={(e) => setStatus(e.target.value)} className="border-line bg-bg rounded border px-2 py-1 text-xs" data-testid="runs-status">
          <option value="">{t("builderList.runs.all")}</option>
          {runStatuses.map((s) => (
            <option key={s} value={s}>
              {t(`builderList.runs.statuses.${s}`)}
            </option>
          ))}
        </select>
      </div>
      {runs.isLoading ? (
        <div className="flex flex-col gap-1" aria-hidden>
          {[0, 1, 2].map((i) => (
            <div key={i} className="bg-subtle h-8 animate-pulse rounded" />
          ))}
        </div>
      ) : rows.length === 0 ? (
        <p className="text-muted">{t("builderList.runs.none")}</p>
      ) : (
        <ul className="flex flex-col overflow-y-auto">
          {rows.map((run) => (
            <li key={run.id}>
              <button
                type="button"
                onClick={() => onOpenRun(run.id)}
                data-testid="run-row"
                data-run-id={run.id}
                data-status={run.status}
                className="hover:bg-hover border-line grid w-full grid-cols-[1fr_auto] gap-x-2 border-b px-1 py-1.5 text-left"
              >
                <span className="truncate font-medium">
                  {run.contact_name || (run.contact_id ? t("builderList.runs.contact", { id: run.contact_id }) : t("builderList.runs.noContact"))}
                  {run.test && (
                    <span data-testid="run-test" className="bg-subtle text-muted ml-1.5 rounded px-1 text-[10px] font-semibold uppercase">
                      {t("builderList.runs.test")}
                    </span>
                  )}
                </span>
                <span className="text-muted text-xs">{t("builderList.runs.version", { version: run.version })}</span>
                <span className="text-muted text-xs">{when(run.created_at)}</span>
                <span className={"text-xs " + (run.status === "failed" ? "text-danger" : waiting(run.status) ? "text-warning" : "text-muted")}>
                  {t(`builderList.runs.statuses.${run.status}`, { defaultValue: run.status })}
                  {waiting(run.status) && run.step ? " · " + t("builderList.runs.at", { step: run.step }) : ""}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {runs.hasNextPage && (
        <button type="button" className="text-accent self-start text-xs hover:underline" onClick={() => runs.fetchNextPage()} disabled={runs.isFetchingNextPage}>
          {t("builderList.runs.more")}
        </button>
      )}
    </section>
  );
}
