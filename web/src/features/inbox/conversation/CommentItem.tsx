// An internal comment in the timeline: a note's colour, "Internal", who
// wrote it and who it mentions. Its author may rewrite it in place and
// delete it; an owner or a manager may delete anyone's. Deleting asks
// once, in the comment itself: nothing modal covers the conversation.
import { memo, useEffect, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Clock, Lock, Pencil, Trash2 } from "lucide-react";
import { Avatar } from "../../../lib/ui/Avatar";
import type { Comment, User } from "../../../lib/types";
import { CommentEditor } from "./CommentEditor";
import type { Person } from "./composerText";
import { RichText } from "./linkify";
import type { TimelineItem } from "./timeline";
import type { Names } from "./eventText";
import { formatTime } from "./time";

export const CommentItem = memo(function CommentItem({
  item,
  names,
  tz,
  onResend,
  onDiscard,
  users,
  canEdit,
  canDelete,
  onEdit,
  onDelete,
  startEditing,
  onEditingStarted,
  onEditingEnded,
  focused,
  marks,
}: {
  item: Extract<TimelineItem, { kind: "comment" }>;
  names: Names;
  tz: string;
  /** The teammates an @ in the editor offers. */
  users: User[];
  onResend(id: string): void;
  onDiscard(id: string): void;
  canEdit: boolean;
  canDelete: boolean;
  /** Saves a rewrite: its text and the teammates chosen with @ while editing. */
  onEdit?(c: Comment, text: string, chosen: Person[]): Promise<boolean>;
  onDelete?(c: Comment): void;
  /** Open the editor now (↑ in the composer), then say so. */
  startEditing?: boolean;
  onEditingStarted?(): void;
  /** The editor closed (saved or left): the composer takes the focus back. */
  onEditingEnded?(): void;
  /** A search's hit: ringed, its words (folded) marked. */
  focused?: boolean;
  marks?: string[];
}) {
  const { t, i18n } = useTranslation();
  const c = item.comment;
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const who = item.local ? t("conversation.timeline.you") : (names.user(c.user_id) ?? t("conversation.sender.user"));
  const mentioned = c.mentions.map((id) => names.user(id)).filter(Boolean) as string[];
  const settled = !item.local;
  const mayEdit = canEdit && !!onEdit;
  const mayDelete = canDelete && !!onDelete;
  useEffect(() => {
    if (!startEditing) return;
    if (mayEdit) setEditing(true);
    onEditingStarted?.();
  }, [startEditing]); // eslint-disable-line react-hooks/exhaustive-deps
  const close = () => {
    setEditing(false);
    onEditingEnded?.();
  };
  const save = async (text: string, chosen: Person[]) => {
    if (!onEdit) return;
    if (text === c.text) return close();
    if (await onEdit(c, text, chosen)) close();
  };
  return (
    <div
      data-testid="timeline-item"
      data-kind="comment"
      data-status={item.local?.status}
      data-comment-id={item.local ? undefined : c.id}
      data-focused={focused ? "true" : undefined}
      className="group flex flex-row-reverse items-end gap-2"
    >
      <Avatar name={who} size={28} />
      <div className="flex max-w-[75%] flex-col items-end gap-1">
        <div className="text-muted flex items-center gap-2 text-xs">
          {settled && !editing && !confirming && (mayEdit || mayDelete) && (
            <span className="flex items-center gap-0.5 opacity-0 group-focus-within:opacity-100 group-hover:opacity-100">
              {mayEdit && (
                <CommentAction testid="comment-edit" label={t("conversation.comment.edit")} hover="hover:text-fg" onClick={() => setEditing(true)}>
                  <Pencil size={12} aria-hidden="true" />
                </CommentAction>
              )}
              {mayDelete && (
                <CommentAction testid="comment-delete" label={t("conversation.comment.deleteLabel")} hover="hover:text-danger" onClick={() => setConfirming(true)}>
                  <Trash2 size={12} aria-hidden="true" />
                </CommentAction>
              )}
            </span>
          )}
          <span className="text-warning inline-flex items-center gap-1 font-semibold">
            <Lock size={11} aria-hidden="true" />
            {t("conversation.timeline.internal")}
          </span>
          <span className="text-fg font-medium">{who}</span>
          <time dateTime={c.created_at}>{formatTime(c.created_at, i18n.language, tz)}</time>
          {c.edited_at && (
            <span data-testid="comment-edited" title={formatTime(c.edited_at, i18n.language, tz)}>
              {t("conversation.timeline.edited")}
            </span>
          )}
          {item.local?.status === "pending" && <Clock size={12} aria-label={t("conversation.delivery.pending")} />}
        </div>
        {!editing ? (
          <div
            className={
              "bg-note border-warning/40 rounded-2xl rounded-br-sm border border-dashed px-3 py-2 text-sm leading-relaxed break-words whitespace-pre-wrap" +
              (focused ? " ring-accent ring-offset-bg ring-2 ring-offset-2" : "")
            }
          >
            <RichText text={c.text} marks={marks} />
          </div>
        ) : (
          <CommentEditor initial={c.text} users={users} onSave={(text, chosen) => void save(text, chosen)} onCancel={close} />
        )}
        {confirming && (
          <div role="alert" className="flex items-center gap-2 text-xs">
            <span>{t("conversation.comment.confirmDelete")}</span>
            <button
              type="button"
              data-testid="comment-delete-confirm"
              autoFocus
              onClick={() => {
                setConfirming(false);
                onDelete?.(c);
              }}
              className="border-danger text-danger rounded border px-2 py-0.5"
            >
              {t("conversation.comment.delete")}
            </button>
            <button type="button" onClick={() => setConfirming(false)} className="hover:bg-hover rounded px-2 py-0.5">
              {t("conversation.comment.cancel")}
            </button>
          </div>
        )}
        {mentioned.length > 0 && <span className="text-muted text-xs">{t("conversation.timeline.mentioned", { names: mentioned.join(", ") })}</span>}
        {item.local?.status === "failed" && (
          <div role="alert" className="text-danger flex items-center gap-2 text-xs">
            <span>{t("conversation.composer.sendFailed", { message: item.local.error ?? "" })}</span>
            <button type="button" onClick={() => onResend(item.local!.localID)} className="border-danger rounded border px-2 py-0.5">
              {t("conversation.timeline.retry")}
            </button>
            <button type="button" onClick={() => onDiscard(item.local!.localID)} className="hover:bg-hover rounded px-2 py-0.5">
              {t("conversation.timeline.discard")}
            </button>
          </div>
        )}
      </div>
    </div>
  );
});

/** CommentAction is one of a comment's icon buttons, named by its tooltip. */
function CommentAction({ testid, label, hover, onClick, children }: { testid: string; label: string; hover: string; onClick(): void; children: ReactNode }) {
  return (
    <button type="button" data-testid={testid} aria-label={label} title={label} onClick={onClick} className={"hover:bg-hover rounded p-1 " + hover}>
      {children}
    </button>
  );
}
