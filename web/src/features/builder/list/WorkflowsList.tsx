// WorkflowsList: the workflows at /builder — name, description, trigger,
// status, version, runs in the last 24 h and runs waiting now; create
// (blank or from a template), open, duplicate, export, import, start and
// stop, delete (a delete the server refuses while runs wait offers to stop
// them and delete). Start/stop and delete show at once and roll back with
// a toast if the server refuses them.
import { useRef, useState, type ReactNode } from "react";
import { Link, useNavigate } from "react-router";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Copy, Download, Play, Plus, Square, Trash2, Upload, X } from "lucide-react";
import { api, ApiError, type ErrorDetail, type Page } from "../../../lib/api";
import { downloadFile } from "../../../lib/download";
import { qk } from "../../../lib/queryKeys";
import { useWorkflows } from "../../../lib/directory";
import { Button } from "../../../lib/ui/form";
import { useToast } from "../../../lib/ui/toast";
import { Modal } from "../../../lib/ui/Modal";
import type { components } from "../../../lib/api-types";

type Workflow = components["schemas"]["Workflow"];
type Template = components["schemas"]["WorkflowTemplate"];
/** A problem of a definition: the step it is in, as the server names it. */
type Problem = ErrorDetail & { step?: string };

const templatesKey = ["workflow-templates"] as const;

/** definitionOf is what a workflow is: its draft, else its published version. */
export function definitionOf(w: Workflow) {
  return w.draft ?? w.published ?? { name: w.name, description: w.description };
}

/** fileName makes a safe file name of a workflow's name. */
export function fileName(name: string) {
  return (name.replace(/[^\p{L}\p{N}_-]+/gu, "-").replace(/^-+|-+$/g, "") || "workflow") + ".json";
}

