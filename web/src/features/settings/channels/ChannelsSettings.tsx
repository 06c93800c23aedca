// ChannelsSettings: the workspace's channels, each with its type's own
// settings (registry.ts: the custom channel's here; a type without one
// shows its name and type only), and the forms to connect a custom channel
// or to add a website widget.
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../../../lib/api";
import { qk } from "../../../lib/queryKeys";
import { useChannels } from "../../../lib/directory";
import { Button, Field, Section, TextInput } from "../../../lib/ui/form";
import type { Channel } from "../../../lib/types";
import { fieldError, generalError, SkeletonRows } from "../workspace/common";
import { channelSettings } from "./registry";
import WidgetSettings from "./widget/WidgetSettings";

export default function ChannelsSettings() {
  const { t } = useTranslation();
  const list = useChannels();
  // Tokens of channels made on this page: shown this once, never stored.
  const [fresh, setFresh] = useState<Record<number, string>>({});
  const [widgetForms, setWidgetForms] = useState(0);
  return (
    <div data-testid="settings-channels">
      <h1 className="mb-4 text-xl font-semibold">{t("channelsSettings.title")}</h1>
      {list.isLoading ? (
        <SkeletonRows />
      ) : (
        (list.data?.data ?? []).map((ch) => {
          const Settings = channelSettings[ch.type];
          return (
            <Section key={ch.id} title={ch.name} description={t("channelsSettings.typeOf", { type: ch.type })}>
              <div data-testid="channel-card" data-channel-type={ch.type} data-channel-name={ch.name}>
                {Settings ? <Settings channel={ch} freshToken={fresh[ch.id] ?? ""} /> : <p className="text-muted text-sm">{t("channelsSettings.noSettings")}</p>}
              </div>
            </Section>
          );
        })
      )}
      <NewCustomChannel onCreated={(c) => setFresh((f) => ({ ...f, [c.id]: c.token }))} />
      <Section title={t("channelsSettings.newWidget")} description={t("channelsSettings.newWidgetHint")}>
        {/* A fresh form after each one made: the new widget is listed above. */}
        <WidgetSettings key={widgetForms} onSaved={() => setWidgetForms((n) => n + 1)} />
      </Section>
    </div>
  );
}

function NewCustomChannel({ onCreated }: { onCreated: (c: Channel & { token: string }) => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [name, setName] = useState("");
  const [url, setURL] = useState("");
  const create = useMutation({
    mutationFn: () => api.post<Channel & { token: string }>("/api/v1/channels", { type: "custom", name, config: { base_url: url } }),
    onSuccess: (c) => {
      onCreated(c);
      setName("");
      setURL("");
      qc.invalidateQueries({ queryKey: qk.channels });
    },
  });
  const err = create.error;
  const known = ["name", "config.base_url", "config"];
  return (
    <Section title={t("channelsSettings.new")} description={t("channelsSettings.newHint")}>
      <form
        className="grid grid-cols-2 gap-4"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <Field label={t("channelsSettings.name")} error={fieldError(err, "name")}>
          {(id, d) => <TextInput id={id} aria-describedby={d} aria-invalid={!!fieldError(err, "name")} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label={t("channelsSettings.custom.baseURL")} error={fieldError(err, "config.base_url") ?? fieldError(err, "config")}>
          {(id, d) => <TextInput id={id} aria-describedby={d} aria-invalid={!!fieldError(err, "config.base_url")} placeholder="https://" value={url} onChange={(e) => setURL(e.target.value)} />}
        </Field>
        {generalError(err, known) && (
          <p role="alert" className="text-danger col-span-2 text-sm">
            {generalError(err, known)}
          </p>
        )}
        <div className="col-span-2">
          <Button intent="primary" type="submit" disabled={create.isPending}>
            {t("channelsSettings.create")}
          </Button>
        </div>
      </form>
    </Section>
  );
}
