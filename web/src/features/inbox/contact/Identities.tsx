// The contact's identities, one per account they wrote from. A merged
// contact may have two on one channel (two numbers on one WhatsApp line):
// the one this conversation's replies go to is then marked, chosen as the
// server chooses it (contact.IdentityOf): the identity the contact last
// wrote from in the conversation, else their newest on the channel.
import { useTranslation } from "react-i18next";
import { Reply } from "lucide-react";
import type { components } from "../../../lib/api-types";
import type { Conversation } from "../../../lib/types";
import { useChannels } from "../../../lib/directory";

type Identity = components["schemas"]["ContactIdentity"];

/** replyIdentity is the id of the identity replies in conv go to, when the contact has several on its channel. */
export function replyIdentity(identities: Identity[], conv: Pick<Conversation, "channel_id" | "contact_external_id"> | undefined): number | undefined {
  if (!conv?.channel_id) return undefined;
  const on = identities.filter((i) => i.channel_id === conv.channel_id);
  if (on.length < 2) return undefined;
  const last = on.find((i) => i.external_id === conv.contact_external_id);
  return (last ?? on.reduce((a, b) => (b.id > a.id ? b : a))).id;
}

export function Identities({ identities, conversation }: { identities: Identity[]; conversation: Conversation | undefined }) {
  const { t } = useTranslation();
  const channels = useChannels();
  const replyTo = replyIdentity(identities, conversation);
  return (
    <ul className="flex flex-col gap-1 text-sm">
      {identities.map((i) => (
        <li key={i.id} className="flex min-w-0 flex-col" data-testid={i.id === replyTo ? "reply-identity" : undefined}>
          <span className="text-muted truncate text-xs">{channels.data?.data.find((ch) => ch.id === i.channel_id)?.name ?? "#" + i.channel_id}</span>
          <span className="flex min-w-0 items-center gap-1.5">
            <span className="truncate font-mono text-xs">{i.external_id}</span>
            {i.id === replyTo && (
              <span
                title={t("contact.repliesHereHelp")}
                className="bg-accent/10 text-accent inline-flex shrink-0 items-center gap-0.5 rounded-full px-1.5 py-px text-[11px] font-medium"
              >
                <Reply size={11} aria-hidden="true" />
                {t("contact.repliesHere")}
              </span>
            )}
          </span>
        </li>
      ))}
    </ul>
  );
}
