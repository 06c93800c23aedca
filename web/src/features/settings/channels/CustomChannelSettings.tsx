// CustomChannelSettings: a custom channel's inbound webhook URLs, its
// token (masked; copy; rotate — the new token is shown this once), its
// outbound base URL, and Test connection, which sends the integrator a
// probe and shows its answer.
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Copy, Eye, EyeOff } from "lucide-react";
import { api } from "../../../lib/api";
import { qk } from "../../../lib/queryKeys";
import { Button, Field, TextInput } from "../../../lib/ui/form";
import { useToast } from "../../../lib/ui/toast";
import type { components } from "../../../lib/api-types";
import type { Channel } from "../../../lib/types";
import { fieldError, generalError } from "../workspace/common";
import type { ChannelSettingsProps } from "./registry";

type Probe = components["schemas"]["ChannelProbeResult"];

function baseURLOf(ch: Channel): string {
  const cfg = ch.config as { base_url?: string } | null;
  return cfg?.base_url ?? "";
}

export default function CustomChannelSettings({ channel, freshToken }: ChannelSettingsProps) {
  const { t } = useTranslation();
  const origin = window.location.origin;
  return (
    <div className="flex flex-col gap-4" data-testid="custom-channel" data-channel-id={channel.id}>
      <div>
        <h3 className="mb-1 text-sm font-medium">{t("channelsSettings.custom.webhooks")}</h3>
        <p className="text-muted mb-2 text-xs">{t("channelsSettings.custom.webhooksHint")}</p>
        <CopyLine label={t("channelsSettings.custom.webhookURL")} value={`${origin}/channels/custom/${channel.id}/webhook`} testid="webhook-url" />
        <CopyLine label={t("channelsSettings.custom.respondURL")} value={`${origin}/custom/channel/webhook`} />
      </div>
      <TokenRow channel={channel} freshToken={freshToken} />
      <BaseURLForm channel={channel} />
      <TestConnection channel={channel} />
    </div>
  );
}

export function CopyLine({ label, value, testid, display }: { label: string; value: string; testid?: string; display?: string }) {
  const { t } = useTranslation();
  const toast = useToast();
  return (
    <div className="mb-1 flex items-center gap-2">
      <span className="text-muted w-40 shrink-0 text-xs">{label}</span>
      <code className="bg-panel border-line min-w-0 flex-1 truncate rounded border px-2 py-1 text-xs" data-testid={testid}>
        {display ?? value}
      </code>
      <button
        type="button"
        className="hover:bg-hover rounded p-1"
        aria-label={t("channelsSettings.custom.copy", { what: label })}
        onClick={() => {
          navigator.clipboard?.writeText(value).then(
            () => toast(t("channelsSettings.custom.copied"), "info"),
            () => toast(t("channelsSettings.custom.copyFailed")),
          );
        }}
      >
        <Copy size={14} aria-hidden="true" />
      </button>
    </div>
  );
}

export function TokenRow({ channel, freshToken }: { channel: Channel; freshToken: string }) {
  const { t } = useTranslation();
  const toast = useToast();
  const qc = useQueryClient();
  const [token, setToken] = useState(freshToken);
  const [shown, setShown] = useState(false);
  const [asking, setAsking] = useState(false);
  const rotate = useMutation({
    mutationFn: () => api.post<Channel & { token: string }>(`/api/v1/channels/${channel.id}/rotate-token`),
    onSuccess: (c) => {
      setToken(c.token);
      setShown(false);
      qc.invalidateQueries({ queryKey: qk.channels });
      toast(t("channelsSettings.custom.rotated"), "info");
    },
    onError: (e) => toast(t("workspaceSettings.common.failed", { message: e.message })),
  });
  const hint = channel.secrets?.token ?? "";
  const masked = token ? "•".repeat(24) + token.slice(-4) : "•".repeat(24) + hint.replace(/^…/, "");
  return (
    <div>
      <h3 className="mb-1 text-sm font-medium">{t("channelsSettings.custom.token")}</h3>
      <div className="flex items-center gap-2">
        <code className="bg-panel border-line min-w-0 flex-1 truncate rounded border px-2 py-1 text-xs" data-testid="channel-token" data-token-hint={token ? token.slice(-4) : hint}>
          {token && shown ? token : masked}
        </code>
        {token && (
          <>
            <button type="button" className="hover:bg-hover rounded p-1" aria-label={shown ? t("channelsSettings.custom.hide") : t("channelsSettings.custom.show")} onClick={() => setShown(!shown)}>
              {shown ? <EyeOff size={14} aria-hidden="true" /> : <Eye size={14} aria-hidden="true" />}
            </button>
            <button
              type="button"
              className="hover:bg-hover rounded p-1"
              aria-label={t("channelsSettings.custom.copy", { what: t("channelsSettings.custom.token") })}
              onClick={() =>
                navigator.clipboard?.writeText(token).then(
                  () => toast(t("channelsSettings.custom.copied"), "info"),
                  () => toast(t("channelsSettings.custom.copyFailed")),
                )
              }
            >
              <Copy size={14} aria-hidden="true" />
            </button>
          </>
        )}
        {asking ? (
          <span className="flex items-center gap-2">
            <Button
              intent="danger"
              data-testid="rotate-confirm"
              onClick={() => {
                setAsking(false);
                rotate.mutate();
              }}
            >
              {t("channelsSettings.custom.rotateConfirm")}
            </Button>
            <Button onClick={() => setAsking(false)}>{t("workspaceSettings.common.cancel")}</Button>
          </span>
        ) : (
          <Button onClick={() => setAsking(true)} disabled={rotate.isPending} data-testid="rotate-token">
            {t("channelsSettings.custom.rotate")}
          </Button>
        )}
      </div>
      <p className="text-muted mt-1 text-xs">{token ? t("channelsSettings.custom.tokenOnce") : t("channelsSettings.custom.tokenHidden")}</p>
      {asking && <p className="text-warning mt-1 text-xs">{t("channelsSettings.custom.rotateWarning")}</p>}
    </div>
  );
}

