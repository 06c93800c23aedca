// SchemaForm renders a form for any JSON Schema object (a trigger's
// conditions or a step's settings): every property gets a control that
// carries data-schema-path, so a test can prove none is missing. Values
// are validated against the schema (and the hints of schema.ts) as the
// user types; the server's problems show under their field.
import { createContext, useContext, useId, useMemo, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Plus, Trash2 } from "lucide-react";
import { effective, isMap, join, ordered, typeOf, validate, type ErrorCode, type Hint, type JSONSchema, type Suggest } from "./schema";
import { TemplateField } from "./TemplateField";
import { RefSelect, type Refs } from "./RefSelect";
import { DateTimeInput } from "./DateTimeInput";
import { closingFromInput, closingInputValue } from "../../../lib/closingTime";

export interface Problem {
  field?: string;
  message: string;
}

interface Ctx {
  hints: Record<string, Hint>;
  order: Record<string, string[]>;
  errors: Record<string, ErrorCode>;
  problems: Record<string, string[]>;
  variables: string[];
  suggestions: Partial<Record<Suggest, string[]>>;
  refs: Refs;
}
const FormCtx = createContext<Ctx>({ suggestions: {}, hints: {}, order: {}, errors: {}, problems: {}, variables: [], refs: {} });

/** problemPath maps a server field (`settings.attachments[0].type`, `trigger.conditions.to`) to a form data path. */
export function problemPath(field: string): string {
  return field.replace(/^((steps\[\d+\]|trigger)\.)?(settings|conditions)\.?/, "");
}

/**
 * formPath turns a server path relative to the settings into the form's
 * data path. The server writes a map's entry as a property (`hours.mon`,
 * `response.tier`); the form writes it `{key}` (`hours{mon}`), so the
 * schema says which segments are a map's keys.
 */
export function formPath(schema: JSONSchema, path: string): string {
  let s: JSONSchema | undefined = schema;
  let out = "";
  for (const m of path.matchAll(/\[(\d+)\]|\.?([^.[\]]+)/g)) {
    if (m[1] !== undefined) {
      out += `[${m[1]}]`;
      s = s?.items;
    } else if (s && isMap(s)) {
      out += `{${m[2]}}`;
      s = s.additionalProperties;
    } else {
      out = join(out, m[2]!);
      s = s?.properties?.[m[2]!] ?? (s?.oneOf ?? s?.anyOf)?.map((a) => a.properties?.[m[2]!]).find(Boolean);
    }
  }
  return out;
}

export function SchemaForm({
  schema,
  value,
  onChange,
  hints = {},
  order = {},
  problems = [],
  variables = [],
  suggestions = {},
  refs = {},
}: {
  schema: JSONSchema;
  value: Record<string, unknown>;
  onChange(v: Record<string, unknown>): void;
  hints?: Record<string, Hint>;
  /** Property order per object schema path ("" for the top). */
  order?: Record<string, string[]>;
  problems?: Problem[];
  variables?: string[];
  /** The workspace's names to suggest (custom field keys, tags, stages, categories, teams). */
  suggestions?: Partial<Record<Suggest, string[]>>;
  /** What each kind of reference ("x-ref") may name; a kind not given is typed as its id. */
  refs?: Refs;
}) {
  const errors = useMemo(() => validate(schema, value, hints), [schema, value, hints]);
  const byField = useMemo(() => {
    const m: Record<string, string[]> = {};
    for (const p of problems) if (p.field) (m[formPath(schema, problemPath(p.field))] ??= []).push(p.message);
    return m;
  }, [problems, schema]);
  const ctx = useMemo(() => ({ hints, order, errors, problems: byField, variables, suggestions, refs }), [hints, order, errors, byField, variables, suggestions, refs]);
  return (
    <FormCtx.Provider value={ctx}>
      <div className="flex flex-col gap-3" data-testid="schema-form" data-valid={Object.keys(errors).length === 0}>
        <Properties schema={schema} value={value} onChange={onChange} schemaPath="" dataPath="" />
      </div>
    </FormCtx.Provider>
  );
}

