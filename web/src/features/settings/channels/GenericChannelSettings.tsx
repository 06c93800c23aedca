// GenericChannelSettings: the settings of a channel whose type has no
// component of its own (registry.tsx), drawn from the type's schema
// (GET /api/v1/channel-types): the webhook URL to paste into the
// provider (with copy), the webhook token when the type has one, a form
// of the configuration's fields (a secret shown as set, with Replace),
// what the provider said when the channel was registered with it, Test
// connection when the type has one, its message templates with Sync when
// it has templates, and Connect again when it connects.
import { useState, type ReactNode } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../../../lib/api";
import { qk } from "../../../lib/queryKeys";
import { Button, Field, Select, TextInput } from "../../../lib/ui/form";
import type { components } from "../../../lib/api-types";
import type { Channel } from "../../../lib/types";
import { fieldError, generalError } from "../workspace/common";
import { ChannelTemplates } from "./ChannelTemplates";
import { CopyLine, TestConnection, TokenRow } from "./CustomChannelSettings";
import type { ChannelSettingsProps } from "./registry";
import { useChannelTypes, type ChannelType } from "../../../lib/directory";


type SchemaField = components["schemas"]["ChannelField"];
type Connection = components["schemas"]["ChannelConnection"];


/** absoluteURL makes a webhook path (a node without --public-url) absolute on this origin. */
export function absoluteURL(u: string | undefined): string {
  if (!u) return "";
  return u.startsWith("/") ? window.location.origin + u : u;
}

/** The value of a field as the form edits it: text, or a boolean. */
type Value = string | boolean;

/** initialValues reads a channel's public configuration into the form's values. */
export function initialValues(fields: SchemaField[], config: unknown): Record<string, Value> {
  const cfg = (config && typeof config === "object" ? config : {}) as Record<string, unknown>;
  const out: Record<string, Value> = {};
  for (const f of fields) {
    if (f.generated || f.secret) continue;
    const v = cfg[f.name];
    if (f.type === "boolean") out[f.name] = v === true;
    else if (f.type === "string_list") out[f.name] = Array.isArray(v) ? v.join("\n") : "";
    else out[f.name] = v === undefined || v === null ? "" : String(v);
  }
  return out;
}

/** configOf turns the form's values into the configuration to send: secrets only when replaced. */
export function configOf(fields: SchemaField[], values: Record<string, Value>, secrets: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (f.generated) continue;
    if (f.secret) {
      if (secrets[f.name]) out[f.name] = secrets[f.name];
      continue;
    }
    const v = values[f.name];
    if (f.type === "boolean") out[f.name] = v === true;
    else if (f.type === "string_list")
      out[f.name] = String(v ?? "")
        .split(/[\n,]/)
        .map((s) => s.trim())
        .filter(Boolean);
    else if (f.type === "integer") {
      if (String(v ?? "").trim() !== "") out[f.name] = Number(v);
    } else if (String(v ?? "") !== "") out[f.name] = String(v);
  }
  return out;
}

