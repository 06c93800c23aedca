// Toolbar: the editor's header — the workflow's name and status, undo and
// redo, the runs panel, layout, save, publish, start/stop — and the banner
// listing the problems the server found, each a link to its step.
import { Link } from "react-router";
import { FlaskConical, GitCompare, History as HistoryIcon, LayoutGrid, Redo2, Undo2 } from "lucide-react";
import { useTranslation } from "react-i18next";
import type { Workflow } from "../../../lib/types";

export interface Problem {
  step?: string;
  field?: string;
  message: string;
}

export type SidePanel = "runs" | "versions" | "test";

/**
 * problemNode is the node a problem belongs to: its step, else the trigger
 * for what the trigger's drawer edits — the trigger itself, its start, the
 * workflow's name and description. The engine checks those before any step,
 * so their problems come without a step id. Others (no steps at all) have no node.
 */
export function problemNode(p: Problem): string | undefined {
  if (p.step) return p.step;
  if (p.field && /^(trigger(\.|$)|start$|name$|description$)/.test(p.field)) return "trigger";
  return undefined;
}

/** problemsByNode lists each node's problems as its node shows them ("field: message"). */
export function problemsByNode(problems: Problem[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const p of problems) {
    const node = problemNode(p);
    if (node) m.set(node, [...(m.get(node) ?? []), p.field ? `${p.field}: ${p.message}` : p.message]);
  }
  return m;
}

export interface ToolbarProps {
  name: string;
  workflow: Workflow;
  dirty: boolean;
  canUndo: boolean;
  canRedo: boolean;
  onUndo(): void;
  onRedo(): void;
  /** The side panel open beside the canvas, if any. */
  panel: SidePanel | null;
  onPanel(p: SidePanel): void;
  onArrange(): void;
  onSave(): void;
  saving: boolean;
  onPublish(): void;
  publishing: boolean;
  onActivate(on: boolean): void;
  activating: boolean;
}

export function Toolbar(p: ToolbarProps) {
  const { t } = useTranslation();
  const current = p.workflow;
  const status =
    current.published_version === 0
      ? t("builderCanvas.status.draft")
      : current.active
        ? t("builderCanvas.status.published", { version: current.published_version })
        : t("builderCanvas.status.stopped", { version: current.published_version });

  return (
    <div className="border-line flex flex-wrap items-center gap-2 border-b px-4 py-2">
      <Link to="/builder" className="text-muted hover:text-fg text-sm">
        {t("builderCanvas.back")}
      </Link>
      <h1 className="truncate text-base font-semibold" data-testid="builder-name">
        {p.name}
      </h1>
      <span
        data-testid="builder-status"
        className={
          "rounded px-2 py-0.5 text-xs font-medium " +
          (current.published_version === 0 ? "bg-subtle text-muted" : current.active ? "bg-selected text-accent" : "bg-subtle text-warning")
        }
      >
        {status}
      </span>
      {p.dirty && <span className="text-muted text-xs">{t("builderCanvas.unsaved")}</span>}
      <div className="ml-auto flex items-center gap-2">
        <button
          type="button"
          aria-label={t("builderCanvas.undo")}
          title={t("builderCanvas.undo")}
          disabled={!p.canUndo}
          onClick={p.onUndo}
          className="hover:bg-hover rounded p-1.5 disabled:opacity-40"
        >
          <Undo2 size={16} aria-hidden />
        </button>
        <button
          type="button"
          aria-label={t("builderCanvas.redo")}
          title={t("builderCanvas.redo")}
          disabled={!p.canRedo}
          onClick={p.onRedo}
          className="hover:bg-hover rounded p-1.5 disabled:opacity-40"
        >
          <Redo2 size={16} aria-hidden />
        </button>
        {(
          [
            ["runs", HistoryIcon, t("builderCanvas.runs")],
            ["versions", GitCompare, t("builderCanvas.versions")],
            ["test", FlaskConical, t("builderCanvas.test")],
          ] as const
        ).map(([name, Icon, label]) => (
          <button
            key={name}
            type="button"
            data-testid={`builder-${name}`}
            aria-pressed={p.panel === name}
            onClick={() => p.onPanel(name)}
            className={"hover:bg-hover flex items-center gap-1 rounded px-2 py-1.5 text-sm " + (p.panel === name ? "bg-selected" : "")}
          >
            <Icon size={16} aria-hidden />
            {label}
          </button>
        ))}
        <button
          type="button"
          data-testid="builder-arrange"
          aria-label={t("builderCanvas.arrange")}
          title={t("builderCanvas.arrange")}
          onClick={p.onArrange}
          className="hover:bg-hover rounded p-1.5"
        >
          <LayoutGrid size={16} aria-hidden />
        </button>
        <button
          type="button"
          data-testid="builder-save"
          title={t("builderCanvas.saveKey")}
          disabled={!p.dirty || p.saving}
          onClick={p.onSave}
          className="border-line bg-bg hover:bg-hover rounded border px-3 py-1.5 text-sm font-medium disabled:opacity-50"
        >
          {t("builderCanvas.save")}
        </button>
        <button
          type="button"
          data-testid="builder-publish"
          disabled={p.publishing || (!p.dirty && !current.draft && current.published_version > 0)}
          onClick={p.onPublish}
          className="bg-accent text-accent-fg rounded px-3 py-1.5 text-sm font-medium hover:opacity-90 disabled:opacity-50"
        >
          {t("builderCanvas.publish")}
        </button>
        {current.published_version > 0 && (
          <button
            type="button"
            data-testid={current.active ? "builder-stop" : "builder-start"}
            disabled={p.activating}
            onClick={() => p.onActivate(!current.active)}
            className="border-line bg-bg hover:bg-hover rounded border px-3 py-1.5 text-sm font-medium disabled:opacity-50"
          >
            {current.active ? t("builderCanvas.stop") : t("builderCanvas.startWorkflow")}
          </button>
        )}
      </div>
    </div>
  );
}