const humanize = (s: string) => (s ? s.charAt(0).toUpperCase() + s.slice(1).replace(/_/g, " ") : s);

function useLabel() {
  const { t } = useTranslation();
  return (name: string, s: JSONSchema) => t(`builderDrawer.labels.${name}`, { defaultValue: s.title ?? humanize(name) });
}

function useErrorText() {
  const { t } = useTranslation();
  return (e?: ErrorCode) => (e ? t(`builderDrawer.errors.${e.code === "type" ? e.type : e.code}`, e as unknown as Record<string, unknown>) : undefined);
}

function Properties({ schema, value, onChange, schemaPath, dataPath }: { schema: JSONSchema; value: Record<string, unknown>; onChange(v: Record<string, unknown>): void; schemaPath: string; dataPath: string }) {
  const { order } = useContext(FormCtx);
  const props = ordered(schema.properties ?? {}, order[schemaPath]);
  const { t } = useTranslation();
  if (props.length === 0 && !schema.oneOf && !schema.anyOf) return <p className="text-muted text-sm">{t("builderDrawer.noSettings")}</p>;
  const set = (k: string, v: unknown) => {
    const next = { ...value };
    if (v === undefined) delete next[k];
    else next[k] = v;
    onChange(next);
  };
  const { hints } = useContext(FormCtx);
  const relevant = ([k]: [string, JSONSchema]) => {
    const w = hints[join(schemaPath, k)]?.when;
    return !w || value[k] !== undefined || w.in.includes(String(value[w.field] ?? ""));
  };
  const control = ([k, sub]: [string, JSONSchema]) => (
    <Control key={k} name={k} schema={sub} value={value[k]} onChange={(v) => set(k, v)} required={schema.required?.includes(k) ?? false} schemaPath={join(schemaPath, k)} dataPath={join(dataPath, k)} />
  );
  const other = props.filter((p) => !relevant(p));
  return (
    <>
      {props.filter(relevant).map(control)}
      {other.length > 0 && (
        <details className="text-sm" data-testid="other-settings">
          <summary className="text-muted cursor-pointer select-none">{t("builderDrawer.otherSettings", { count: other.length })}</summary>
          <div className="mt-2 flex flex-col gap-3">{other.map(control)}</div>
        </details>
      )}
      {(schema.oneOf ?? schema.anyOf) && <OneOf schema={schema} value={value} onChange={onChange} schemaPath={schemaPath} dataPath={dataPath} />}
    </>
  );
}

/** OneOf picks an alternative by its discriminator (the property every
 * alternative fixes with const) and renders that alternative's properties. */
function OneOf({ schema, value, onChange, schemaPath, dataPath }: { schema: JSONSchema; value: Record<string, unknown>; onChange(v: Record<string, unknown>): void; schemaPath: string; dataPath: string }) {
  const { t } = useTranslation();
  const id = useId();
  const alts = schema.oneOf ?? schema.anyOf ?? [];
  const disc = Object.keys(alts[0]?.properties ?? {}).find((k) => alts.every((a) => a.properties?.[k]?.const !== undefined)) ?? "";
  const idx = Math.max(0, alts.findIndex((a) => disc && a.properties?.[disc]?.const === value[disc]));
  const alt = alts[idx];
  return (
    <div className="flex flex-col gap-3">
      <label htmlFor={id} className="text-sm font-medium">
        {t("builderDrawer.variant")}
      </label>
      <select id={id} className={control} value={idx} data-schema-path={join(schemaPath, disc || "oneOf")} onChange={(e) => { const a = alts[Number(e.target.value)]; onChange(disc && a ? { [disc]: a.properties![disc]!.const } : {}); }}>
        {alts.map((a, i) => (
          <option key={i} value={i}>
            {a.title ?? String(a.properties?.[disc]?.const ?? i)}
          </option>
        ))}
      </select>
      {alt && <Properties schema={{ ...alt, properties: Object.fromEntries(Object.entries(alt.properties ?? {}).filter(([k]) => k !== disc)) }} value={value} onChange={onChange} schemaPath={schemaPath} dataPath={dataPath} />}
    </div>
  );
}

