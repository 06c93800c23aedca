// TagsSettings: the workspace's tags — create, rename, recolour (a palette
// of swatches or any #rrggbb), delete. Changes show at once and roll back
// with a toast if the server refuses them.
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../../../lib/api";
import { useTags } from "../../../lib/directory";
import { qk } from "../../../lib/queryKeys";
import { Button, Field, Section, TextInput } from "../../../lib/ui/form";
import type { components } from "../../../lib/api-types";
import { ConfirmDelete, fieldError, generalError, InlineName, SkeletonRows, useListMutation } from "../workspace/common";

type Tag = components["schemas"]["ContactTag"];

/** The palette offered; any #rrggbb is accepted. */
export const palette = ["#64748b", "#ef4444", "#f59e0b", "#10b981", "#06b6d4", "#3b82f6", "#8b5cf6", "#ec4899"];

export default function TagsSettings() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const list = useTags();
  const [name, setName] = useState("");
  const [color, setColor] = useState<string>("#3b82f6");
  const create = useMutation({
    mutationFn: () => api.post<Tag>("/api/v1/tags", { name, color }),
    onSuccess: () => {
      setName("");
      qc.invalidateQueries({ queryKey: qk.tags });
    },
  });
  const update = useListMutation<Tag, { id: number; name?: string; color?: string }>(
    qk.tags,
    ({ id, ...body }) => api.patch(`/api/v1/tags/${id}`, body),
    (items, v) => items.map((x) => (x.id === v.id ? { ...x, ...v } : x)),
  );
  const remove = useListMutation<Tag, number>(qk.tags, (id) => api.del(`/api/v1/tags/${id}`), (items, id) => items.filter((x) => x.id !== id));
  return (
    <div data-testid="settings-tags">
      <h1 className="mb-4 text-xl font-semibold">{t("tagsSettings.title")}</h1>
      <Section title={t("tagsSettings.new")}>
        <form
          className="flex flex-wrap items-end gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate();
          }}
        >
          <div className="min-w-48 flex-1">
            <Field label={t("tagsSettings.name")} error={fieldError(create.error, "name") ?? generalError(create.error, ["name", "color"])}>
              {(id, d) => <TextInput id={id} aria-describedby={d} className="w-full" value={name} onChange={(e) => setName(e.target.value)} data-testid="tag-new-name" />}
            </Field>
          </div>
          <Swatches label={t("tagsSettings.colorOf", { name: name || t("tagsSettings.newTag") })} value={color} onPick={setColor} />
          <Button intent="primary" type="submit" disabled={create.isPending} data-testid="tag-create">
            {t("tagsSettings.create")}
          </Button>
        </form>
        {fieldError(create.error, "color") && (
          <p role="alert" className="text-danger mt-1 text-xs">
            {fieldError(create.error, "color")}
          </p>
        )}
      </Section>
      <Section title={t("tagsSettings.all")}>
        {list.isLoading ? (
          <SkeletonRows />
        ) : (
          <ul className="flex flex-col gap-2">
            {(list.data?.data ?? []).map((tag) => (
              <li key={tag.id} className="flex flex-wrap items-center gap-3" data-testid="tag-row" data-tag-name={tag.name} data-tag-color={tag.color}>
                <span className="border-line h-4 w-4 shrink-0 rounded-full border" style={{ background: tag.color || "transparent" }} aria-hidden="true" />
                <InlineName value={tag.name} label={t("tagsSettings.rename", { name: tag.name })} onSave={(n) => update.mutate({ id: tag.id, name: n })} />
                <Swatches label={t("tagsSettings.colorOf", { name: tag.name })} value={tag.color} onPick={(c) => update.mutate({ id: tag.id, color: c })} />
                <ConfirmDelete label={t("tagsSettings.delete", { name: tag.name })} onConfirm={() => remove.mutate(tag.id)} />
              </li>
            ))}
            {list.data?.data.length === 0 && <li className="text-muted text-sm">{t("tagsSettings.none")}</li>}
          </ul>
        )}
      </Section>
    </div>
  );
}

/** Swatches is a radio group of the palette's colours. */
function Swatches({ label, value, onPick }: { label: string; value: string; onPick: (c: string) => void }) {
  const { t } = useTranslation();
  return (
    <div role="radiogroup" aria-label={label} className="flex gap-1">
      {palette.map((c, i) => (
        <button
          key={c}
          type="button"
          role="radio"
          aria-checked={value.toLowerCase() === c}
          aria-label={t(`tagsSettings.colors.${i}`)}
          title={t(`tagsSettings.colors.${i}`)}
          data-color={c}
          onClick={() => onPick(c)}
          className={"h-5 w-5 rounded-full border-2 " + (value.toLowerCase() === c ? "border-fg" : "border-transparent")}
          style={{ background: c }}
        />
      ))}
    </div>
  );
}
