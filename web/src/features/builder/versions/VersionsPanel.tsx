// VersionsPanel: the workflow's published versions beside the canvas (when,
// how many runs started on each, which one runs now), the draft on top with
// its unsaved changes, and compare mode: the draft on the canvas against a
// version, every difference listed here and the added and changed steps
// marked on the canvas through onCompare. A version can be restored as the
// draft (after confirming) when the canvas passes onRestore: saved on the
// draft revision the canvas is based on (If-Match), so a draft someone
// else saved meanwhile is not overwritten; refused, the editor's conflict
// says so (onRestoreRefused) and nothing changes.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Eye, GitCompare, RotateCcw, X } from "lucide-react";
import { useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, type Page } from "../../../lib/api";
import type { components } from "../../../lib/api-types";
import { qk } from "../../../lib/queryKeys";
import type { Workflow } from "../../../lib/types";
import { Button } from "../../../lib/ui/form";
import { Modal } from "../../../lib/ui/Modal";
import { useToast } from "../../../lib/ui/toast";
import { type DiffEntry, type FieldChange, type StepDiff, TRIGGER_KEY, diffDefinitions, sameDefinition } from "../model/diff";
import { type Definition, type Step, exitLabel } from "../model/graph";
import { refKindsOf, summarize } from "../model/summary";
import { useRefNames } from "../drawer/refs";
import { type Restoring, ifMatch, isDraftChanged } from "../editor/draftConflict";
import { useWorkspaceDate } from "../../../lib/workspaceDate";

export type { StepDiff } from "../model/diff";

type Version = components["schemas"]["WorkflowVersion"];

export interface VersionsPanelProps {
  workflowID: number;
  workflow: Workflow;
  /** The definition on the canvas (the draft being edited). */
  draft: Definition;
  onCompare(diff: StepDiff | null): void;
  /** Optional: select and show a step on the canvas ("trigger" for the trigger) when its difference is clicked. */
  onFocusStep?(id: string): void;
  /**
   * Optional: put a restored version on the canvas. The panel has already saved it as the draft (PUT); the canvas
   * should take it as its present and saved definition, and w (what the save answered) as the draft revision its
   * next save is based on. Without it, "Restore" is not offered.
   */
  onRestore?(definition: Definition, w: Workflow): void;
  /**
   * The draft revision the canvas is based on: a restore is saved on it
   * (If-Match), refused when someone else saved or published the draft
   * since. Without it, a restore overwrites whatever the draft is.
   */
  revision?: number;
  /**
   * A restore refused because the draft changed since revision (409
   * draft_changed): nothing was saved, nothing put on the canvas, and the
   * dialog is closed for the canvas to say who changed it and offer to
   * reload theirs or restore over it. Without it, the refusal is a toast.
   */
  onRestoreRefused?(r: Restoring): void;
}

// The version being compared with, per workflow: the panel unmounts while the
// step drawer is open (a click on a difference opens it) and comes back to it.
const comparing = new Map<number, number>();

function versionKey(workflowID: number, version: number) {
  return [...qk.workflows, String(workflowID), "version", version] as const;
}

function useVersion(workflowID: number, version: number | null) {
  return useQuery({
    queryKey: versionKey(workflowID, version ?? 0),
    queryFn: () => api.get<Version>(`/api/v1/workflows/${workflowID}/versions/${version}`),
    enabled: version !== null && version > 0,
    staleTime: Infinity, // a version never changes
  });
}

function sameMarks(a: StepDiff | null, b: StepDiff | null) {
  if (!a || !b) return a === b;
  return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
}

