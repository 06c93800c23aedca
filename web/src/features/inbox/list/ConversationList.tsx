// The conversation list of the open view: paged by cursor, virtualised (a
// row costs nothing until it scrolls into sight), live through the keys
// the socket invalidates, and driven from the keyboard. The selection is
// a conversation id, so it stays put while rows come and go around it.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { useInfiniteQuery, useQueryClient, type InfiniteData } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useTranslation } from "react-i18next";
import { api, type Page } from "../../../lib/api";
import { qk } from "../../../lib/queryKeys";
import { useMe } from "../../../lib/session";
import { useShortcuts } from "../../../lib/shortcuts";
import { useLive } from "../../../lib/liveContext";
import type { Conversation } from "../../../lib/types";
import { ConversationRow, ROW_HEIGHT, SkeletonRows, rowDomID } from "./ConversationRow";
import { useChannels, useUsers } from "./data";
import { anchorShift, keyToMove, move, nearEnd, reconcile, type Move } from "./navigation";
import { useNow } from "./time";
import type { ListFilter } from "./views";

export const LISTBOX_ID = "conversation-list";
// The first page is small so the list shows at once; the next ones are
// larger so a long scroll asks less often.
const FIRST_PAGE = 50;
const NEXT_PAGE = 100;
// Back at the top of a long list, only this many pages stay loaded, so an
// event's refetch (which walks every loaded page) stays one or two requests.
const KEEP_PAGES = 2;

/** Keep the rows on screen while only the search changes (no skeleton flash per keystroke). */
function sameButSearch(a: unknown, b: ListFilter): boolean {
  if (!a || typeof a !== "object") return false;
  const { q: _qa, ...ra } = a as ListFilter;
  const { q: _qb, ...rb } = b;
  return JSON.stringify(ra) === JSON.stringify(rb);
}

export function useConversationList(filter: ListFilter) {
  return useInfiniteQuery({
    queryKey: qk.conversationList(filter),
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<Conversation>>(
        "/api/v1/conversations",
        { ...filter, limit: pageParam ? NEXT_PAGE : FIRST_PAGE, cursor: pageParam },
        signal,
      ),
    initialPageParam: "",
    getNextPageParam: (last) => last.next_cursor || undefined,
    placeholderData: (prev, prevQuery) => (prevQuery && sameButSearch(prevQuery.queryKey[1], filter) ? prev : undefined),
  });
}

/** Who else is replying to a conversation now, for its row. */
function replyingName(
  ids: Set<number> | undefined,
  users: Map<number, { name: string }>,
  me: number | undefined,
  someone: string,
): string | undefined {
  if (!ids) return undefined;
  // 0 is the contact typing (the website widget), not someone replying.
  for (const id of ids) if (id !== me && id !== 0) return users.get(id)?.name ?? someone;
  return undefined;
}

export interface ConversationListProps {
  filter: ListFilter;
  label: string;
  openID: number | null;
  onOpen(id: number): void;
  /** The global j/k keys are off while a dialog is open. */
  keysEnabled: boolean;
  /** Select mode: the conversations picked, and what a click or Enter on a row does then. */
  picked?: Set<number>;
  onPick?(id: number): void;
  /** The x key on the selected row: picks it (select mode starts with it) or unpicks it. */
  onPickKey?(id: number): void;
}

