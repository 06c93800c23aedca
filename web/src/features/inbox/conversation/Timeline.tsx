// The timeline: one ordered list of messages (contact left, business right,
// with sender, time and delivery status in words and icon), internal
// comments (note colour, "Internal") and events as sentences. It follows
// the newest item unless the person scrolled up, then offers a pill. It
// opens on the newest page of a long conversation and asks for the older
// ones as the person scrolls to the top, keeping what they read in place.
import { memo, useLayoutEffect, useRef, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import {
  AlertCircle,
  ArrowDown,
  Bot,
  Check,
  CheckCheck,
  Clock,
  RotateCcw,
  Workflow as WorkflowIcon,
  Info,
  Inbox,
  UserCheck,
  AlarmClock,
  CircleCheck,
  MapPin,
  Languages,
  Sparkles,
  Star,
} from "lucide-react";
import { Avatar } from "../../../lib/ui/Avatar";
import type { Comment, LogEvent, Message, User } from "../../../lib/types";
import type { Person } from "./composerText";
import { RichText } from "./linkify";
import { CommentItem } from "./CommentItem";
import type { TimelineItem } from "./timeline";
import { describeEvent, type Names } from "./eventText";
import { dayKey, formatDay, formatTime } from "./time";
import { Attachment, attachmentOf, attachmentsOf, FetchedAttachmentView, locationOf, quickReplies, senderName, unsupportedType } from "./messageContent";
import { languageName, useInlineTranslation } from "./ai/aiHelp";
import { focused, useFocusMessage, type TimelineFocus } from "./timelineFocus";
import { OlderRow, TimelineSkeleton, type Older } from "./TimelineEdges";

// Telegram's notices that a group became a supergroup, which nodes before
// 2026-12-05 stored as messages (they are no message since): said as what
// they are rather than as an unsupported message.
const upgradeNotices = new Set(["migrate_to_chat_id", "migrate_from_chat_id"]);

export interface TimelineProps {
  items: TimelineItem[];
  names: Names;
  tz: string;
  contactName: string;
  myID?: number;
  /** Retry a stored message that failed (false: the server has no retry). */
  canRetry: boolean;
  onRetry(m: Message): void;
  onResend(localID: string): void;
  onDiscard(localID: string): void;
  /** The workspace has an AI model: the contact's messages offer a translation. */
  aiModel?: boolean;
  footer?: ReactNode;
  /** Older messages than the first item: more to read, being read, and how to ask for them. */
  older?: Older;
  /** The first page of messages is being read: the first load's skeleton, not "no messages". */
  reading?: boolean;
  /** Rewrite one's own comment (its text, the teammates chosen with @ meanwhile); resolves false when it was refused (the toast says why). */
  onEditComment?(c: Comment, text: string, chosen: Person[]): Promise<boolean>;
  /** The teammates a comment's editor offers after @. */
  users?: User[];
  /** Delete a comment (one's own, or any with canDeleteAnyComment). */
  onDeleteComment?(c: Comment): void;
  /** An owner or a manager: any comment may be deleted. */
  canDeleteAnyComment?: boolean;
  /** The comment to open in its editor (↑ in the composer), then onEditingStarted. */
  editingComment?: number | null;
  onEditingStarted?(): void;
  /** A comment's editor closed. */
  onEditingEnded?(): void;
  /** A message or a comment to bring into view and mark (a search's hit): older pages are read until it is shown. */
  focus?: TimelineFocus | null;
  /** The search's words (folded), marked in the focused item. */
  focusWords?: string[];
}

const noUsers: User[] = [];

/** olderMargin: this close to the top (px), the older messages are asked for. */
const olderMargin = 300;

export function Timeline({
  items,
  names,
  tz,
  contactName,
  myID,
  canRetry,
  onRetry,
  onResend,
  onDiscard,
  aiModel,
  footer,
  older,
  reading,
  onEditComment,
  users = noUsers,
  onDeleteComment,
  canDeleteAnyComment,
  editingComment,
  onEditingStarted,
  onEditingEnded,
  focus,
  focusWords,
}: TimelineProps) {
  const { t, i18n } = useTranslation();
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const seenLast = useRef<string | null>(null);
  // The item at the top of the window and how far below the top it is:
  // where the person reads, put back in place when items arrive or go above.
  const anchor = useRef<{ key: string; offset: number } | null>(null);
  const [unseen, setUnseen] = useState(0);

  const remember = () => {
    const el = scroller.current;
    anchor.current = el && topItem(el);
  };
  const wantOlder = () => {
    const el = scroller.current;
    if (!el || !older?.more || older.loading || older.failed) return;
    // Near the top, or a window the items do not fill (it cannot scroll).
    if (el.scrollTop < olderMargin || (el.clientHeight > 0 && el.scrollHeight <= el.clientHeight)) older.load();
  };

  // Before anything else on a change: what the person was reading stays
  // where it was, whatever was put above it or taken away (an older page
  // read, a page read again after an event). Followed to the bottom, the
  // newest is what stays in view.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
    const a = anchor.current;
    if (!el || !a || atBottom.current) return;
    const node = el.querySelector(`li[data-key="${a.key}"]`)?.lastElementChild;
    if (!node) return;
    const moved = node.getBoundingClientRect().top - el.getBoundingClientRect().top - a.offset;
    if (moved !== 0) el.scrollTop += moved;
  });

  const lastKey = items.length ? items[items.length - 1]!.key : "";
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const prev = seenLast.current;
    seenLast.current = lastKey;
    // Only a new last item follows: older ones put above are not new.
    if (prev !== null && prev === lastKey) return;
    const last = items[items.length - 1];
    const mine = last && last.kind !== "event" && (last.local !== undefined || (last.kind === "message" && last.message.direction === "out" && last.message.sender_user_id === myID));
    if (prev === null || atBottom.current || mine) {
      el.scrollTop = el.scrollHeight;
      atBottom.current = true;
      setUnseen(0);
    } else {
      // What people wrote counts; events arriving meanwhile do not.
      // The previous last item gone (a sent copy replaced by the server's): the new last one.
      const from = items.findIndex((i) => i.key === prev);
      const added = (from < 0 ? [last!] : items.slice(from + 1)).filter((i) => i.kind !== "event").length;
      if (added > 0) setUnseen((n) => n + added);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lastKey, items.length]);

  // After every change: where the person reads now, and whether the
  // older messages are wanted (a first page too short to scroll).
  useLayoutEffect(() => {
    remember();
    wantOlder();
  });

  // A message asked for (a search's hit): brought into view once its page is read.
  useFocusMessage(scroller, focus, older, () => {
    const el = scroller.current!;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
    remember();
  });

  // The pane shrinking (the composer grows, a notice appears) keeps the newest in view.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    const ro = new ResizeObserver(() => {
      if (atBottom.current) el.scrollTop = el.scrollHeight;
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
    if (atBottom.current) setUnseen(0);
    remember();
    wantOlder();
  };
  const toBottom = () => {
    const el = scroller.current;
    if (!el) return;
    el.scrollTo({ top: el.scrollHeight, behavior: "smooth" });
    atBottom.current = true;
    setUnseen(0);
  };
  const keepAtBottom = () => {
    const el = scroller.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  };

  let prevDay = "";
  return (
    <div className="relative flex min-h-0 flex-1 flex-col">
      <div
        ref={scroller}
        onScroll={onScroll}
        data-testid="timeline"
        role="log"
        aria-label={t("conversation.timeline.label")}
        aria-live="polite"
        className="flex-1 overflow-y-auto px-5 py-4"
      >
        {items.length === 0 &&
          (reading ? <TimelineSkeleton /> : !older?.more && <p className="text-muted py-10 text-center text-sm">{t("conversation.timeline.empty")}</p>)}
        {older?.more && <OlderRow older={older} />}
        <ol className="flex flex-col gap-2">
          {items.map((item) => {
            const day = dayKey(item.at, tz);
            const sep = day !== prevDay;
            prevDay = day;
            return (
              <li key={item.key} data-key={item.key} className="contents">
                {sep && (
                  <div role="separator" className="text-muted my-2 flex items-center gap-3 text-xs">
                    <span className="bg-line h-px flex-1" />
                    {formatDay(new Date(item.at), i18n.language, tz)}
                    <span className="bg-line h-px flex-1" />
                  </div>
                )}
                {item.kind === "message" && (
                  <MessageItem
                    item={item}
                    names={names}
                    tz={tz}
                    contactName={contactName}
                    canRetry={canRetry}
                    onRetry={onRetry}
                    onResend={onResend}
                    onDiscard={onDiscard}
                    onMediaLoad={keepAtBottom}
                    aiModel={aiModel}
                    focused={!item.local && focused(focus, "message", item.message.id)}
                    marks={!item.local && focused(focus, "message", item.message.id) ? focusWords : undefined}
                  />
                )}
                {item.kind === "comment" && (
                  <CommentItem
                    item={item}
                    names={names}
                    tz={tz}
                    users={users}
                    onResend={onResend}
                    onDiscard={onDiscard}
                    canEdit={!!myID && item.comment.user_id === myID}
                    canDelete={(!!myID && item.comment.user_id === myID) || !!canDeleteAnyComment}
                    onEdit={onEditComment}
                    onDelete={onDeleteComment}
                    startEditing={!item.local && editingComment === item.comment.id}
                    onEditingStarted={onEditingStarted}
                    onEditingEnded={onEditingEnded}
                    focused={!item.local && focused(focus, "comment", item.comment.id)}
                    marks={!item.local && focused(focus, "comment", item.comment.id) ? focusWords : undefined}
                  />
                )}
                {item.kind === "event" && <EventItem event={item.event} names={names} tz={tz} />}
              </li>
            );
          })}
        </ol>
      </div>
      {footer}
      {unseen > 0 && (
        <button
          type="button"
          onClick={toBottom}
          className="bg-accent text-accent-fg absolute bottom-10 left-1/2 flex -translate-x-1/2 items-center gap-1 rounded-full px-3 py-1 text-xs font-medium shadow-lg"
        >
          <ArrowDown size={14} aria-hidden="true" />
          {t("conversation.timeline.newMessages", { count: unseen })}
        </button>
      )}
    </div>
  );
}

