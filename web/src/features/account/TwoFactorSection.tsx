// TwoFactorSection: the account page's two-factor sign-in. Off: set up —
// the password, then a QR code (and its key, to type) for an
// authenticator app and the app's first code, then the ten recovery
// codes, shown once. On: how many recovery codes are left, new ones, or
// off — each with the password and a code.
import { useState, type FormEvent } from "react";
import { useMutation } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Copy, Download, ShieldCheck } from "lucide-react";
import { api } from "../../lib/api";
import type { components } from "../../lib/api-types";
import { useMe, useSession } from "../../lib/session";
import { Button, Field, Section, TextInput } from "../../lib/ui/form";
import { fieldError, generalError } from "../settings/workspace/common";

type Setup = components["schemas"]["WorkspaceTwoFactorSetup"];
type Codes = components["schemas"]["WorkspaceRecoveryCodes"];

/** onKept: the recovery codes just shown were kept (the gate lets the person in then). */
export function TwoFactorSection({ onKept }: { onKept?(): void } = {}) {
  const { t } = useTranslation();
  const me = useMe();
  const on = me.account?.two_factor ?? false;
  // The recovery codes just made, shown until the person says they kept them.
  const [codes, setCodes] = useState<string[] | null>(null);
  return (
    <Section title={t("account.twoFactor.title")} description={t("account.twoFactor.help")}>
      <div data-testid="two-factor" data-on={on}>
        {codes ? (
          <RecoveryCodesShown codes={codes} onDone={() => (setCodes(null), onKept?.())} />
        ) : on ? (
          <TwoFactorOn left={me.account?.recovery_codes_left ?? 0} onCodes={setCodes} />
        ) : (
          <TwoFactorSetUp onCodes={setCodes} />
        )}
      </div>
    </Section>
  );
}

function Alert({ text }: { text?: string }) {
  return text ? (
    <p role="alert" className="text-danger text-sm">
      {text}
    </p>
  ) : null;
}

function PasswordField({ value, onChange, error }: { value: string; onChange(v: string): void; error?: string }) {
  const { t } = useTranslation();
  return (
    <Field label={t("account.twoFactor.password")} error={error}>
      {(id, d) => (
        <TextInput id={id} aria-describedby={d} type="password" autoComplete="current-password" required value={value}
          onChange={(e) => onChange(e.target.value)} data-testid="two-factor-password" />
      )}
    </Field>
  );
}

function CodeField({ value, onChange, error, hint }: { value: string; onChange(v: string): void; error?: string; hint?: string }) {
  const { t } = useTranslation();
  return (
    <Field label={t("account.twoFactor.code")} hint={hint} error={error}>
      {(id, d) => (
        <TextInput id={id} aria-describedby={d} autoComplete="one-time-code" required value={value} className="tracking-widest"
          onChange={(e) => onChange(e.target.value)} data-testid="two-factor-code" />
      )}
    </Field>
  );
}

function TwoFactorSetUp({ onCodes }: { onCodes(codes: string[]): void }) {
  const { t } = useTranslation();
  const { refresh } = useSession();
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const begin = useMutation({ mutationFn: () => api.post<Setup>("/api/v1/me/two-factor", { password }) });
  const confirm = useMutation({
    mutationFn: () => api.post<Codes>("/api/v1/me/two-factor/confirm", { code }),
    onSuccess: async (out) => {
      onCodes(out.recovery_codes);
      await refresh();
    },
  });
  if (!open) {
    return (
      <div className="flex items-center gap-3">
        <p className="text-muted flex-1 text-sm">{t("account.twoFactor.off")}</p>
        <Button intent="primary" onClick={() => setOpen(true)} data-testid="two-factor-set-up">
          {t("account.twoFactor.setUp")}
        </Button>
      </div>
    );
  }
  const setup = begin.data;
  if (!setup) {
    const submit = (e: FormEvent) => (e.preventDefault(), begin.mutate());
    return (
      <form className="flex max-w-sm flex-col gap-3" onSubmit={submit} data-testid="two-factor-begin">
        <PasswordField value={password} onChange={setPassword} error={fieldError(begin.error, "password")} />
        <Alert text={generalError(begin.error, ["password"])} />
        <div className="flex gap-2">
          <Button type="submit" intent="primary" disabled={begin.isPending || !password}>
            {t("account.twoFactor.continue")}
          </Button>
          <Button onClick={() => setOpen(false)}>{t("account.twoFactor.cancel")}</Button>
        </div>
      </form>
    );
  }
  const submit = (e: FormEvent) => (e.preventDefault(), confirm.mutate());
  return (
    <form className="flex flex-col gap-4 sm:flex-row" onSubmit={submit} data-testid="two-factor-confirm">
      <img src={setup.qr_code} alt={t("account.twoFactor.qrAlt")} width={176} height={176}
        className="border-line shrink-0 self-start rounded border bg-white p-1 [image-rendering:pixelated]" data-testid="two-factor-qr" />
      <div className="flex max-w-sm flex-col gap-3">
        <p className="text-sm">{t("account.twoFactor.scan")}</p>
        <p className="text-muted text-xs">
          {t("account.twoFactor.orType")}{" "}
          <code className="bg-subtle rounded px-1 font-mono text-xs whitespace-normal select-all" data-testid="two-factor-secret">
            {setup.secret.replace(/(.{4})/g, "$1 ").trim()}
          </code>
        </p>
        <CodeField value={code} onChange={setCode} error={fieldError(confirm.error, "code")} />
        <Alert text={generalError(confirm.error, ["code"])} />
        <div className="flex gap-2">
          <Button type="submit" intent="primary" disabled={confirm.isPending || !code} data-testid="two-factor-turn-on">
            {t("account.twoFactor.turnOn")}
          </Button>
          <Button onClick={() => (setOpen(false), begin.reset())}>{t("account.twoFactor.cancel")}</Button>
        </div>
      </div>
    </form>
  );
}