const control = "border-line bg-bg w-full min-w-0 rounded border px-2 py-1.5 text-sm aria-[invalid=true]:border-danger";

function Control({ name, schema: raw, value, onChange, required, schemaPath, dataPath, inline }: { name: string; schema: JSONSchema; value: unknown; onChange(v: unknown): void; required: boolean; schemaPath: string; dataPath: string; inline?: boolean }) {
  const ctx = useContext(FormCtx);
  const { t } = useTranslation();
  const label = useLabel()(ctx.hints[schemaPath]?.label ?? name, raw);
  const errText = useErrorText();
  const id = useId();
  const s = effective(raw, ctx.hints[schemaPath]);
  const type = typeOf(s);
  const error = errText(ctx.errors[dataPath]);
  const server = ctx.problems[dataPath] ?? [];
  const invalid = !!error || server.length > 0;
  const errID = `${id}-err`;
  const options = s.suggest ? ctx.suggestions[s.suggest] : undefined;
  const listID = options?.length ? `${id}-list` : undefined;
  const refs = s["x-ref"] && (type === "integer" || type === "string") ? ctx.refs[s["x-ref"]] : undefined;
  const common = { id, "data-schema-path": schemaPath, "aria-invalid": invalid || undefined, "aria-describedby": invalid ? errID : undefined, "aria-required": required || undefined };

  let body: ReactNode;
  let help: string | undefined;
  if (type === "object" && (s.properties || s.oneOf || s.anyOf)) {
    const v = (value && typeof value === "object" ? value : {}) as Record<string, unknown>;
    return (
      <fieldset className="border-line flex min-w-0 flex-col gap-3 rounded border p-3" data-schema-path={schemaPath}>
        <legend className="px-1 text-sm font-medium">
          {label}
          {required && <Req />}
        </legend>
        <Properties schema={s} value={v} onChange={(x) => onChange(blank(x) ? undefined : x)} schemaPath={schemaPath} dataPath={dataPath} />
        <Errors id={errID} error={error} server={server} />
      </fieldset>
    );
  } else if (isMap(s)) {
    return <MapControl name={name} label={label} required={required} schema={s} value={value} onChange={onChange} schemaPath={schemaPath} dataPath={dataPath} errID={errID} error={error} server={server} />;
  } else if (type === "array") {
    return <ArrayControl label={label} required={required} schema={s} value={value} onChange={onChange} schemaPath={schemaPath} dataPath={dataPath} errID={errID} error={error} server={server} />;
  } else if (type === "boolean") {
    return (
      <div className="flex flex-col gap-1">
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" {...common} checked={value === true} onChange={(e) => onChange(e.target.checked ? true : undefined)} />
          {label}
        </label>
        <Errors id={errID} error={error} server={server} />
      </div>
    );
  } else if (refs) {
    const { "aria-describedby": describedBy, ...rest } = common;
    const empty = ctx.hints[schemaPath]?.empty;
    body = (
      <RefSelect {...rest} kind={s["x-ref"]!} list={refs} value={value} onChange={onChange} integer={type === "integer"} className={control}
        describedBy={describedBy} missingID={`${id}-gone`} emptyLabel={empty ? t(`builderDrawer.empty.${empty}`) : undefined} />
    );
  } else if (s.enum) {
    body = (
      <select {...common} className={control} value={value === undefined ? "" : String(value)} onChange={(e) => onChange(e.target.value === "" && !s.enum!.includes("") ? undefined : e.target.value)}>
        {!s.enum.includes("") && <option value="">{t("builderDrawer.choose")}</option>}
        {s.enum.map((o) => (
          <option key={String(o)} value={String(o)}>
            {o === "" ? t("builderDrawer.unset") : t(`builderDrawer.options.${String(o)}`, { defaultValue: humanize(String(o)) })}
          </option>
        ))}
      </select>
    );
  } else if (type === "integer" || type === "number") {
    body = (
      <input
        {...common}
        type="number"
        className={control}
        min={s.minimum}
        max={s.maximum}
        step={type === "integer" ? 1 : "any"}
        value={typeof value === "number" ? value : ""}
        onChange={(e) => onChange(e.target.value === "" ? undefined : Number(e.target.value))}
      />
    );
  } else if (s.template) {
    body = <TemplateField {...common} list={listID} multiline={!!s.multiline} value={typeof value === "string" ? value : ""} onChange={(v) => onChange(v)} variables={ctx.variables} label={label} />;
  } else if (s.format === "time") {
    // A time of day (a business-hours period's ends): the browser's time
    // input, which writes a 24-hour HH:MM. An end (x-after) may be 24:00,
    // shown and picked as 00:00 (closingTime.ts).
    const end = !!s["x-after"];
    const shown = typeof value !== "string" ? "" : end ? closingInputValue(value) : value;
    const helpID = `${id}-help`;
    if (end) help = t("builderDrawer.timeEndHelp");
    body = (
      <input
        {...common}
        aria-describedby={[end ? helpID : "", common["aria-describedby"] ?? ""].join(" ").trim() || undefined}
        type="time"
        step={60}
        className={control}
        value={shown}
        onChange={(e) => onChange(end ? closingFromInput(e.target.value) : e.target.value)}
      />
    );
  } else if (s.format === "local-datetime") {
    const { "aria-describedby": describedBy, ...rest } = common;
    const helpID = `${id}-help`;
    help = t("builderDrawer.dateTimeHelp");
    body = <DateTimeInput {...rest} label={label} describedBy={[helpID, describedBy ?? ""].join(" ").trim()} className={control} value={typeof value === "string" ? value : ""} onChange={onChange} />;
  } else {
    // A date (a holiday): the browser's date input, which writes YYYY-MM-DD.
    const date = s.format === "date";
    body = <input {...common} list={listID} type={date ? "date" : "text"} className={control} pattern={date ? undefined : s.pattern} value={typeof value === "string" ? value : ""} onChange={(e) => onChange(e.target.value)} />;
  }
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className={inline ? "sr-only" : "text-sm font-medium"}>
        {label}
        {required && <Req />}
      </label>
      {body}
      {help && (
        <p id={`${id}-help`} className="text-muted text-xs">
          {help}
        </p>
      )}
      {listID && (
        <datalist id={listID}>
          {options!.map((o) => (
            <option key={o} value={o} />
          ))}
        </datalist>
      )}
      <Errors id={errID} error={error} server={server} />
    </div>
  );
}

