// WidgetSettings: the website chat widget's settings — who may embed it,
// how it looks — created or updated through the channels API, with the
// server's field errors under each control and the <script> tag to paste.
// The channels page mounts it: <WidgetSettings /> to create a widget
// channel, <WidgetSettings channel={c} /> to edit one (c.type === "widget").
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useQueryClient } from "@tanstack/react-query";
import { api, ApiError } from "../../../../lib/api";
import { qk } from "../../../../lib/queryKeys";
import type { Channel } from "../../../../lib/types";
import { Button, Field, Select, TextInput } from "../../../../lib/ui/form";
import { useToast } from "../../../../lib/ui/toast";

/** WidgetConfig is a widget channel's configuration as the API stores it. */
export interface WidgetConfig {
  allowed_origins: string[];
  color: string;
  greeting: string;
  /** Shown under the panel's title while nobody of the team is online; empty: the widget's own words. */
  away_message: string;
  position: "left" | "right";
  pre_chat_form: boolean;
}

const defaults: WidgetConfig = { allowed_origins: [], color: "#2563eb", greeting: "", away_message: "", position: "right", pre_chat_form: false };

/** readConfig takes a channel's stored configuration, with the defaults for what is missing. */
export function readConfig(c?: Channel): WidgetConfig {
  const cfg = (c?.config ?? {}) as Partial<WidgetConfig>;
  return { ...defaults, ...cfg, allowed_origins: cfg.allowed_origins ?? [] };
}

/** embedSnippet is the tag a site pastes to embed the widget of channel id. */
export function embedSnippet(origin: string, id: number): string {
  return `<script src="${origin}/widget.js?channel=${id}" async></script>`;
}

export default function WidgetSettings({ channel, onSaved }: { channel?: Channel; onSaved?: (c: Channel) => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const initial = readConfig(channel);
  const [name, setName] = useState(channel?.name ?? "");
  const [origins, setOrigins] = useState(initial.allowed_origins.join("\n"));
  const [color, setColor] = useState(initial.color);
  const [greeting, setGreeting] = useState(initial.greeting);
  const [away, setAway] = useState(initial.away_message);
  const [position, setPosition] = useState(initial.position);
  const [preChat, setPreChat] = useState(initial.pre_chat_form);
  const [saved, setSaved] = useState<Channel | undefined>(channel);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const config: WidgetConfig = {
      allowed_origins: origins
        .split(/[\s,]+/)
        .map((o) => o.trim())
        .filter(Boolean),
      color,
      greeting,
      away_message: away,
      position,
      pre_chat_form: preChat,
    };
    try {
      const c = saved
        ? await api.patch<Channel>(`/api/v1/channels/${saved.id}`, { name, config })
        : await api.post<Channel>("/api/v1/channels", { type: "widget", name, config });
      setSaved(c);
      setOrigins(readConfig(c).allowed_origins.join("\n"));
      setColor(readConfig(c).color);
      await qc.invalidateQueries({ queryKey: qk.channels });
      toast(t("widgetSettings.saved"), "info");
      onSaved?.(c);
    } catch (err) {
      if (err instanceof ApiError) setError(err);
      else toast(t("widgetSettings.failed"));
    } finally {
      setBusy(false);
    }
  };

  const fieldError = (f: string) => error?.forField(f);
  const generalError = error && !["name", "config", "config.allowed_origins", "config.color", "config.greeting", "config.away_message", "config.position"].some((f) => error.forField(f)) ? error.message : undefined;
  const snippet = saved ? embedSnippet(window.location.origin, saved.id) : "";

  return (
    <form onSubmit={submit} className="flex max-w-xl flex-col gap-4" data-testid="widget-settings" noValidate>
      <Field label={t("widgetSettings.name")} error={fieldError("name")}>
        {(id, d) => <TextInput id={id} aria-describedby={d} aria-invalid={!!fieldError("name")} value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <Field label={t("widgetSettings.origins")} hint={t("widgetSettings.originsHint")} error={fieldError("config.allowed_origins") ?? fieldError("config")}>
        {(id, d) => (
          <textarea
            id={id}
            aria-describedby={d}
            aria-invalid={!!fieldError("config.allowed_origins")}
            rows={3}
            className="border-line bg-bg aria-[invalid=true]:border-danger rounded border px-2 py-1.5 font-mono text-sm"
            placeholder="https://www.example.com"
            value={origins}
            onChange={(e) => setOrigins(e.target.value)}
            data-testid="widget-origins"
          />
        )}
      </Field>
      <div className="flex gap-4">
        <Field label={t("widgetSettings.color")} error={fieldError("config.color")}>
          {(id, d) => (
            <div className="flex items-center gap-2">
              <input type="color" aria-label={t("widgetSettings.colorPicker")} value={/^#[0-9a-f]{6}$/i.test(color) ? color : "#2563eb"} onChange={(e) => setColor(e.target.value)} className="border-line h-8 w-10 rounded border" />
              <TextInput id={id} aria-describedby={d} aria-invalid={!!fieldError("config.color")} value={color} onChange={(e) => setColor(e.target.value)} className="w-28 font-mono" />
            </div>
          )}
        </Field>
        <Field label={t("widgetSettings.position")} error={fieldError("config.position")}>
          {(id, d) => (
            <Select id={id} aria-describedby={d} value={position} onChange={(e) => setPosition(e.target.value as WidgetConfig["position"])}>
              <option value="right">{t("widgetSettings.right")}</option>
              <option value="left">{t("widgetSettings.left")}</option>
            </Select>
          )}
        </Field>
      </div>
      <Field label={t("widgetSettings.greeting")} hint={t("widgetSettings.greetingHint")} error={fieldError("config.greeting")}>
        {(id, d) => (
          <textarea
            id={id}
            aria-describedby={d}
            aria-invalid={!!fieldError("config.greeting")}
            rows={2}
            className="border-line bg-bg aria-[invalid=true]:border-danger rounded border px-2 py-1.5 text-sm"
            value={greeting}
            onChange={(e) => setGreeting(e.target.value)}
          />
        )}
      </Field>
      <Field label={t("widgetSettings.away")} hint={t("widgetSettings.awayHint")} error={fieldError("config.away_message")}>
        {(id, d) => (
          <TextInput
            id={id}
            aria-describedby={d}
            aria-invalid={!!fieldError("config.away_message")}
            placeholder={t("widgetSettings.awayPlaceholder")}
            value={away}
            onChange={(e) => setAway(e.target.value)}
          />
        )}
      </Field>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={preChat} onChange={(e) => setPreChat(e.target.checked)} />
        {t("widgetSettings.preChat")}
      </label>
      {generalError && (
        <p role="alert" className="text-danger text-sm">
          {generalError}
        </p>
      )}
      <div>
        <Button intent="primary" type="submit" disabled={busy} data-testid="widget-save">
          {saved ? t("widgetSettings.save") : t("widgetSettings.create")}
        </Button>
      </div>
      {saved && (
        <div className="flex flex-col gap-1" data-testid="widget-embed">
          <span className="text-sm font-medium">{t("widgetSettings.embed")}</span>
          <p className="text-muted text-xs">{t("widgetSettings.embedHint")}</p>
          <div className="flex items-start gap-2">
            <code className="bg-subtle flex-1 rounded px-2 py-1.5 text-xs break-all">{snippet}</code>
            <Button onClick={() => void navigator.clipboard?.writeText(snippet).then(() => toast(t("widgetSettings.copied"), "info"))}>{t("widgetSettings.copy")}</Button>
          </div>
        </div>
      )}
    </form>
  );
}
