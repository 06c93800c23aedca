// StartConversation: on a contact's page, opens a conversation with them
// on a channel the agent picks, and goes to it in the inbox. It offers the
// channels the contact is known on, and those that can write first to a
// contact who never wrote (the type's addressed_by: WhatsApp and SMS by
// phone, email by address) when the contact has that phone or email; the
// server makes the identity. Such a channel the contact lacks the field
// for is shown disabled, saying why; what the server refuses (422: it
// cannot reach them; 409: another contact is known by that phone, or a
// conversation is open) is shown under the picker, in its words.
import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "react-router";
import { useTranslation } from "react-i18next";
import { MessageSquarePlus } from "lucide-react";
import { api, ApiError } from "../../lib/api";
import { useChannels, useChannelTypes, type ChannelType } from "../../lib/directory";
import { qk } from "../../lib/queryKeys";
import { Button, Select } from "../../lib/ui/form";
import type { Channel, ContactDetail, Conversation } from "../../lib/types";


/** An entry of the channel picker: why the contact can or cannot be reached there. */
export type StartOption = { channel: Channel; reach: "known" | "phone" | "email" | "noPhone" | "noEmail" };

/**
 * startOptions lists the channels a conversation with the contact may start
 * on: those it has an identity on, and those whose type reaches a contact
 * first by phone or email (disabled, noPhone or noEmail, when the contact
 * has none). Channels that reach only those who wrote first are left out.
 */
export function startOptions(contact: ContactDetail, channels: Channel[], types: ChannelType[]): StartOption[] {
  const known = new Set(contact.identities.map((i) => i.channel_id));
  const by = new Map(types.map((t) => [t.type, t.addressed_by]));
  const out: StartOption[] = [];
  for (const channel of channels) {
    if (known.has(channel.id)) {
      out.push({ channel, reach: "known" });
      continue;
    }
    const a = by.get(channel.type);
    if (a === "phone") out.push({ channel, reach: contact.phone ? "phone" : "noPhone" });
    if (a === "email") out.push({ channel, reach: contact.email ? "email" : "noEmail" });
  }
  return out;
}

export function StartConversation({ contact }: { contact: ContactDetail }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const channels = useChannels();
  const types = useChannelTypes();
  const options = startOptions(contact, channels.data?.data ?? [], types.data?.items ?? []);
  const usable = options.filter((o) => o.reach === "known" || o.reach === "phone" || o.reach === "email");
  const [picked, setPicked] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  if (channels.isPending || types.isPending) return null;
  const channelID = usable.some((o) => o.channel.id === picked) ? picked : (usable[0]?.channel.id ?? 0);
  if (contact.blocked_at) {
    return (
      <p className="text-muted mt-3 text-xs" data-testid="start-blocked">
        {t("contacts.block.startBlocked")}
      </p>
    );
  }
  if (options.length === 0) {
    return <p className="text-muted mt-3 text-xs">{t("contacts.start.none")}</p>;
  }

  const start = async () => {
    setBusy(true);
    setError("");
    try {
      const c = await api.post<Conversation>("/api/v1/conversations", { contact_id: contact.id, channel_id: channelID });
      void qc.invalidateQueries({ queryKey: qk.conversations });
      // Its identities too: the server may have made one.
      void qc.invalidateQueries({ queryKey: qk.contact(contact.id) });
      void navigate(`/inbox/all/${c.id}`);
    } catch (e) {
      const msg = (e as Error).message;
      // The server names the picker's field before its reason: the reason alone reads better under it.
      setError(e instanceof ApiError && e.field ? msg.replace(`${e.field}: `, "") : msg);
    } finally {
      setBusy(false);
    }
  };
  const label = (o: StartOption) =>
    t(`contacts.start.reach.${o.reach}`, { name: o.channel.name, type: o.channel.type, phone: contact.phone, email: contact.email });
  return (
    <form
      className="mt-3 flex flex-col gap-2"
      data-testid="start-conversation"
      onSubmit={(e) => {
        e.preventDefault();
        void start();
      }}
    >
      <div className="flex gap-2">
        <Select aria-label={t("contacts.start.channel")} data-testid="start-channel" className="min-w-0 flex-1" value={channelID}
          onChange={(e) => {
            setPicked(Number(e.target.value));
            setError("");
          }}>
          {options.map((o) => (
            <option key={o.channel.id} value={o.channel.id} disabled={o.reach === "noPhone" || o.reach === "noEmail"}>
              {label(o)}
            </option>
          ))}
        </Select>
        <Button type="submit" intent="primary" data-testid="start-submit" disabled={busy || channelID === 0}>
          <span className="flex items-center gap-1">
            <MessageSquarePlus size={14} aria-hidden /> {t("contacts.start.action")}
          </span>
        </Button>
      </div>
      {error && (
        <p role="alert" className="text-danger text-sm" data-testid="start-error">
          {error}
        </p>
      )}
    </form>
  );
}
