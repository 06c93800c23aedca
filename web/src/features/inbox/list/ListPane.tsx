// The middle pane: the view's name and count, the search box (contacts, or
// messages by their words), the sort and status menu, the Filter control
// and its chips, saving the current filter as a view, and the list itself
// (or the messages found).
import { useCallback, useEffect, useMemo, useState } from "react";
import * as Dropdown from "@radix-ui/react-dropdown-menu";
import * as Popover from "@radix-ui/react-popover";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ArrowDownUp, BookmarkPlus, Check, ListChecks, Search } from "lucide-react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { api, ApiError, type Page } from "../../../lib/api";
import { qk } from "../../../lib/queryKeys";
import type { ConversationView } from "../../../lib/types";
import { useToast } from "../../../lib/ui/toast";
import { BulkBar } from "./BulkBar";
import { ConversationList, useConversationList } from "./ConversationList";
import { SearchResults, type SearchTarget } from "./SearchResults";
import type { TimelineFocus } from "../conversation/timelineFocus";
import { SEARCH_INPUT_ID } from "../palette/focus";
import { FilterChips, FilterMenu } from "./FilterMenu";
import { sinces, sorts, statuses, type ListFilter, type Narrow, type Since, type Sort, type Status } from "./views";

export interface ListPaneProps {
  title: string;
  count?: number;
  filter: ListFilter;
  sort: Sort;
  status: Status;
  since: Since;
  narrow: Narrow;
  search: string;
  onSort(s: Sort): void;
  onStatus(s: Status): void;
  onSince(s: Since): void;
  onNarrow(n: Narrow): void;
  onSearch(q: string): void;
  /** What the search box searches: the contacts' names (the list), the messages' words or the internal notes'. */
  searchIn: SearchIn;
  onSearchIn(s: SearchIn): void;
  /** The message or note a hit opened, if any. */
  openHit: TimelineFocus | null;
  onOpenHit(target: SearchTarget): void;
  openID: number | null;
  onOpen(id: number): void;
  keysEnabled: boolean;
}

export type SearchIn = "contacts" | "messages" | "notes";

const item =
  "flex cursor-default items-center gap-2 rounded px-2 py-1.5 text-sm outline-none data-[highlighted]:bg-hover";

function SortMenu({ sort, status, since, onSort, onStatus, onSince }: Pick<ListPaneProps, "sort" | "status" | "since" | "onSort" | "onStatus" | "onSince">) {
  const { t } = useTranslation();
  const label = t("inbox.list.sortMenu", { sort: t(`inbox.sort.${sort}`), status: t(`inbox.status.${status}`) });
  return (
    <Dropdown.Root modal={false}>
      <Dropdown.Trigger asChild>
        <button
          type="button"
          data-testid="sort-menu"
          aria-label={since === "any" ? label : `${label}; ${t(`inbox.since.${since}`)}`}
          className="border-line hover:bg-hover text-muted flex max-w-36 shrink-0 items-center gap-1 rounded border px-2 py-1 text-xs"
        >
          <ArrowDownUp size={13} aria-hidden="true" className="shrink-0" />
          <span className="truncate">{t(`inbox.sort.${sort}`)}</span>
          {since !== "any" && <span aria-hidden="true" className="bg-accent size-1.5 shrink-0 rounded-full" />}
        </button>
      </Dropdown.Trigger>
      <Dropdown.Portal>
        <Dropdown.Content align="end" sideOffset={4} className="border-line bg-bg z-40 min-w-52 rounded-md border p-1 shadow-lg">
          <RadioSection label={t("inbox.list.sortBy")} value={sort} options={sorts} itemClass={item}
            optionLabel={(s) => t(`inbox.sort.${s}`)} onChange={(v) => onSort(v as Sort)} />
          <Dropdown.Separator className="bg-line my-1 h-px" />
          <RadioSection label={t("inbox.list.statusLabel")} value={status} options={statuses} itemClass={item}
            optionLabel={(s) => t(`inbox.status.${s}`)} onChange={(v) => onStatus(v as Status)} />
          <Dropdown.Separator className="bg-line my-1 h-px" />
          <RadioSection label={t("inbox.list.sinceLabel")} value={since} options={sinces} itemClass={item}
            optionLabel={(s) => t(`inbox.since.${s}`)} onChange={(v) => onSince(v as Since)} />
        </Dropdown.Content>
      </Dropdown.Portal>
    </Dropdown.Root>
  );
}

