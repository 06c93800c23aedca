// Sources: uploaded files, web pages and sitemaps — add, sync again, see
// their status, delete.
import { useRef, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { RefreshCw } from "lucide-react";
import { ApiError, api, type Page } from "../../lib/api";
import { qk } from "../../lib/queryKeys";
import { Button, Field, Section, Select, TextInput } from "../../lib/ui/form";
import { useToast } from "../../lib/ui/toast";
import { keys, type Source } from "./types";
import { useWorkspaceDate } from "../../lib/workspaceDate";

export function Sources() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const list = useQuery({ queryKey: keys.sources, queryFn: () => api.get<Page<Source>>("/api/v1/knowledge/sources") });
  const done = () => void qc.invalidateQueries({ queryKey: qk.knowledge });
  const sync = useMutation({
    mutationFn: (id: number) => api.post<Source>(`/api/v1/knowledge/sources/${id}/sync`),
    onMutate: (id) => {
      const before = qc.getQueryData<Page<Source>>(keys.sources);
      if (before) qc.setQueryData(keys.sources, { ...before, data: before.data.map((s) => (s.id === id ? { ...s, status: "syncing" } : s)) });
    },
    onError: (e) => toast(e.message),
    onSettled: done,
  });
  const remove = useMutation({
    mutationFn: (id: number) => api.del(`/api/v1/knowledge/sources/${id}`),
    onError: (e) => toast(e.message),
    onSettled: done,
  });
  const sources = list.data?.data ?? [];
  const date = useWorkspaceDate();
  return (
    <Section title={t("knowledge.sources.title")} description={t("knowledge.sources.description")}>
      <div className="mb-4 grid grid-cols-1 gap-4 xl:grid-cols-2">
        <UploadForm onDone={done} />
        <AddURLForm onDone={done} />
      </div>
      <ul className="divide-line flex flex-col divide-y" aria-label={t("knowledge.sources.title")}>
        {sources.map((s) => (
          <li key={s.id} className="flex items-center gap-3 py-2" data-testid="source-row" data-status={s.status}>
            <div className="min-w-0 flex-1">
              <p className="truncate text-sm font-medium">{s.name}</p>
              <p className="text-muted truncate text-xs">
                {t(`knowledge.source.${s.kind}`)} · {t("knowledge.sources.documents", { count: s.documents })}
                {s.synced_at ? " · " + t("knowledge.sources.synced", { when: date(s.synced_at) }) : ""}
              </p>
              {s.status === "error" && (
                <p className="text-danger truncate text-xs" title={s.error}>
                  {s.error}
                </p>
              )}
            </div>
            <span
              className={
                "rounded-full border px-2 text-xs " +
                (s.status === "error" ? "border-danger text-danger" : s.status === "syncing" ? "border-warning text-warning" : "border-success text-success")
              }
            >
              {t(`knowledge.sources.status.${s.status}`, { defaultValue: s.status })}
            </span>
            {s.kind !== "file" && (
              <Button
                onClick={() => sync.mutate(s.id)}
                disabled={sync.isPending && sync.variables === s.id}
                aria-label={t("knowledge.sources.sync", { name: s.name })}
              >
                <RefreshCw size={14} aria-hidden="true" className={sync.isPending && sync.variables === s.id ? "animate-spin" : ""} />
              </Button>
            )}
            <Button
              className="text-danger"
              aria-label={t("knowledge.sources.delete", { name: s.name })}
              onClick={() => window.confirm(t("knowledge.sources.confirmDelete", { name: s.name })) && remove.mutate(s.id)}
            >
              {t("knowledge.delete")}
            </Button>
          </li>
        ))}
        {!list.isLoading && sources.length === 0 && <li className="text-muted py-2 text-sm">{t("knowledge.sources.none")}</li>}
      </ul>
    </Section>
  );
}

function UploadForm({ onDone }: { onDone(): void }) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const upload = useMutation({
    mutationFn: (file: File) => {
      const form = new FormData();
      form.append("file", file);
      return api.post<Source>("/api/v1/knowledge/files", form);
    },
    onSuccess: () => {
      if (input.current) input.current.value = "";
      onDone();
    },
  });
  return (
    <div className="flex flex-col gap-1">
      <Field label={t("knowledge.sources.upload")} hint={t("knowledge.sources.uploadHint")} error={upload.error?.message}>
        {(id, d) => (
          <input
            ref={input}
            id={id}
            aria-describedby={d}
            type="file"
            accept=".md,.markdown,.txt,.html,.htm,.pdf,text/markdown,text/plain,text/html,application/pdf"
            className="text-sm"
            data-testid="source-upload"
            disabled={upload.isPending}
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) upload.mutate(f);
            }}
          />
        )}
      </Field>
    </div>
  );
}

function AddURLForm({ onDone }: { onDone(): void }) {
  const { t } = useTranslation();
  const [kind, setKind] = useState("url");
  const [url, setURL] = useState("");
  const add = useMutation({
    mutationFn: () => api.post<Source>("/api/v1/knowledge/sources", { kind, url }),
    onSuccess: () => {
      setURL("");
      onDone();
    },
  });
  const err = add.error instanceof ApiError ? add.error : undefined;
  return (
    <form
      className="flex items-end gap-2"
      aria-label={t("knowledge.sources.add")}
      onSubmit={(e) => {
        e.preventDefault();
        add.mutate();
      }}
    >
      <Field label={t("knowledge.sources.kind")}>
        {(id) => (
          <Select id={id} value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="url">{t("knowledge.source.url")}</option>
            <option value="sitemap">{t("knowledge.source.sitemap")}</option>
          </Select>
        )}
      </Field>
      <div className="flex-1">
        <Field label={t("knowledge.sources.url")} error={err ? (err.forField("url") ?? err.message) : undefined}>
          {(id, d) => (
            <TextInput id={id} aria-describedby={d} type="url" required placeholder="https://help.example.com/…" value={url} onChange={(e) => setURL(e.target.value)} className="w-full" />
          )}
        </Field>
      </div>
      <Button intent="primary" type="submit" disabled={add.isPending}>
        {add.isPending ? t("knowledge.sources.fetching") : t("knowledge.sources.addButton")}
      </Button>
    </form>
  );
}