/**
 * topItem finds the first item whose bottom is below the window's top (a
 * binary search: items are laid out top to bottom) and its offset from the
 * top. Each li is display: contents; its last child is the item's box.
 */
function topItem(el: HTMLElement): { key: string; offset: number } | null {
  const lis = el.querySelectorAll<HTMLElement>("li[data-key]");
  const top = el.getBoundingClientRect().top;
  const box = (i: number) => lis[i]!.lastElementChild?.getBoundingClientRect();
  let lo = 0;
  let hi = lis.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = box(mid);
    if (r && r.bottom > top) {
      found = mid;
      hi = mid - 1;
    } else lo = mid + 1;
  }
  const r = found >= 0 ? box(found) : undefined;
  return r ? { key: lis[found]!.dataset.key!, offset: r.top - top } : null;
}

function DeliveryStatus({ status }: { status: Message["status"] }) {
  const { t } = useTranslation();
  const icon = {
    received: null,
    pending: <Clock size={12} aria-hidden="true" />,
    sent: <Check size={12} aria-hidden="true" />,
    delivered: <CheckCheck size={12} aria-hidden="true" />,
    read: <CheckCheck size={12} aria-hidden="true" className="text-accent" />,
    failed: <AlertCircle size={12} aria-hidden="true" />,
  }[status];
  if (status === "received") return null;
  return (
    <span data-testid="delivery-status" className={"inline-flex items-center gap-1 " + (status === "failed" ? "text-danger font-medium" : "")}>
      {icon}
      {t(`conversation.delivery.${status}`)}
    </span>
  );
}


