// InboxPage: views and counts | the conversation list | the conversation.
// The view and the open conversation are in the URL (/inbox/:view and
// /inbox/:view/:conversationID), and so are the person's choices on top of
// the view, in the query string under the list request's names (sort,
// status, q, channel_id, tag, stage, field, last_incoming_*): a reload, a
// bookmark, a shared link or Back shows the list as it was. The last sort
// picked is remembered as the default.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Navigate, useLocation, useNavigate, useParams, useSearchParams } from "react-router";
import { MessagesSquare } from "lucide-react";
import { api } from "../../lib/api";
import { qk } from "../../lib/queryKeys";
import { useShortcuts } from "../../lib/shortcuts";
import { Kbd } from "../../lib/ui/Kbd";
import type { Conversation } from "../../lib/types";
import { ConversationPane } from "./conversation/ConversationPane";
import { searchWords } from "./conversation/highlight";
import { ListPane, type SearchIn } from "./list/ListPane";
import type { SearchTarget } from "./list/SearchResults";
import type { TimelineFocus } from "./conversation/timelineFocus";
import { openFilterMenu } from "./list/FilterMenu";
import { ViewsSidebar } from "./list/ViewsSidebar";
import { LISTBOX_ID } from "./list/ConversationList";
import { useCounts, useSavedViews, useTeams } from "./list/data";
import {
  baseFilter,
  choiceFromParams,
  listFilter,
  narrowOf,
  parseView,
  sameNarrow,
  sinceOf,
  sorts,
  viewKey,
  withChoice,
  type Choice,
  type Narrow,
  type Since,
  type Sort,
  type Status,
  type ViewRef,
} from "./list/views";
import { CommandPalette } from "./palette/CommandPalette";
import { ShortcutSheet } from "./palette/ShortcutSheet";
import { useInboxCommands } from "./palette/useInboxCommands";
import { focusSearch } from "./palette/focus";

const SORT_KEY = "switchboard.inbox.sort";

function storedSort(): Sort {
  const s = typeof localStorage !== "undefined" ? localStorage.getItem(SORT_KEY) : null;
  return sorts.includes(s as Sort) ? (s as Sort) : "last_message";
}

/** Each page of every cached conversation list, with `fn` applied to each row. */
function mapConversations(data: unknown, fn: (c: Conversation) => Conversation): unknown {
  if (!data || typeof data !== "object") return data;
  const d = data as { pages?: { data: Conversation[] }[]; data?: Conversation[] };
  if (d.pages) return { ...d, pages: d.pages.map((p) => ({ ...p, data: p.data.map(fn) })) };
  if (Array.isArray(d.data)) return { ...d, data: d.data.map(fn) };
  return data;
}

export function focusConversationList() {
  document.getElementById(LISTBOX_ID)?.focus({ preventScroll: true });
}

