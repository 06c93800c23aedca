// The settings component of each channel type. A type that is not listed
// gets the generic form drawn from its schema (GenericChannelSettings:
// webhook URL, token, fields with secrets, test connection, connect); a
// type that needs more adds its own component with one line.
import type { ComponentType } from "react";
import type { Channel } from "../../../lib/types";
import CustomChannelSettings from "./CustomChannelSettings";
import WidgetSettings from "./widget/WidgetSettings";

export interface ChannelSettingsProps {
  channel: Channel;
  /** The channel's webhook token when it was just made (create), else "". */
  freshToken: string;
}

export const channelSettings: Record<string, ComponentType<ChannelSettingsProps>> = {
  custom: CustomChannelSettings,
  widget: ({ channel }) => <WidgetSettings channel={channel} />,
};