export function VersionsPanel({ workflowID, workflow, draft, onCompare, onFocusStep, onRestore, revision, onRestoreRefused }: VersionsPanelProps) {
  const { t } = useTranslation();
  const [compareWith, setCompareWith] = useState<number | null>(() => comparing.get(workflowID) ?? null);
  const [restoring, setRestoring] = useState<number | null>(null);
  const [viewing, setViewing] = useState<number | null>(null);
  const versions = useInfiniteQuery({
    // A publish changes published_version: the list is read again.
    queryKey: [...qk.workflows, String(workflowID), "versions", workflow.published_version] as const,
    queryFn: ({ pageParam }) => api.get<Page<Version>>(`/api/v1/workflows/${workflowID}/versions`, { limit: 50, cursor: pageParam || undefined }),
    initialPageParam: "",
    getNextPageParam: (last) => last.next_cursor || undefined,
    // The runs counts move as runs start and end: read again each time the panel opens.
    staleTime: 0,
  });
  const rows = versions.data?.pages.flatMap((p) => p.data) ?? [];
  const when = useWorkspaceDate();

  const published = (workflow.published ?? null) as Definition | null;
  const saved = (workflow.draft ?? workflow.published ?? null) as Definition | null;
  const unsaved = useMemo(() => !saved || !sameDefinition(saved, draft), [saved, draft]);
  const fromPublished = useMemo(() => (published ? diffDefinitions(published, draft).entries.length : 0), [published, draft]);
  const hasDraft = workflow.published_version === 0 || !!workflow.draft || unsaved;

  // Compare mode: the version's definition against the canvas, live as the canvas changes.
  const base = useVersion(workflowID, compareWith);
  const result = useMemo(
    () => (compareWith !== null && base.data?.definition ? diffDefinitions(base.data.definition as unknown as Definition, draft) : null),
    [compareWith, base.data, draft],
  );
  const sent = useRef<StepDiff | null>(null);
  useEffect(() => {
    const marks = result?.marks ?? null;
    if (compareWith !== null && !marks) return; // still loading the version
    if (sameMarks(sent.current, marks)) return;
    sent.current = marks;
    onCompare(marks);
  }, [result, compareWith, onCompare]);

  const compare = (version: number) => {
    comparing.set(workflowID, version);
    setCompareWith(version);
  };
  const closeCompare = () => {
    comparing.delete(workflowID);
    setCompareWith(null);
    sent.current = null;
    onCompare(null);
  };

  return (
    <aside
      data-testid="builder-versions-panel"
      aria-label={t("builderVersions.title")}
      className="border-line bg-bg flex w-96 shrink-0 flex-col gap-3 overflow-y-auto border-l p-3 text-sm"
    >
      <h2 className="font-semibold">{t("builderVersions.title")}</h2>
      {compareWith !== null && (
        <ComparePanel
          version={compareWith}
          loading={!result}
          entries={result?.entries ?? []}
          onClose={closeCompare}
          onFocusStep={onFocusStep}
        />
      )}
      <ul className="flex flex-col" data-testid="versions-list">
        {hasDraft && (
          <li data-testid="version-draft" className="border-line flex flex-col gap-1 border-b px-1 py-2">
            <div className="flex items-center gap-2">
              <span className="font-medium">{t("builderVersions.draft")}</span>
              {unsaved && (
                <span data-testid="version-unsaved" className="border-warning text-warning rounded border px-1.5 text-[11px] font-medium">
                  {t("builderVersions.unsaved")}
                </span>
              )}
            </div>
            <div className="text-muted text-xs">
              {workflow.published_version === 0
                ? t("builderVersions.neverPublished")
                : fromPublished === 0
                  ? t("builderVersions.sameAsPublished", { version: workflow.published_version })
                  : t("builderVersions.differences", { count: fromPublished, version: workflow.published_version })}
            </div>
            {workflow.published_version > 0 && fromPublished > 0 && compareWith !== workflow.published_version && (
              <button
                type="button"
                data-testid="version-draft-compare"
                onClick={() => compare(workflow.published_version)}
                className="text-accent flex items-center gap-1 self-start text-xs hover:underline"
              >
                <GitCompare size={12} aria-hidden />
                {t("builderVersions.compareWithPublished", { version: workflow.published_version })}
              </button>
            )}
          </li>
        )}
        {versions.isLoading ? (
          [0, 1].map((i) => <li key={i} className="bg-subtle my-1 h-12 animate-pulse rounded" aria-hidden />)
        ) : versions.isError ? (
          <li className="text-danger py-2">{t("builderVersions.loadFailed")}</li>
        ) : rows.length === 0 ? (
          <li className="text-muted py-2">{t("builderVersions.none")}</li>
        ) : (
          rows.map((v) => (
            <li
              key={v.version}
              data-testid="version-row"
              data-version={v.version}
              data-published={v.published ? "true" : undefined}
              className={"border-line flex flex-col gap-1 border-b px-1 py-2 " + (compareWith === v.version ? "bg-selected" : "")}
            >
              <div className="flex items-center gap-2">
                <span className="font-medium">{t("builderVersions.version", { version: v.version })}</span>
                {v.published && (
                  <span
                    data-testid="version-badge"
                    className={
                      "rounded border px-1.5 text-[11px] font-medium " + (workflow.active ? "border-success text-success" : "border-line text-muted")
                    }
                  >
                    {workflow.active ? t("builderVersions.running") : t("builderVersions.stopped")}
                  </span>
                )}
                <span className="text-muted ml-auto text-xs" data-testid="version-published">
                  {when(v.published_at)}
                  {v.published_by ? " · " + t("builderVersions.publishedBy", { name: v.published_by.name }) : ""}
                </span>
              </div>
              <div className="text-muted text-xs" data-testid="version-runs">
                {t("builderVersions.runs", { count: v.runs })}
                {v.waiting > 0 ? " · " + t("builderVersions.waiting", { count: v.waiting }) : ""}
              </div>
              <div className="flex items-center gap-3">
                {compareWith !== v.version && (
                  <button
                    type="button"
                    data-testid="version-compare"
                    onClick={() => compare(v.version)}
                    className="text-accent flex items-center gap-1 text-xs hover:underline"
                  >
                    <GitCompare size={12} aria-hidden />
                    {t("builderVersions.compare")}
                  </button>
                )}
                <button
                  type="button"
                  data-testid="version-view"
                  onClick={() => setViewing(v.version)}
                  className="text-muted hover:text-fg flex items-center gap-1 text-xs hover:underline"
                >
                  <Eye size={12} aria-hidden />
                  {t("builderVersions.view")}
                </button>
                {onRestore && (
                  <button
                    type="button"
                    data-testid="version-restore"
                    onClick={() => setRestoring(v.version)}
                    className="text-muted hover:text-fg flex items-center gap-1 text-xs hover:underline"
                  >
                    <RotateCcw size={12} aria-hidden />
                    {t("builderVersions.restore")}
                  </button>
                )}
              </div>
            </li>
          ))
        )}
      </ul>
      {versions.hasNextPage && (
        <button type="button" className="text-accent self-start text-xs hover:underline" onClick={() => versions.fetchNextPage()} disabled={versions.isFetchingNextPage}>
          {t("builderVersions.more")}
        </button>
      )}
      {viewing !== null && <ViewDialog workflowID={workflowID} version={viewing} onClose={() => setViewing(null)} />}
      {restoring !== null && onRestore && (
        <RestoreDialog
          workflowID={workflowID}
          version={restoring}
          unsaved={unsaved}
          revision={revision}
          onClose={() => setRestoring(null)}
          onRestored={onRestore}
          onRefused={onRestoreRefused}
        />
      )}
    </aside>
  );
}