export function InboxPage() {
  const { t } = useTranslation();
  const params = useParams();
  const navigate = useNavigate();
  const location = useLocation();
  const [urlParams, setSearchParams] = useSearchParams();
  // The router moves in a transition, so a pick is shown at once from what
  // was written (a controlled radio or select would otherwise spring back
  // until the navigation renders); the URL's own takes over when it moves.
  const [written, setWritten] = useState<URLSearchParams | null>(null);
  useEffect(() => setWritten(null), [location.key]);
  const searchParams = written ?? urlParams;
  const qc = useQueryClient();
  const view = parseView(params.view);
  const openID = params.conversationID && /^[1-9][0-9]*$/.test(params.conversationID) ? Number(params.conversationID) : null;

  const saved = useSavedViews();
  const teams = useTeams().data?.data;
  const counts = useCounts().data;
  const [defaultSort, setDefaultSort] = useState<Sort>(storedSort);
  const [paletteOpen, setPaletteOpen] = useState(false);
  const [helpOpen, setHelpOpen] = useState(false);

  const key = view ? viewKey(view) : "";
  const savedView = view?.kind === "view" ? saved.data?.data.find((v) => v.id === view.id) : undefined;
  const base = useMemo(() => (view ? baseFilter(view, saved.data?.data) : {}), [key, saved.data]); // eslint-disable-line react-hooks/exhaustive-deps
  // Another view is another path, so it opens from its own defaults (its
  // sidebar link has no query); Back returns to the last one's choices.
  const choice = useMemo(() => choiceFromParams(searchParams), [searchParams]);
  const sort: Sort = choice.sort ?? (sorts.includes(base.sort as Sort) ? (base.sort as Sort) : defaultSort);
  const ownStatus: Status = (base.status as Status | undefined) || "open";
  const status: Status = choice.status ?? ownStatus;
  const search = choice.q ?? "";
  const ownSince = sinceOf(base);
  const since: Since = choice.since ?? ownSince;
  const ownNarrow = useMemo(() => narrowOf(base), [base]);
  const narrow: Narrow = useMemo(() => (choice.narrow ? { ...ownNarrow, ...choice.narrow } : ownNarrow), [choice.narrow, ownNarrow]);
  const filter = useMemo(
    () => listFilter(base, { sort, status, q: search, since, narrow }),
    [base, sort, status, search, since, narrow],
  );

  // A change builds on the last query written, not the last rendered: two
  // in one event (Clear all: the narrowing, then the time) keep both.
  const latest = useRef(searchParams);
  useEffect(() => {
    latest.current = searchParams; // the URL moved (a change rendered, a link, Back)
  }, [searchParams]);
  const batched = useRef(false);
  /**
   * setChoice writes a change to the query string. A pick (the sort menu,
   * the Filter control, a chip) is a new history entry, so Back undoes it
   * pick by pick; typing in the search box (each pause the list already
   * waits for) replaces the entry, so Back does not replay every word.
   * Changes in one event are one entry: only the first pushes.
   */
  const setChoice = (c: Choice, typing = false) => {
    const cur = choiceFromParams(latest.current);
    const own = { status: ownStatus, since: ownSince, narrow: ownNarrow };
    const next = withChoice(latest.current, {
      sort: c.sort ?? cur.sort,
      status: c.status ?? cur.status ?? ownStatus,
      q: c.q ?? cur.q,
      since: c.since ?? cur.since ?? ownSince,
      narrow: c.narrow ?? (cur.narrow ? { ...ownNarrow, ...cur.narrow } : ownNarrow),
    }, own);
    write(next, typing);
  };
  /** write puts a query string in the address, as setChoice says. */
  const write = (next: URLSearchParams, typing = false) => {
    // The same filter again (Apply pressed twice) is no new entry for Back to skip.
    if (next.toString() === latest.current.toString()) return;
    const replace = typing || batched.current;
    if (!replace) {
      batched.current = true;
      queueMicrotask(() => (batched.current = false));
    }
    latest.current = next;
    setWritten(next);
    setSearchParams(next, { replace });
  };

  // The search box finds contacts (the list), messages (?in=messages) or
  // internal notes (?in=notes); a message or a note it found opens its
  // conversation at it (?msg=, ?note=).
  const inParam = searchParams.get("in");
  const searchIn: SearchIn = inParam === "messages" || inParam === "notes" ? inParam : "contacts";
  const idParam = (name: string) => {
    const v = searchParams.get(name);
    return v && /^[1-9][0-9]*$/.test(v) ? Number(v) : null;
  };
  const msgID = idParam("msg");
  const noteID = idParam("note");
  const openHit = useMemo<TimelineFocus | null>(
    () => (msgID ? { kind: "message", id: msgID } : noteID ? { kind: "comment", id: noteID } : null),
    [msgID, noteID],
  );
  const focusWords = useMemo(() => (searchIn !== "contacts" ? searchWords(search) : undefined), [searchIn, search]);
  const onSearchIn = (s: SearchIn) => {
    const next = new URLSearchParams(latest.current);
    if (s !== "contacts") next.set("in", s);
    else next.delete("in");
    next.delete("msg");
    next.delete("note");
    write(next);
  };
  const onOpenHit = (target: SearchTarget) => {
    const next = new URLSearchParams(latest.current);
    next.delete("msg");
    next.delete("note");
    next.set(target.focus.kind === "message" ? "msg" : "note", String(target.focus.id));
    navigate({ pathname: `/inbox/${params.view}/${target.conversationID}`, search: next.toString() });
  };

  // The conversation opens in the same list: the query stays (but a
  // message a search opened).
  const onOpen = useCallback(
    (id: number) => {
      const next = new URLSearchParams(location.search);
      next.delete("msg");
      next.delete("note");
      navigate({ pathname: `/inbox/${params.view}/${id}`, search: next.toString() });
    },
    [navigate, params.view, location.search],
  );

  // Opening a conversation marks it read for this person, at once in
  // every list; the server is told, and a failure puts it back.
  useEffect(() => {
    if (openID === null) return;
    const lists = qc.getQueriesData({ queryKey: qk.conversations });
    const wasUnread = lists.some(([, d]) => {
      const pages = (d as { pages?: { data: Conversation[] }[] } | undefined)?.pages;
      return pages?.some((p) => p.data.some((c) => c.id === openID && c.unread));
    });
    if (!wasUnread) return;
    qc.setQueriesData({ queryKey: qk.conversations }, (d: unknown) =>
      mapConversations(d, (c) => (c.id === openID ? { ...c, unread: false } : c)),
    );
    api.post(`/api/v1/conversations/${openID}/read`).catch(() => {
      void qc.invalidateQueries({ queryKey: qk.conversations });
    });
  }, [openID, qc]);

  const dialogOpen = paletteOpen || helpOpen;
  useShortcuts([
    { key: "mod+k", handler: () => setPaletteOpen((o) => !o) },
    { key: "?", handler: () => setHelpOpen(true) },
    { key: "/", handler: () => focusSearch() },
    { key: "f", handler: () => openFilterMenu() },
  ]);
  useShortcuts([{ key: "Escape", handler: () => focusConversationList() }], !dialogOpen);

  useInboxCommands({ openHelp: () => setHelpOpen(true) });

  if (!view) return <Navigate to="/inbox/all" replace />;
  if (view.kind === "view" && saved.isSuccess && !saved.isFetching && !savedView) return <Navigate to="/inbox/all" replace />;

  const title = viewTitle(view, t, teams, savedView?.name);
  const count = viewCount(view, counts);

  return (
    <main className="flex min-w-0 flex-1">
      <ViewsSidebar />
      <ListPane
        title={title}
        count={status === ownStatus && since === ownSince && sameNarrow(narrow, ownNarrow) && !search ? count : undefined}
        filter={filter}
        sort={sort}
        status={status}
        since={since}
        narrow={narrow}
        search={search}
        onSort={(s) => {
          setChoice({ sort: s });
          setDefaultSort(s);
          localStorage.setItem(SORT_KEY, s);
        }}
        onStatus={(s) => setChoice({ status: s })}
        onSince={(s) => setChoice({ since: s })}
        onNarrow={(n) => setChoice({ narrow: n })}
        onSearch={(q) => setChoice({ q }, true)}
        searchIn={searchIn}
        onSearchIn={onSearchIn}
        openHit={openHit}
        onOpenHit={onOpenHit}
        openID={openID}
        onOpen={onOpen}
        keysEnabled={!dialogOpen}
      />
      {openID !== null ? (
        <ConversationPane conversationID={openID} focus={openHit} focusWords={focusWords} />
      ) : (
        <EmptyPane />
      )}
      <CommandPalette open={paletteOpen} onOpenChange={setPaletteOpen} />
      <ShortcutSheet open={helpOpen} onOpenChange={setHelpOpen} />
    </main>
  );
}

