// ContactBroadcasts: the broadcasts the contact received, in the inbox's
// contact panel. A broadcast's message is in no conversation, so the
// conversation an answer opens starts with the answer: this is where the
// agent reads what it answers. Nothing shows for a contact who received
// none.
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, type Page } from "../../../lib/api";
import type { components } from "../../../lib/api-types";
import { useMe } from "../../../lib/session";
import { qk } from "../../../lib/queryKeys";
import { PanelSection } from "./PanelSection";

type Received = components["schemas"]["BroadcastReceived"];

/** shown is how many the panel lists: the latest are the ones an answer is about. */
const shown = 3;

export function ContactBroadcasts({ contactID }: { contactID: number }) {
  const { t, i18n } = useTranslation();
  const tz = useMe().workspace.timezone || undefined;
  const list = useQuery({
    queryKey: qk.contactBroadcasts(contactID),
    queryFn: () => api.get<Page<Received>>(`/api/v1/contacts/${contactID}/broadcasts`),
  }).data?.data;
  if (!list?.length) return null;
  const when = new Intl.DateTimeFormat(i18n.language, { timeZone: tz, dateStyle: "short", timeStyle: "short" });
  return (
    <PanelSection title={t("contact.broadcasts")}>
      <ul className="flex flex-col gap-2" data-testid="contact-broadcasts">
        {list.slice(0, shown).map((b) => (
          <li key={b.message_id} className="text-sm">
            <span className="flex items-center justify-between gap-2">
              <span className="truncate font-medium">{b.name}</span>
              <span className="text-muted shrink-0 text-xs">{when.format(new Date(b.sent_at))}</span>
            </span>
            <span className="text-muted line-clamp-2 text-xs">{b.text}</span>
          </li>
        ))}
      </ul>
    </PanelSection>
  );
}
