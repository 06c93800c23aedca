// FieldsSettings: the workspace's custom contact fields — create (key,
// name, type, options of a list), edit (name, options), delete with a
// warning naming the workflows that use the field.
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../../../lib/api";
import { useFields } from "../../../lib/directory";
import { qk } from "../../../lib/queryKeys";
import { Button, Field, Section, Select, TextInput } from "../../../lib/ui/form";
import type { components } from "../../../lib/api-types";
import { ConfirmDelete, fieldError, generalError, SkeletonRows, useListMutation } from "../workspace/common";

type CustomField = components["schemas"]["ContactField"];
type Usage = components["schemas"]["FieldUsage"];
const types: CustomField["type"][] = ["text", "number", "list", "checkbox", "email", "url", "date", "time"];

const lines = (s: string) => s.split("\n").map((x) => x.trim()).filter(Boolean);

export default function FieldsSettings() {
  const { t } = useTranslation();
  const list = useFields();
  const [editing, setEditing] = useState<number | null>(null);
  return (
    <div data-testid="settings-fields">
      <h1 className="mb-4 text-xl font-semibold">{t("fieldsSettings.title")}</h1>
      <Section title={t("fieldsSettings.all")}>
        {list.isLoading ? (
          <SkeletonRows />
        ) : (
          <ul className="divide-line flex flex-col divide-y">
            {(list.data?.data ?? []).map((f) =>
              editing === f.id ? (
                <li key={f.id} className="py-3">
                  <EditField field={f} onDone={() => setEditing(null)} />
                </li>
              ) : (
                <FieldRow key={f.id} field={f} onEdit={() => setEditing(f.id)} />
              ),
            )}
            {list.data?.data.length === 0 && <li className="text-muted text-sm">{t("fieldsSettings.none")}</li>}
          </ul>
        )}
      </Section>
      <NewField />
    </div>
  );
}

function FieldRow({ field, onEdit }: { field: CustomField; onEdit: () => void }) {
  const { t } = useTranslation();
  const [usage, setUsage] = useState<Usage | null>(null);
  const remove = useListMutation<CustomField, number>(qk.fields, (id) => api.del(`/api/v1/custom-fields/${id}`), (items, id) => items.filter((x) => x.id !== id));
  const warning = usage ? (
    usage.workflows.length > 0 ? (
      <div className="text-warning" data-testid="field-usage">
        <p>{t("fieldsSettings.usedBy", { count: usage.workflows.length })}</p>
        <ul className="ml-4 list-disc">
          {usage.workflows.map((w) => (
            <li key={w.id}>
              {w.name} <span className="text-muted text-xs">({w.in.map((x) => t(`fieldsSettings.in.${x}`)).join(", ")})</span>
            </li>
          ))}
        </ul>
      </div>
    ) : (
      <p className="text-muted" data-testid="field-usage">
        {t("fieldsSettings.unused")}
      </p>
    )
  ) : (
    <p className="text-muted">{t("fieldsSettings.checking")}</p>
  );
  return (
    <li className="flex items-start gap-3 py-2" data-testid="field-row" data-field-key={field.key}>
      <div className="min-w-0 flex-1">
        <p className="text-sm font-medium">{field.name}</p>
        <p className="text-muted text-xs">
          <code>{field.key}</code> · {t(`fieldsSettings.types.${field.type}`)}
          {field.type === "list" && ` · ${field.options.join(", ")}`}
        </p>
      </div>
      <Button onClick={onEdit} aria-label={t("fieldsSettings.edit", { name: field.name })}>
        {t("workspaceSettings.common.edit")}
      </Button>
      <ConfirmDelete
        label={t("fieldsSettings.delete", { name: field.name })}
        warning={warning}
        onOpen={() => {
          setUsage(null);
          api.get<Usage>(`/api/v1/custom-fields/${field.id}/usage`).then(setUsage, () => setUsage({ field, workflows: [] }));
        }}
        onConfirm={() => remove.mutate(field.id)}
      />
    </li>
  );
}