function SaveView({ filter }: { filter: ListFilter }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const qc = useQueryClient();
  const toast = useToast();
  const navigate = useNavigate();
  const save = useMutation({
    mutationFn: () => api.post<ConversationView>("/api/v1/me/views", { name: name.trim(), filter }),
    onSuccess: (v) => {
      setOpen(false);
      setName("");
      // In the cache at once, so the new view's page finds it.
      qc.setQueryData<Page<ConversationView>>(qk.views, (old) =>
        old ? { ...old, data: [...old.data.filter((x) => x.id !== v.id), v] } : { data: [v], next_cursor: "" },
      );
      void qc.invalidateQueries({ queryKey: qk.views });
      void qc.invalidateQueries({ queryKey: qk.counts });
      navigate(`/inbox/view-${v.id}`);
    },
    onError: (e) => {
      if (e instanceof ApiError && (e.status === 409 || e.status === 422)) setError(e.forField("name") ?? e.message);
      else toast(e.message);
    },
  });
  return (
    <Popover.Root
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        setError(null);
      }}
    >
      <Popover.Trigger asChild>
        <button
          type="button"
          aria-label={t("inbox.list.saveView")}
          title={t("inbox.list.saveView")}
          className="hover:bg-hover text-muted shrink-0 rounded p-1"
        >
          <BookmarkPlus size={15} aria-hidden="true" />
        </button>
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content align="end" sideOffset={4} className="border-line bg-bg z-40 w-64 rounded-md border p-3 shadow-lg">
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (name.trim()) save.mutate();
            }}
          >
            <label className="text-sm font-medium" htmlFor="save-view-name">
              {t("inbox.list.viewName")}
            </label>
            <input
              id="save-view-name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              maxLength={100}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? "save-view-error" : undefined}
              className="border-line bg-bg mt-1 w-full rounded border px-2 py-1 text-sm"
            />
            {error && (
              <p id="save-view-error" className="text-danger mt-1 text-xs">
                {error}
              </p>
            )}
            <p className="text-muted mt-1 text-xs">{t("inbox.list.saveViewHint")}</p>
            <div className="mt-2 flex justify-end">
              <button
                type="submit"
                disabled={!name.trim() || save.isPending}
                className="bg-accent text-accent-fg rounded px-3 py-1 text-sm disabled:opacity-50"
              >
                {t("app.save")}
              </button>
            </div>
          </form>
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}

/** Another view, sort or status is another list (fresh scroll and
 * selection); a new search keeps the list, showing the old rows dimmed
 * until the new ones come. */
function listIdentity(f: ListFilter): string {
  const { q: _q, ...rest } = f;
  return JSON.stringify(rest);
}

export function ListPane(p: ListPaneProps) {
  const { t } = useTranslation();
  // Select mode: the conversations picked for a bulk action (null: off).
  // Another list starts afresh.
  const [picked, setPicked] = useState<Set<number> | null>(null);
  const identity = listIdentity(p.filter);
  useEffect(() => setPicked((s) => (s ? new Set() : s)), [identity]);
  // Stable, so a pick re-renders the rows it changes, not every row (ConversationRow is memo).
  const pick = useCallback(
    (id: number) =>
      setPicked((s) => {
        const next = new Set(s);
        if (!next.delete(id)) next.add(id);
        return next;
      }),
    [],
  );
  const [text, setText] = useState(p.search);
  useEffect(() => setText(p.search), [p.search]);
  // The search follows typing after a short pause.
  useEffect(() => {
    if (text === p.search) return;
    const timer = setTimeout(() => p.onSearch(text), 200);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [text]);
  return (
    <section aria-label={t("inbox.list.label")} className="border-line flex w-80 shrink-0 flex-col border-r xl:w-[22rem]">
      <div className="border-line flex h-11 shrink-0 items-center gap-2 border-b px-3">
        <h1 className="min-w-0 flex-1 truncate text-sm font-semibold">{p.title}</h1>
        {p.count !== undefined && <span className="text-muted text-xs tabular-nums">{p.count}</span>}
        {p.searchIn === "contacts" && (
          // The list's own tools: a search of messages is no list to save or pick from.
          <>
            <SaveView filter={p.filter} />
            <button
              type="button"
              aria-label={t("inbox.bulk.select")}
              title={t("inbox.bulk.select")}
              aria-pressed={picked !== null}
              data-testid="bulk-select"
              onClick={() => setPicked((s) => (s ? null : new Set()))}
              className={"hover:bg-hover shrink-0 rounded p-1 " + (picked ? "text-accent bg-hover" : "text-muted")}
            >
              <ListChecks size={15} aria-hidden="true" />
            </button>
          </>
        )}
      </div>
      {picked && p.searchIn === "contacts" && (
        <ListBulkBar
          filter={p.filter}
          picked={picked}
          onPick={setPicked}
          onDone={(done) => setPicked((s) => new Set([...(s ?? [])].filter((id) => !done.includes(id))))}
          onExit={() => setPicked(null)}
        />
      )}
      <div className="border-line flex shrink-0 items-center gap-2 border-b px-3 py-2">
        <div className="border-line bg-bg focus-within:border-accent focus-within:ring-accent flex min-w-0 flex-1 items-center gap-1.5 rounded border px-2 focus-within:ring-1">
          <Search size={13} aria-hidden="true" className="text-muted" />
          <input
            id={SEARCH_INPUT_ID}
            type="search"
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter") p.onSearch(text);
            }}
            aria-label={t(p.searchIn === "contacts" ? "inbox.list.search" : `inbox.search.${p.searchIn}Label`)}
            placeholder={t(p.searchIn === "contacts" ? "inbox.list.searchPlaceholder" : `inbox.search.${p.searchIn}Placeholder`)}
            maxLength={200}
            className="min-w-0 flex-1 bg-transparent py-1 text-[13px]"
            style={{ outline: "none" }}
          />
        </div>
        <FilterMenu narrow={p.narrow} onNarrow={p.onNarrow} />
        <SortMenu sort={p.sort} status={p.status} since={p.since} onSort={p.onSort} onStatus={p.onStatus} onSince={p.onSince} />
      </div>
      {(text !== "" || p.searchIn !== "contacts") && <SearchInTabs value={p.searchIn} onChange={p.onSearchIn} />}
      <FilterChips narrow={p.narrow} since={p.since} onNarrow={p.onNarrow} onSince={p.onSince} />
      {p.searchIn !== "contacts" ? (
        <SearchResults kind={p.searchIn} filter={p.filter} q={p.search} open={p.openHit} onOpen={p.onOpenHit} />
      ) : (
        <ConversationList
          key={identity}
          filter={p.filter}
          label={p.title}
          openID={p.openID}
          onOpen={p.onOpen}
          keysEnabled={p.keysEnabled}
          picked={picked ?? undefined}
          onPick={picked ? pick : undefined}
          onPickKey={pick}
        />
      )}
    </section>
  );
}

