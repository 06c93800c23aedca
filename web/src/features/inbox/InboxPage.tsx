// InboxPage: views and counts | the conversation list | the conversation.
// The view and the open conversation are in the URL (/inbox/:view and
// /inbox/:view/:conversationID); sort, status, search and the Filter
// control's narrowing are this page's choices, per view, with the last
// sort remembered as the default.
import { useCallback, useEffect, useMemo, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Navigate, useNavigate, useParams } from "react-router";
import { MessagesSquare } from "lucide-react";
import { api } from "../../lib/api";
import { qk } from "../../lib/queryKeys";
import { useShortcuts } from "../../lib/shortcuts";
import { Kbd } from "../../lib/ui/Kbd";
import type { Conversation } from "../../lib/types";
import { ConversationPane } from "./conversation/ConversationPane";
import { ListPane } from "./list/ListPane";
import { openFilterMenu } from "./list/FilterMenu";
import { ViewsSidebar } from "./list/ViewsSidebar";
import { LISTBOX_ID } from "./list/ConversationList";
import { useCounts, useSavedViews, useTeams } from "./list/data";
import {
  baseFilter,
  listFilter,
  narrowOf,
  parseView,
  sameNarrow,
  sinceOf,
  sorts,
  viewKey,
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

type Choice = { sort?: Sort; status?: Status; q?: string; since?: Since; narrow?: Narrow };

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
  const qc = useQueryClient();
  const view = parseView(params.view);
  const openID = params.conversationID && /^[1-9][0-9]*$/.test(params.conversationID) ? Number(params.conversationID) : null;

  const saved = useSavedViews();
  const teams = useTeams().data?.data;
  const counts = useCounts().data;
  const [choices, setChoices] = useState<Record<string, Choice>>({});
  const [defaultSort, setDefaultSort] = useState<Sort>(storedSort);
  const [paletteOpen, setPaletteOpen] = useState(false);
  const [helpOpen, setHelpOpen] = useState(false);

  const key = view ? viewKey(view) : "";
  const savedView = view?.kind === "view" ? saved.data?.data.find((v) => v.id === view.id) : undefined;
  const base = useMemo(() => (view ? baseFilter(view, saved.data?.data) : {}), [key, saved.data]); // eslint-disable-line react-hooks/exhaustive-deps
  const choice = choices[key] ?? {};
  const sort: Sort = choice.sort ?? (sorts.includes(base.sort as Sort) ? (base.sort as Sort) : defaultSort);
  const ownStatus: Status = (base.status as Status | undefined) || "open";
  const status: Status = choice.status ?? ownStatus;
  const search = choice.q ?? "";
  const ownSince = sinceOf(base);
  const since: Since = choice.since ?? ownSince;
  const ownNarrow = useMemo(() => narrowOf(base), [base]);
  const narrow: Narrow = choice.narrow ?? ownNarrow;
  const filter = useMemo(
    () => listFilter(base, { sort, status, q: search, since, narrow }),
    [base, sort, status, search, since, narrow],
  );

  const setChoice = (c: Choice) => setChoices((all) => ({ ...all, [key]: { ...all[key], ...c } }));

  const onOpen = useCallback(
    (id: number) => navigate(`/inbox/${params.view}/${id}`),
    [navigate, params.view],
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
        onSearch={(q) => setChoice({ q })}
        openID={openID}
        onOpen={onOpen}
        keysEnabled={!dialogOpen}
      />
      {openID !== null ? (
        <ConversationPane conversationID={openID} />
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
