// AudienceFilters: who a broadcast goes to, chosen with the contacts list's
// filters (search text, tag, lifecycle stage, a custom field's value, last
// message after/before) over the same directory lists; the dates are days
// of the workspace's calendar, as the contacts list reads them.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useFields, useStages, useTags } from "../../lib/directory";
import { useMe } from "../../lib/session";
import { dayOf, dayStart } from "../contacts/data";
import type { Audience } from "./types";

const control = "border-line bg-bg h-8 rounded border px-2 text-sm";

export function AudienceFilters({ value, onChange }: { value: Audience; onChange(a: Audience): void }) {
  const { t } = useTranslation();
  const tz = useMe().workspace.timezone;
  const tags = useTags().data?.data ?? [];
  const stages = useStages().data?.data ?? [];
  const fields = useFields().data?.data ?? [];
  const [fieldKey, fieldValue] = (value.field ?? "=").split(/=(.*)/s) as [string, string | undefined];
  // The field's key is kept here until it has a value: a key alone filters nothing.
  const [pickedKey, setPickedKey] = useState(fieldKey);
  const key = pickedKey || fieldKey;
  const setField = (k: string, v: string) => {
    setPickedKey(k);
    onChange({ ...value, field: k && v ? `${k}=${v}` : "" });
  };
  return (
    <div className="grid grid-cols-3 items-end gap-3" data-testid="broadcast-audience" role="group" aria-label={t("broadcasts.form.audience")}>
      <label className="flex flex-col gap-0.5 text-xs">
        <span className="text-muted">{t("broadcasts.audience.search")}</span>
        <input
          type="search"
          value={value.q ?? ""}
          data-testid="audience-q"
          placeholder={t("broadcasts.audience.searchPlaceholder")}
          onChange={(e) => onChange({ ...value, q: e.target.value })}
          className={control}
        />
      </label>
      <Choice label={t("broadcasts.audience.tag")} testid="audience-tag" value={value.tag ?? ""} onChange={(v) => onChange({ ...value, tag: v })}
        options={tags.map((x) => [x.name, x.name])} />
      <Choice label={t("broadcasts.audience.stage")} testid="audience-stage" value={value.stage ?? ""} onChange={(v) => onChange({ ...value, stage: v })}
        options={stages.map((x) => [x.name, x.name])} />
      <Choice label={t("broadcasts.audience.field")} testid="audience-field" value={key} onChange={(k) => setField(k, fieldValue ?? "")}
        options={fields.map((x) => [x.key, x.name])} />
      {key && (
        <label className="flex flex-col gap-0.5 text-xs">
          <span className="text-muted">{t("broadcasts.audience.fieldValue")}</span>
          <input
            key={key}
            defaultValue={fieldValue ?? ""}
            data-testid="audience-field-value"
            onChange={(e) => setField(key, e.target.value)}
            className={control}
          />
        </label>
      )}
      <label className="flex flex-col gap-0.5 text-xs">
        <span className="text-muted">{t("broadcasts.audience.after")}</span>
        <input type="date" data-testid="audience-after" value={dayOf(value.last_message_after, tz)} className={control}
          onChange={(e) => onChange({ ...value, last_message_after: dayStart(e.target.value, tz) })} />
      </label>
      <label className="flex flex-col gap-0.5 text-xs">
        <span className="text-muted">{t("broadcasts.audience.before")}</span>
        <input type="date" data-testid="audience-before" value={dayOf(value.last_message_before, tz)} className={control}
          onChange={(e) => onChange({ ...value, last_message_before: dayStart(e.target.value, tz) })} />
      </label>
    </div>
  );
}

function Choice({ label, testid, value, onChange, options }: { label: string; testid: string; value: string; onChange(v: string): void; options: [string, string][] }) {
  const { t } = useTranslation();
  return (
    <label className="flex flex-col gap-0.5 text-xs">
      <span className="text-muted">{label}</span>
      <select value={value} data-testid={testid} onChange={(e) => onChange(e.target.value)} className={control}>
        <option value="">{t("broadcasts.audience.any")}</option>
        {options.map(([v, name]) => (
          <option key={v} value={v}>
            {name}
          </option>
        ))}
      </select>
    </label>
  );
}