function ComparePanel({
  version,
  loading,
  entries,
  onClose,
  onFocusStep,
}: {
  version: number;
  loading: boolean;
  entries: DiffEntry[];
  onClose(): void;
  onFocusStep?(id: string): void;
}) {
  const { t } = useTranslation();
  const count = (k: DiffEntry["kind"]) => entries.filter((e) => e.kind === k).length;
  return (
    <section data-testid="version-compare-panel" data-version={version} aria-label={t("builderVersions.comparing", { version })} className="bg-subtle flex flex-col gap-2 rounded p-2">
      <div className="flex items-start gap-2">
        <div className="flex-1">
          <div className="font-medium">{t("builderVersions.comparing", { version })}</div>
          {!loading && (
            <div className="text-muted text-xs" data-testid="version-compare-summary">
              {entries.length === 0
                ? t("builderVersions.noDifferences", { version })
                : [
                    t("builderVersions.countAdded", { count: count("added") }),
                    t("builderVersions.countChanged", { count: count("changed") + count("trigger") + count("workflow") }),
                    t("builderVersions.countRemoved", { count: count("removed") }),
                  ].join(" · ")}
            </div>
          )}
        </div>
        <button type="button" data-testid="version-compare-close" aria-label={t("builderVersions.closeCompare")} title={t("builderVersions.closeCompare")} onClick={onClose} className="hover:bg-hover rounded p-1">
          <X size={14} aria-hidden />
        </button>
      </div>
      {loading ? (
        <div className="bg-bg h-10 animate-pulse rounded" aria-hidden />
      ) : (
        <ul className="flex flex-col gap-1.5">
          {entries.map((e, i) => (
            <DiffItem key={i} entry={e} onFocusStep={onFocusStep} />
          ))}
        </ul>
      )}
    </section>
  );
}

