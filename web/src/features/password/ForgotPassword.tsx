// ForgotPassword: the sign-in card's "Forgot your password?" form. It asks
// for the email and says the same thing whether or not an account has it
// (the server does too); on a server that sends no mail it says to ask the
// server's operator. The mail is asked for in the language shown.
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, request } from "../../lib/api";
import { currentLanguage } from "../../lib/i18n";

type Outcome = "sent" | "noMail" | null;

export function ForgotPassword({ email: initial, onBack }: { email: string; onBack: () => void }) {
  const { t } = useTranslation();
  const [email, setEmail] = useState(initial);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError("");
    try {
      await request("POST", "/api/v1/auth/password-reset", { body: { email, language: currentLanguage() }, quiet401: true });
      setOutcome("sent");
    } catch (err) {
      if (err instanceof ApiError && err.code === "mail_not_configured") setOutcome("noMail");
      else setError(err instanceof ApiError ? err.message : t("password.network"));
    } finally {
      setBusy(false);
    }
  }

  const back = (
    <button type="button" onClick={onBack} className="text-accent self-start text-sm underline" data-testid="forgot-back">
      {t("password.backToSignIn")}
    </button>
  );
  return (
    <div className="flex flex-col gap-3" data-testid="forgot-password">
      <h2 className="text-base font-semibold">{t("password.forgotTitle")}</h2>
      {outcome ? (
        <>
          <p role="status" className="bg-note rounded p-2 text-sm" data-testid="forgot-outcome" data-outcome={outcome}>
            {outcome === "sent" ? t("password.sent", { email: email.trim() }) : t("password.noMail")}
          </p>
          {back}
        </>
      ) : (
        <form onSubmit={(e) => void submit(e)} className="flex flex-col gap-3">
          <p className="text-muted text-sm">{t("password.forgotHelp")}</p>
          <label className="flex flex-col gap-1 text-sm">
            {t("password.email")}
            <input
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              data-testid="forgot-email"
              className="border-line bg-bg rounded border px-2 py-1.5"
            />
          </label>
          {error && (
            <p role="alert" className="text-danger text-sm">
              {error}
            </p>
          )}
          <button
            type="submit"
            disabled={busy}
            data-testid="forgot-submit"
            className="bg-accent text-accent-fg rounded px-3 py-2 font-medium disabled:opacity-60"
          >
            {t("password.sendLink")}
          </button>
          {back}
        </form>
      )}
    </div>
  );
}
