// What a person does to a comment already written: rewrite or delete it
// (at once, rolled back with a toast when refused; the socket's
// comment.edited or comment.deleted then finds the pages as they should
// be), and ↑ in an empty internal comment to edit one's newest, as chat
// apps do with a last message.
import { useCallback, useState, type RefObject } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ApiError } from "../../../lib/api";
import { qk } from "../../../lib/queryKeys";
import type { Comment } from "../../../lib/types";
import { useToast } from "../../../lib/ui/toast";
import type { ComposerHandle } from "./Composer";
import { mentionedIDs, type Person } from "./composerText";
import type { Names } from "./eventText";
import { mergeMessages } from "./follow";
import type { TimelineItem } from "./timeline";
import type { SidePages } from "./timelineWindow";

export function useCommentActions(id: number, items: TimelineItem[], names: Names, myID: number | undefined, composer: RefObject<ComposerHandle | null>) {
  const qc = useQueryClient();
  const toast = useToast();
  const { t } = useTranslation();
  const onEditComment = useCallback(
    async (cm: Comment, text: string, chosen: Person[]) => {
      const key = qk.comments(id);
      const before = qc.getQueryData<SidePages<Comment>>(key);
      // Those mentioned before and those chosen with @ in the editor are
      // mentioned while their @Name is in the text.
      const people = [...cm.mentions.map((u) => ({ id: u, name: names.user(u) ?? "" })).filter((p) => p.name), ...chosen];
      qc.setQueryData<SidePages<Comment>>(key, (old) => mergeMessages(old, [{ ...cm, text }]));
      try {
        const saved = await api.patch<Comment>(`/api/v1/conversations/${id}/comments/${cm.id}`, { text, mentions: mentionedIDs(text, people) });
        qc.setQueryData<SidePages<Comment>>(key, (old) => mergeMessages(old, [saved]));
        return true;
      } catch (e) {
        qc.setQueryData(key, before);
        toast(t("conversation.actions.failed", { message: (e as Error).message }));
        return false;
      }
    },
    [id, qc, toast, t, names],
  );
  const onDeleteComment = useCallback(
    async (cm: Comment) => {
      const key = qk.comments(id);
      const before = qc.getQueryData<SidePages<Comment>>(key);
      qc.setQueryData<SidePages<Comment>>(key, (old) => old && { ...old, pages: old.pages.map((p) => ({ ...p, data: p.data.filter((x) => x.id !== cm.id) })) });
      try {
        await api.del(`/api/v1/conversations/${id}/comments/${cm.id}`);
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return; // gone already
        qc.setQueryData(key, before);
        toast(t("conversation.actions.failed", { message: (e as Error).message }));
      }
    },
    [id, qc, toast, t],
  );
  const [editingComment, setEditingComment] = useState<number | null>(null);
  const onEditLastComment = useCallback(() => {
    for (let i = items.length - 1; i >= 0; i--) {
      const it = items[i]!;
      if (it.kind === "comment" && !it.local && myID && it.comment.user_id === myID) {
        setEditingComment(it.comment.id);
        return true;
      }
    }
    return false;
  }, [items, myID]);
  const editingStarted = useCallback(() => setEditingComment(null), []);
  const editingEnded = useCallback(() => composer.current?.focus(), [composer]);
  return { onEditComment, onDeleteComment, onEditLastComment, editingComment, editingStarted, editingEnded };
}
