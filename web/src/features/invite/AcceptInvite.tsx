// AcceptInvite: the page an invitation link opens, signed out. It shows
// the workspace and the email, asks for a name and a password (or the
// existing account's password), and on success the browser is signed in
// (the server set the session cookie) and lands in the inbox. A link that
// no longer works says so plainly, with what to do. It speaks the
// invitation's language unless the browser has one chosen.
import { useEffect, useState, type FormEvent } from "react";
import { useLocation, useNavigate } from "react-router";
import { useTranslation } from "react-i18next";
import { ApiError, request, setCSRF } from "../../lib/api";
import i18n, { currentLanguage, languages, savedLanguage, setLanguage } from "../../lib/i18n";
import type { components } from "../../lib/api-types";
import { useSession } from "../../lib/session";

type Preview = components["schemas"]["WorkspaceInvitationPreview"];
type Signed = components["schemas"]["BrowserSession"];

const known = ["invitation_expired", "invitation_used", "invitation_revoked", "invitation_not_found"];
// The refusals of an accept this page says in the reader's language; any
// other is the server's own message (in English).
const said = ["account_password", "account_without_password", "account_created_meanwhile", "already_member", "rate_limited", "two_factor_invalid"];

export default function AcceptInvite() {
  const { t } = useTranslation();
  const location = useLocation();
  const navigate = useNavigate();
  const { refresh } = useSession();
  const token = decodeURIComponent(location.pathname.replace(/^\/invite\//, "").replace(/\/+$/, ""));
  const [preview, setPreview] = useState<Preview | null>(null);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  // An existing account with a second factor: its code is asked once the password was right.
  const [askCode, setAskCode] = useState(false);
  const [code, setCode] = useState("");
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    request<Preview>("POST", "/api/v1/invitations/preview", { body: { token }, quiet401: true })
      .then((p) => {
        if (!live) return;
        // The page speaks the invitation's language, its mail's, unless
        // this browser has one chosen.
        const lang = languages.find((l) => l === p.language);
        if (lang && !savedLanguage()) void i18n.changeLanguage(lang);
        setPreview(p);
      })
      .catch((e: unknown) => live && setFailure(e instanceof ApiError ? e : new ApiError(0, "network", i18n.t("invite.network"))));
    return () => {
      live = false;
    };
    // Not on t: the language the preview sets would read the link again.
  }, [token]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const out = await request<Signed>("POST", "/api/v1/invitations/accept", {
        body: { token, name, password, ...(askCode ? { code } : {}) },
        quiet401: true,
      });
      if (out.csrf_token) setCSRF(out.csrf_token);
      // The app goes on in the language the person joined in (the
      // header's menu changes it), not back to the browser's at the next load.
      if (!savedLanguage()) setLanguage(currentLanguage());
      await refresh();
      void navigate("/inbox/all", { replace: true });
    } catch (err) {
      const e2 = err instanceof ApiError ? err : new ApiError(0, "network", t("invite.network"));
      if (known.includes(e2.code)) setFailure(e2);
      else if (e2.code === "two_factor_required") setAskCode(true);
      else setError(e2);
    } finally {
      setBusy(false);
    }
  }

  // Each field has one rule the server checks (a name is given; a new
  // password has 8 characters or more), said here in the reader's language.
  const fieldError = (f: "name" | "password") => (error?.forField(f) ? t(`invite.problems.${f}`) : undefined);
  const general = !error || error.field === "name" || error.field === "password" ? "" : said.includes(error.code) ? t(`invite.problems.${error.code}`) : error.message;
  return (
    <main className="bg-panel flex min-h-full flex-1 items-center justify-center p-6" data-testid="accept-invite">
      <div className="border-line bg-bg w-full max-w-sm rounded-lg border p-6 shadow-sm">
        {failure ? (
          <div data-testid="invite-error" data-code={failure.code}>
            <h1 className="mb-2 text-lg font-semibold">{t(`invite.errors.${codeKey(failure.code)}.title`)}</h1>
            <p className="text-sm">{t(`invite.errors.${codeKey(failure.code)}.body`)}</p>
            <a href="/" className="text-accent mt-4 inline-block text-sm underline">
              {t("invite.toSignIn")}
            </a>
          </div>
        ) : !preview ? (
          <div className="flex flex-col gap-3" aria-busy="true">
            <div className="bg-hover h-6 w-2/3 animate-pulse rounded" />
            <div className="bg-hover h-4 w-1/2 animate-pulse rounded" />
            <div className="bg-hover h-24 animate-pulse rounded" />
          </div>
        ) : (
          <>
            <h1 className="text-lg font-semibold" data-testid="invite-workspace">
              {t("invite.title", { workspace: preview.workspace_name })}
            </h1>
            <p className="text-muted mt-1 mb-4 text-sm">
              {t("invite.as", { role: t(`invite.roles.${preview.role}`, { defaultValue: preview.role }) })}
            </p>
            <form onSubmit={(e) => void submit(e)} className="flex flex-col gap-3">
              <label className="flex flex-col gap-1 text-sm">
                {t("invite.email")}
                <input
                  type="email"
                  readOnly
                  value={preview.email}
                  autoComplete="username"
                  data-testid="invite-email"
                  className="border-line bg-panel text-muted rounded border px-2 py-1.5"
                />
              </label>
              {preview.has_account && (
                <p className="bg-note rounded p-2 text-sm" data-testid="invite-has-account">
                  {t("invite.hasAccount")}
                </p>
              )}
              <label className="flex flex-col gap-1 text-sm">
                {preview.has_account ? t("invite.nameOptional") : t("invite.name")}
                <input
                  required={!preview.has_account}
                  autoComplete="name"
                  value={name}
                  onChange={(e) => setName(e.target.value)}
                  aria-invalid={!!fieldError("name")}
                  data-testid="invite-name"
                  className="border-line bg-bg rounded border px-2 py-1.5 aria-[invalid=true]:border-danger"
                />
                {fieldError("name") && <span className="text-danger text-xs">{fieldError("name")}</span>}
              </label>
              <label className="flex flex-col gap-1 text-sm">
                {preview.has_account ? t("invite.existingPassword") : t("invite.password")}
                <input
                  type="password"
                  required
                  minLength={preview.has_account ? undefined : 8}
                  autoComplete={preview.has_account ? "current-password" : "new-password"}
                  value={password}
                  onChange={(e) => setPassword(e.target.value)}
                  aria-invalid={!!fieldError("password")}
                  data-testid="invite-password"
                  className="border-line bg-bg rounded border px-2 py-1.5 aria-[invalid=true]:border-danger"
                />
                {fieldError("password") && <span className="text-danger text-xs">{fieldError("password")}</span>}
                {!preview.has_account && <span className="text-muted text-xs">{t("invite.passwordHelp")}</span>}
              </label>
              {askCode && (
                <label className="flex flex-col gap-1 text-sm">
                  {t("invite.code")}
                  <input
                    autoComplete="one-time-code"
                    autoFocus
                    required
                    value={code}
                    onChange={(e) => setCode(e.target.value)}
                    data-testid="invite-code"
                    className="border-line bg-bg rounded border px-2 py-1.5 tracking-widest"
                  />
                </label>
              )}
              {general && (
                <p role="alert" className="text-danger text-sm" data-testid="invite-form-error">
                  {general}
                </p>
              )}
              <button
                type="submit"
                disabled={busy}
                data-testid="invite-submit"
                className="bg-accent text-accent-fg rounded px-3 py-2 text-sm font-medium hover:opacity-90 disabled:opacity-50"
              >
                {t("invite.join")}
              </button>
            </form>
          </>
        )}
      </div>
    </main>
  );
}

function codeKey(code: string): string {
  switch (code) {
    case "invitation_expired":
      return "expired";
    case "invitation_used":
      return "used";
    case "invitation_revoked":
      return "revoked";
    case "invitation_not_found":
      return "notFound";
  }
  return "other";
}