const MessageItem = memo(function MessageItem({
  item,
  names,
  tz,
  contactName,
  canRetry,
  onRetry,
  onResend,
  onDiscard,
  onMediaLoad,
  aiModel,
  focused,
  marks,
}: {
  item: Extract<TimelineItem, { kind: "message" }>;
  names: Names;
  tz: string;
  contactName: string;
  canRetry: boolean;
  onRetry(m: Message): void;
  onResend(id: string): void;
  onDiscard(id: string): void;
  onMediaLoad(): void;
  aiModel?: boolean;
  /** The message a search opened the conversation at: marked. */
  focused?: boolean;
  /** The search's words, marked in its text. */
  marks?: string[];
}) {
  const { t, i18n } = useTranslation();
  const m = item.message;
  const tr = useInlineTranslation(m.text, i18n.language);
  const translatable = aiModel && m.direction === "in" && m.text.trim() !== "";
  const out = m.direction === "out";
  const who = item.local ? t("conversation.timeline.you") : senderName(m, names, contactName, t);
  const fetched = attachmentsOf(m);
  const att = fetched.length ? null : attachmentOf(m);
  const bot = out && (m.sender === "workflow" || m.sender === "api");
  const failed = m.status === "failed";
  const replies = quickReplies(m);
  const place = locationOf(m);
  // A type the timeline cannot draw (an integrator's "sticker" over the
  // custom channel) with nothing it can: said as unsupported, by its type,
  // rather than an empty bubble.
  const nothing = m.text.trim() === "" && !att && fetched.length === 0 && !place && replies.length === 0;
  const unsupported = m.type === "unsupported" || (nothing && m.type !== "text" && !item.local); // a file being sent has no content yet
  const unsupportedName = m.type === "unsupported" ? unsupportedType(m) : unsupportedType(m) || m.type;
  return (
    <div
      data-testid="timeline-item"
      data-kind="message"
      data-direction={m.direction}
      data-status={m.status}
      data-message-id={item.local ? undefined : m.id}
      data-focused={focused ? "true" : undefined}
      className={"flex items-end gap-2 " + (out ? "flex-row-reverse" : "")}
    >
      {bot ? (
        <span className="bg-subtle text-muted flex h-7 w-7 shrink-0 items-center justify-center rounded-full" aria-hidden="true">
          <Bot size={15} />
        </span>
      ) : (
        <Avatar name={who} size={28} />
      )}
      <div className={"flex max-w-[75%] flex-col gap-1 " + (out ? "items-end" : "items-start")}>
        <div className="text-muted flex items-center gap-2 text-xs">
          <span className="text-fg font-medium">{who}</span>
          <time dateTime={m.created_at}>{formatTime(m.created_at, i18n.language, tz)}</time>
          {m.ai && (
            <span
              data-testid="message-ai"
              title={t(m.ai === "agent" ? "aiHelp.markAgent" : "aiHelp.markDraft")}
              className="border-accent/40 text-accent inline-flex items-center gap-0.5 rounded border px-1 text-[10px] leading-4 font-semibold"
            >
              <Sparkles size={10} aria-hidden="true" />
              {t("aiHelp.mark")}
              <span className="sr-only"> — {t(m.ai === "agent" ? "aiHelp.markAgent" : "aiHelp.markDraft")}</span>
            </span>
          )}
          {translatable && tr.state.status !== "done" && (
            <button
              type="button"
              data-testid="message-translate"
              disabled={tr.state.status === "loading"}
              onClick={tr.run}
              className="hover:text-fg inline-flex items-center gap-1 rounded underline-offset-2 hover:underline disabled:opacity-60"
            >
              <Languages size={12} aria-hidden="true" />
              {tr.state.status === "loading" ? t("aiHelp.translating") : t("aiHelp.translate")}
            </button>
          )}
        </div>
        <div
          className={
            "rounded-2xl px-3 py-2 text-sm leading-relaxed break-words whitespace-pre-wrap " +
            (out ? "bg-selected rounded-br-sm" : "bg-subtle border-line rounded-bl-sm border") +
            (failed ? " ring-danger ring-1" : focused ? " ring-accent ring-offset-bg ring-2 ring-offset-2" : "")
          }
        >
          {att && (
            <div className="mb-1">
              <Attachment a={att} onLoad={onMediaLoad} />
            </div>
          )}
          {fetched.map((a, i) => (
            <div key={i} className="mb-1">
              <FetchedAttachmentView a={a} onLoad={onMediaLoad} />
            </div>
          ))}
          {unsupported && (
            <span data-testid="message-unsupported" className="text-muted block italic">
              {upgradeNotices.has(unsupportedName)
                ? t("conversation.timeline.groupUpgraded")
                : unsupportedName
                  ? t("conversation.timeline.unsupportedProvider", { type: unsupportedName })
                  : t("conversation.timeline.unsupportedBare")}
            </span>
          )}
          <RichText text={m.text} testID="message-text" marks={marks} />
          {place && (
            <a href={place} target="_blank" rel="noopener noreferrer" className="text-accent mt-1 flex items-center gap-1 text-xs underline">
              <MapPin size={12} aria-hidden="true" />
              {t("conversation.timeline.openMap")}
            </a>
          )}
          {replies.length > 0 && (
            <span className="mt-1.5 flex flex-wrap gap-1" aria-label={t("conversation.timeline.quickReplies")}>
              {replies.map((r, i) => (
                <span key={i} className="border-accent/50 text-accent rounded-full border px-2 py-0.5 text-xs">
                  {r}
                </span>
              ))}
            </span>
          )}
          {!m.text && !att && !fetched.length && !unsupported && m.type !== "text" && (
            <span className="text-muted italic">{t("conversation.timeline.unsupported", { type: m.type })}</span>
          )}
        </div>
        {tr.state.status === "done" && (
          <div data-testid="message-translation" lang={tr.state.language} className="border-accent/40 text-fg max-w-full border-l-2 pl-2 text-sm whitespace-pre-wrap">
            <span className="text-muted flex items-center gap-2 text-xs">
              {t("aiHelp.translation", { language: languageName(tr.state.language, i18n.language) })}
              <button type="button" onClick={tr.hide} className="hover:text-fg underline-offset-2 hover:underline">
                {t("aiHelp.hideTranslation")}
              </button>
            </span>
            {tr.state.text}
          </div>
        )}
        {tr.state.status === "error" && (
          <p role="alert" className="text-danger text-xs">
            {tr.state.message}
          </p>
        )}
        {(m.reaction || m.edited_at) && (
          <div className={"text-muted flex items-center gap-2 text-xs " + (out ? "flex-row-reverse" : "")}>
            {m.reaction && (
              <span
                data-testid="message-reaction"
                className="border-line bg-panel -mt-2 rounded-full border px-1.5 py-0.5 text-sm leading-none"
                title={t("conversation.timeline.reactedWith", { name: contactName, reaction: m.reaction })}
                aria-label={t("conversation.timeline.reactedWith", { name: contactName, reaction: m.reaction })}
              >
                {m.reaction}
              </span>
            )}
            {m.edited_at && (
              <span data-testid="message-edited" title={formatTime(m.edited_at, i18n.language, tz)}>
                {t("conversation.timeline.edited")}
              </span>
            )}
          </div>
        )}
        {out && (
          <div className="text-muted flex items-center gap-2 text-xs">
            <DeliveryStatus status={m.status} />
          </div>
        )}
        {failed && (
          <div role="alert" className={"text-danger flex flex-wrap items-center gap-2 text-xs " + (out ? "justify-end text-right" : "")}>
            <span>{m.failure_reason ? t("conversation.timeline.failedBecause", { reason: m.failure_reason }) : t("conversation.timeline.failed")}</span>
            {item.local ? (
              <>
                <button type="button" onClick={() => onResend(item.local!.localID)} className="border-danger inline-flex items-center gap-1 rounded border px-2 py-0.5">
                  <RotateCcw size={12} aria-hidden="true" />
                  {t("conversation.timeline.retry")}
                </button>
                <button type="button" onClick={() => onDiscard(item.local!.localID)} className="hover:bg-hover rounded px-2 py-0.5">
                  {t("conversation.timeline.discard")}
                </button>
              </>
            ) : (
              canRetry && (
                <button type="button" onClick={() => onRetry(m)} className="border-danger inline-flex items-center gap-1 rounded border px-2 py-0.5">
                  <RotateCcw size={12} aria-hidden="true" />
                  {t("conversation.timeline.retry")}
                </button>
              )
            )}
          </div>
        )}
      </div>
    </div>
  );
});