function TwoFactorOn({ left, onCodes }: { left: number; onCodes(codes: string[]): void }) {
  const { t } = useTranslation();
  const { refresh } = useSession();
  // What the password-and-code form is for, when open.
  const [doing, setDoing] = useState<"codes" | "off" | null>(null);
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const act = useMutation({
    mutationFn: async (what: "codes" | "off"): Promise<Codes | undefined> =>
      what === "codes"
        ? api.post<Codes>("/api/v1/me/two-factor/recovery-codes", { password, code })
        : api.post<undefined>("/api/v1/me/two-factor/disable", { password, code }),
    onSuccess: async (out, what) => {
      setDoing(null);
      setPassword("");
      setCode("");
      if (what === "codes" && out) onCodes(out.recovery_codes);
      await refresh();
    },
  });
  const submit = (e: FormEvent) => (e.preventDefault(), doing && act.mutate(doing));
  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center gap-3">
        <p className="flex flex-1 items-center gap-2 text-sm">
          <ShieldCheck size={18} aria-hidden className="text-success" />
          <span>
            {t("account.twoFactor.on")} <span className="text-muted">{t("account.twoFactor.left", { count: left })}</span>
          </span>
        </p>
        <Button onClick={() => (setDoing("codes"), act.reset())} data-testid="two-factor-new-codes">
          {t("account.twoFactor.newCodes")}
        </Button>
        <Button intent="danger" onClick={() => (setDoing("off"), act.reset())} data-testid="two-factor-turn-off">
          {t("account.twoFactor.turnOff")}
        </Button>
      </div>
      {doing && (
        <form className="flex max-w-sm flex-col gap-3" onSubmit={submit} data-testid="two-factor-check">
          <p className="text-sm">{doing === "codes" ? t("account.twoFactor.newCodesHelp") : t("account.twoFactor.turnOffHelp")}</p>
          <PasswordField value={password} onChange={setPassword} error={fieldError(act.error, "password")} />
          <CodeField value={code} onChange={setCode} hint={t("account.twoFactor.codeHint")} error={fieldError(act.error, "code")} />
          <Alert text={generalError(act.error, ["password", "code"])} />
          <div className="flex gap-2">
            <Button type="submit" intent={doing === "off" ? "danger" : "primary"} disabled={act.isPending || !password || !code}
              data-testid="two-factor-check-submit">
              {doing === "codes" ? t("account.twoFactor.newCodes") : t("account.twoFactor.turnOff")}
            </Button>
            <Button onClick={() => setDoing(null)}>{t("account.twoFactor.cancel")}</Button>
          </div>
        </form>
      )}
    </div>
  );
}

function RecoveryCodesShown({ codes, onDone }: { codes: string[]; onDone(): void }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  const text = codes.join("\n") + "\n";
  const copy = () => void navigator.clipboard?.writeText(text).then(() => setCopied(true));
  return (
    <div className="flex flex-col gap-3" data-testid="recovery-codes">
      <p className="text-sm font-medium">{t("account.twoFactor.codesTitle")}</p>
      <p className="text-muted text-sm">{t("account.twoFactor.codesHelp")}</p>
      <ol className="bg-subtle grid max-w-sm grid-cols-2 gap-x-6 gap-y-1 rounded p-3 font-mono text-sm">
        {codes.map((c) => (
          <li key={c} data-testid="recovery-code">
            {c}
          </li>
        ))}
      </ol>
      <div className="flex flex-wrap gap-2">
        <Button onClick={copy}>
          <span className="flex items-center gap-1">
            <Copy size={14} aria-hidden /> {copied ? t("account.twoFactor.copied") : t("account.twoFactor.copy")}
          </span>
        </Button>
        <a href={"data:text/plain;charset=utf-8," + encodeURIComponent(text)} download="switchboard-recovery-codes.txt"
          className="border-line bg-bg hover:bg-hover flex items-center gap-1 rounded border px-3 py-1.5 text-sm font-medium">
          <Download size={14} aria-hidden /> {t("account.twoFactor.download")}
        </a>
        <Button intent="primary" onClick={onDone} data-testid="recovery-codes-done">
          {t("account.twoFactor.kept")}
        </Button>
      </div>
    </div>
  );
}
