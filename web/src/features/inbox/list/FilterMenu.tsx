// The list's Filter control and its chips: narrow the view by channel,
// tag, lifecycle stage and a contact field's value. Each choice applies at
// once (like sort and status); the chips under the header show what is
// active, each removable, and Save as a view stores them all.
import { useId, useLayoutEffect, useRef, useState, type ReactNode } from "react";
import * as Popover from "@radix-ui/react-popover";
import { ListFilter as FilterIcon, X } from "lucide-react";
import { useTranslation } from "react-i18next";
import { channelIcon } from "./ChannelIcon";
import { useChannels, useFields, useStages, useTags } from "./data";
import { fieldFilter, narrowKeys, splitField, storedFieldValue, type Narrow, type NarrowKey, type Since } from "./views";

export const FILTER_TRIGGER_ID = "inbox-filter-trigger";

/** openFilterMenu opens the Filter panel (the f key), unless it is open. */
export function openFilterMenu() {
  const trigger = document.getElementById(FILTER_TRIGGER_ID);
  if (trigger && trigger.getAttribute("aria-expanded") !== "true") trigger.click();
}

/** activeCount is how many narrowing filters are on. */
export function activeCount(n: Narrow): number {
  return narrowKeys.filter((k) => !!n[k]).length;
}

/** The input a field's type is typed in; its value is then in the stored form. */
const inputTypes: Record<string, string> = { number: "number", date: "date", time: "time", email: "email", url: "url" };

const control = "border-line bg-bg focus:border-accent w-full rounded border px-2 py-1 text-[13px]";
const legend = "text-muted mb-1 block text-[11px] font-semibold uppercase";

