// SnippetsSettings: the canned texts agents insert by typing / and the
// name — create, edit (name and text), delete.
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../../../lib/api";
import { qk } from "../../../lib/queryKeys";
import { useSnippets } from "../../../lib/directory";
import { Button, Field, Section, TextInput } from "../../../lib/ui/form";
import type { Snippet } from "../../../lib/types";
import { ConfirmDelete, fieldError, generalError, SkeletonRows, useListMutation } from "../workspace/common";

/** The variables the composer fills in when a snippet is inserted (composerText.ts), as the hint shows them. */
const snippetVariables = "{{contact.first_name}}, {{contact.name}}, {{contact.<field key>}}, {{agent.name}}, {{assignee.name}}, {{conversation.id}}";

export default function SnippetsSettings() {
  const { t } = useTranslation();
  const list = useSnippets();
  const [editing, setEditing] = useState<number | null>(null);
  const remove = useListMutation<Snippet, number>(qk.snippets, (id) => api.del(`/api/v1/snippets/${id}`), (items, id) => items.filter((x) => x.id !== id));
  return (
    <div data-testid="settings-snippets">
      <h1 className="mb-4 text-xl font-semibold">{t("snippetsSettings.title")}</h1>
      <Section title={t("snippetsSettings.new")} description={t("snippetsSettings.description")}>
        <SnippetForm />
      </Section>
      <Section title={t("snippetsSettings.all")}>
        {list.isLoading ? (
          <SkeletonRows />
        ) : (
          <ul className="divide-line flex flex-col divide-y">
            {(list.data?.data ?? []).map((s) => (
              <li key={s.id} className="py-3" data-testid="snippet-row" data-snippet-name={s.name}>
                {editing === s.id ? (
                  <SnippetForm snippet={s} onDone={() => setEditing(null)} />
                ) : (
                  <div className="flex items-start gap-3">
                    <div className="min-w-0 flex-1">
                      <p className="font-mono text-sm font-medium">/{s.name}</p>
                      <p className="text-muted text-sm whitespace-pre-wrap" data-testid="snippet-text">
                        {s.text}
                      </p>
                    </div>
                    <Button onClick={() => setEditing(s.id)} aria-label={t("snippetsSettings.edit", { name: s.name })} data-testid="snippet-edit">
                      {t("workspaceSettings.common.edit")}
                    </Button>
                    <ConfirmDelete label={t("snippetsSettings.delete", { name: s.name })} onConfirm={() => remove.mutate(s.id)} />
                  </div>
                )}
              </li>
            ))}
            {list.data?.data.length === 0 && <li className="text-muted text-sm">{t("snippetsSettings.none")}</li>}
          </ul>
        )}
      </Section>
    </div>
  );
}

function SnippetForm({ snippet, onDone }: { snippet?: Snippet; onDone?: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [name, setName] = useState(snippet?.name ?? "");
  const [text, setText] = useState(snippet?.text ?? "");
  const save = useMutation({
    mutationFn: () => (snippet ? api.patch<Snippet>(`/api/v1/snippets/${snippet.id}`, { name, text }) : api.post<Snippet>("/api/v1/snippets", { name, text })),
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: qk.snippets });
      if (!snippet) {
        setName("");
        setText("");
      }
      onDone?.();
    },
  });
  const err = save.error;
  return (
    <form
      className="flex flex-col gap-3"
      aria-label={snippet ? t("snippetsSettings.edit", { name: snippet.name }) : t("snippetsSettings.new")}
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <Field label={t("snippetsSettings.name")} hint={t("snippetsSettings.nameHint")} error={fieldError(err, "name")}>
        {(id, d) => <TextInput id={id} aria-describedby={d} aria-invalid={!!fieldError(err, "name")} value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <Field label={t("snippetsSettings.text")} hint={t("snippetsSettings.textHint", { examples: snippetVariables })} error={fieldError(err, "text")}>
        {(id, d) => (
          <textarea
            id={id}
            aria-describedby={d}
            aria-invalid={!!fieldError(err, "text")}
            rows={3}
            className="border-line bg-bg rounded border px-2 py-1.5 text-sm"
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        )}
      </Field>
      {generalError(err, ["name", "text"]) && (
        <p role="alert" className="text-danger text-sm">
          {generalError(err, ["name", "text"])}
        </p>
      )}
      <div className="flex gap-2">
        <Button intent="primary" type="submit" disabled={save.isPending} data-testid="snippet-save">
          {snippet ? t("workspaceSettings.common.save") : t("snippetsSettings.create")}
        </Button>
        {onDone && <Button onClick={onDone}>{t("workspaceSettings.common.cancel")}</Button>}
      </div>
    </form>
  );
}
