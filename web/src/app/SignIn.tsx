import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../lib/api";
import { useSession } from "../lib/session";
import type { AccountWorkspace } from "../lib/types";
import { ForgotPassword } from "../features/password/ForgotPassword";

export function SignIn({ expired }: { expired: boolean }) {
  const { t } = useTranslation();
  const { signIn } = useSession();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const [workspaces, setWorkspaces] = useState<AccountWorkspace[]>([]);
  const [forgot, setForgot] = useState(false);
  // The account has a second factor: its code is asked once the password was right.
  const [askCode, setAskCode] = useState(false);
  const [code, setCode] = useState("");

  async function submit(workspaceID?: number) {
    setBusy(true);
    setError("");
    try {
      const out = await signIn(email, password, { workspaceID, code: askCode ? code : undefined });
      if (!out.ok) setWorkspaces(out.workspaces);
    } catch (e) {
      const c = e instanceof ApiError ? e.code : "";
      if (c === "two_factor_required") setAskCode(true);
      else if (c === "two_factor_invalid") {
        // Back to the code (a workspace's choice waited too long for it, say).
        setWorkspaces([]);
        setCode("");
        setError(t("signIn.codeInvalid"));
      } else if (c === "user_deactivated") setError(t("signIn.deactivated"));
      else setError(e instanceof ApiError && e.status !== 401 ? e.message : t("signIn.failed"));
    } finally {
      setBusy(false);
    }
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    void submit();
  }

  // Shown under the form and under the list of workspaces alike: a choice
  // of workspace can be refused too (deactivated meanwhile, rate limited).
  const alert = error && (
    <p role="alert" className="text-danger text-sm">
      {error}
    </p>
  );

  return (
    <main className="bg-panel flex min-h-full items-center justify-center p-6">
      <div className="border-line bg-bg w-full max-w-sm rounded-lg border p-6 shadow-sm">
        <h1 className="mb-4 text-lg font-semibold">{t("signIn.title")}</h1>
        {expired && (
          <p role="alert" className="bg-note mb-4 rounded p-2 text-sm">
            {t("signIn.expired")}
          </p>
        )}
        {forgot ? (
          <ForgotPassword email={email} onBack={() => setForgot(false)} />
        ) : workspaces.length > 0 ? (
          <div>
            <h2 className="mb-2 text-sm font-medium">{t("signIn.pickWorkspace")}</h2>
            <ul className="flex flex-col gap-1">
              {workspaces.map((w) => (
                <li key={w.id}>
                  <button
                    type="button"
                    disabled={busy}
                    onClick={() => void submit(w.id)}
                    className="border-line hover:bg-hover w-full rounded border px-3 py-2 text-left"
                  >
                    {w.name}
                  </button>
                </li>
              ))}
            </ul>
            {alert && <div className="mt-3">{alert}</div>}
          </div>
        ) : (
          <form onSubmit={onSubmit} className="flex flex-col gap-3">
            <label className="flex flex-col gap-1 text-sm">
              {t("signIn.email")}
              <input
                type="email"
                autoComplete="username"
                required
                value={email}
                onChange={(e) => setEmail(e.target.value)}
                className="border-line bg-bg rounded border px-2 py-1.5"
              />
            </label>
            <label className="flex flex-col gap-1 text-sm">
              {t("signIn.password")}
              <input
                type="password"
                autoComplete="current-password"
                required
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                className="border-line bg-bg rounded border px-2 py-1.5"
              />
            </label>
            {askCode && (
              <div className="flex flex-col gap-1">
                <label className="flex flex-col gap-1 text-sm">
                  {t("signIn.code")}
                  <input
                    autoComplete="one-time-code"
                    autoFocus
                    required
                    value={code}
                    onChange={(e) => setCode(e.target.value)}
                    aria-describedby="sign-in-code-hint"
                    data-testid="sign-in-code"
                    className="border-line bg-bg rounded border px-2 py-1.5 tracking-widest"
                  />
                </label>
                <p id="sign-in-code-hint" className="text-muted text-xs">
                  {t("signIn.codeHint")}
                </p>
              </div>
            )}
            {alert}
            <button
              type="submit"
              disabled={busy}
              className="bg-accent text-accent-fg rounded px-3 py-2 font-medium disabled:opacity-60"
            >
              {t("signIn.submit")}
            </button>
            <button
              type="button"
              onClick={() => setForgot(true)}
              data-testid="forgot-link"
              className="text-accent self-start text-sm underline"
            >
              {t("password.forgot")}
            </button>
          </form>
        )}
      </div>
    </main>
  );
}
