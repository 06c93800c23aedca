// RefSelect: the control of a setting the engine's schema marks as a
// reference ("x-ref": a user, a team, a workflow, a channel by id; a step
// by its id in the definition). A native select, so the keyboard, screen
// readers and type-ahead work as in every other form; a saved value that
// names nothing any more stays selected, marked, until another is chosen.
import { useTranslation } from "react-i18next";

export interface RefOption {
  value: string | number;
  label: string;
  /** Shown after the label, in parentheses: "AI agent", "this workflow". */
  note?: string;
  /** Offered but not choosable (a deactivated user): said in note. */
  disabled?: boolean;
}

/** What a kind of reference may name; loaded false while the list is read. */
export interface RefList {
  loaded: boolean;
  options: RefOption[];
}

export type Refs = Partial<Record<string, RefList>>;

/** refText is an option's text: its label, then its note in parentheses. */
export const refText = (o: RefOption) => (o.note ? `${o.label} (${o.note})` : o.label);

export function RefSelect({
  kind,
  list,
  value,
  onChange,
  integer,
  className,
  describedBy,
  missingID,
  emptyLabel,
  ...common
}: {
  kind: string;
  list: RefList;
  value: unknown;
  onChange(v: unknown): void;
  /** The setting is an id number (the select's values are strings). */
  integer: boolean;
  className: string;
  describedBy?: string;
  missingID: string;
  /** What no pick means, when it means something (else "Choose…"). */
  emptyLabel?: string;
  id: string;
  "data-schema-path": string;
  "aria-invalid"?: boolean;
  "aria-required"?: boolean;
}) {
  const { t } = useTranslation();
  const given = value === undefined || value === null || value === "" ? "" : String(value);
  const known = given === "" || list.options.some((o) => String(o.value) === given);
  const missing = !known && list.loaded;
  const raw = kind === "step" ? given : `#${given}`;
  return (
    <>
      <select
        {...common}
        className={className}
        value={given}
        aria-invalid={common["aria-invalid"] || missing || undefined}
        aria-describedby={[describedBy, missing ? missingID : undefined].filter(Boolean).join(" ") || undefined}
        onChange={(e) => onChange(e.target.value === "" ? undefined : integer ? Number(e.target.value) : e.target.value)}
      >
        <option value="">{list.loaded || given === "" ? (emptyLabel ?? t("builderDrawer.choose")) : t("builderDrawer.ref.loading")}</option>
        {!known && <option value={given}>{missing ? t("builderDrawer.ref.gone", { value: raw }) : raw}</option>}
        {list.options.map((o) => (
          <option key={String(o.value)} value={String(o.value)} disabled={o.disabled && String(o.value) !== given}>
            {refText(o)}
          </option>
        ))}
      </select>
      {missing && (
        <p id={missingID} className="text-danger text-xs" data-testid="ref-missing">
          {t(`builderDrawer.ref.missing.${kind}`, { value: given, defaultValue: t("builderDrawer.ref.missing.other", { value: given }) })}
        </p>
      )}
    </>
  );
}
