// PendingInvitations: the invitations not used yet, with how each last
// went by mail and the language its mails are in; Resend mails a new link
// (where the server sends mail), in its language or another chosen beside
// it, and Revoke makes the link stop working.
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { allPages, api, ApiError, type Page } from "../../../lib/api";
import { qk } from "../../../lib/queryKeys";
import { useMe } from "../../../lib/session";
import { Button, Section } from "../../../lib/ui/form";
import { useToast } from "../../../lib/ui/toast";
import { DialogFrame, type Invitation } from "./InviteDialog";
import { useWorkspaceDate } from "../../../lib/workspaceDate";
import { InviteResult, type Created } from "./InviteResult";
import { ResendButton } from "./ResendButton";
import type { Language } from "../../../lib/i18n";

export function PendingInvitations({ teamNames, userNames }: { teamNames: Map<number, string>; userNames: Map<number, string> }) {
  const { t, i18n } = useTranslation();
  const toast = useToast();
  const qc = useQueryClient();
  const me = useMe();
  const date = useWorkspaceDate();
  // The language its mails (and a resend's) are in, named in the reader's.
  const names = new Intl.DisplayNames([i18n.language], { type: "language" });
  const languageName = (code: string) => names.of(code) ?? code;
  // A resend whose mail did not go: its new link is shown, as the old one
  // no longer works.
  const [unsent, setUnsent] = useState<Created | null>(null);
  const invitations = useQuery({
    queryKey: qk.invitations,
    queryFn: () => allPages<Invitation>("/api/v1/invitations"),
  });
  const revoke = useMutation({
    mutationFn: (id: number) => api.del(`/api/v1/invitations/${id}`),
    onMutate: async (id) => {
      await qc.cancelQueries({ queryKey: qk.invitations });
      const before = qc.getQueryData<Page<Invitation>>(qk.invitations);
      if (before) qc.setQueryData(qk.invitations, { ...before, data: before.data.filter((i) => i.id !== id) });
      return { before };
    },
    onError: (e, _id, ctx) => {
      if (ctx?.before) qc.setQueryData(qk.invitations, ctx.before);
      toast(e instanceof ApiError ? e.message : t("users.failed"));
    },
    onSettled: () => void qc.invalidateQueries({ queryKey: qk.invitations }),
  });
  // Not optimistic: what to say depends on whether the mail went.
  const resend = useMutation({
    mutationFn: ({ id, language }: { id: number; language?: Language }) =>
      api.post<Created>(`/api/v1/invitations/${id}/resend`, language ? { language } : {}),
    onSuccess: (out) => {
      if (out.mailed) toast(t("users.resent", { email: out.email }), "info");
      else setUnsent(out);
    },
    onError: (e) => toast(e instanceof ApiError ? e.message : t("users.failed")),
    onSettled: () => void qc.invalidateQueries({ queryKey: qk.invitations }),
  });
  const list = invitations.data?.data ?? [];
  return (
    <Section title={t("users.pending")} description={me.sends_mail ? t("users.pendingHelpMail") : t("users.pendingHelp")}>
      {list.length === 0 ? (
        <p className="text-muted text-sm" data-testid="invitations-empty">
          {t("users.noPending")}
        </p>
      ) : (
        <ul className="flex flex-col" data-testid="invitations">
          {list.map((inv) => (
            <li
              key={inv.id}
              data-testid="invitation-row"
              data-mail-status={inv.mail_status}
              className="border-line flex items-center gap-3 border-t py-2 text-sm first:border-t-0"
            >
              <div className="min-w-0 flex-1">
                <div className="truncate font-medium">{inv.email}</div>
                <div className="text-muted text-xs">
                  {t(`users.roles.${inv.role}`)}
                  {inv.team_ids.length > 0 && " · " + inv.team_ids.map((id) => teamNames.get(id) ?? "#" + id).join(", ")}
                  {" · "}
                  {t("users.expires", { when: date(inv.expires_at) })}
                  {inv.invited_by && userNames.has(inv.invited_by) && " · " + t("users.invitedBy", { name: userNames.get(inv.invited_by) })}
                  {inv.mail_status !== "none" && inv.mail_status_at && (
                    <span data-testid="invitation-mail" className={inv.mail_status === "failed" ? "text-danger" : undefined}>
                      {" · " + t(`users.mailStatus.${inv.mail_status}`, { when: date(inv.mail_status_at) })}
                    </span>
                  )}
                  {me.sends_mail && <span data-testid="invitation-language">{" · " + languageName(inv.language)}</span>}
                </div>
              </div>
              {me.sends_mail && (
                <ResendButton
                  email={inv.email}
                  language={inv.language}
                  languageName={languageName}
                  busy={resend.isPending && resend.variables?.id === inv.id}
                  onResend={(language) => resend.mutate({ id: inv.id, language })}
                />
              )}
              <Button intent="danger" data-testid="invitation-revoke" onClick={() => revoke.mutate(inv.id)}>
                {t("users.revoke")}
              </Button>
            </li>
          ))}
        </ul>
      )}
      {unsent && (
        <DialogFrame title={t("users.resendTitle", { email: unsent.email })} onClose={() => setUnsent(null)} testid="resend-dialog">
          <div className="flex flex-col gap-3">
            <InviteResult created={unsent} askedMail />
            <div className="flex justify-end">
              <Button onClick={() => setUnsent(null)}>{t("users.done")}</Button>
            </div>
          </div>
        </DialogFrame>
      )}
    </Section>
  );
}