/** ConfigFields draws the inputs of a schema's fields; errors come from the server, by field. */
export function ConfigFields({
  fields,
  values,
  onValue,
  secrets,
  onSecret,
  setSecrets,
  error,
}: {
  fields: SchemaField[];
  values: Record<string, Value>;
  onValue(name: string, v: Value): void;
  secrets: Record<string, string>;
  onSecret(name: string, v: string): void;
  /** The secrets already set on the channel (its `secrets` hints); none on create. */
  setSecrets?: Record<string, string>;
  error: unknown;
}) {
  const { t } = useTranslation();
  const [replacing, setReplacing] = useState<Record<string, boolean>>({});
  return (
    <>
      {fields
        .filter((f) => !f.generated)
        .map((f) => {
          const err = fieldError(error, "config." + f.name);
          const label = (f.title || f.name) + (f.required ? " *" : "");
          const isSet = !!setSecrets?.[f.name];
          let input: (id: string, d?: string) => ReactNode;
          if (f.secret && isSet && !replacing[f.name]) {
            input = () => (
              <span className="flex items-center gap-2" data-testid={`secret-set-${f.name}`}>
                <span className="bg-subtle rounded px-2 py-1 text-xs">{t("channelsSettings.generic.secretSet")}</span>
                <Button onClick={() => setReplacing((r) => ({ ...r, [f.name]: true }))} data-testid={`secret-replace-${f.name}`}>
                  {t("channelsSettings.generic.replace")}
                </Button>
              </span>
            );
          } else if (f.type === "boolean") {
            input = (id, d) => (
              <input
                id={id}
                type="checkbox"
                aria-describedby={d}
                data-testid={`field-${f.name}`}
                checked={values[f.name] === true}
                onChange={(e) => onValue(f.name, e.target.checked)}
                className="h-4 w-4"
              />
            );
          } else if (f.options?.length) {
            // The values it may take; the first choice, empty, leaves the
            // type's default (the hint names it).
            input = (id, d) => (
              <Select
                id={id}
                aria-describedby={d}
                aria-invalid={!!err}
                data-testid={`field-${f.name}`}
                className="w-full"
                value={String(values[f.name] ?? "")}
                onChange={(e) => onValue(f.name, e.target.value)}
              >
                <option value="">{t("channelsSettings.generic.default")}</option>
                {(f.options ?? []).map((o) => (
                  <option key={o} value={o}>
                    {t(`channelsSettings.option.${f.name}.${o}`, { defaultValue: o })}
                  </option>
                ))}
              </Select>
            );
          } else if (f.type === "string_list" || f.type === "text") {
            // text: several lines kept as typed (a certificate's PEM), in
            // a fixed-width font so its lines read as they were pasted.
            const text = f.type === "text";
            input = (id, d) => (
              <textarea
                id={id}
                aria-describedby={d}
                aria-invalid={!!err}
                data-testid={`field-${f.name}`}
                rows={text ? 6 : 3}
                maxLength={f.max_length || undefined}
                spellCheck={text ? false : undefined}
                value={String(values[f.name] ?? "")}
                onChange={(e) => onValue(f.name, e.target.value)}
                className={"border-line bg-bg w-full rounded-md border px-2 py-1 " + (text ? "font-mono text-xs" : "text-sm")}
              />
            );
          } else {
            input = (id, d) => (
              <TextInput
                id={id}
                aria-describedby={d}
                aria-invalid={!!err}
                data-testid={`field-${f.name}`}
                className="w-full"
                type={f.secret ? "password" : f.type === "integer" ? "number" : f.type === "url" ? "url" : "text"}
                autoComplete={f.secret ? "new-password" : "off"}
                placeholder={f.type === "url" ? "https://" : undefined}
                maxLength={f.max_length || undefined}
                value={f.secret ? (secrets[f.name] ?? "") : String(values[f.name] ?? "")}
                onChange={(e) => (f.secret ? onSecret(f.name, e.target.value) : onValue(f.name, e.target.value))}
              />
            );
          }
          return (
            <Field
              key={f.name}
              label={label}
              hint={f.description || (f.type === "string_list" ? t("channelsSettings.generic.listHint") : undefined)}
              error={err}
              className={f.type === "text" ? "col-span-2" : undefined}
            >
              {input}
            </Field>
          );
        })}
    </>
  );
}

/**
 * ConnectionResult says what the provider answered when the channel was
 * registered with it, and, for a type with templates, whether they were
 * read then.
 */
export function ConnectionResult({ c }: { c?: Connection | null }) {
  const { t } = useTranslation();
  if (!c) return null;
  return (
    <>
      <p role={c.ok ? "status" : "alert"} data-testid="connection-result" data-ok={c.ok} className={"text-sm " + (c.ok ? "text-success" : "text-danger")}>
        {c.ok ? t("channelsSettings.generic.connected") : t("channelsSettings.generic.notConnected", { error: c.error ?? "" })}
        {c.templates != null && " " + t("channelsSettings.templates.synced", { count: c.templates })}
      </p>
      {c.templates_error && (
        <p role="alert" data-testid="connection-templates-error" className="text-danger text-sm">
          {t("channelsSettings.generic.templatesNotSynced", { error: c.templates_error })}
        </p>
      )}
    </>
  );
}