const badgeClass: Record<DiffEntry["kind"], string> = {
  added: "border-success text-success",
  changed: "border-warning text-warning",
  removed: "border-danger text-danger",
  trigger: "border-warning text-warning",
  workflow: "border-warning text-warning",
};

function DiffItem({ entry, onFocusStep }: { entry: DiffEntry; onFocusStep?(id: string): void }) {
  const { t } = useTranslation();
  const id = entry.kind === "trigger" ? TRIGGER_KEY : entry.kind === "workflow" ? undefined : entry.id;
  const stepTitle = (s: Step) => s.name || t(`builderCanvas.types.${s.type}`, { defaultValue: s.type });
  const title =
    entry.kind === "workflow" ? t("builderVersions.workflow") : entry.kind === "trigger" ? t("builderVersions.trigger") : stepTitle(entry.step);
  const badge =
    entry.kind === "added" ? t("builderVersions.added") : entry.kind === "removed" ? t("builderVersions.removed") : t("builderVersions.changed");
  const focusable = !!onFocusStep && !!id && entry.kind !== "removed";
  const head = (
    <>
      <span className={"shrink-0 rounded border px-1 text-[10px] font-semibold uppercase " + badgeClass[entry.kind]}>{badge}</span>
      <span className={"min-w-0 truncate font-medium " + (entry.kind === "removed" ? "line-through" : "")}>{title}</span>
      {id && id !== TRIGGER_KEY && <span className="text-muted shrink-0 font-mono text-[11px]">{id}</span>}
    </>
  );
  const changes = entry.kind === "changed" || entry.kind === "trigger" || entry.kind === "workflow" ? entry.changes : null;
  return (
    <li data-testid="diff-entry" data-kind={entry.kind} data-step-id={id} className="bg-bg border-line rounded border px-2 py-1.5">
      {focusable ? (
        <button
          type="button"
          onClick={() => onFocusStep!(id!)}
          title={t("builderVersions.showStep")}
          className="hover:text-accent flex w-full min-w-0 items-center gap-1.5 text-left"
        >
          {head}
        </button>
      ) : (
        <div className="flex min-w-0 items-center gap-1.5">{head}</div>
      )}
      {changes && (
        <ul className="mt-1 flex flex-col gap-0.5">
          {changes.map((c) => (
            <ChangeLine key={c.path} change={c} />
          ))}
        </ul>
      )}
    </li>
  );
}

function ChangeLine({ change }: { change: FieldChange }) {
  const { t } = useTranslation();
  const path = change.path.replace(/^settings\./, "").replace(/^conditions\./, "");
  const before = show(change.before, t("builderVersions.nothing"));
  const after = show(change.after, t("builderVersions.nothing"));
  return (
    <li data-testid="diff-change" data-path={change.path} className="grid grid-cols-[minmax(0,7rem)_1fr] gap-x-2 text-xs">
      <span className="text-muted truncate font-mono" title={change.path}>
        {path}
      </span>
      <span className="min-w-0 break-words">
        <span className={"text-muted " + (change.before === undefined ? "italic" : "line-through")} title={before.full}>
          <span className="sr-only">{t("builderVersions.before")} </span>
          {before.short}
        </span>
        <span aria-hidden> → </span>
        <span className={change.after === undefined ? "text-muted italic" : "text-fg"} title={after.full}>
          <span className="sr-only">{t("builderVersions.after")} </span>
          {after.short}
        </span>
      </span>
    </li>
  );
}

/** show renders a value for the list: text as it is, the rest as JSON, long ones cut. */
function show(v: unknown, nothing: string): { short: string; full: string } {
  if (v === undefined) return { short: nothing, full: nothing };
  const full = typeof v === "string" ? v : Array.isArray(v) && v.every((x) => typeof x === "string") ? v.join(", ") : JSON.stringify(v);
  return { short: full.length > 80 ? full.slice(0, 79) + "…" : full, full };
}

