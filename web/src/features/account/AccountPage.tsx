// AccountPage (/account, from the avatar's menu): what every member,
// agent or owner, manages of their own — the name their teammates and
// contacts see, how they hear of notifications (NotificationsSection),
// their password (the current one asked first; their other
// sessions end), two-factor sign-in (TwoFactorSection) and where they are
// signed in (each browser's session,
// this one marked; one signed out, or all of them, this one too).
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { LogOut, Monitor } from "lucide-react";
import { api, type Page } from "../../lib/api";
import { qk } from "../../lib/queryKeys";
import { useMe, useSession } from "../../lib/session";
import { Button, Field, Section, TextInput } from "../../lib/ui/form";
import { useWorkspaceDate } from "../../lib/workspaceDate";
import { fieldError, generalError, SkeletonRows } from "../settings/workspace/common";
import { deviceName } from "./device";
import { NotificationsSection } from "./NotificationsSection";
import { TwoFactorSection } from "./TwoFactorSection";

interface Session {
  id: number;
  created_at: string;
  last_used_at?: string;
  expires_at?: string;
  current: boolean;
  user_agent?: string;
  client_addr?: string;
}

export default function AccountPage() {
  const { t } = useTranslation();
  return (
    <div className="min-h-0 flex-1 overflow-y-auto" data-testid="account-page">
      <div className="mx-auto max-w-3xl p-6">
        <h1 className="mb-4 text-xl font-semibold">{t("account.title")}</h1>
        <ProfileSection />
        <NotificationsSection />
        <PasswordSection />
        <TwoFactorSection />
        <SessionsSection />
      </div>
    </div>
  );
}

function ProfileSection() {
  const { t } = useTranslation();
  const me = useMe();
  const { refresh } = useSession();
  const qc = useQueryClient();
  const [name, setName] = useState(me.user?.name ?? "");
  const save = useMutation({
    mutationFn: () => api.patch(`/api/v1/users/${me.user?.id}`, { name: name.trim() }),
    onSuccess: async () => {
      // The header's avatar and every list of people show the new name.
      await refresh();
      void qc.invalidateQueries({ queryKey: qk.users });
    },
  });
  if (!me.user) return null;
  const changed = name.trim() !== "" && name.trim() !== me.user.name;
  return (
    <Section title={t("account.profile.title")} description={t("account.profile.help", { email: me.account?.email ?? "" })}>
      <form
        className="flex max-w-sm flex-col gap-3"
        data-testid="profile-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (changed) save.mutate();
        }}
      >
        <Field label={t("account.profile.name")} error={fieldError(save.error, "name")}>
          {(id, d) => (
            <TextInput id={id} aria-describedby={d} autoComplete="name" required maxLength={200} value={name}
              onChange={(e) => setName(e.target.value)} data-testid="profile-name" />
          )}
        </Field>
        {generalError(save.error, ["name"]) && (
          <p role="alert" className="text-danger text-sm">
            {generalError(save.error, ["name"])}
          </p>
        )}
        {save.isSuccess && !changed && (
          <p role="status" className="text-success text-sm" data-testid="profile-saved">
            {t("account.profile.saved")}
          </p>
        )}
        <div>
          <Button type="submit" intent="primary" disabled={save.isPending || !changed} data-testid="profile-save">
            {t("account.profile.save")}
          </Button>
        </div>
      </form>
    </Section>
  );
}

function PasswordSection() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [again, setAgain] = useState("");
  const change = useMutation({
    mutationFn: () => api.put<{ ended: number }>("/api/v1/me/password", { current_password: current, new_password: next }),
    onSuccess: () => {
      setCurrent("");
      setNext("");
      setAgain("");
      void qc.invalidateQueries({ queryKey: qk.sessions });
    },
  });
  const mismatch = again !== "" && again !== next;
  const err = change.error;
  const general = generalError(err, ["current_password", "new_password"]);
  return (
    <Section title={t("account.password.title")} description={t("account.password.help")}>
      <form
        className="flex max-w-sm flex-col gap-3"
        data-testid="password-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!mismatch) change.mutate();
        }}
      >
        {/* A password manager fills the right boxes: the account's name, then the current and the new password. */}
        <Field label={t("account.password.current")} error={fieldError(err, "current_password")}>
          {(id, d) => (
            <TextInput id={id} aria-describedby={d} type="password" autoComplete="current-password" required value={current}
              onChange={(e) => setCurrent(e.target.value)} data-testid="password-current" />
          )}
        </Field>
        <Field label={t("account.password.new")} hint={t("account.password.newHelp")} error={fieldError(err, "new_password")}>
          {(id, d) => (
            <TextInput id={id} aria-describedby={d} type="password" autoComplete="new-password" required minLength={8} value={next}
              onChange={(e) => setNext(e.target.value)} data-testid="password-new" />
          )}
        </Field>
        <Field label={t("account.password.again")} error={mismatch ? t("account.password.mismatch") : undefined}>
          {(id, d) => (
            <TextInput id={id} aria-describedby={d} type="password" autoComplete="new-password" required value={again}
              onChange={(e) => setAgain(e.target.value)} data-testid="password-again" />
          )}
        </Field>
        {general && (
          <p role="alert" className="text-danger text-sm">
            {general}
          </p>
        )}
        {change.isSuccess && (
          <p role="status" className="text-success text-sm" data-testid="password-changed">
            {t("account.password.done", { count: change.data.ended })}
          </p>
        )}
        <div>
          <Button type="submit" intent="primary" disabled={change.isPending || mismatch || !current || !next} data-testid="password-save">
            {change.isPending ? t("account.password.saving") : t("account.password.save")}
          </Button>
        </div>
      </form>
    </Section>
  );
}