function eventIcon(type: string) {
  if (type.startsWith("workflow.")) return WorkflowIcon;
  if (type === "conversation.opened") return Inbox;
  if (type === "conversation.assigned" || type === "conversation.unassigned" || type === "conversation.queued") return UserCheck;
  if (type === "conversation.snoozed" || type === "conversation.unsnoozed") return AlarmClock;
  if (type === "conversation.closed") return CircleCheck;
  if (type === "conversation.rated") return Star;
  return Info;
}

const EventItem = memo(function EventItem({ event, names, tz }: { event: LogEvent; names: Names; tz: string }) {
  const { t, i18n } = useTranslation();
  const d = describeEvent(event, t, names);
  const Icon = eventIcon(event.type);
  return (
    <div
      data-testid="timeline-item"
      data-kind="event"
      data-event-type={event.type}
      className={"flex items-start gap-2 py-0.5 pl-1.5 text-xs " + (d.tone === "danger" ? "text-danger" : "text-muted")}
    >
      <Icon size={13} aria-hidden="true" className="mt-0.5 shrink-0" />
      <div className="min-w-0">
        <p>
          <span className={d.tone === "danger" ? "" : "text-fg"}>{d.text}</span>
          <time dateTime={event.created_at} className="ml-2">
            {formatTime(event.created_at, i18n.language, tz)}
          </time>
        </p>
        {d.details.map((line, i) => (
          <p key={i} className="break-words whitespace-pre-wrap">
            {line}
          </p>
        ))}
      </div>
    </div>
  );
});