// blank: an object whose every text was emptied is no object. A text
// field cleared writes "", so a Send a Message template typed and then
// cleared stayed {name: "", language: ""}: a template still, refused
// beside the text the user went back to.
function blank(x: Record<string, unknown>): boolean {
  return Object.values(x).every((v) => v === undefined || v === "");
}

function Req() {
  const { t } = useTranslation();
  return (
    <span className="text-danger ml-0.5" title={t("builderDrawer.required")}>
      *<span className="sr-only">{t("builderDrawer.required")}</span>
    </span>
  );
}

function Errors({ id, error, server }: { id: string; error?: string; server: string[] }) {
  if (!error && server.length === 0) return null;
  return (
    <div id={id} role="alert" className="text-danger text-xs">
      {error && <p>{error}</p>}
      {server.map((m, i) => (
        <p key={i}>{m}</p>
      ))}
    </div>
  );
}

interface ListProps {
  label: string;
  required: boolean;
  schema: JSONSchema;
  value: unknown;
  onChange(v: unknown): void;
  schemaPath: string;
  dataPath: string;
  errID: string;
  error?: string;
  server: string[];
}

function ArrayControl({ label, required, schema, value, onChange, schemaPath, dataPath, errID, error, server }: ListProps) {
  const { t } = useTranslation();
  const ctx = useContext(FormCtx);
  const items = Array.isArray(value) ? value : [];
  const item = effective(schema.items ?? {}, ctx.hints[schemaPath + "[]"]);
  const set = (next: unknown[]) => onChange(next.length ? next : undefined);
  if (typeOf(item) === "string" && item.enum) {
    // A set of choices: one checkbox each.
    return (
      <fieldset className="flex min-w-0 flex-col gap-1" data-schema-path={schemaPath}>
        <legend className="text-sm font-medium">
          {label}
          {required && <Req />}
        </legend>
        <div className="flex flex-wrap gap-3">
          {item.enum.map((o) => (
            <label key={String(o)} className="flex items-center gap-1.5 text-sm">
              <input type="checkbox" checked={items.includes(o)} onChange={(e) => set(e.target.checked ? [...items, o] : items.filter((x) => x !== o))} />
              {t(`builderDrawer.options.${String(o)}`, { defaultValue: humanize(String(o)) })}
            </label>
          ))}
        </div>
        <Errors id={errID} error={error} server={server} />
      </fieldset>
    );
  }
  const objects = typeOf(item) === "object";
  const blank = objects ? {} : typeOf(item) === "string" ? "" : undefined;
  return (
    <fieldset className="border-line flex min-w-0 flex-col gap-2 rounded border p-3" data-schema-path={schemaPath}>
      <legend className="px-1 text-sm font-medium">
        {label}
        {required && <Req />}
      </legend>
      {items.map((x, i) => (
        <div key={i} className={"flex gap-2 " + (objects ? "border-line flex-col rounded border p-2" : "items-start")} data-testid="array-row">
          <div className="flex min-w-0 flex-1 flex-col gap-2">
            {objects ? (
              <Properties schema={item} value={(x ?? {}) as Record<string, unknown>} onChange={(v) => set(items.map((y, j) => (j === i ? v : y)))} schemaPath={schemaPath + "[]"} dataPath={`${dataPath}[${i}]`} />
            ) : (
              <Control name={`${label} ${i + 1}`} inline schema={item} value={x} onChange={(v) => set(items.map((y, j) => (j === i ? (v ?? "") : y)))} required={false} schemaPath={schemaPath + "[]"} dataPath={`${dataPath}[${i}]`} />
            )}
          </div>
          <button type="button" className="text-muted hover:text-danger self-end rounded p-1" aria-label={t("builderDrawer.removeItem", { label, n: i + 1 })} onClick={() => set(items.filter((_, j) => j !== i))}>
            <Trash2 size={14} aria-hidden />
          </button>
        </div>
      ))}
      <button type="button" className="text-accent flex items-center gap-1 self-start text-sm" aria-label={t("builderDrawer.addItem", { label })} onClick={() => set([...items, blank])}>
        <Plus size={14} aria-hidden />
        {t("builderDrawer.add")}
      </button>
      <Errors id={errID} error={error} server={server} />
    </fieldset>
  );
}