function EditField({ field, onDone }: { field: CustomField; onDone: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [name, setName] = useState(field.name);
  const [options, setOptions] = useState(field.options.join("\n"));
  const save = useMutation({
    mutationFn: () => api.patch<CustomField>(`/api/v1/custom-fields/${field.id}`, field.type === "list" ? { name, options: lines(options) } : { name }),
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: qk.fields });
      onDone();
    },
  });
  const err = save.error;
  const optErr = fieldError(err, "options") ?? (err instanceof Error && /^options\[/.test((err as { field?: string }).field ?? "") ? err.message : undefined);
  return (
    <form
      className="flex flex-col gap-3"
      aria-label={t("fieldsSettings.edit", { name: field.name })}
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <p className="text-muted text-xs">
        <code>{field.key}</code> · {t(`fieldsSettings.types.${field.type}`)} — {t("fieldsSettings.keyFixed")}
      </p>
      <Field label={t("fieldsSettings.name")} error={fieldError(err, "name")}>
        {(id, d) => <TextInput id={id} aria-describedby={d} value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      {field.type === "list" && (
        <Field label={t("fieldsSettings.options")} hint={t("fieldsSettings.optionsHint")} error={optErr}>
          {(id, d) => <textarea id={id} aria-describedby={d} rows={4} className="border-line bg-bg rounded border px-2 py-1.5 text-sm" value={options} onChange={(e) => setOptions(e.target.value)} />}
        </Field>
      )}
      {!optErr && generalError(err, ["name", "options"]) && (
        <p role="alert" className="text-danger text-sm">
          {generalError(err, ["name", "options"])}
        </p>
      )}
      <div className="flex gap-2">
        <Button intent="primary" type="submit" disabled={save.isPending}>
          {t("workspaceSettings.common.save")}
        </Button>
        <Button onClick={onDone}>{t("workspaceSettings.common.cancel")}</Button>
      </div>
    </form>
  );
}

function NewField() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [key, setKey] = useState("");
  const [name, setName] = useState("");
  const [type, setType] = useState<CustomField["type"]>("text");
  const [options, setOptions] = useState("");
  const create = useMutation({
    mutationFn: () => api.post<CustomField>("/api/v1/custom-fields", { key, name, type, options: type === "list" ? lines(options) : [] }),
    onSuccess: () => {
      setKey("");
      setName("");
      setOptions("");
      qc.invalidateQueries({ queryKey: qk.fields });
    },
  });
  const err = create.error;
  const optErr = fieldError(err, "options") ?? (err instanceof Error && /^options\[/.test((err as { field?: string }).field ?? "") ? err.message : undefined);
  return (
    <Section title={t("fieldsSettings.new")}>
      <form
        className="grid grid-cols-3 gap-4"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <Field label={t("fieldsSettings.key")} hint={t("fieldsSettings.keyHint")} error={fieldError(err, "key")}>
          {(id, d) => <TextInput id={id} aria-describedby={d} aria-invalid={!!fieldError(err, "key")} value={key} onChange={(e) => setKey(e.target.value)} />}
        </Field>
        <Field label={t("fieldsSettings.name")} error={fieldError(err, "name")}>
          {(id, d) => <TextInput id={id} aria-describedby={d} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label={t("fieldsSettings.type")} error={fieldError(err, "type")}>
          {(id, d) => (
            <Select id={id} aria-describedby={d} value={type} onChange={(e) => setType(e.target.value as CustomField["type"])}>
              {types.map((x) => (
                <option key={x} value={x}>
                  {t(`fieldsSettings.types.${x}`)}
                </option>
              ))}
            </Select>
          )}
        </Field>
        {type === "list" && (
          <div className="col-span-3">
            <Field label={t("fieldsSettings.options")} hint={t("fieldsSettings.optionsHint")} error={optErr}>
              {(id, d) => <textarea id={id} aria-describedby={d} rows={3} className="border-line bg-bg w-full rounded border px-2 py-1.5 text-sm" value={options} onChange={(e) => setOptions(e.target.value)} />}
            </Field>
          </div>
        )}
        {!optErr && generalError(err, ["key", "name", "type", "options"]) && (
          <p role="alert" className="text-danger col-span-3 text-sm">
            {generalError(err, ["key", "name", "type", "options"])}
          </p>
        )}
        <div className="col-span-3">
          <Button intent="primary" type="submit" disabled={create.isPending}>
            {t("fieldsSettings.create")}
          </Button>
        </div>
      </form>
    </Section>
  );
}
