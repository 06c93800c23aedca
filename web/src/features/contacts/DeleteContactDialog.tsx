// DeleteContactDialog: a contact deleted for good, as a privacy request
// asks. It says what goes with them (their conversations, messages and
// files; the event log keeps that things happened, not what was said)
// before the one button that does it; the server's refusal shows here.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "react-router";
import { useTranslation } from "react-i18next";
import { api } from "../../lib/api";
import { qk } from "../../lib/queryKeys";
import { Button } from "../../lib/ui/form";
import { Modal } from "../../lib/ui/Modal";
import { useToast } from "../../lib/ui/toast";
import type { ContactDetail } from "../../lib/types";
import { displayName, useContactConversations } from "./data";

export function DeleteContactDialog({ contact, onClose }: { contact: ContactDetail; onClose(): void }) {
  const { t } = useTranslation();
  const list = useContactConversations(contact.id).data;
  const conversations = list ? (list.next_cursor ? "50+" : String(list.data.length)) : "…";
  const qc = useQueryClient();
  const toast = useToast();
  const navigate = useNavigate();
  const name = displayName(contact);
  const del = useMutation({
    mutationFn: () => api.del(`/api/v1/contacts/${contact.id}`),
    onSuccess: () => {
      // Away first: the contact's own queries, left behind inactive, are
      // not asked again (they would answer 404) and expire with the cache.
      navigate("/contacts", { replace: true });
      void qc.invalidateQueries({ queryKey: qk.contacts });
      void qc.invalidateQueries({ queryKey: qk.conversations });
      toast(t("contacts.delete.done", { name }), "info");
    },
  });
  return (
    <Modal title={t("contacts.delete.title", { name })} testid="contact-delete-dialog" onClose={onClose}>
      <p className="mb-2 text-sm">
        {conversations === "0" ? t("contacts.delete.whatNone") : t("contacts.delete.what", { n: conversations })}
      </p>
      <p className="text-muted mb-4 text-sm">{t("contacts.delete.log")}</p>
      {del.isError && (
        <p role="alert" className="text-danger mb-3 text-sm">
          {(del.error as Error).message}
        </p>
      )}
      <div className="flex justify-end gap-2">
        <Button onClick={onClose}>{t("contacts.delete.cancel")}</Button>
        <Button intent="danger" data-testid="contact-delete-confirm" disabled={del.isPending} onClick={() => del.mutate()}>
          {t("contacts.delete.confirm")}
        </Button>
      </div>
    </Modal>
  );
}
