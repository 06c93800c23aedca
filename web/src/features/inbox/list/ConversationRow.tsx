// One row of the conversation list: who, through which channel, what was
// said last, how long they have waited, who has it, and whether this
// person has read it (bold and a labelled dot: never colour alone).
import { memo } from "react";
import { useTranslation } from "react-i18next";
import { Check, Hourglass, UserX } from "lucide-react";
import { Avatar } from "../../../lib/ui/Avatar";
import { useMe } from "../../../lib/session";
import type { Conversation } from "../../../lib/types";
import { ChannelIcon } from "./ChannelIcon";
import { fullDate, span } from "./time";

export const ROW_HEIGHT = 64;

export interface RowProps {
  c: Conversation;
  index: number;
  total: number;
  selected: boolean;
  open: boolean;
  now: number;
  channel?: { name: string; type: string };
  assignee?: { name: string };
  /** Another agent replying now. */
  replying?: string;
  timeZone?: string;
  top: number;
  onOpen(id: number): void;
  /** In the list's select mode: whether the row is picked (a click picks it then). */
  picked?: boolean;
}

export const rowDomID = (id: number) => `conversation-row-${id}`;

/** senderPrefix says who sent an outbound message ("You:", "Agent:", "Bot:", "Sent:"); "" for the contact's. */
export function senderPrefix(
  m: { direction: string; sender: string; sender_user_id?: number },
  myID: number | undefined,
  t: (key: string) => string,
): string {
  if (m.direction !== "out") return "";
  if (m.sender === "user") return myID !== undefined && m.sender_user_id === myID ? t("inbox.row.youPrefix") : t("inbox.row.agentPrefix");
  return m.sender === "workflow" ? t("inbox.row.botPrefix") : t("inbox.row.sentPrefix");
}

function ConversationRowImpl({ c, index, total, selected, open, now, channel, assignee, replying, timeZone, top, onOpen, picked }: RowProps) {
  const { t, i18n } = useTranslation();
  const unread = !!c.unread;
  const lm = c.last_message;
  const myID = useMe().user?.id;
  const prefix = lm ? senderPrefix(lm, myID, t) : "";
  const text = lm ? lm.text || t("inbox.row.attachment", { type: lm.type }) : "";
  const waiting = c.waiting_since ? span(c.waiting_since, now) : null;
  const last = c.last_message_at ?? c.opened_at;
  const lastSpan = span(last, now);
  const name = c.contact_name || t("inbox.row.noName", { id: c.contact_id });
  return (
    <div
      id={rowDomID(c.id)}
      role="option"
      aria-selected={picked ?? selected}
      aria-posinset={index + 1}
      aria-setsize={total}
      data-testid="conversation-row"
      data-conversation-id={c.id}
      data-unread={unread ? "true" : undefined}
      data-open={open ? "true" : undefined}
      data-picked={picked ? "true" : undefined}
      onClick={() => onOpen(c.id)}
      className={
        "border-line absolute left-0 flex w-full cursor-default flex-col justify-center gap-0.5 border-b px-3 " +
        (open ? "bg-selected " : selected ? "bg-hover " : "hover:bg-hover ") +
        (selected
          ? "shadow-[inset_2px_0_0_var(--sb-accent)] group-focus-visible:shadow-[inset_0_0_0_2px_var(--sb-accent)]"
          : "")
      }
      style={{ top, height: ROW_HEIGHT }}
    >
      <div className="flex min-w-0 items-center gap-1.5">
        {picked !== undefined && (
          // What a click does in select mode, seen: the row's state is aria-selected.
          <span aria-hidden="true" className={"flex size-3.5 shrink-0 items-center justify-center rounded-sm border " +
            (picked ? "bg-accent border-accent text-accent-fg" : "border-line bg-bg")}>
            {picked && <Check size={11} strokeWidth={3} />}
          </span>
        )}
        <span className="flex w-2 shrink-0 justify-center">
          {unread && <span role="img" aria-label={t("inbox.row.unread")} className="bg-accent h-2 w-2 rounded-full" />}
        </span>
        <ChannelIcon type={channel?.type} name={channel?.name} />
        <span className={"min-w-0 flex-1 truncate text-[13px] " + (unread ? "font-semibold" : "")}>{name}</span>
        {c.status !== "open" && (
          <span className="border-line text-muted shrink-0 rounded border px-1 text-[10px] leading-4">
            {t(`inbox.status.${c.status}`)}
          </span>
        )}
        {waiting ? (
          <span
            className={"flex shrink-0 items-center gap-0.5 text-xs tabular-nums " + (waiting.unit === "now" || waiting.unit === "minutes" ? "text-muted" : "text-warning")}
            title={t("inbox.row.waitingSince", { date: fullDate(c.waiting_since!, i18n.language, timeZone) })}
          >
            <Hourglass size={11} aria-hidden="true" />
            <span className="sr-only">{t("inbox.row.waiting")}</span>
            {t(`inbox.span.${waiting.unit}`, { count: waiting.count })}
          </span>
        ) : (
          <span className="text-muted shrink-0 text-xs tabular-nums" title={fullDate(last, i18n.language, timeZone)}>
            {t(`inbox.span.${lastSpan.unit}`, { count: lastSpan.count })}
          </span>
        )}
      </div>
      <div className="flex min-w-0 items-center gap-1.5 pl-3.5">
        <span className={"min-w-0 flex-1 truncate text-[13px] " + (unread ? "text-fg" : "text-muted")}>
          {replying && <span className="text-accent italic">{t("inbox.row.replying", { name: replying })} · </span>}
          {prefix && <span className="text-muted">{prefix} </span>}
          <span data-testid="row-preview">{text}</span>
          {!lm && <span className="italic">{t("inbox.row.noMessages")}</span>}
        </span>
        {assignee ? (
          <span className="flex shrink-0 items-center" title={t("inbox.row.assignedTo", { name: assignee.name })}>
            <Avatar name={assignee.name} size={18} />
            <span className="sr-only">{t("inbox.row.assignedTo", { name: assignee.name })}</span>
          </span>
        ) : (
          <span className="text-muted flex shrink-0 items-center" title={t("inbox.row.unassigned")}>
            <UserX size={14} aria-hidden="true" />
            <span className="sr-only">{t("inbox.row.unassigned")}</span>
          </span>
        )}
      </div>
    </div>
  );
}

export const ConversationRow = memo(ConversationRowImpl);

export function SkeletonRows({ n = 8 }: { n?: number }) {
  return (
    <div aria-hidden="true">
      {Array.from({ length: n }, (_, i) => (
        <div key={i} className="border-line flex flex-col justify-center gap-2 border-b px-3" style={{ height: ROW_HEIGHT }}>
          <div className="flex items-center gap-2">
            <div className="bg-subtle h-3 w-3 animate-pulse rounded" />
            <div className="bg-subtle h-3 animate-pulse rounded" style={{ width: `${40 + ((i * 37) % 35)}%` }} />
            <div className="flex-1" />
            <div className="bg-subtle h-3 w-8 animate-pulse rounded" />
          </div>
          <div className="bg-subtle ml-5 h-3 animate-pulse rounded" style={{ width: `${55 + ((i * 23) % 35)}%` }} />
        </div>
      ))}
    </div>
  );
}