export function ProblemsBanner({ problems, onFocus, onDismiss }: { problems: Problem[]; onFocus(step: string): void; onDismiss(): void }) {
  const { t } = useTranslation();
  return (
    <>
      {problems.length > 0 && (
        <div role="alert" data-testid="builder-problems" className="border-line bg-note border-b px-4 py-2 text-sm">
          <div className="flex items-center gap-2 font-medium">
            {t("builderCanvas.problemsFound", { count: problems.length })}
            <button type="button" className="text-muted ml-auto text-xs underline" onClick={onDismiss}>
              {t("builderCanvas.dismiss")}
            </button>
          </div>
          <ul className="mt-1 max-h-32 space-y-0.5 overflow-y-auto">
            {problems.map((p, i) => (
              <li key={i}>
                {problemNode(p) ? (
                  <button
                    type="button"
                    data-testid="builder-problem"
                    data-step-id={problemNode(p)}
                    onClick={() => onFocus(problemNode(p)!)}
                    className="hover:bg-hover rounded px-1 text-left"
                  >
                    {p.step ? <span className="text-danger font-mono">{p.step}</span> : <span className="text-danger">{t("builderCanvas.triggerNode")}</span>}
                    {p.field ? <span className="text-muted"> · {p.field}</span> : null} — {p.message}
                  </button>
                ) : (
                  <span data-testid="builder-problem" className="px-1">
                    {p.field ? <span className="text-muted">{p.field} — </span> : null}
                    {p.message}
                  </span>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}

/**
 * WarningsBanner lists what the server saved but warned about (a template
 * naming a variable nothing sets renders it empty; braces holding no
 * variable are sent as written). A warning naming its step links to it.
 */
export function WarningsBanner({ warnings, onFocus, onDismiss }: { warnings: string[]; onFocus(step: string): void; onDismiss(): void }) {
  const { t } = useTranslation();
  if (warnings.length === 0) return null;
  return (
    <div role="status" data-testid="builder-warnings" className="border-line bg-note border-b px-4 py-2 text-sm">
      <div className="flex items-center gap-2 font-medium">
        <span className="text-warning">{t("builderCanvas.warningsFound", { count: warnings.length })}</span>
        <button type="button" className="text-muted ml-auto text-xs underline" onClick={onDismiss}>
          {t("builderCanvas.dismiss")}
        </button>
      </div>
      <ul className="mt-1 max-h-32 space-y-0.5 overflow-y-auto">
        {warnings.map((w, i) => {
          // The engine writes a step's warning as `step "id": message`.
          const m = /^step "([^"]+)": ([\s\S]*)$/.exec(w);
          return (
            <li key={i} data-testid="builder-warning">
              {m ? (
                <button type="button" data-step-id={m[1]} onClick={() => onFocus(m[1]!)} className="hover:bg-hover rounded px-1 text-left">
                  <span className="text-warning font-mono">{m[1]}</span> — {m[2]}
                </button>
              ) : (
                <span className="px-1">{w}</span>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