export function ConversationList({ filter, label, openID, onOpen, keysEnabled, picked, onPick, onPickKey }: ConversationListProps) {
  const { t } = useTranslation();
  const me = useMe();
  const query = useConversationList(filter);
  const users = useUsers().data?.data;
  const channels = useChannels().data?.data;
  const now = useNow();
  const { typing } = useLive();
  const { data, hasNextPage, isFetchingNextPage, fetchNextPage } = query;

  const rows = useMemo(() => {
    const seen = new Set<number>();
    const out: Conversation[] = [];
    for (const p of data?.pages ?? []) {
      for (const c of p.data) {
        if (seen.has(c.id)) continue;
        seen.add(c.id);
        out.push(c);
      }
    }
    return out;
  }, [data]);
  const ids = useMemo(() => rows.map((r) => r.id), [rows]);
  const userByID = useMemo(() => new Map((users ?? []).map((u) => [u.id, u])), [users]);
  const channelByID = useMemo(() => new Map((channels ?? []).map((c) => [c.id, c])), [channels]);

  const [selected, setSelected] = useState<number | null>(openID);
  const scrollRef = useRef<HTMLDivElement>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const prevIDs = useRef<number[]>(ids);

  // The open conversation is the selection.
  useEffect(() => {
    if (openID !== null) setSelected(openID);
  }, [openID]);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    getItemKey: (i) => rows[i]?.id ?? i,
  });

  // A conversation opened from elsewhere (a link, the palette, a deep
  // link): once its row is loaded, bring it into view, once.
  const revealed = useRef<number | null>(null);
  useEffect(() => {
    if (openID === null || revealed.current === openID) return;
    const i = ids.indexOf(openID);
    if (i < 0) return;
    revealed.current = openID;
    virtualizer.scrollToIndex(i, { align: "auto" });
  }, [openID, ids, virtualizer]);

  // Rows came or went: keep the selection on its conversation, and keep
  // what the person was reading in place when rows were added above it.
  useLayoutEffect(() => {
    const prev = prevIDs.current;
    prevIDs.current = ids;
    if (prev === ids) return;
    setSelected((s) => reconcile(prev, ids, s));
    const el = scrollRef.current;
    if (!el || el.scrollTop <= 0) return;
    const anchor = prev[Math.floor(el.scrollTop / ROW_HEIGHT)] ?? null;
    const shift = anchorShift(prev, ids, anchor);
    if (shift !== 0) el.scrollTop += shift * ROW_HEIGHT;
  }, [ids]);

  const items = virtualizer.getVirtualItems();

  // Back at the top: let go of the pages far below.
  const qc = useQueryClient();
  const pageCount = data?.pages.length ?? 0;
  const firstIndex = items.length ? items[0]!.index : 0;
  useEffect(() => {
    if (pageCount <= KEEP_PAGES + 1 || firstIndex > 0 || query.isFetching) return;
    qc.setQueryData<InfiniteData<Page<Conversation>, string>>(qk.conversationList(filter), (old) =>
      old && old.pages.length > KEEP_PAGES
        ? { pages: old.pages.slice(0, KEEP_PAGES), pageParams: old.pageParams.slice(0, KEEP_PAGES) }
        : old,
    );
  }, [pageCount, firstIndex, query.isFetching, qc, filter]);

  // Near the end of what is loaded: the next page.
  const lastIndex = items.length ? items[items.length - 1]!.index : -1;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && nearEnd(lastIndex, rows.length)) void fetchNextPage();
  }, [lastIndex, rows.length, hasNextPage, isFetchingNextPage, fetchNextPage]);

  const go = useCallback(
    (m: Move) => {
      const next = move(ids, selected, m);
      if (next === null) return;
      setSelected(next);
      const i = ids.indexOf(next);
      virtualizer.scrollToIndex(i, { align: "auto" });
    },
    [ids, selected, virtualizer],
  );

  const openRow = useCallback(
    (id: number) => {
      setSelected(id);
      onOpen(id);
    },
    [onOpen],
  );

  const focusList = () => listRef.current?.focus({ preventScroll: true });

  useShortcuts(
    [
      { key: "j", handler: () => (go("next"), focusList()) },
      { key: "k", handler: () => (go("prev"), focusList()) },
      { key: "x", handler: () => selected !== null && onPickKey?.(selected) },
    ],
    keysEnabled,
  );

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.metaKey || e.ctrlKey || e.altKey) return;
    const m = keyToMove(e.key);
    if (!m) return;
    e.preventDefault();
    if (m === "open") {
      if (selected !== null) (onPick ?? onOpen)(selected);
      return;
    }
    go(m);
  };

  const selectedShown = selected !== null && items.some((it) => rows[it.index]?.id === selected);

  return (
    <div className="relative min-h-0 flex-1">
      <div ref={scrollRef} className="absolute inset-0 overflow-y-auto" data-testid="conversation-scroll">
        {query.isPending ? (
          <SkeletonRows />
        ) : query.isError ? (
          <div className="text-muted p-4 text-sm" role="alert">
            <p>{t("inbox.list.error")}</p>
            <button type="button" className="text-accent mt-1 underline" onClick={() => void query.refetch()}>
              {t("app.retry")}
            </button>
          </div>
        ) : null}
        <div
          id={LISTBOX_ID}
          ref={listRef}
          role="listbox"
          aria-label={label}
          aria-multiselectable={picked ? true : undefined}
          aria-busy={query.isFetching ? true : undefined}
          tabIndex={0}
          aria-activedescendant={selectedShown ? rowDomID(selected!) : undefined}
          onKeyDown={onKeyDown}
          onFocus={() => {
            if (selected === null && ids.length) setSelected(ids[0]!);
          }}
          className={"group relative w-full " + (query.isPlaceholderData ? "opacity-60" : "")}
          style={{ height: virtualizer.getTotalSize(), outline: "none" }}
        >
          {items.map((it) => {
            const c = rows[it.index]!;
            const u = c.assignee_id ? userByID.get(c.assignee_id) : undefined;
            const ch = c.channel_id ? channelByID.get(c.channel_id) : undefined;
            return (
              <ConversationRow
                key={c.id}
                c={c}
                index={it.index}
                total={hasNextPage ? -1 : rows.length}
                top={it.start}
                selected={c.id === selected}
                open={c.id === openID}
                now={now}
                channel={ch}
                assignee={u ?? (c.assignee_id ? { name: t("inbox.row.someone") } : undefined)}
                replying={replyingName(typing.get(c.id), userByID, me.user?.id, t("inbox.row.someone"))}
                timeZone={me.workspace.timezone}
                onOpen={onPick ?? openRow}
                picked={picked ? picked.has(c.id) : undefined}
              />
            );
          })}
        </div>
        {query.isSuccess && rows.length === 0 && (
          <div className="text-muted p-6 text-center text-sm">
            {filter.q ? t("inbox.list.noMatch", { q: filter.q }) : t("inbox.list.empty")}
          </div>
        )}
        {isFetchingNextPage && <SkeletonRows n={2} />}
      </div>
    </div>
  );
}