function viewTitle(v: ViewRef, t: (k: string) => string, teams?: { id: number; name: string }[], savedName?: string): string {
  switch (v.kind) {
    case "all":
      return t("inbox.views.all");
    case "mine":
      return t("inbox.views.mine");
    case "unassigned":
      return t("inbox.views.unassigned");
    case "team":
      return teams?.find((x) => x.id === v.id)?.name ?? t("inbox.views.team");
    case "view":
      return savedName ?? t("inbox.views.view");
  }
}

function viewCount(v: ViewRef, c?: { all: number; mine: number; unassigned: number; teams: { team_id: number; count: number }[]; views: { view_id: number; count: number }[] }): number | undefined {
  if (!c) return undefined;
  switch (v.kind) {
    case "all":
    case "mine":
    case "unassigned":
      return c[v.kind];
    case "team":
      return c.teams.find((x) => x.team_id === v.id)?.count ?? 0;
    case "view":
      return c.views.find((x) => x.view_id === v.id)?.count;
  }
}

function EmptyPane() {
  const { t } = useTranslation();
  return (
    <section className="text-muted flex min-w-0 flex-1 flex-col items-center justify-center gap-3 p-8 text-sm" data-testid="no-conversation">
      <MessagesSquare size={32} aria-hidden="true" className="opacity-60" />
      <p>{t("inbox.empty.title")}</p>
      <p className="flex flex-wrap items-center justify-center gap-1 text-xs">
        <Kbd>j</Kbd>
        <Kbd>k</Kbd>
        <span>{t("inbox.empty.move")}</span>
        <span aria-hidden="true">·</span>
        <Kbd>Enter</Kbd>
        <span>{t("inbox.empty.open")}</span>
        <span aria-hidden="true">·</span>
        <Kbd>?</Kbd>
        <span>{t("inbox.empty.shortcuts")}</span>
      </p>
    </section>
  );
}
