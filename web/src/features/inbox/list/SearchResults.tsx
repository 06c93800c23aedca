// The search box's other halves: the messages, or the internal notes,
// whose words match, newest first, in the view's conversations whatever
// their status. A hit opens its conversation at that message or note.
import { useInfiniteQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, type Page } from "../../../lib/api";
import { useUsers } from "../../../lib/directory";
import { qk } from "../../../lib/queryKeys";
import type { CommentHit, MessageHit } from "../../../lib/types";
import { useMe } from "../../../lib/session";
import type { TimelineFocus } from "../conversation/timelineFocus";
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

/** SearchTarget is where a hit opens: its conversation, at the item found. */
export interface SearchTarget {
  conversationID: number;
  focus: TimelineFocus;
}

/** A hit as the list shows it, message or note alike. */
interface Row {
  target: SearchTarget;
  channelID: number;
  contactID: number;
  contactName: string;
  status: string;
  at: string;
  prefix: string;
  snippet: MessageHit["snippet"];
}

export function SearchResults({ kind, filter, q, open, onOpen }: {
  kind: "messages" | "notes";
  filter: ListFilter;
  q: string;
  /** The item open in the conversation pane, if it came from here. */
  open: TimelineFocus | null;
  onOpen(target: SearchTarget): void;
}) {
  const { t, i18n } = useTranslation();
  const now = useNow();
  const channels = useChannels().data?.data;
  const users = useUsers(kind === "notes").data?.data;
  const myID = useMe().user?.id;
  const params = searchParams(filter, q);
  const notes = kind === "notes";
  const query = useInfiniteQuery({
    queryKey: notes ? qk.noteSearch(params) : qk.messageSearch(params),
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<MessageHit | CommentHit>>(notes ? "/api/v1/comments/search" : "/api/v1/messages/search", { ...params, limit: PAGE, cursor: pageParam }, signal),
    initialPageParam: "",
    getNextPageParam: (last) => last.next_cursor || undefined,
    enabled: q.trim() !== "",
    placeholderData: (prev) => prev,
  });
  const rows: Row[] = (query.data?.pages.flatMap((p) => p.data) ?? []).map((h) => {
    if ("message" in h) {
      const m = h.message;
      const prefix = m.direction === "out" ? senderPrefix(m, myID, t) : "";
      return { target: { conversationID: m.conversation_id ?? 0, focus: { kind: "message", id: m.id } }, channelID: m.channel_id, contactID: m.contact_id,
        contactName: h.contact_name, status: h.conversation_status, at: m.created_at, prefix, snippet: h.snippet };
    }
    const c = h.comment;
    const who = c.user_id === myID ? t("inbox.search.you") : (users?.find((u) => u.id === c.user_id)?.name ?? t("inbox.search.someone"));
    return { target: { conversationID: c.conversation_id, focus: { kind: "comment", id: c.id } }, channelID: h.channel_id, contactID: h.contact_id,
      contactName: h.contact_name, status: h.conversation_status, at: c.created_at, prefix: t("inbox.search.noteBy", { name: who }), snippet: h.snippet };
  });
  const words = notes ? "notes" : "messages";
  if (q.trim() === "") return <p className="text-muted p-6 text-center text-sm">{t(`inbox.search.typeWords.${words}`)}</p>;
  if (query.isError) return <p role="alert" className="text-danger p-6 text-center text-sm">{query.error.message}</p>;
  if (query.isPending) return <p role="status" className="text-muted p-6 text-center text-sm">{t("inbox.search.searching")}</p>;
  if (rows.length === 0) return <p className="text-muted p-6 text-center text-sm">{t(`inbox.search.none.${words}`, { q })}</p>;
  return (
    <div className={"min-h-0 flex-1 overflow-y-auto " + (query.isPlaceholderData ? "opacity-60" : "")}>
      <ul aria-label={t(`inbox.search.results.${words}`)} data-testid="message-results">
        {rows.map((r) => {
          const { focus } = r.target;
          const ch = channels?.find((c) => c.id === r.channelID);
          const when = span(r.at, now);
          const isOpen = open?.kind === focus.kind && open.id === focus.id;
          return (
            <li key={`${focus.kind}${focus.id}`}>
              <button
                type="button"
                data-testid={notes ? "note-hit" : "message-hit"}
                data-message-id={notes ? undefined : focus.id}
                data-comment-id={notes ? focus.id : undefined}
                aria-current={isOpen ? "true" : undefined}
                onClick={() => onOpen(r.target)}
                className={"border-line flex w-full flex-col gap-0.5 border-b px-3 py-2 text-left " + (isOpen ? "bg-selected" : "hover:bg-hover")}
              >
                <span className="flex min-w-0 items-center gap-1.5">
                  <ChannelIcon type={ch?.type} name={ch?.name} />
                  <span className="min-w-0 flex-1 truncate text-[13px] font-medium">{r.contactName || t("inbox.row.noName", { id: r.contactID })}</span>
                  {r.status !== "open" && (
                    <span className="border-line text-muted shrink-0 rounded border px-1 text-[10px] leading-4">{t(`inbox.status.${r.status}`)}</span>
                  )}
                  <span className="text-muted shrink-0 text-xs tabular-nums" title={fullDate(r.at, i18n.language)}>
                    {t(`inbox.span.${when.unit}`, { count: when.count })}
                  </span>
                </span>
                <span className={"line-clamp-2 text-[13px] break-words " + (notes ? "bg-note rounded px-1.5 py-0.5" : "text-muted")}>
                  {r.prefix && <span className={notes ? "text-warning font-medium" : ""}>{r.prefix} </span>}
                  {r.snippet.map((part, i) =>
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
            {t(query.isFetchingNextPage ? "inbox.search.searching" : `inbox.search.more.${words}`)}
          </button>
        </div>
      )}
    </div>
  );
}
