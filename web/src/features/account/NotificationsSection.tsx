// NotificationsSection (Your account): how this member hears of a mention,
// a conversation handed to them or (an owner) a webhook endpoint disabled
// — by email when they have not seen it within the server's wait (their
// account's choice, per workspace, in the language they pick), and in this
// browser by a desktop notification and a chime (this browser's choice).
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { api } from "../../lib/api";
import { chime, setSoundOn, soundOn } from "../../lib/notificationSound";
import { qk } from "../../lib/queryKeys";
import { useMe } from "../../lib/session";
import type { NotificationSettings } from "../../lib/types";
import { Button, Field, Section, Select } from "../../lib/ui/form";
import { generalError, SkeletonRows } from "../settings/workspace/common";

/** What the member chooses; the rest is the server's. */
type Choice = Omit<NotificationSettings, "mail_available" | "mail_after_seconds">;

export function NotificationsSection() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  // Only owners are told of a disabled webhook endpoint.
  const owner = useMe().role === "owner";
  const settings = useQuery({
    queryKey: qk.notificationSettings,
    queryFn: () => api.get<NotificationSettings>("/api/v1/me/notification-settings"),
  });
  // Each change shows and is saved at once, as a switch is expected to
  // be; one the server refuses is put back. One at a time (scope), so
  // that answers cannot land out of order.
  const save = useMutation({
    scope: { id: "notification-settings" },
    mutationFn: (next: Choice) => api.put<NotificationSettings>("/api/v1/me/notification-settings", next),
    onMutate: (next: Choice) => {
      const before = qc.getQueryData<NotificationSettings>(qk.notificationSettings);
      if (before) qc.setQueryData(qk.notificationSettings, { ...before, ...next });
      return before;
    },
    onError: (_e, _next, before) => qc.setQueryData(qk.notificationSettings, before),
    onSuccess: (saved) => qc.setQueryData(qk.notificationSettings, saved),
  });
  const s = settings.data;
  const change = (patch: Partial<Choice>) => {
    if (!s) return;
    save.mutate({ mail_mentions: s.mail_mentions, mail_assignments: s.mail_assignments, mail_webhooks: s.mail_webhooks, language: s.language, ...patch });
  };
  return (
    <Section title={t("account.notifications.title")} description={t("account.notifications.help")}>
      <div className="flex flex-col gap-5" data-testid="notifications-section">
        {!s ? (
          <SkeletonRows n={3} />
        ) : (
          <fieldset className="flex flex-col gap-3">
            <legend className="mb-2 text-sm font-medium">{t("account.notifications.email", { delay: delayText(s.mail_after_seconds, t) })}</legend>
            {!s.mail_available && (
              <p className="bg-subtle text-muted rounded px-3 py-2 text-sm" data-testid="notifications-no-mail">
                {t("account.notifications.noMail")}
              </p>
            )}
            <Toggle checked={s.mail_mentions} onChange={(v) => change({ mail_mentions: v })} testid="mail-mentions"
              label={t("account.notifications.mentions")} hint={t("account.notifications.mentionsHint")} />
            <Toggle checked={s.mail_assignments} onChange={(v) => change({ mail_assignments: v })} testid="mail-assignments"
              label={t("account.notifications.assignments")} hint={t("account.notifications.assignmentsHint")} />
            {owner && (
              <Toggle checked={s.mail_webhooks} onChange={(v) => change({ mail_webhooks: v })} testid="mail-webhooks"
                label={t("account.notifications.webhooks")} hint={t("account.notifications.webhooksHint")} />
            )}
            <div className="max-w-xs">
              <Field label={t("account.notifications.language")}>
                {(id, d) => (
                  <Select id={id} aria-describedby={d} value={s.language} onChange={(e) => change({ language: e.target.value })}
                    data-testid="mail-language">
                    <option value="en">English</option>
                    <option value="fr">Français</option>
                  </Select>
                )}
              </Field>
            </div>
            {save.isSuccess && (
              <p role="status" className="text-success text-sm" data-testid="notifications-saved">
                {t("account.notifications.saved")}
              </p>
            )}
            {generalError(save.error, []) && (
              <p role="alert" className="text-danger text-sm">
                {generalError(save.error, [])}
              </p>
            )}
          </fieldset>
        )}
        <BrowserNotifications />
      </div>
    </Section>
  );
}

/** delayText is the server's wait before a mail, in minutes (or seconds under one). */
function delayText(seconds: number, t: TFunction): string {
  const wait = seconds > 0 ? seconds : 600; // a server that mails none: the default it would use
  return wait < 60
    ? t("account.notifications.delaySeconds", { count: wait })
    : t("account.notifications.delayMinutes", { count: Math.round(wait / 60) });
}

function Toggle({ checked, onChange, label, hint, testid }: { checked: boolean; onChange: (v: boolean) => void; label: string; hint: string; testid: string }) {
  return (
    <label className="flex items-start gap-2 text-sm">
      <input type="checkbox" className="mt-0.5" checked={checked} onChange={(e) => onChange(e.target.checked)} data-testid={testid} />
      <span>
        {label}
        <span className="text-muted block">{hint}</span>
      </span>
    </label>
  );
}

/** This browser's own: desktop notifications (the browser's permission)
 * and the chime. */
function BrowserNotifications() {
  const { t } = useTranslation();
  const supported = "Notification" in window;
  const [permission, setPermission] = useState(supported ? window.Notification.permission : "denied");
  const [sound, setSound] = useState(soundOn);
  const state = !supported ? "unsupported" : permission;
  return (
    <fieldset className="border-line flex flex-col gap-3 border-t pt-4">
      <legend className="sr-only">{t("account.notifications.browser")}</legend>
      <p className="text-sm font-medium">{t("account.notifications.browser")}</p>
      <div className="flex items-center gap-3 text-sm">
        <span className="flex-1">
          {t("account.notifications.desktop")}
          <span className="text-muted block" data-testid="desktop-state">
            {t(`account.notifications.desktopState.${state}`)}
          </span>
        </span>
        {state === "default" && (
          <Button onClick={() => void window.Notification.requestPermission().then(setPermission)} data-testid="desktop-allow">
            {t("account.notifications.allow")}
          </Button>
        )}
      </div>
      <div className="flex items-center gap-3">
        <Toggle
          checked={sound}
          onChange={(v) => {
            setSoundOn(v);
            setSound(v);
            if (v) chime(); // what it will sound like
          }}
          testid="notification-sound"
          label={t("account.notifications.sound")}
          hint={t("account.notifications.soundHint")}
        />
      </div>
    </fieldset>
  );
}
