// InviteDialog: invite a person by email, role and teams. On a server that
// sends mail the invitation is mailed (unless unchecked); the answer's
// link is shown once either way, with a Copy button, to share by hand.
// The mail's language is the inviter's own unless they choose the other:
// the invitee has no preference the server knows yet, and the invitation
// keeps it for its resends.
import { useState, type FormEvent } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ApiError } from "../../../lib/api";
import { currentLanguage, type Language } from "../../../lib/i18n";
import type { components } from "../../../lib/api-types";
import { qk } from "../../../lib/queryKeys";
import { useMe } from "../../../lib/session";
import { Button, Field, Select, TextInput } from "../../../lib/ui/form";
import { Modal } from "../../../lib/ui/Modal";
import type { Team } from "../../../lib/types";
import { InviteResult, type Created } from "./InviteResult";

export type Invitation = components["schemas"]["WorkspaceInvitation"];

/** DialogFrame is the settings' dialog (lib/ui/Modal). */
export const DialogFrame = Modal;

export function InviteDialog({ teams, onClose }: { teams: Team[]; onClose(): void }) {
  const { t } = useTranslation();
  const me = useMe();
  const qc = useQueryClient();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState("agent");
  const [teamIDs, setTeamIDs] = useState<number[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<Created | null>(null);
  // Checked by default where the server sends mail; never asked for where
  // it does not (that would be a 409).
  const [sendEmail, setSendEmail] = useState(me.sends_mail);
  const [language, setLanguage] = useState<Language>(currentLanguage);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const out = await api.post<Created>("/api/v1/invitations", { email, role, team_ids: teamIDs, send_email: sendEmail && me.sends_mail, language });
      setCreated(out);
      void qc.invalidateQueries({ queryKey: qk.invitations });
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, "network", t("users.failed")));
    } finally {
      setBusy(false);
    }
  }

  const general = error && !error.field ? error.message : "";
  return (
    <DialogFrame title={t("users.inviteTitle")} onClose={onClose} testid="invite-dialog">
      {created ? (
        <div className="flex flex-col gap-3">
          <InviteResult created={created} askedMail={sendEmail && me.sends_mail} />
          <div className="flex justify-end">
            <Button onClick={onClose} data-testid="invite-done">
              {t("users.done")}
            </Button>
          </div>
        </div>
      ) : (
        <form onSubmit={(e) => void submit(e)} className="flex flex-col gap-3">
          <Field label={t("users.email")} error={error?.forField("email")}>
            {(id, d) => (
              <TextInput
                id={id}
                type="email"
                required
                autoFocus
                value={email}
                aria-describedby={d}
                aria-invalid={!!error?.forField("email")}
                data-testid="invite-email"
                onChange={(e) => setEmail(e.target.value)}
              />
            )}
          </Field>
          <Field label={t("users.role")} error={error?.forField("role")}>
            {(id) => (
              <Select id={id} value={role} data-testid="invite-role" onChange={(e) => setRole(e.target.value)}>
                <option value="agent">{t("users.roles.agent")}</option>
                <option value="manager">{t("users.roles.manager")}</option>
                {me.role === "owner" && <option value="owner">{t("users.roles.owner")}</option>}
              </Select>
            )}
          </Field>
          {teams.length > 0 && (
            <fieldset className="flex flex-col gap-1">
              <legend className="mb-1 text-sm font-medium">{t("users.teams")}</legend>
              {teams.map((tm) => (
                <label key={tm.id} className="flex items-center gap-2 text-sm">
                  <input
                    type="checkbox"
                    checked={teamIDs.includes(tm.id)}
                    onChange={(e) => setTeamIDs((ids) => (e.target.checked ? [...ids, tm.id] : ids.filter((x) => x !== tm.id)))}
                  />
                  {tm.name}
                </label>
              ))}
              {error?.forField("team_ids") && <p className="text-danger text-xs">{error.forField("team_ids")}</p>}
            </fieldset>
          )}
          {me.sends_mail ? (
            <>
              <label className="flex items-start gap-2 text-sm">
                <input
                  type="checkbox"
                  className="mt-0.5"
                  checked={sendEmail}
                  data-testid="invite-send-email"
                  onChange={(e) => setSendEmail(e.target.checked)}
                />
                <span>
                  {t("users.sendEmail")}
                  <span className="text-muted block">{t("users.sendEmailHelp")}</span>
                </span>
              </label>
              <Field label={t("users.mailLanguage")} hint={t("users.mailLanguageHint")}>
                {(id, d) => (
                  <Select id={id} aria-describedby={d} value={language} data-testid="invite-language" onChange={(e) => setLanguage(e.target.value as Language)}>
                    <option value="en">English</option>
                    <option value="fr">Français</option>
                  </Select>
                )}
              </Field>
            </>
          ) : (
            <p className="text-muted text-sm" data-testid="invite-no-mail">
              {t("users.noMail")}
            </p>
          )}
          {general && (
            <p role="alert" className="text-danger text-sm">
              {general}
            </p>
          )}
          <div className="flex justify-end gap-2">
            <Button onClick={onClose}>{t("users.cancel")}</Button>
            <Button intent="primary" type="submit" disabled={busy} data-testid="invite-submit">
              {sendEmail && me.sends_mail ? t("users.sendInvitation") : t("users.createLink")}
            </Button>
          </div>
        </form>
      )}
    </DialogFrame>
  );
}