function BaseURLForm({ channel }: { channel: Channel }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [url, setURL] = useState(baseURLOf(channel));
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: () => api.patch<Channel>(`/api/v1/channels/${channel.id}`, { config: { base_url: url } }),
    onSuccess: () => {
      setSaved(true);
      qc.invalidateQueries({ queryKey: qk.channels });
    },
  });
  const err = save.error;
  return (
    <form
      className="flex items-end gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        setSaved(false);
        save.mutate();
      }}
    >
      <div className="flex-1">
        <Field label={t("channelsSettings.custom.baseURL")} hint={t("channelsSettings.custom.baseURLHint")} error={fieldError(err, "config.base_url") ?? generalError(err, ["config.base_url"])}>
          {(id, d) => (
            <TextInput id={id} aria-describedby={d} aria-invalid={!!fieldError(err, "config.base_url")} className="w-full" value={url} onChange={(e) => setURL(e.target.value)} data-testid="base-url" />
          )}
        </Field>
      </div>
      <Button intent="primary" type="submit" disabled={save.isPending}>
        {t("workspaceSettings.common.save")}
      </Button>
      {saved && !save.isPending && (
        <span role="status" className="text-success pb-2 text-sm">
          {t("workspaceSettings.common.saved")}
        </span>
      )}
    </form>
  );
}

export function TestConnection({ channel }: { channel: Channel }) {
  const { t } = useTranslation();
  const test = useMutation({ mutationFn: () => api.post<Probe>(`/api/v1/channels/${channel.id}/test`) });
  const r = test.data;
  return (
    <div>
      <div className="flex items-center gap-3">
        <Button onClick={() => test.mutate()} disabled={test.isPending} data-testid="test-connection">
          {test.isPending ? t("channelsSettings.custom.testing") : t("channelsSettings.custom.test")}
        </Button>
        <span className="text-muted text-xs">{t("channelsSettings.custom.testHint")}</span>
      </div>
      {test.error && (
        <p role="alert" className="text-danger mt-2 text-sm">
          {test.error.message}
        </p>
      )}
      {r && !test.isPending && (
        <div
          role="status"
          data-testid="probe-result"
          data-ok={r.ok}
          className={"mt-2 rounded border p-3 text-sm " + (r.ok ? "border-success" : "border-danger")}
        >
          <p className={"font-medium " + (r.ok ? "text-success" : "text-danger")}>
            {r.ok ? t("channelsSettings.custom.ok") : t("channelsSettings.custom.notOk")}
          </p>
          <dl className="mt-1 grid grid-cols-[8rem_1fr] gap-x-2 gap-y-1">
            <dt className="text-muted">{t("channelsSettings.custom.url")}</dt>
            <dd className="font-mono text-xs break-all">{r.url}</dd>
            {r.status > 0 && (
              <>
                <dt className="text-muted">{t("channelsSettings.custom.status")}</dt>
                <dd data-testid="probe-status">{r.status}</dd>
              </>
            )}
            <dt className="text-muted">{t("channelsSettings.custom.latency")}</dt>
            <dd>{t("channelsSettings.custom.ms", { count: r.latency_ms })}</dd>
            {r.error && (
              <>
                <dt className="text-muted">{t("channelsSettings.custom.error")}</dt>
                <dd className="text-danger" data-testid="probe-error">
                  {r.error}
                </dd>
              </>
            )}
            {r.body && (
              <>
                <dt className="text-muted">{t("channelsSettings.custom.answer")}</dt>
                <dd>
                  <pre className="bg-panel max-h-32 overflow-auto rounded p-2 text-xs whitespace-pre-wrap" data-testid="probe-body">
                    {r.body}
                  </pre>
                </dd>
              </>
            )}
          </dl>
        </div>
      )}
    </div>
  );
}
