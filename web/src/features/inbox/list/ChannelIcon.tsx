// A channel's type as an icon, named for screen readers and in a tooltip.
import { useTranslation } from "react-i18next";
import { Mail, MessageCircle, MessageCircleMore, MessageSquare, Phone, PhoneCall, Send, Smartphone, Webhook, Radio } from "lucide-react";
import type { LucideIcon } from "lucide-react";

const icons: Record<string, LucideIcon> = {
  custom: Webhook,
  whatsapp: MessageCircle,
  telegram: Send,
  line: MessageCircleMore,
  email: Mail,
  sms: Smartphone,
  voice: Phone,
  webchat: MessageSquare,
  messenger: MessageSquare,
  viber: PhoneCall, // Viber's mark is a phone in a speech bubble
};

/** channelIcon is a channel type's icon alone (for a place that names the channel itself). */
export function channelIcon(type?: string): LucideIcon {
  return (type && icons[type]) || Radio;
}

export function ChannelIcon({ type, name, size = 13 }: { type?: string; name?: string; size?: number }) {
  const { t } = useTranslation();
  const Icon = channelIcon(type);
  const label = name ? t("inbox.row.channel", { name }) : t("inbox.row.unknownChannel");
  return (
    <span className="text-muted flex shrink-0 items-center" title={label}>
      <Icon size={size} aria-hidden="true" />
      <span className="sr-only">{label}</span>
    </span>
  );
}
