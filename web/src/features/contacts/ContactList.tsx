// ContactList: every contact the person may see, searched and filtered,
// in a virtualised list that asks for the next page (by cursor) as the
// scroll nears its end. Export downloads the same filtered list as CSV.
import { useEffect, useMemo, useRef, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useTranslation } from "react-i18next";
import { Download, GitMerge, Search, Upload } from "lucide-react";
import { useChannels } from "../../lib/directory";
import { BulkActions } from "./BulkActions";
import { useMe } from "../../lib/session";
import { Avatar } from "../../lib/ui/Avatar";
import type { Contact } from "../../lib/types";
import {
  canExport,
  cleanFilter,
  dayOf,
  dayStart,
  displayName,
  exportURL,
  useContactCount,
  useContactList,
  useFields,
  useStages,
  useTags,
  type ContactFilter,
} from "./data";
import { useWorkspaceDate } from "../../lib/workspaceDate";

const ROW = 48;
const control = "border-line bg-bg rounded border px-2 py-1 text-sm";

/** The filter lives in the URL, so a filtered list can be shared and survives a reload. */
function useFilterParams(): [ContactFilter, (f: ContactFilter) => void] {
  const [params, setParams] = useSearchParams();
  const filter = useMemo(() => {
    const f: ContactFilter = {};
    for (const k of ["q", "tag", "field", "stage", "channel_id", "last_message_after", "last_message_before", "blocked"] as const) {
      const v = params.get(k);
      if (v) f[k] = v;
    }
    return f;
  }, [params]);
  const set = (f: ContactFilter) => setParams(new URLSearchParams(cleanFilter(f) as Record<string, string>), { replace: true });
  return [filter, set];
}