function SessionsSection() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const { signOut } = useSession();
  const date = useWorkspaceDate();
  const [confirming, setConfirming] = useState(false);
  const everywhere = useMutation({ mutationFn: () => signOut({ everywhere: true }) });
  const list = useQuery({ queryKey: qk.sessions, queryFn: () => api.get<Page<Session>>("/api/v1/me/sessions", { limit: 100 }) });
  const end = useMutation({
    mutationFn: (id: number) => api.del(`/api/v1/me/sessions/${id}`),
    onSuccess: (_, id) => qc.setQueryData<Page<Session>>(qk.sessions, (old) => old && { ...old, data: old.data.filter((s) => s.id !== id) }),
  });
  // This browser first, then the others as the server lists them (oldest first).
  const rows = [...(list.data?.data ?? [])].sort((a, b) => Number(b.current) - Number(a.current));
  return (
    <Section
      title={t("account.sessions.title")}
      description={t("account.sessions.help")}
      actions={
        confirming ? (
          <span role="alert" className="flex items-center gap-2 text-sm">
            {t("account.sessions.confirmEverywhere")}
            <Button intent="danger" data-testid="sign-out-everywhere-confirm" disabled={everywhere.isPending} onClick={() => everywhere.mutate()}>
              {t("account.sessions.signOutEverywhere")}
            </Button>
            <Button onClick={() => setConfirming(false)}>{t("account.sessions.cancel")}</Button>
          </span>
        ) : (
          <Button data-testid="sign-out-everywhere" title={t("account.sessions.signOutEverywhereHelp")} onClick={() => setConfirming(true)}>
            {t("account.sessions.signOutEverywhere")}
          </Button>
        )
      }
    >
      {(end.error ?? everywhere.error) && (
        <p role="alert" className="text-danger mb-2 text-sm">
          {((end.error ?? everywhere.error) as Error).message}
        </p>
      )}
      {list.isPending ? (
        <SkeletonRows n={2} />
      ) : list.isError ? (
        <p role="alert" className="text-danger text-sm">
          {(list.error as Error).message}
        </p>
      ) : (
        <ul className="divide-line flex flex-col divide-y" data-testid="sessions">
          {rows.map((s) => (
            <li key={s.id} data-testid="session" data-session-id={s.id} data-current={s.current} className="flex items-center gap-3 py-2">
              <Monitor size={18} aria-hidden className="text-muted shrink-0" />
              <div className="min-w-0 flex-1">
                <p className="flex items-center gap-2 text-sm font-medium">
                  <span className="truncate" title={s.user_agent}>
                    {deviceName(s.user_agent) || t("account.sessions.unknownDevice")}
                  </span>
                  {s.current && <span className="bg-accent text-accent-fg rounded px-1.5 text-xs">{t("account.sessions.current")}</span>}
                </p>
                <p className="text-muted text-xs">
                  {[
                    t("account.sessions.since", { time: date(s.created_at) }),
                    s.last_used_at ? t("account.sessions.lastUsed", { time: date(s.last_used_at) }) : "",
                    s.client_addr ? t("account.sessions.from", { addr: s.client_addr }) : "",
                  ]
                    .filter(Boolean)
                    .join(" · ")}
                </p>
              </div>
              {!s.current && (
                <Button data-testid="session-end" disabled={end.isPending && end.variables === s.id} onClick={() => end.mutate(s.id)}>
                  <span className="flex items-center gap-1">
                    <LogOut size={14} aria-hidden /> {t("account.sessions.signOut")}
                  </span>
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}