export function FilterMenu({ narrow, onNarrow }: { narrow: Narrow; onNarrow(n: Narrow): void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const n = activeCount(narrow);
  return (
    <Popover.Root open={open} onOpenChange={setOpen}>
      <Popover.Trigger asChild>
        <button
          type="button"
          id={FILTER_TRIGGER_ID}
          data-testid="filter-menu"
          title={`${t("inbox.filter.title")} (f)`}
          className={
            "border-line hover:bg-hover flex shrink-0 items-center gap-1 rounded border px-1.5 py-1 text-xs " +
            (n ? "text-fg" : "text-muted")
          }
        >
          {/* An icon, like the sort menu's, so the search box keeps its width. */}
          <FilterIcon size={14} aria-hidden="true" className="shrink-0" />
          <span className="sr-only">{t("inbox.filter.label")}</span>
          {n > 0 && (
            <>
              {/* Named by what it shows ("Filter 3 active"), so a voice user can say what they see. */}
              <span className="bg-accent text-accent-fg rounded-full px-1.5 text-[10px] leading-4 tabular-nums">{n}</span>
              <span className="sr-only">{t("inbox.filter.active", { count: n })}</span>
            </>
          )}
        </button>
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content
          align="end"
          sideOffset={4}
          aria-label={t("inbox.filter.title")}
          className="border-line bg-bg text-fg z-40 w-72 rounded-md border p-3 shadow-lg"
        >
          {open && <FilterForm narrow={narrow} onNarrow={onNarrow} />}
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}

function FilterForm({ narrow, onNarrow }: { narrow: Narrow; onNarrow(n: Narrow): void }) {
  const { t } = useTranslation();
  const channels = useChannels().data?.data ?? [];
  const tags = useTags().data?.data ?? [];
  const stages = [...(useStages().data?.data ?? [])].sort((a, b) => a.position - b.position);
  const fields = useFields().data?.data ?? [];
  const set = (k: NarrowKey, v: string | number | undefined) => onNarrow({ ...narrow, [k]: v || undefined });
  const current = splitField(narrow.field);
  // A field filters once it has a value: the field alone is kept here.
  const [pickedKey, setPickedKey] = useState(current.key);
  const fieldKey = pickedKey || current.key;
  const field = fields.find((f) => f.key === fieldKey);
  const value = fieldKey === current.key ? current.value : "";
  const [text, setText] = useState(value);
  const setValue = (v: string) => set("field", fieldFilter(fieldKey, v));
  // Keep a tag or stage a saved view names even when the list no longer has it.
  const tagNames = tags.map((x) => x.name);
  if (narrow.tag && !tagNames.includes(narrow.tag)) tagNames.unshift(narrow.tag);
  const stageNames = stages.map((x) => x.name);
  if (narrow.stage && !stageNames.includes(narrow.stage)) stageNames.unshift(narrow.stage);
  // Labels by id, not around the control: a select's name is then its label alone.
  const id = useId();

  return (
    <div className="flex flex-col gap-3" data-testid="filter-form">
      <fieldset>
        <legend className={legend}>{t("inbox.filter.channel")}</legend>
        <div className="max-h-40 overflow-y-auto">
          {[{ id: 0, name: t("inbox.filter.anyChannel"), type: "" }, ...channels].map((c) => (
            <label key={c.id} className="hover:bg-hover flex cursor-pointer items-center gap-2 rounded px-1 py-1 text-[13px]">
              <input
                type="radio"
                name="inbox-filter-channel"
                value={c.id}
                checked={(narrow.channel_id ?? 0) === c.id}
                onChange={() => set("channel_id", c.id)}
                className="accent-accent"
              />
              {c.id !== 0 && <Icon type={c.type} size={13} />}
              <span className="min-w-0 truncate">{c.name}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <NameSelect id={`${id}-tag`} label={t("inbox.filter.tag")} any={t("inbox.filter.anyTag")} names={tagNames}
        value={narrow.tag ?? ""} onChange={(v) => set("tag", v)} />
      <NameSelect id={`${id}-stage`} label={t("inbox.filter.stage")} any={t("inbox.filter.anyStage")} names={stageNames}
        value={narrow.stage ?? ""} onChange={(v) => set("stage", v)} />
      <div>
        <label htmlFor={`${id}-field`} className={legend}>{t("inbox.filter.field")}</label>
        <select
          id={`${id}-field`}
          value={fieldKey}
          onChange={(e) => {
            setPickedKey(e.target.value);
            setText("");
            set("field", undefined);
          }}
          className={control}
        >
          <option value="">{t("inbox.filter.noField")}</option>
          {fieldKey && !field && <option value={fieldKey}>{fieldKey}</option>}
          {fields.map((f) => (
            <option key={f.key} value={f.key}>
              {f.name || f.key}
            </option>
          ))}
        </select>
        {fieldKey && (
          <div className="mt-1.5">
            {field?.type === "list" || field?.type === "checkbox" ? (
              <>
                <label htmlFor={`${id}-value`} className="sr-only">{t("inbox.filter.value", { field: field.name || field.key })}</label>
                <select id={`${id}-value`} value={value} onChange={(e) => setValue(e.target.value)} className={control} data-testid="filter-field-value">
                  <option value="">{t("inbox.filter.chooseValue")}</option>
                  {field.type === "checkbox" ? (
                    <>
                      <option value="true">{t("inbox.filter.yes")}</option>
                      <option value="false">{t("inbox.filter.no")}</option>
                    </>
                  ) : (
                    [...field.options, ...(value && !field.options.includes(value) ? [value] : [])].map((o) => (
                      <option key={o} value={o}>
                        {o}
                      </option>
                    ))
                  )}
                </select>
              </>
            ) : (
              <form
                className="flex gap-1.5"
                onSubmit={(e) => {
                  e.preventDefault();
                  setValue(storedFieldValue(field?.type ?? "text", text));
                }}
              >
                <label htmlFor={`${id}-value`} className="sr-only">
                  {t("inbox.filter.value", { field: field?.name || fieldKey })}
                </label>
                <input
                  id={`${id}-value`}
                  type={inputTypes[field?.type ?? ""] ?? "text"}
                  value={text}
                  onChange={(e) => setText(e.target.value)}
                  placeholder={t("inbox.filter.valuePlaceholder")}
                  maxLength={1000}
                  data-testid="filter-field-value"
                  className={control + " min-w-0 flex-1"}
                />
                <button type="submit" disabled={!text.trim()} className="border-line hover:bg-hover rounded border px-2 text-xs disabled:opacity-50">
                  {t("inbox.filter.apply")}
                </button>
              </form>
            )}
          </div>
        )}
      </div>
      {activeCount(narrow) > 0 && (
        <div className="border-line flex justify-end border-t pt-2">
          <button
            type="button"
            onClick={() => {
              setPickedKey("");
              setText("");
              onNarrow({});
            }}
            className="text-muted hover:text-fg text-xs underline"
          >
            {t("inbox.filter.clear")}
          </button>
        </div>
      )}
    </div>
  );
}

/** Icon: a channel's type beside its name (the name says it to screen readers). */
function Icon({ type, size }: { type: string; size: number }) {
  const I = channelIcon(type);
  return <I size={size} aria-hidden="true" className="text-muted shrink-0" />;
}

type Chip = { id: string; label: ReactNode; name: string; remove(): void };

/**
 * FilterChips: the active filters under the list's header, each with a
 * button that removes it (focus moves to the next chip, or to the Filter
 * button when none is left). The time since the contact wrote, chosen in
 * the sort menu, is one too.
 */
export function FilterChips({ narrow, since, onNarrow, onSince }: {
  narrow: Narrow;
  since: Since;
  onNarrow(n: Narrow): void;
  onSince(s: Since): void;
}) {
  const { t } = useTranslation();
  const channels = useChannels().data?.data ?? [];
  const fields = useFields(!!narrow.field).data?.data ?? [];
  const list = useRef<HTMLUListElement>(null);
  const focusAt = useRef<number | null>(null);
  const without = (k: NarrowKey) => () => onNarrow({ ...narrow, [k]: undefined });

  const chips: Chip[] = [];
  if (narrow.channel_id) {
    const ch = channels.find((c) => c.id === narrow.channel_id);
    const name = ch?.name ?? t("inbox.filter.unknownChannel", { id: narrow.channel_id });
    chips.push({
      id: "channel_id",
      name: t("inbox.filter.chip", { label: t("inbox.filter.channel"), value: name }),
      label: (
        <>
          <span className="text-muted">{t("inbox.filter.chipLabel", { label: t("inbox.filter.channel") })}</span>
          {ch && <Icon type={ch.type} size={12} />}
          <span className="truncate">{name}</span>
        </>
      ),
      remove: without("channel_id"),
    });
  }
  const plain = (id: NarrowKey, label: string, value: string) =>
    chips.push({
      id,
      name: t("inbox.filter.chip", { label, value }),
      label: (
        <>
          <span className="text-muted">{t("inbox.filter.chipLabel", { label })}</span>
          <span className="truncate">{value}</span>
        </>
      ),
      remove: without(id),
    });
  if (narrow.tag) plain("tag", t("inbox.filter.tag"), narrow.tag);
  if (narrow.stage) plain("stage", t("inbox.filter.stage"), narrow.stage);
  if (narrow.field) {
    const { key, value } = splitField(narrow.field);
    const f = fields.find((x) => x.key === key);
    const shown = f?.type === "checkbox" ? t(value === "true" ? "inbox.filter.yes" : "inbox.filter.no") : value;
    plain("field", f?.name || key, shown);
  }
  if (since !== "any") {
    const label = t("inbox.list.sinceLabel");
    const value = t(`inbox.since.${since}`);
    chips.push({
      id: "since",
      name: t("inbox.filter.chip", { label, value }),
      label: <span className="truncate">{value}</span>,
      remove: () => onSince("any"),
    });
  }

  // After a removal, focus the chip now at its place, else the Filter button.
  useLayoutEffect(() => {
    if (focusAt.current === null) return;
    const buttons = list.current?.querySelectorAll<HTMLButtonElement>("button[data-remove]") ?? [];
    const next = buttons[Math.min(focusAt.current, buttons.length - 1)];
    focusAt.current = null;
    (next ?? document.getElementById(FILTER_TRIGGER_ID))?.focus();
  });

  if (chips.length === 0) return null;
  return (
    <div className="border-line flex shrink-0 items-start gap-2 border-b px-3 py-1.5">
      <ul ref={list} aria-label={t("inbox.filter.chips")} className="flex min-w-0 flex-1 flex-wrap gap-1" data-testid="filter-chips">
        {chips.map((c, i) => (
          <li
            key={c.id}
            data-testid={`filter-chip-${c.id}`}
            className="border-line bg-panel flex max-w-full min-w-0 items-center gap-1 rounded-full border py-0.5 pr-0.5 pl-2 text-xs"
          >
            {c.label}
            <button
              type="button"
              data-remove=""
              aria-label={t("inbox.filter.remove", { name: c.name })}
              title={t("inbox.filter.remove", { name: c.name })}
              onClick={() => {
                focusAt.current = i;
                c.remove();
              }}
              className="text-muted hover:bg-hover hover:text-fg shrink-0 rounded-full p-0.5"
            >
              <X size={12} aria-hidden="true" />
            </button>
          </li>
        ))}
      </ul>
      {chips.length > 1 && (
        <button
          type="button"
          onClick={() => {
            focusAt.current = 0;
            onNarrow({});
            if (since !== "any") onSince("any");
          }}
          className="text-muted hover:text-fg shrink-0 py-0.5 text-xs underline"
        >
          {t("inbox.filter.clear")}
        </button>
      )}
    </div>
  );
}

/** NameSelect picks one of names (a tag, a stage) or any. */
function NameSelect({ id, label, any, names, value, onChange }: {
  id: string;
  label: string;
  any: string;
  names: string[];
  value: string;
  onChange(v: string): void;
}) {
  return (
    <div>
      <label htmlFor={id} className={legend}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} className={control}>
        <option value="">{any}</option>
        {names.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
    </div>
  );
}