export default function GenericChannelSettings({ channel, freshToken }: ChannelSettingsProps) {
  const { t } = useTranslation();
  const types = useChannelTypes();
  const type = types.data?.items.find((x) => x.type === channel.type);
  if (!type) return <p className="text-muted text-sm">{types.isLoading ? "" : t("channelsSettings.noSettings")}</p>;
  const hasToken = type.schema.fields.some((f) => f.generated);
  return (
    <div className="flex flex-col gap-4" data-testid="generic-channel" data-channel-id={channel.id} data-channel-type={channel.type}>
      {channel.webhook_url && (
        <div>
          <h3 className="mb-1 text-sm font-medium">{t("channelsSettings.generic.webhook")}</h3>
          <p className="text-muted mb-2 text-xs">{t("channelsSettings.generic.webhookHint")}</p>
          <CopyLine label={t("channelsSettings.generic.webhookURL")} value={absoluteURL(channel.webhook_url)} testid="webhook-url" />
        </div>
      )}
      {hasToken && <TokenRow channel={channel} freshToken={freshToken} />}
      <ConfigForm channel={channel} type={type} />
      {type.testable && <TestConnection channel={channel} />}
      {channel.templates && <ChannelTemplates channel={channel} />}
      {type.connects && <ConnectAgain channel={channel} />}
    </div>
  );
}

function ConfigForm({ channel, type }: { channel: Channel; type: ChannelType }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const fields = type.schema.fields;
  const [values, setValues] = useState(() => initialValues(fields, channel.config));
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState<Channel | null>(null);
  const save = useMutation({
    mutationFn: () => api.patch<Channel>(`/api/v1/channels/${channel.id}`, { config: configOf(fields, values, secrets) }),
    onSuccess: (c) => {
      setSaved(c);
      setSecrets({});
      qc.invalidateQueries({ queryKey: qk.channels });
    },
  });
  const err = save.error;
  const known = fields.map((f) => "config." + f.name);
  if (!fields.some((f) => !f.generated)) return null;
  return (
    <form
      className="flex flex-col gap-3"
      data-testid="channel-config"
      onSubmit={(e) => {
        e.preventDefault();
        setSaved(null);
        save.mutate();
      }}
    >
      <ConfigFields
        fields={fields}
        values={values}
        onValue={(n, v) => setValues((all) => ({ ...all, [n]: v }))}
        secrets={secrets}
        onSecret={(n, v) => setSecrets((all) => ({ ...all, [n]: v }))}
        setSecrets={channel.secrets}
        error={err}
      />
      {generalError(err, known) && (
        <p role="alert" className="text-danger text-sm">
          {generalError(err, known)}
        </p>
      )}
      <div className="flex items-center gap-3">
        <Button intent="primary" type="submit" disabled={save.isPending} data-testid="channel-save">
          {t("workspaceSettings.common.save")}
        </Button>
        {saved && !save.isPending && (
          <span role="status" data-testid="channel-saved" className="text-success text-sm">
            {t("workspaceSettings.common.saved")}
          </span>
        )}
      </div>
      <ConnectionResult c={saved?.connection} />
    </form>
  );
}

function ConnectAgain({ channel }: { channel: Channel }) {
  const { t } = useTranslation();
  const connect = useMutation({ mutationFn: () => api.post<Connection>(`/api/v1/channels/${channel.id}/connect`) });
  return (
    <div className="flex flex-col gap-2">
      <div className="flex items-center gap-3">
        <Button onClick={() => connect.mutate()} disabled={connect.isPending} data-testid="connect-again">
          {t("channelsSettings.generic.connect")}
        </Button>
        <span className="text-muted text-xs">{t("channelsSettings.generic.connectHint")}</span>
      </div>
      {connect.error && (
        <p role="alert" className="text-danger text-sm">
          {connect.error.message}
        </p>
      )}
      <ConnectionResult c={connect.data} />
    </div>
  );
}