export function ContactList() {
  const { t } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const [filter, setFilter] = useFilterParams();
  const [search, setSearch] = useState(filter.q ?? "");
  // The search waits for a pause in typing before it asks the server.
  useEffect(() => {
    const id = setTimeout(() => {
      if ((filter.q ?? "") !== search) setFilter({ ...filter, q: search });
    }, 250);
    return () => clearTimeout(id);
  }, [search]); // eslint-disable-line react-hooks/exhaustive-deps

  const query = useContactList(filter);
  const tags = useTags().data?.data ?? [];
  const stages = useStages().data?.data ?? [];
  const fields = useFields().data?.data ?? [];
  const channels = useChannels().data?.data ?? [];
  // A custom field filters once it has a value: the key alone is kept here.
  const [filterKey, filterValue] = (filter.field ?? "=").split(/=(.*)/s) as [string, string];
  const [pickedKey, setPickedKey] = useState(filterKey);
  const fieldKey = pickedKey || filterKey;
  const fieldValue = filterValue ?? "";
  const setField = (key: string, value: string) => {
    setPickedKey(key);
    setFilter({ ...filter, field: key && value ? `${key}=${value}` : "" });
  };

  const rows = useMemo(() => {
    const seen = new Set<number>();
    const out: Contact[] = [];
    for (const p of query.data?.pages ?? []) for (const c of p.data) if (!seen.has(c.id)) (seen.add(c.id), out.push(c));
    return out;
  }, [query.data]);
  // The contacts checked for a bulk action, or every one the filter keeps
  // (beyond the pages loaded); a new filter starts afresh.
  const [checked, setChecked] = useState<Set<number>>(new Set());
  const [everyMatch, setEveryMatch] = useState(false);
  const uncheck = () => (setChecked(new Set()), setEveryMatch(false));
  const filterKeyString = JSON.stringify(filter);
  useEffect(uncheck, [filterKeyString]);
  const toggle = (id: number) => {
    if (everyMatch) {
      // One unchecked out of all: the listed ones but it.
      setEveryMatch(false);
      setChecked(new Set(rows.map((c) => c.id).filter((x) => x !== id)));
      return;
    }
    setChecked((prev) => {
      const next = new Set(prev);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  };
  const isChecked = (id: number) => everyMatch || checked.has(id);
  const allChecked = rows.length > 0 && rows.every((c) => isChecked(c.id));
  const checkAll = () => (allChecked ? uncheck() : setChecked(new Set(rows.map((c) => c.id))));
  // Every listed contact checked while more are not loaded: offer them all.
  const count = useContactCount(filter, allChecked && (query.hasNextPage || everyMatch)).data?.count;
  const offerAll = allChecked && !everyMatch && query.hasNextPage && count !== undefined && count > rows.length;

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW,
    overscan: 10,
    getItemKey: (i) => rows[i]?.id ?? i,
  });
  const items = virtualizer.getVirtualItems();
  const last = items[items.length - 1];
  useEffect(() => {
    if (last && last.index >= rows.length - 20 && query.hasNextPage && !query.isFetchingNextPage) void query.fetchNextPage();
  }, [last, rows.length, query]);

  const date = useWorkspaceDate({ dateStyle: "medium" });
  const tz = me.workspace.timezone;

  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <header className="border-line flex items-center gap-2 border-b px-4 py-3">
        <h1 className="flex-1 text-lg font-semibold">{t("contacts.title")}</h1>
        <Link to="/contacts/merge" className="border-line hover:bg-hover flex items-center gap-1 rounded border px-3 py-1.5 text-sm">
          <GitMerge size={14} aria-hidden /> {t("contacts.merge.suggestions")}
        </Link>
        {me.role !== "agent" && (
          <Link
            to="/contacts/import"
            data-testid="contacts-import"
            className="border-line hover:bg-hover flex items-center gap-1 rounded border px-3 py-1.5 text-sm"
          >
            <Upload size={14} aria-hidden /> {t("contacts.import.open")}
          </Link>
        )}
        {canExport(me) && (
          <a
            href={exportURL(filter)}
            download="contacts.csv"
            data-testid="contacts-export"
            className="bg-accent text-accent-fg flex items-center gap-1 rounded px-3 py-1.5 text-sm font-medium hover:opacity-90"
          >
            <Download size={14} aria-hidden /> {t("contacts.export")}
          </a>
        )}
      </header>

      <div className="border-line bg-panel flex flex-wrap items-end gap-2 border-b px-4 py-2" role="search">
        <label className="flex items-center gap-1">
          <Search size={14} aria-hidden className="text-muted" />
          <span className="sr-only">{t("contacts.filter.search")}</span>
          <input
            type="search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            placeholder={t("contacts.filter.searchPlaceholder")}
            aria-label={t("contacts.filter.search")}
            className={control + " w-56"}
          />
        </label>
        <FilterSelect label={t("contacts.filter.tag")} value={filter.tag ?? ""} onChange={(v) => setFilter({ ...filter, tag: v })}
          options={tags.map((x) => [x.name, x.name])} />
        <FilterSelect label={t("contacts.filter.stage")} value={filter.stage ?? ""} onChange={(v) => setFilter({ ...filter, stage: v })}
          options={stages.map((x) => [x.name, x.name])} />
        <FilterSelect label={t("contacts.filter.channel")} value={filter.channel_id ?? ""}
          onChange={(v) => setFilter({ ...filter, channel_id: v })} options={channels.map((x) => [String(x.id), x.name])} />
        <FilterSelect label={t("contacts.filter.blocked")} value={filter.blocked ?? ""}
          onChange={(v) => setFilter({ ...filter, blocked: v })}
          options={[["exclude", t("contacts.filter.blockedExclude")], ["only", t("contacts.filter.blockedOnly")]]} />
        <FilterSelect label={t("contacts.filter.field")} value={fieldKey}
          onChange={(v) => setField(v, fieldValue)}
          options={fields.map((x) => [x.key, x.name])} />
        {fieldKey && (
          <label className="flex flex-col text-xs">
            <span className="text-muted">{t("contacts.filter.fieldValue")}</span>
            <input
              key={fieldKey}
              defaultValue={fieldValue}
              data-testid="contacts-field-value"
              onBlur={(e) => setField(fieldKey, e.target.value)}
              onKeyDown={(e) => e.key === "Enter" && setField(fieldKey, e.currentTarget.value)}
              className={control + " w-32"}
            />
          </label>
        )}
        <label className="flex flex-col text-xs">
          <span className="text-muted">{t("contacts.filter.after")}</span>
          <input type="date" value={dayOf(filter.last_message_after, tz)} className={control}
            onChange={(e) => setFilter({ ...filter, last_message_after: dayStart(e.target.value, tz) })} />
        </label>
        <label className="flex flex-col text-xs">
          <span className="text-muted">{t("contacts.filter.before")}</span>
          <input type="date" value={dayOf(filter.last_message_before, tz)} className={control}
            onChange={(e) => setFilter({ ...filter, last_message_before: dayStart(e.target.value, tz) })} />
        </label>
        {Object.keys(filter).length > 0 && (
          <button type="button" className="text-muted hover:text-fg px-2 py-1 text-sm underline" onClick={() => (setSearch(""), setPickedKey(""), setFilter({}))}>
            {t("contacts.filter.clear")}
          </button>
        )}
      </div>

      {query.error && (
        <p role="alert" className="text-danger px-4 py-2 text-sm">
          {(query.error as Error).message}
        </p>
      )}
      {checked.size > 0 && (
        <BulkActions target={everyMatch && count !== undefined ? { filter, count } : { ids: [...checked] }} onClear={uncheck} />
      )}
      {(offerAll || (everyMatch && count !== undefined)) && (
        <p className="border-line bg-selected border-b px-4 pb-2 text-sm" data-testid="contacts-every-match">
          {everyMatch ? (
            t("contacts.bulk.everyChecked", { count })
          ) : (
            <>
              {t("contacts.bulk.listedChecked", { count: rows.length })}{" "}
              <button type="button" className="text-accent font-medium underline" onClick={() => setEveryMatch(true)}
                data-testid="contacts-check-every-match">
                {t("contacts.bulk.checkEveryMatch", { count })}
              </button>
            </>
          )}
        </p>
      )}
      <div className="border-line flex items-center border-b pl-4">
        <input type="checkbox" checked={allChecked} onChange={checkAll} disabled={rows.length === 0}
          aria-label={t("contacts.bulk.checkAll", { count: rows.length })} data-testid="contacts-check-all" className="mr-3 shrink-0" />
        <div className="text-muted grid flex-1 grid-cols-[2fr_1.2fr_1.6fr_1fr_1.4fr_1fr] gap-2 py-1.5 pr-4 text-xs font-semibold uppercase" aria-hidden>
          <span>{t("contacts.col.name")}</span>
          <span>{t("contacts.col.phone")}</span>
          <span>{t("contacts.col.email")}</span>
          <span>{t("contacts.col.stage")}</span>
          <span>{t("contacts.col.tags")}</span>
          <span>{t("contacts.col.lastMessage")}</span>
        </div>
      </div>
      <div ref={scrollRef} className="min-h-0 flex-1 overflow-y-auto">
        {query.isPending ? (
          <div aria-busy="true">
            {Array.from({ length: 8 }, (_, i) => (
              <div key={i} className="border-line mx-4 h-12 animate-pulse border-b" />
            ))}
          </div>
        ) : rows.length === 0 ? (
          <p className="text-muted p-6 text-center text-sm" data-testid="contacts-empty">
            {t("contacts.empty")}
          </p>
        ) : (
          <ul role="list" aria-label={t("contacts.title")} className="relative w-full" style={{ height: virtualizer.getTotalSize() }}>
            {items.map((v) => {
              const c = rows[v.index]!;
              return (
                <li
                  key={v.key}
                  className={"border-line absolute left-0 flex w-full items-center border-b pl-4 " + (isChecked(c.id) ? "bg-selected" : "hover:bg-hover")}
                  style={{ top: v.start, height: ROW }}
                >
                  <input type="checkbox" checked={isChecked(c.id)} onChange={() => toggle(c.id)} className="mr-3 shrink-0"
                    aria-label={t("contacts.bulk.check", { name: displayName(c) })} data-testid="contact-check" />
                  <Link
                    to={`/contacts/${c.id}`}
                    data-testid="contact-row"
                    data-contact-id={c.id}
                    onKeyDown={(e) => e.key === " " && (e.preventDefault(), navigate(`/contacts/${c.id}`))}
                    className="grid h-full min-w-0 flex-1 grid-cols-[2fr_1.2fr_1.6fr_1fr_1.4fr_1fr] items-center gap-2 pr-4 text-sm"
                  >
                    <span className="flex min-w-0 items-center gap-2">
                      <Avatar name={displayName(c)} />
                      <span className="truncate font-medium">{displayName(c)}</span>
                      {c.blocked_at && (
                        <span data-testid="contact-row-blocked" className="border-danger/40 text-danger shrink-0 rounded border px-1.5 text-xs">
                          {t("contacts.block.badge")}
                        </span>
                      )}
                    </span>
                    <span className="truncate tabular-nums">{c.phone}</span>
                    <span className="truncate">{c.email}</span>
                    <span className="truncate">{c.lifecycle_stage}</span>
                    <span className="flex min-w-0 gap-1 overflow-hidden">
                      {c.tags.slice(0, 3).map((tag) => (
                        <span key={tag} className="border-line bg-subtle truncate rounded border px-1.5 text-xs">
                          {tag}
                        </span>
                      ))}
                    </span>
                    <span className="text-muted truncate text-xs">
                      {c.last_incoming_at && !c.last_incoming_at.startsWith("1970") ? date(c.last_incoming_at) : "—"}
                    </span>
                  </Link>
                </li>
              );
            })}
          </ul>
        )}
        {query.isFetchingNextPage && <p className="text-muted p-2 text-center text-xs">{t("contacts.loading")}</p>}
      </div>
    </div>
  );
}

function FilterSelect({ label, value, onChange, options }: { label: string; value: string; onChange(v: string): void; options: [string, string][] }) {
  const { t } = useTranslation();
  return (
    <label className="flex flex-col text-xs">
      <span className="text-muted">{label}</span>
      <select value={value} onChange={(e) => onChange(e.target.value)} className={control + " max-w-40 min-w-24"}>
        <option value="">{t("contacts.filter.any")}</option>
        {options.map(([v, name]) => (
          <option key={v} value={v}>
            {name}
          </option>
        ))}
      </select>
    </label>
  );
}