export default function WorkflowsList() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const navigate = useNavigate();
  const list = useWorkflows();
  const [creating, setCreating] = useState(false);
  const [problems, setProblems] = useState<{ file: string; problems: Problem[]; message: string } | null>(null);
  const [deleting, setDeleting] = useState<{ wf: Workflow; reason?: string } | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const patch = (id: number, change: Partial<Workflow> | null) =>
    qc.setQueryData<Page<Workflow>>(qk.workflows, (old) =>
      old ? { ...old, data: change ? old.data.map((w) => (w.id === id ? { ...w, ...change } : w)) : old.data.filter((w) => w.id !== id) } : old,
    );
  const failed = (err: unknown) => toast(err instanceof ApiError ? err.message : t("builderList.failed"));

  const setActive = useMutation({
    mutationFn: ({ wf, active }: { wf: Workflow; active: boolean }) => api.post<Workflow>(`/api/v1/workflows/${wf.id}/${active ? "start" : "stop"}`),
    onMutate: ({ wf, active }) => {
      const before = qc.getQueryData<Page<Workflow>>(qk.workflows);
      patch(wf.id, { active, status: active ? "published" : "stopped" });
      return { before };
    },
    onError: (err, _v, ctx) => {
      qc.setQueryData(qk.workflows, ctx?.before);
      failed(err);
    },
    onSettled: () => qc.invalidateQueries({ queryKey: qk.workflows }),
  });
  const duplicate = useMutation({
    mutationFn: (wf: Workflow) => api.post<Workflow>(`/api/v1/workflows/${wf.id}/duplicate`),
    onError: failed,
    onSettled: () => qc.invalidateQueries({ queryKey: qk.workflows }),
  });
  const remove = useMutation({
    mutationFn: ({ wf, force }: { wf: Workflow; force: boolean }) => api.del(`/api/v1/workflows/${wf.id}${force ? "?force=true" : ""}`),
    onMutate: ({ wf }) => {
      const before = qc.getQueryData<Page<Workflow>>(qk.workflows);
      patch(wf.id, null);
      setDeleting(null);
      return { before };
    },
    onError: (err, { wf }, ctx) => {
      qc.setQueryData(qk.workflows, ctx?.before);
      if (err instanceof ApiError && err.status === 409) setDeleting({ wf, reason: err.message });
      else failed(err);
    },
    onSettled: () => qc.invalidateQueries({ queryKey: qk.workflows }),
  });
  const importFile = useMutation({
    mutationFn: async (file: File) => {
      let body: unknown;
      try {
        body = JSON.parse(await file.text());
      } catch {
        throw new ApiError(400, "bad_request", t("builderList.notJSON"));
      }
      return api.post<Workflow>("/api/v1/workflows/import", body);
    },
    onSuccess: () => {
      setProblems(null);
      toast(t("builderList.imported"), "info");
    },
    onError: (err, file) => {
      if (err instanceof ApiError) setProblems({ file: file.name, problems: err.problems, message: err.message });
      else failed(err);
    },
    onSettled: () => qc.invalidateQueries({ queryKey: qk.workflows }),
  });

  const exportWorkflow = (wf: Workflow) => downloadFile(fileName(wf.name), JSON.stringify(definitionOf(wf), null, 2) + "\n", "application/json");

  const rows = list.data?.data ?? [];
  return (
    <main data-testid="workflows-list" className="flex-1 overflow-y-auto p-6">
      <div className="mb-4 flex flex-wrap items-center gap-2">
        <h1 className="flex-1 text-xl font-semibold">{t("builderList.title")}</h1>
        <input
          ref={fileInput}
          type="file"
          accept="application/json,.json"
          className="hidden"
          data-testid="workflow-import-file"
          aria-label={t("builderList.importFile")}
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) importFile.mutate(file);
            e.target.value = "";
          }}
        />
        <Button type="button" onClick={() => fileInput.current?.click()} data-testid="workflow-import">
          <Upload size={14} aria-hidden className="mr-1 inline" />
          {t("builderList.import")}
        </Button>
        <Button type="button" intent="primary" onClick={() => setCreating(true)} data-testid="workflow-new">
          <Plus size={14} aria-hidden className="mr-1 inline" />
          {t("builderList.new")}
        </Button>
      </div>
      {problems && (
        <div role="alert" data-testid="import-problems" className="border-danger mb-4 rounded border p-3 text-sm">
          <div className="mb-1 flex items-start gap-2">
            <p className="flex-1 font-medium">{t("builderList.importFailed", { file: problems.file })}</p>
            <button type="button" aria-label={t("builderList.dismiss")} className="hover:bg-hover rounded p-1" onClick={() => setProblems(null)}>
              <X size={14} aria-hidden />
            </button>
          </div>
          {problems.problems.length > 0 ? (
            <ul className="list-disc pl-5">
              {problems.problems.map((p, i) => (
                <li key={i} data-testid="import-problem">
                  {[p.step && t("builderList.step", { step: p.step }), p.field].filter(Boolean).join(" · ")}
                  {(p.step || p.field) && ": "}
                  {p.message}
                </li>
              ))}
            </ul>
          ) : (
            <p data-testid="import-problem">{problems.message}</p>
          )}
        </div>
      )}
      {list.isLoading ? (
        <div className="flex flex-col gap-2" aria-hidden>
          {[0, 1, 2].map((i) => (
            <div key={i} className="bg-subtle h-10 animate-pulse rounded" />
          ))}
        </div>
      ) : rows.length === 0 ? (
        <p className="text-muted text-sm" data-testid="workflows-empty">
          {t("builderList.none")}
        </p>
      ) : (
        <table className="w-full text-left text-sm" data-testid="workflows-table">
          <thead className="text-muted border-line border-b text-xs">
            <tr>
              <th className="py-2 pr-3 font-medium">{t("builderList.name")}</th>
              <th className="py-2 pr-3 font-medium">{t("builderList.trigger")}</th>
              <th className="py-2 pr-3 font-medium">{t("builderList.status")}</th>
              <th className="py-2 pr-3 text-right font-medium">{t("builderList.version")}</th>
              <th className="py-2 pr-3 text-right font-medium">{t("builderList.runs24h")}</th>
              <th className="py-2 pr-3 text-right font-medium">{t("builderList.waiting")}</th>
              <th className="py-2 font-medium">
                <span className="sr-only">{t("builderList.actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((wf) => (
              <tr key={wf.id} className="border-line hover:bg-hover border-b align-top" data-testid="workflow-row" data-workflow-id={wf.id} data-status={wf.status}>
                <td className="py-2 pr-3">
                  <Link to={`/builder/${wf.id}`} className="font-medium hover:underline" data-testid="workflow-open">
                    {wf.name}
                  </Link>
                  {wf.description && <p className="text-muted line-clamp-2 max-w-md text-xs">{wf.description}</p>}
                </td>
                <td className="py-2 pr-3">{wf.trigger_type ? t(`builderList.triggers.${wf.trigger_type}`, { defaultValue: wf.trigger_type }) : "—"}</td>
                <td className="py-2 pr-3">
                  <StatusBadge status={wf.status} />
                </td>
                <td className="py-2 pr-3 text-right tabular-nums">{wf.published_version || "—"}</td>
                <td className="py-2 pr-3 text-right tabular-nums" data-testid="workflow-runs24h">
                  {wf.stats?.runs_24h ?? 0}
                </td>
                <td className="py-2 pr-3 text-right tabular-nums" data-testid="workflow-waiting">
                  {wf.stats?.waiting ?? 0}
                </td>
                <td className="py-2">
                  <div className="flex justify-end gap-1">
                    {wf.status !== "draft" && (
                      <IconButton
                        label={t(wf.active ? "builderList.stop" : "builderList.start", { name: wf.name })}
                        testid={wf.active ? "workflow-stop" : "workflow-start"}
                        onClick={() => setActive.mutate({ wf, active: !wf.active })}
                      >
                        {wf.active ? <Square size={14} aria-hidden /> : <Play size={14} aria-hidden />}
                      </IconButton>
                    )}
                    <IconButton label={t("builderList.duplicate", { name: wf.name })} testid="workflow-duplicate" onClick={() => duplicate.mutate(wf)}>
                      <Copy size={14} aria-hidden />
                    </IconButton>
                    <IconButton label={t("builderList.export", { name: wf.name })} testid="workflow-export" onClick={() => exportWorkflow(wf)}>
                      <Download size={14} aria-hidden />
                    </IconButton>
                    <IconButton label={t("builderList.delete", { name: wf.name })} testid="workflow-delete" onClick={() => setDeleting({ wf })}>
                      <Trash2 size={14} aria-hidden />
                    </IconButton>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {creating && (
        <NewDialog
          onClose={() => setCreating(false)}
          onCreated={(wf) => {
            setCreating(false);
            qc.invalidateQueries({ queryKey: qk.workflows });
            navigate(`/builder/${wf.id}`);
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title={t("builderList.deleteTitle", { name: deleting.wf.name })}
          body={deleting.reason ? t("builderList.deleteRefused", { reason: deleting.reason }) : t("builderList.deleteBody")}
          confirm={deleting.reason ? t("builderList.deleteAnyway") : t("builderList.confirmDelete")}
          onClose={() => setDeleting(null)}
          onConfirm={() => remove.mutate({ wf: deleting.wf, force: !!deleting.reason })}
        />
      )}
    </main>
  );
}

function IconButton({ label, testid, onClick, children }: { label: string; testid: string; onClick: () => void; children: ReactNode }) {
  return (
    <button type="button" aria-label={label} title={label} data-testid={testid} onClick={onClick} className="hover:bg-subtle text-muted hover:text-fg rounded p-1.5">
      {children}
    </button>
  );
}

function StatusBadge({ status }: { status: Workflow["status"] }) {
  const { t } = useTranslation();
  const tone = status === "published" ? "bg-success/15 text-success" : status === "stopped" ? "bg-warning/15 text-warning" : "bg-subtle text-muted";
  return (
    <span data-testid="workflow-status" className={"rounded px-2 py-0.5 text-xs font-medium " + tone}>
      {t(`builderList.statuses.${status}`)}
    </span>
  );
}

function ConfirmDialog({ title, body, confirm, onClose, onConfirm }: { title: string; body: string; confirm: string; onClose: () => void; onConfirm: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal wide title={title} testid="workflow-delete-dialog" onClose={onClose}>
      <p className="mb-4 text-sm" data-testid="workflow-delete-reason">
        {body}
      </p>
      <div className="flex justify-end gap-2">
        <Button type="button" onClick={onClose}>
          {t("builderList.cancel")}
        </Button>
        <Button type="button" intent="danger" onClick={onConfirm} data-testid="workflow-delete-confirm">
          {confirm}
        </Button>
      </div>
    </Modal>
  );
}

function NewDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (wf: Workflow) => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const templates = useQuery({ queryKey: templatesKey, queryFn: () => api.get<Page<Template>>("/api/v1/workflow-templates") });
  const create = useMutation({
    mutationFn: (template?: string) => api.post<Workflow>("/api/v1/workflows", template ? { template } : { blank: true }),
    onSuccess: onCreated,
    onError: (err) => toast(err instanceof ApiError ? err.message : t("builderList.failed")),
  });
  return (
    <Modal wide title={t("builderList.newTitle")} testid="workflow-new-dialog" onClose={onClose}>
      <ul className="flex flex-col gap-2">
        <li>
          <button
            type="button"
            disabled={create.isPending}
            onClick={() => create.mutate(undefined)}
            data-testid="template-blank"
            className="border-line hover:bg-hover w-full rounded border p-3 text-left"
          >
            <span className="block font-medium">{t("builderList.blank")}</span>
            <span className="text-muted block text-xs">{t("builderList.blankHint")}</span>
          </button>
        </li>
        {(templates.data?.data ?? []).map((tpl) => (
          <li key={tpl.name}>
            <button
              type="button"
              disabled={create.isPending}
              onClick={() => create.mutate(tpl.name)}
              data-testid={`template-${tpl.name}`}
              className="border-line hover:bg-hover w-full rounded border p-3 text-left"
            >
              <span className="block font-medium">{tpl.title}</span>
              <span className="text-muted block text-xs">{tpl.description}</span>
              <span className="text-muted mt-1 block text-xs">
                {t(`builderList.triggers.${tpl.trigger_type}`, { defaultValue: tpl.trigger_type })} · {t("builderList.steps", { count: tpl.steps })}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </Modal>
  );
}
