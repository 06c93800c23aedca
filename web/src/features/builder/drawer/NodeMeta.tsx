// NodeMeta: the settings of a node that live outside its settings object —
// a step's name; the trigger's type and once-per-contact flag; and, on the
// trigger, the workflow's own name, description and options. The schema's
// properties the canvas does not edit itself are all here (NodeMeta.test
// checks them against the schema, like SchemaForm's test does for settings).
import { useTranslation } from "react-i18next";
import { Field, Select, TextInput } from "../../../lib/ui/form";

export interface MetaValue {
  /** The step's name (steps only). */
  name?: string;
  /** The trigger's type and flag (trigger only). */
  type?: string;
  once_per_contact?: boolean;
  /** The workflow's (trigger only). */
  workflow?: { name: string; description?: string; end_on_assignment?: boolean };
}

export type MetaPatch =
  | { step: { name: string } }
  | { trigger: { type?: string; once_per_contact?: boolean } }
  | { workflow: { name?: string; description?: string; end_on_assignment?: boolean } };

/**
 * metaPaths are the schema paths NodeMeta edits, as they appear in
 * data-meta-path; the canvas edits the rest (ids, exits, the start, a
 * step's type) by its nodes and edges.
 */
export const metaPaths = ["name", "description", "options.end_on_assignment", "trigger.type", "trigger.once_per_contact", "steps[].name"];
export const canvasPaths = ["start", "steps[].id", "steps[].type", "steps[].exits", "steps[].settings", "trigger.conditions", "trigger", "steps"];

export function NodeMeta({ kind, value, triggerTypes, onChange }: { kind: "trigger" | "step"; value: MetaValue; triggerTypes: string[]; onChange(p: MetaPatch): void }) {
  const { t } = useTranslation();
  if (kind === "step") {
    return (
      <div className="border-line mb-3 border-b pb-3">
        <Field label={t("builderDrawer.meta.stepName")} hint={t("builderDrawer.meta.stepNameHint")}>
          {(id, d) => (
            <TextInput id={id} aria-describedby={d} data-meta-path="steps[].name" value={value.name ?? ""} maxLength={100} onChange={(e) => onChange({ step: { name: e.target.value } })} />
          )}
        </Field>
      </div>
    );
  }
  const w = value.workflow ?? { name: "" };
  return (
    <div className="border-line mb-3 flex flex-col gap-3 border-b pb-3">
      <Field label={t("builderDrawer.meta.triggerType")} hint={t("builderDrawer.meta.triggerTypeHint")}>
        {(id, d) => (
          <Select id={id} aria-describedby={d} data-meta-path="trigger.type" value={value.type} onChange={(e) => onChange({ trigger: { type: e.target.value } })}>
            {triggerTypes.map((tt) => (
              <option key={tt} value={tt}>
                {t(`builderDrawer.types.${tt}`, { defaultValue: tt })}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" data-meta-path="trigger.once_per_contact" checked={!!value.once_per_contact} onChange={(e) => onChange({ trigger: { once_per_contact: e.target.checked } })} />
        {t("builderDrawer.meta.oncePerContact")}
      </label>
      <details className="text-sm" open={!w.name.trim()}>
        <summary className="text-muted cursor-pointer select-none">{t("builderDrawer.meta.workflow")}</summary>
        <div className="mt-2 flex flex-col gap-3">
          <Field label={t("builderDrawer.meta.name")} error={w.name.trim() ? undefined : t("builderDrawer.meta.nameRequired")}>
            {(id, d) => (
              <TextInput id={id} aria-describedby={d} aria-invalid={!w.name.trim()} data-meta-path="name" value={w.name} maxLength={200} onChange={(e) => onChange({ workflow: { name: e.target.value } })} />
            )}
          </Field>
          <Field label={t("builderDrawer.meta.description")}>
            {(id, d) => (
              <textarea
                id={id}
                aria-describedby={d}
                data-meta-path="description"
                rows={2}
                className="border-line bg-bg rounded border px-2 py-1.5 text-sm"
                value={w.description ?? ""}
                onChange={(e) => onChange({ workflow: { description: e.target.value } })}
              />
            )}
          </Field>
          <label className="flex items-center gap-2">
            <input
              type="checkbox"
              data-meta-path="options.end_on_assignment"
              checked={w.end_on_assignment ?? false}
              onChange={(e) => onChange({ workflow: { end_on_assignment: e.target.checked } })}
            />
            {t("builderDrawer.meta.endOnAssignment")}
          </label>
        </div>
      </details>
    </div>
  );
}
