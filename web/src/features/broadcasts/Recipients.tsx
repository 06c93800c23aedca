// Recipients: whom a broadcast went to, narrowed to one status (or to those
// who replied), fifty at a time, each linking to the contact; why one was
// skipped or failed is the server's reason, as text. The list is read
// again whenever the broadcast's numbers move.
import { useState } from "react";
import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import { Button, Section } from "../../lib/ui/form";
import { useWorkspaceDate } from "../../lib/workspaceDate";
import { useRecipients, useRecipientsFollow } from "./data";
import { Badge } from "./parts";
import { recipientStatuses, type Broadcast, type Recipient } from "./types";

const filters = ["", ...recipientStatuses, "replied"] as const;

const dot: Record<Recipient["status"], string> = {
  pending: "bg-muted",
  sent: "bg-accent",
  delivered: "bg-accent",
  read: "bg-success",
  failed: "bg-danger",
  skipped: "bg-warning",
};

export function Recipients({ b }: { b: Broadcast }) {
  const { t } = useTranslation();
  const date = useWorkspaceDate();
  const [status, setStatus] = useState("");
  const list = useRecipients(b.id, status);
  useRecipientsFollow(b);
  const rows = list.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <Section
      title={t("broadcasts.recipients.title")}
      actions={
        <label className="flex items-center gap-2 text-sm">
          <span className="text-muted">{t("broadcasts.recipients.show")}</span>
          <select value={status} onChange={(e) => setStatus(e.target.value)} data-testid="recipients-status"
            className="border-line bg-bg rounded border px-2 py-1 text-sm">
            {filters.map((f) => (
              <option key={f} value={f}>
                {f ? t(`broadcasts.recipients.status.${f}`) : t("broadcasts.recipients.all")}
              </option>
            ))}
          </select>
        </label>
      }
    >
      {list.error && <p role="alert" className="text-danger text-sm">{list.error.message}</p>}
      {list.isPending ? (
        <div aria-busy="true" className="flex flex-col gap-1">
          {Array.from({ length: 3 }, (_, i) => (
            <div key={i} className="bg-hover h-8 animate-pulse rounded" />
          ))}
        </div>
      ) : rows.length === 0 ? (
        <p className="text-muted text-sm" data-testid="recipients-empty">
          {status ? t("broadcasts.recipients.noneWith") : t("broadcasts.recipients.none")}
        </p>
      ) : (
        <table className="w-full text-sm" data-testid="recipients-table" aria-label={t("broadcasts.recipients.title")}>
          <thead className="text-muted text-left text-xs">
            <tr>
              <th className="py-1 pr-2 font-medium">{t("broadcasts.recipients.contact")}</th>
              <th className="py-1 pr-2 font-medium">{t("broadcasts.recipients.status.label")}</th>
              <th className="py-1 pr-2 font-medium">{t("broadcasts.recipients.reason")}</th>
              <th className="py-1 font-medium">{t("broadcasts.recipients.replied")}</th>
            </tr>
          </thead>
          <tbody className={list.isPlaceholderData ? "opacity-60" : ""}>
            {rows.map((r) => (
              <tr key={r.contact_id} className="border-line border-t" data-testid="recipient-row" data-status={r.status} data-contact-id={r.contact_id}>
                <td className="py-1.5 pr-2">
                  <Link to={`/contacts/${r.contact_id}`} className="text-accent hover:underline">
                    {r.contact_name || t("broadcasts.recipients.unnamed", { id: r.contact_id })}
                  </Link>
                </td>
                <td className="py-1.5 pr-2">
                  <Badge colour={dot[r.status]}>{t(`broadcasts.recipients.status.${r.status}`)}</Badge>
                </td>
                <td className="text-muted max-w-sm truncate py-1.5 pr-2 text-xs" title={r.reason}>
                  {r.reason || "—"}
                </td>
                <td className="py-1.5 text-xs">{r.replied ? (r.replied_at ? date(r.replied_at) : t("broadcasts.recipients.yes")) : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.hasNextPage && (
        <Button className="mt-2" disabled={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()} data-testid="recipients-more">
          {t("broadcasts.more")}
        </Button>
      )}
    </Section>
  );
}
