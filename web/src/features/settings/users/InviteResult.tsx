// InviteResult: what became of an invitation just made or resent: mailed
// (and until when its link works), not mailed and why, or a link to share
// by hand. The link is shown in every case, once: only its hash is kept.
import { useTranslation } from "react-i18next";
import type { components } from "../../../lib/api-types";
import { useMe } from "../../../lib/session";
import { useWorkspaceDate } from "../../../lib/workspaceDate";
import { CopyField } from "./CopyField";

export type Created = components["schemas"]["CreatedInvitation"];

export function InviteResult({ created, askedMail }: { created: Created; askedMail: boolean }) {
  const { t } = useTranslation();
  const date = useWorkspaceDate();
  const me = useMe();
  return (
    <div className="flex flex-col gap-3">
      {created.mailed ? (
        <p className="text-sm" data-testid="invite-mailed">
          {t("users.inviteMailed", { email: created.email, when: date(created.expires_at) })}
        </p>
      ) : askedMail ? (
        <p role="alert" className="text-danger text-sm" data-testid="invite-not-mailed">
          {t("users.inviteNotMailed", { email: created.email, reason: created.mail_error ?? "" })}
        </p>
      ) : (
        <p className="text-sm">{t("users.inviteSent", { email: created.email, when: date(created.expires_at) })}</p>
      )}
      <CopyField label={t("users.inviteLink")} value={created.url} testid="invite-link" />
      {/* A lost link is mailed anew (Resend) where the server sends mail. */}
      <p className="text-muted text-xs">{t(me.sends_mail ? "users.inviteLinkHelpResend" : "users.inviteLinkHelp")}</p>
    </div>
  );
}
