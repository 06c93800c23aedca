// Articles: the knowledge base's articles, and the editor (title,
// language, published, Markdown body with a safe preview).
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { allPages, ApiError, api, type Page } from "../../lib/api";
import { qk } from "../../lib/queryKeys";
import { Button, Field, Section, Select, TextInput } from "../../lib/ui/form";
import { useToast } from "../../lib/ui/toast";
import { MarkdownPreview } from "./markdown";
import { keys, type Article } from "./types";

function fieldError(err: unknown, field: string) {
  return err instanceof ApiError ? err.forField(field) : undefined;
}

export function Articles({ canEdit }: { canEdit: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const list = useQuery({
    queryKey: keys.articles,
    queryFn: () => allPages<Article>("/api/v1/knowledge/articles"),
  });
  const [editing, setEditing] = useState<Article | "new" | null>(null);
  const remove = useMutation({
    mutationFn: (id: number) => api.del(`/api/v1/knowledge/articles/${id}`),
    onMutate: async (id) => {
      await qc.cancelQueries({ queryKey: keys.articles });
      const before = qc.getQueryData<Page<Article>>(keys.articles);
      if (before) qc.setQueryData(keys.articles, { ...before, data: before.data.filter((a) => a.id !== id) });
      return { before };
    },
    onError: (e, _id, ctx) => {
      if (ctx?.before) qc.setQueryData(keys.articles, ctx.before);
      toast(e.message);
    },
    onSettled: () => void qc.invalidateQueries({ queryKey: qk.knowledge }),
  });
  const articles = list.data?.data ?? [];
  return (
    <Section
      title={t("knowledge.articles.title")}
      description={t("knowledge.articles.description")}
      actions={
        canEdit && editing === null ? (
          <Button intent="primary" onClick={() => setEditing("new")} data-testid="article-new">
            {t("knowledge.articles.new")}
          </Button>
        ) : undefined
      }
    >
      {editing !== null && <ArticleEditor article={editing === "new" ? undefined : editing} onDone={() => setEditing(null)} />}
      {list.isLoading ? (
        <div className="flex flex-col gap-2" aria-hidden="true">
          {[0, 1, 2].map((i) => (
            <div key={i} className="bg-hover h-10 animate-pulse rounded" />
          ))}
        </div>
      ) : (
        <ul className="divide-line flex flex-col divide-y" aria-label={t("knowledge.articles.title")}>
          {articles.map((a) => (
            <li key={a.id} className="flex items-center gap-3 py-2" data-testid="article-row" data-article-id={a.id}>
              <div className="min-w-0 flex-1">
                <p className="truncate text-sm font-medium">{a.title}</p>
                <p className="text-muted text-xs">
                  {[
                    a.language ? a.language.toUpperCase() : null,
                    a.source_id ? t("knowledge.articles.fromSource") : null,
                    a.published ? null : t("knowledge.articles.draft"),
                    t("knowledge.articles.passages", { count: a.chunks }),
                  ]
                    .filter(Boolean)
                    .join(" · ")}
                </p>
              </div>
              {canEdit && !a.source_id && (
                <>
                  <Button onClick={() => setEditing(a)} aria-label={t("knowledge.articles.edit", { title: a.title })}>
                    {t("knowledge.edit")}
                  </Button>
                  <Button
                    className="text-danger"
                    aria-label={t("knowledge.articles.delete", { title: a.title })}
                    onClick={() => window.confirm(t("knowledge.articles.confirmDelete", { title: a.title })) && remove.mutate(a.id)}
                  >
                    {t("knowledge.delete")}
                  </Button>
                </>
              )}
            </li>
          ))}
          {articles.length === 0 && <li className="text-muted py-2 text-sm">{t("knowledge.articles.none")}</li>}
        </ul>
      )}
    </Section>
  );
}

function ArticleEditor({ article, onDone }: { article?: Article; onDone(): void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [title, setTitle] = useState(article?.title ?? "");
  const [body, setBody] = useState(article?.body ?? "");
  const [language, setLanguage] = useState(article?.language ?? "en");
  const [published, setPublished] = useState(article?.published ?? true);
  const [preview, setPreview] = useState(false);
  const save = useMutation({
    mutationFn: () => {
      const input = { title, body, language, published };
      return article ? api.patch<Article>(`/api/v1/knowledge/articles/${article.id}`, input) : api.post<Article>("/api/v1/knowledge/articles", input);
    },
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: qk.knowledge });
      onDone();
    },
  });
  const err = save.error;
  const general = err && !["title", "body", "language"].some((f) => fieldError(err, f)) ? (err as Error).message : undefined;
  return (
    <form
      className="border-line bg-panel mb-4 flex flex-col gap-3 rounded border p-3"
      aria-label={article ? t("knowledge.articles.edit", { title: article.title }) : t("knowledge.articles.new")}
      data-testid="article-editor"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <Field label={t("knowledge.articles.titleLabel")} error={fieldError(err, "title")}>
        {(id, d) => <TextInput id={id} aria-describedby={d} aria-invalid={!!fieldError(err, "title")} value={title} onChange={(e) => setTitle(e.target.value)} data-testid="article-title" />}
      </Field>
      <div className="flex items-end gap-4">
        <Field label={t("knowledge.articles.language")} error={fieldError(err, "language")}>
          {(id, d) => (
            <Select id={id} aria-describedby={d} value={language} onChange={(e) => setLanguage(e.target.value)}>
              <option value="en">English</option>
              <option value="fr">Français</option>
              <option value="">{t("knowledge.articles.otherLanguage")}</option>
            </Select>
          )}
        </Field>
        <label className="flex items-center gap-2 pb-1.5 text-sm">
          <input type="checkbox" checked={published} onChange={(e) => setPublished(e.target.checked)} />
          {t("knowledge.articles.published")}
        </label>
      </div>
      <div className="flex flex-col gap-1">
        <div className="flex items-center gap-2">
          <span className="flex-1 text-sm font-medium" id="article-body-label">
            {t("knowledge.articles.body")}
          </span>
          <div role="tablist" aria-label={t("knowledge.articles.body")} className="flex gap-1 text-xs">
            <button type="button" role="tab" aria-selected={!preview} onClick={() => setPreview(false)} className={"rounded px-2 py-0.5 " + (!preview ? "bg-selected" : "hover:bg-hover")}>
              {t("knowledge.articles.write")}
            </button>
            <button type="button" role="tab" aria-selected={preview} onClick={() => setPreview(true)} className={"rounded px-2 py-0.5 " + (preview ? "bg-selected" : "hover:bg-hover")} data-testid="article-preview-tab">
              {t("knowledge.articles.preview")}
            </button>
          </div>
        </div>
        {preview ? (
          <div className="border-line bg-bg min-h-40 rounded border p-3">
            <MarkdownPreview source={body} />
          </div>
        ) : (
          <textarea
            aria-labelledby="article-body-label"
            aria-invalid={!!fieldError(err, "body")}
            rows={10}
            className="border-line bg-bg rounded border px-2 py-1.5 font-mono text-sm"
            value={body}
            onChange={(e) => setBody(e.target.value)}
            data-testid="article-body"
            placeholder={t("knowledge.articles.bodyPlaceholder")}
          />
        )}
        {fieldError(err, "body") && (
          <p role="alert" className="text-danger text-xs">
            {fieldError(err, "body")}
          </p>
        )}
      </div>
      {general && (
        <p role="alert" className="text-danger text-sm">
          {general}
        </p>
      )}
      <div className="flex gap-2">
        <Button intent="primary" type="submit" disabled={save.isPending} data-testid="article-save">
          {article ? t("knowledge.save") : t("knowledge.articles.create")}
        </Button>
        <Button onClick={onDone}>{t("knowledge.cancel")}</Button>
      </div>
    </form>
  );
}
