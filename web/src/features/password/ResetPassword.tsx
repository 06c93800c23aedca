// ResetPassword: the page a password-reset link opens. The person chooses
// a new password, twice; once it is set every session of theirs has ended
// and they sign in with it. A link that no longer works says so, with
// what to do.
import { useState, type FormEvent } from "react";
import { useLocation } from "react-router";
import { useTranslation } from "react-i18next";
import { ApiError, request } from "../../lib/api";
import { useSession } from "../../lib/session";

const failures: Record<string, string> = { password_reset_invalid: "invalid", password_reset_expired: "expired" };

export default function ResetPassword() {
  const { t } = useTranslation();
  const location = useLocation();
  const { refresh } = useSession();
  const token = decodeURIComponent(location.pathname.replace(/^\/reset-password\//, "").replace(/\/+$/, ""));
  const [password, setPassword] = useState("");
  const [again, setAgain] = useState("");
  const [error, setError] = useState("");
  const [mismatch, setMismatch] = useState(false);
  const [failure, setFailure] = useState("");
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError("");
    setMismatch(password !== again);
    if (password !== again) {
      setError(t("password.mismatch"));
      return;
    }
    setBusy(true);
    try {
      await request("POST", "/api/v1/auth/password-reset/confirm", { body: { token, password }, quiet401: true });
      setDone(true);
      // Every session of the account ended, this browser's too.
      void refresh();
    } catch (err) {
      const failed = err instanceof ApiError ? failures[err.code] : undefined;
      if (failed) setFailure(failed);
      else setError(err instanceof ApiError ? err.message : t("password.network"));
    } finally {
      setBusy(false);
    }
  }

  const toSignIn = (
    <a href="/" className="text-accent mt-4 inline-block text-sm underline" data-testid="reset-to-sign-in">
      {t("password.toSignIn")}
    </a>
  );
  return (
    <main className="bg-panel flex min-h-full flex-1 items-center justify-center p-6" data-testid="reset-password">
      <div className="border-line bg-bg w-full max-w-sm rounded-lg border p-6 shadow-sm">
        {failure ? (
          <div data-testid="reset-error" data-code={failure}>
            <h1 className="mb-2 text-lg font-semibold">{t(`password.errors.${failure}.title`)}</h1>
            <p className="text-sm">{t(`password.errors.${failure}.body`)}</p>
            {toSignIn}
          </div>
        ) : done ? (
          <div data-testid="reset-done">
            <h1 className="mb-2 text-lg font-semibold">{t("password.doneTitle")}</h1>
            <p className="text-sm">{t("password.doneBody")}</p>
            {toSignIn}
          </div>
        ) : (
          <>
            <h1 className="mb-4 text-lg font-semibold">{t("password.resetTitle")}</h1>
            <form onSubmit={(e) => void submit(e)} className="flex flex-col gap-3">
              <label className="flex flex-col gap-1 text-sm">
                {t("password.new")}
                <input
                  type="password"
                  required
                  minLength={8}
                  autoComplete="new-password"
                  value={password}
                  onChange={(e) => setPassword(e.target.value)}
                  aria-describedby="reset-password-help"
                  data-testid="reset-password-input"
                  className="border-line bg-bg rounded border px-2 py-1.5"
                />
              </label>
              <p id="reset-password-help" className="text-muted -mt-2 text-xs">
                {t("password.help")}
              </p>
              <label className="flex flex-col gap-1 text-sm">
                {t("password.again")}
                <input
                  type="password"
                  required
                  minLength={8}
                  autoComplete="new-password"
                  value={again}
                  onChange={(e) => setAgain(e.target.value)}
                  aria-invalid={mismatch}
                  data-testid="reset-password-again"
                  className="border-line bg-bg rounded border px-2 py-1.5 aria-[invalid=true]:border-danger"
                />
              </label>
              {error && (
                <p role="alert" className="text-danger text-sm" data-testid="reset-form-error">
                  {error}
                </p>
              )}
              <button
                type="submit"
                disabled={busy}
                data-testid="reset-submit"
                className="bg-accent text-accent-fg rounded px-3 py-2 text-sm font-medium hover:opacity-90 disabled:opacity-50"
              >
                {t("password.set")}
              </button>
            </form>
          </>
        )}
      </div>
    </main>
  );
}