function RestoreDialog({
  workflowID,
  version,
  unsaved,
  revision,
  onClose,
  onRestored,
  onRefused,
}: {
  workflowID: number;
  version: number;
  unsaved: boolean;
  revision?: number;
  onClose(): void;
  onRestored(d: Definition, w: Workflow): void;
  onRefused?(r: Restoring): void;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const qc = useQueryClient();
  const v = useVersion(workflowID, version);
  const restore = useMutation({
    mutationFn: async () => {
      const d = v.data?.definition as unknown as Definition;
      const w = await api.put<Workflow>(`/api/v1/workflows/${workflowID}`, d, ifMatch(revision));
      return { w, d };
    },
    onSuccess: ({ w, d }) => {
      qc.setQueryData([...qk.workflows, String(workflowID)], w);
      void qc.invalidateQueries({ queryKey: qk.workflows, exact: true });
      onRestored(d, w);
      toast(t("builderVersions.restored", { version }), "info");
      onClose();
    },
    onError: (err) => {
      if (isDraftChanged(err) && onRefused && v.data) {
        // Someone else's save since: the editor's conflict says who and offers the way on, above the canvas.
        onRefused({ version, definition: v.data.definition as unknown as Definition });
        onClose();
        return;
      }
      toast(err instanceof Error ? err.message : t("builderVersions.restoreFailed"));
    },
  });
  return (
    <Modal title={t("builderVersions.restoreTitle", { version })} onClose={onClose} testid="version-restore-dialog">
      <p className="text-muted text-sm">{t("builderVersions.restoreBody", { version })}</p>
      {unsaved && <p className="text-warning mt-2 text-sm">{t("builderVersions.restoreUnsaved")}</p>}
      <div className="mt-4 flex justify-end gap-2">
        <Button onClick={onClose}>{t("builderVersions.cancel")}</Button>
        <Button intent="primary" data-testid="version-restore-confirm" disabled={!v.data || restore.isPending} onClick={() => restore.mutate()}>
          {t("builderVersions.restoreConfirm", { version })}
        </Button>
      </div>
    </Modal>
  );
}

/** ViewDialog shows a version read-only: its trigger and each step with its settings in one line and its exits. */
function ViewDialog({ workflowID, version, onClose }: { workflowID: number; version: number; onClose(): void }) {
  const { t } = useTranslation();
  const v = useVersion(workflowID, version);
  const d = v.data?.definition as unknown as Definition | undefined;
  // The steps' users, teams, channels and workflows by name, as on the canvas.
  const nameOf = useRefNames(useMemo(() => refKindsOf(d?.steps ?? []), [d]));
  const conditions = d ? Object.entries(d.trigger.conditions ?? {}).map(([k, x]) => `${k}: ${show(x, "").full}`) : [];
  return (
    <Modal title={t("builderVersions.viewTitle", { version })} onClose={onClose} testid="version-view-dialog" wide>
      {!d ? (
        <div className="bg-subtle h-24 animate-pulse rounded" aria-hidden />
      ) : (
        <div className="flex flex-col gap-3 text-sm">
          <div>
            <div className="font-medium">{d.name}</div>
            {d.description && <div className="text-muted text-xs">{d.description}</div>}
          </div>
          <div className="border-line rounded border px-2 py-1.5">
            <span className="text-muted mr-1">{t("builderVersions.trigger")}:</span>
            <span className="font-medium">{t(`builderCanvas.triggers.${d.trigger.type}`, { defaultValue: d.trigger.type })}</span>
            {conditions.length > 0 && <div className="text-muted text-xs">{conditions.join(" · ")}</div>}
          </div>
          <ol className="flex flex-col gap-1.5" data-testid="version-view-steps">
            {d.steps.map((s) => (
              <li key={s.id} data-step-id={s.id} className="border-line rounded border px-2 py-1.5">
                <div className="flex items-center gap-2">
                  <span className="font-medium">{s.name || t(`builderCanvas.types.${s.type}`, { defaultValue: s.type })}</span>
                  <span className="text-muted font-mono text-[11px]">{s.id}</span>
                </div>
                {summarize(s, nameOf) && <div className="text-muted truncate text-xs">{summarize(s, nameOf)}</div>}
                {Object.keys(s.exits ?? {}).length > 0 && (
                  <div className="text-muted text-xs">
                    {Object.entries(s.exits ?? {})
                      .map(([exit, to]) => `${exitLabel(s, exit)} → ${to}`)
                      .join(" · ")}
                  </div>
                )}
              </li>
            ))}
          </ol>
        </div>
      )}
    </Modal>
  );
}