function MapControl({ name, label, required, schema, value, onChange, schemaPath, dataPath, errID, error, server }: ListProps & { name: string; schema: { additionalProperties: JSONSchema } }) {
  const { t } = useTranslation();
  // The rows are kept here, not read back from the value: while a key is
  // typed it may for a moment be another row's ("key2" backspaced to
  // "key"), and an object cannot hold both, so the row would vanish with
  // what was typed in it. A value that is not what the rows make (undo,
  // another node) resets them.
  const given = Object.entries((value && typeof value === "object" ? value : {}) as Record<string, unknown>);
  const [entries, setEntries] = useState(given);
  if (!sameEntries(Object.entries(toMap(entries)), given)) setEntries(given);
  const item = schema.additionalProperties;
  const set = (next: [string, unknown][]) => {
    setEntries(next);
    onChange(next.length ? toMap(next) : undefined);
  };
  const blank = typeOf(item) === "array" ? [] : typeOf(item) === "object" ? {} : "";
  // Keys the schema lists (a business-hours map's days) are chosen, each once.
  const keys = schema.propertyNames?.enum?.map(String);
  const free = keys?.filter((k) => !entries.some(([x]) => x === k));
  const keyLabel = t(`builderDrawer.keyLabels.${name}`, { defaultValue: t("builderDrawer.key") });
  return (
    <fieldset className="border-line flex min-w-0 flex-col gap-2 rounded border p-3" data-schema-path={schemaPath}>
      <legend className="px-1 text-sm font-medium">
        {label}
        {required && <Req />}
      </legend>
      {entries.map(([k, v], i) => (
        <div key={i} className="border-line flex flex-col gap-2 rounded border p-2" data-testid="map-row">
          <div className="flex items-end gap-2">
            <label className="flex flex-1 flex-col gap-1 text-sm">
              <span className="font-medium">{keyLabel}</span>
              {keys ? (
                <select className={control} data-schema-path={schemaPath + "{key}"} value={k} onChange={(e) => set(entries.map((y, j) => (j === i ? [e.target.value, y[1]] : y)))}>
                  {!keys.includes(k) && <option value={k}>{k}</option>}
                  {keys.map((o) => (
                    <option key={o} value={o} disabled={o !== k && entries.some(([x]) => x === o)}>
                      {t(`builderDrawer.options.${o}`, { defaultValue: humanize(o) })}
                    </option>
                  ))}
                </select>
              ) : (
                <input className={control} data-schema-path={schemaPath + "{key}"} value={k} onChange={(e) => set(entries.map((y, j) => (j === i ? [e.target.value, y[1]] : y)))} />
              )}
            </label>
            <button type="button" className="text-muted hover:text-danger rounded p-1" aria-label={t("builderDrawer.removeItem", { label, n: i + 1 })} onClick={() => set(entries.filter((_, j) => j !== i))}>
              <Trash2 size={14} aria-hidden />
            </button>
          </div>
          {entries.findIndex(([x]) => x === k) !== i && (
            <p role="alert" className="text-danger text-xs">
              {t("builderDrawer.duplicateKey")}
            </p>
          )}
          <Control name={t("builderDrawer.value")} schema={item} value={v} onChange={(x) => set(entries.map((y, j) => (j === i ? [y[0], x ?? blank] : y)))} required={false} schemaPath={schemaPath + "{}"} dataPath={`${dataPath}{${k}}`} />
        </div>
      ))}
      <button
        type="button"
        className="text-accent flex items-center gap-1 self-start text-sm disabled:opacity-50"
        aria-label={t("builderDrawer.addItem", { label })}
        disabled={free?.length === 0}
        onClick={() => {
          if (free) return free[0] !== undefined && set([...entries, [free[0], blank]]);
          let k = "key";
          for (let n = 2; entries.some(([x]) => x === k); n++) k = `key${n}`;
          set([...entries, [k, blank]]);
        }}
      >
        <Plus size={14} aria-hidden />
        {t("builderDrawer.add")}
      </button>
      <Errors id={errID} error={error} server={server} />
    </fieldset>
  );
}

// toMap keeps the first row of a key: the one already there, not the one being typed.
const toMap = (rows: [string, unknown][]) => Object.fromEntries(rows.filter(([k], i) => rows.findIndex(([x]) => x === k) === i));
const sameEntries = (a: [string, unknown][], b: [string, unknown][]) => a.length === b.length && a.every(([k, v], i) => b[i]![0] === k && JSON.stringify(b[i]![1]) === JSON.stringify(v));