/** ListBulkBar is the select mode's bar over the list: all the rows the list shows may be picked at once. */
function ListBulkBar({ filter, picked, onPick, onDone, onExit }: {
  filter: ListFilter;
  picked: Set<number>;
  onPick(s: Set<number>): void;
  onDone(done: number[]): void;
  onExit(): void;
}) {
  // The list's own query (the same key): its rows as loaded, no request of its own.
  const list = useConversationList(filter);
  const shown = useMemo(() => list.data?.pages.flatMap((pg) => pg.data.map((c) => c.id)) ?? [], [list.data]);
  return <BulkBar picked={[...picked]} shown={shown.length} onPickAll={() => onPick(new Set(shown))} onDone={onDone} onExit={onExit} />;
}

/** SearchInTabs: whether the search box finds conversations by their contact, or messages or internal notes by their words. */
function SearchInTabs({ value, onChange }: { value: SearchIn; onChange(s: SearchIn): void }) {
  const { t } = useTranslation();
  return (
    <div role="tablist" aria-label={t("inbox.search.in")} className="border-line flex shrink-0 items-center gap-1 border-b px-3 py-1.5 text-xs">
      <span className="text-muted mr-1">{t("inbox.search.in")}</span>
      {(["contacts", "messages", "notes"] as const).map((s) => (
        <button
          key={s}
          type="button"
          role="tab"
          aria-selected={value === s}
          data-testid={`search-in-${s}`}
          onClick={() => onChange(s)}
          className={"rounded px-2 py-0.5 " + (value === s ? "bg-selected text-fg font-medium" : "text-muted hover:bg-hover")}
        >
          {t(`inbox.search.${s}`)}
        </button>
      ))}
    </div>
  );
}

/** RadioSection is one labelled group of choices of the sort menu. */
function RadioSection({ label, value, options, itemClass, optionLabel, onChange }: {
  label: string;
  value: string;
  options: readonly string[];
  itemClass: string;
  optionLabel(o: string): string;
  onChange(v: string): void;
}) {
  return (
    <>
      <Dropdown.Label className="text-muted px-2 py-1 text-[11px] font-semibold uppercase">{label}</Dropdown.Label>
      <Dropdown.RadioGroup value={value} onValueChange={onChange}>
        {options.map((o) => (
          <Dropdown.RadioItem key={o} value={o} className={itemClass}>
            <span className="w-4">
              <Dropdown.ItemIndicator>
                <Check size={14} aria-hidden="true" />
              </Dropdown.ItemIndicator>
            </span>
            {optionLabel(o)}
          </Dropdown.RadioItem>
        ))}
      </Dropdown.RadioGroup>
    </>
  );
}
