// The search box's other half: the messages whose words match, newest
// first, in the view's conversations whatever their status. A hit opens
// its conversation at that message.
import { useInfiniteQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, type Page } from "../../../lib/api";
import { qk } from "../../../lib/queryKeys";
import type { MessageHit } from "../../../lib/types";
import { useMe } from "../../../lib/session";
import { ChannelIcon } from "./ChannelIcon";
import { senderPrefix } from "./ConversationRow";
import { useChannels } from "./data";
import { fullDate, span, useNow } from "./time";
import type { ListFilter } from "./views";

const PAGE = 30;

/** searchParams: the view's conversations (its team, assignee, channel, tag…), any status, any time. */
export function searchParams(filter: ListFilter, q: string): Record<string, unknown> {
  const { q: _q, sort: _sort, status: _status, last_incoming_within: _w, last_incoming_older_than: _o, ...scope } = filter;
  return { ...scope, q };
}

export function MessageResults({ filter, q, openMessage, onOpen }: {
  filter: ListFilter;
  q: string;
  /** The message open in the conversation pane, if it came from here. */
  openMessage: number | null;
  onOpen(hit: MessageHit): void;
}) {
  const { t, i18n } = useTranslation();
  const now = useNow();
  const channels = useChannels().data?.data;
  const myID = useMe().user?.id;
  const params = searchParams(filter, q);
  const query = useInfiniteQuery({
    queryKey: qk.messageSearch(params),
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<MessageHit>>("/api/v1/messages/search", { ...params, limit: PAGE, cursor: pageParam }, signal),
    initialPageParam: "",
    getNextPageParam: (last) => last.next_cursor || undefined,
    enabled: q.trim() !== "",
    placeholderData: (prev) => prev,
  });
  const hits = query.data?.pages.flatMap((p) => p.data) ?? [];
  if (q.trim() === "") return <p className="text-muted p-6 text-center text-sm">{t("inbox.search.typeWords")}</p>;
  if (query.isError) return <p role="alert" className="text-danger p-6 text-center text-sm">{query.error.message}</p>;
  if (query.isPending) return <p role="status" className="text-muted p-6 text-center text-sm">{t("inbox.search.searching")}</p>;
  if (hits.length === 0) return <p className="text-muted p-6 text-center text-sm">{t("inbox.search.none", { q })}</p>;
  return (
    <div className={"min-h-0 flex-1 overflow-y-auto " + (query.isPlaceholderData ? "opacity-60" : "")}>
      <ul aria-label={t("inbox.search.results")} data-testid="message-results">
        {hits.map((h) => {
          const m = h.message;
          const ch = channels?.find((c) => c.id === m.channel_id);
          const when = span(m.created_at, now);
          const open = openMessage === m.id;
          return (
            <li key={m.id}>
              <button
                type="button"
                data-testid="message-hit"
                data-message-id={m.id}
                aria-current={open ? "true" : undefined}
                onClick={() => onOpen(h)}
                className={"border-line flex w-full flex-col gap-0.5 border-b px-3 py-2 text-left " + (open ? "bg-selected" : "hover:bg-hover")}
              >
                <span className="flex min-w-0 items-center gap-1.5">
                  <ChannelIcon type={ch?.type} name={ch?.name} />
                  <span className="min-w-0 flex-1 truncate text-[13px] font-medium">
                    {h.contact_name || t("inbox.row.noName", { id: m.contact_id })}
                  </span>
                  {h.conversation_status !== "open" && (
                    <span className="border-line text-muted shrink-0 rounded border px-1 text-[10px] leading-4">
                      {t(`inbox.status.${h.conversation_status}`)}
                    </span>
                  )}
                  <span className="text-muted shrink-0 text-xs tabular-nums" title={fullDate(m.created_at, i18n.language)}>
                    {t(`inbox.span.${when.unit}`, { count: when.count })}
                  </span>
                </span>
                <span className="text-muted line-clamp-2 text-[13px] break-words">
                  {m.direction === "out" && <span>{senderPrefix(m, myID, t)} </span>}
                  {h.snippet.map((part, i) =>
                    part.match ? (
                      <mark key={i} className="bg-accent/20 text-fg rounded-sm px-px">
                        {part.text}
                      </mark>
                    ) : (
                      <span key={i}>{part.text}</span>
                    ),
                  )}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
      {query.hasNextPage && (
        <div className="flex justify-center p-3">
          <button
            type="button"
            onClick={() => void query.fetchNextPage()}
            disabled={query.isFetchingNextPage}
            className="border-line hover:bg-hover rounded border px-3 py-1 text-xs disabled:opacity-50"
          >
            {t(query.isFetchingNextPage ? "inbox.search.searching" : "inbox.search.more")}
          </button>
        </div>
      )}
    </div>
  );
}
