// Blocking a contact (spam, abuse): a confirmation that says what it does
// (their open conversation closes; what they write later is kept but opens
// no conversation, starts no workflow, notifies nobody), and, while they
// are blocked, a notice saying since when and by whom, with Unblock. The
// contact page and the inbox's contact panel share them.
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Ban } from "lucide-react";
import { api } from "../../lib/api";
import { useUsers } from "../../lib/directory";
import { qk } from "../../lib/queryKeys";
import { useMe } from "../../lib/session";
import { Button } from "../../lib/ui/form";
import { Modal } from "../../lib/ui/Modal";
import { useToast } from "../../lib/ui/toast";
import type { ContactDetail } from "../../lib/types";
import { formatDateTime, validTimeZone } from "../inbox/conversation/time";
import { displayName } from "./data";

/** useBlockContact blocks or unblocks a contact; the answer replaces the contact, and their conversations are read again (a block closed one). */
export function useBlockContact(contact: ContactDetail) {
  const qc = useQueryClient();
  const toast = useToast();
  const { t } = useTranslation();
  return useMutation({
    mutationFn: (block: boolean) => api.post<ContactDetail>(`/api/v1/contacts/${contact.id}/${block ? "block" : "unblock"}`),
    onSuccess: (c, block) => {
      qc.setQueryData<ContactDetail>(qk.contact(contact.id), (old) => (old ? { ...old, ...c, blocked_at: c.blocked_at, blocked_by: c.blocked_by } : c));
      void qc.invalidateQueries({ queryKey: qk.contactConversations(contact.id) });
      void qc.invalidateQueries({ queryKey: qk.conversations });
      toast(t(block ? "contacts.block.done" : "contacts.block.undone", { name: displayName(contact) }), "info");
    },
    onError: (e: Error) => toast(t("contacts.block.failed", { message: e.message })),
  });
}

/** BlockButton opens the confirmation; it says Blocked (and does nothing) while the contact is. */
export function BlockButton({ contact, compact }: { contact: ContactDetail; compact?: boolean }) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState(false);
  if (contact.blocked_at) return null;
  return (
    <>
      <Button data-testid="contact-block" onClick={() => setAsking(true)} className={compact ? "w-full justify-center text-xs" : "text-danger"}>
        <span className="flex items-center gap-1">
          <Ban size={14} aria-hidden /> {t("contacts.block.action")}
        </span>
      </Button>
      {asking && <BlockContactDialog contact={contact} onClose={() => setAsking(false)} />}
    </>
  );
}

function BlockContactDialog({ contact, onClose }: { contact: ContactDetail; onClose(): void }) {
  const { t } = useTranslation();
  const block = useBlockContact(contact);
  const name = displayName(contact);
  return (
    <Modal title={t("contacts.block.title", { name })} testid="contact-block-dialog" onClose={onClose}>
      <p className="mb-2 text-sm">{t("contacts.block.what")}</p>
      <p className="text-muted mb-4 text-sm">{t("contacts.block.undo")}</p>
      <div className="flex justify-end gap-2">
        <Button onClick={onClose}>{t("contacts.block.cancel")}</Button>
        <Button
          intent="danger"
          data-testid="contact-block-confirm"
          disabled={block.isPending}
          onClick={() => block.mutate(true, { onSuccess: onClose })}
        >
          {t("contacts.block.confirm")}
        </Button>
      </div>
    </Modal>
  );
}

/** BlockedNotice says the contact is blocked, since when and by whom, and offers Unblock; nothing when they are not. */
export function BlockedNotice({ contact, compact }: { contact: ContactDetail; compact?: boolean }) {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const users = useUsers().data?.data;
  const unblock = useBlockContact(contact);
  if (!contact.blocked_at) return null;
  const when = formatDateTime(contact.blocked_at, i18n.language, validTimeZone(me.workspace.timezone));
  const by = contact.blocked_by ? users?.find((u) => u.id === contact.blocked_by)?.name : undefined;
  return (
    <div
      role="status"
      data-testid="contact-blocked"
      className={"border-danger/40 bg-danger/5 flex gap-2 rounded border px-3 py-2 text-sm " + (compact ? "flex-col items-start" : "flex-wrap items-center")}
    >
      {!compact && <Ban size={14} aria-hidden className="text-danger shrink-0" />}
      <p className="min-w-0 flex-1">
        <span className="font-medium">{by ? t("contacts.block.sinceBy", { when, by }) : t("contacts.block.since", { when })}</span>{" "}
        <span className="text-muted">{t("contacts.block.meaning")}</span>
      </p>
      <Button data-testid="contact-unblock" disabled={unblock.isPending} onClick={() => unblock.mutate(false)}>
        {t("contacts.block.unblock")}
      </Button>
    </div>
  );
}
