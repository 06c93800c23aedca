// ChannelsSettings: the workspace's channels, each with its type's own
// settings (registry.tsx: the custom channel's, the widget's; a type
// without one gets the form drawn from its schema, GenericChannelSettings),
// and the forms to add a channel of any type or a website widget.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useChannels } from "../../../lib/directory";
import { Section } from "../../../lib/ui/form";
import { SkeletonRows } from "../workspace/common";
import GenericChannelSettings from "./GenericChannelSettings";
import { NewChannel } from "./NewChannel";
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
          // A type without its own component gets the form drawn from its schema.
          const Settings = channelSettings[ch.type] ?? GenericChannelSettings;
          return (
            <Section key={ch.id} title={ch.name} description={t("channelsSettings.typeOf", { type: ch.type })}>
              <div data-testid="channel-card" data-channel-type={ch.type} data-channel-name={ch.name}>
                <Settings channel={ch} freshToken={fresh[ch.id] ?? ""} />
              </div>
            </Section>
          );
        })
      )}
      <NewChannel onCreated={(c) => setFresh((f) => ({ ...f, [c.id]: c.token }))} />
      <Section title={t("channelsSettings.newWidget")} description={t("channelsSettings.newWidgetHint")}>
        {/* A fresh form after each one made: the new widget is listed above. */}
        <WidgetSettings key={widgetForms} onSaved={() => setWidgetForms((n) => n + 1)} />
      </Section>
    </div>
  );
}
