// BroadcastDetail (/broadcasts/:id): a broadcast's status, what it sends to
// whom, its numbers as cards (each a share of the recipients) and its
// recipients. While it is scheduled or sending the page asks again every
// few seconds, so the numbers move, and stops once it is sent (message
// events then say when to read it again). Edit for a
// draft; Cancel while scheduled or sending; Delete otherwise; Duplicate
// once it is no longer a draft.
import { useState } from "react";
import { Link, useNavigate } from "react-router";
import { useTranslation } from "react-i18next";
import { Copy, Pencil, Trash2, XCircle } from "lucide-react";
import { useChannels } from "../../lib/directory";
import { Button, Section } from "../../lib/ui/form";
import { Modal } from "../../lib/ui/Modal";
import { useToast } from "../../lib/ui/toast";
import { useAudienceCount, useBroadcastAction, useDeleteBroadcast, useFollowReceipts, useSaveDraft } from "./data";
import { StatCard, StatusBadge, useWhen } from "./parts";
import { Recipients } from "./Recipients";
import { Summary } from "./Summary";
import { isLive, reached, type Broadcast } from "./types";

export function BroadcastDetail({ b }: { b: Broadcast }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const toast = useToast();
  const when = useWhen();
  const channel = useChannels().data?.data.find((c) => c.id === b.channel_id);
  const action = useBroadcastAction();
  const remove = useDeleteBroadcast();
  const copy = useSaveDraft();
  const [confirm, setConfirm] = useState<"cancel" | "delete" | null>(null);
  const s = b.stats;
  const r = reached(s);
  const went = b.status === "sending" || b.status === "sent" || (b.status === "cancelled" && s.recipients > 0);
  useFollowReceipts(b.id, went && !isLive(b.status));
  // Before it goes, whom it would reach now (channel 0 asks nothing).
  const before = b.status === "draft" || b.status === "scheduled";
  const estimate = useAudienceCount(before ? b.channel_id : 0, b.audience ?? {});

  const doCancel = () =>
    action.mutate({ id: b.id, action: "cancel" }, { onSuccess: () => setConfirm(null), onError: (e) => toast(e.message) });
  // The same channel, audience and message as a new draft, to send again
  // (next month's newsletter) or to another audience.
  const doDuplicate = () =>
    copy.mutate(
      { id: 0, input: { name: t("broadcasts.copyName", { name: b.name }), channel_id: b.channel_id, audience: b.audience ?? {}, message: b.message } },
      { onSuccess: (d) => navigate(`/broadcasts/${d.id}/edit`), onError: (e) => toast(e.message) },
    );
  const doDelete = () =>
    remove.mutate(b.id, { onSuccess: () => navigate("/broadcasts"), onError: (e) => (setConfirm(null), toast(e.message)) });

  return (
    <div className="mx-auto flex max-w-6xl flex-col gap-4 p-6 [&>section]:mb-0" data-testid="broadcast-detail" data-status={b.status}>
      <Link to="/broadcasts" className="text-muted hover:text-fg self-start text-sm underline">
        {t("broadcasts.all")}
      </Link>
      <header className="flex items-start gap-3">
        <div className="min-w-0 flex-1">
          <div className="flex items-center gap-2">
            <h1 className="truncate text-xl font-semibold">{b.name || t("broadcasts.untitled")}</h1>
            <StatusBadge status={b.status} />
          </div>
          <p className="text-muted text-sm" data-testid="broadcast-when">
            {when(b)}
          </p>
        </div>
        {b.status === "draft" && (
          <Link to={`/broadcasts/${b.id}/edit`} data-testid="broadcast-edit"
            className="bg-accent text-accent-fg inline-flex items-center gap-1 rounded px-3 py-1.5 text-sm font-medium hover:opacity-90">
            <Pencil size={14} aria-hidden="true" /> {t("broadcasts.edit")}
          </Link>
        )}
        {isLive(b.status) && (
          <Button onClick={() => setConfirm("cancel")} data-testid="broadcast-cancel">
            <XCircle size={14} aria-hidden="true" className="mr-1 inline" />
            {t("broadcasts.cancelBroadcast")}
          </Button>
        )}
        {b.status !== "draft" && (
          <Button onClick={doDuplicate} disabled={copy.isPending} data-testid="broadcast-duplicate">
            <Copy size={14} aria-hidden="true" className="mr-1 inline" />
            {t("broadcasts.duplicate")}
          </Button>
        )}
        {!isLive(b.status) && (
          <Button onClick={() => setConfirm("delete")} data-testid="broadcast-delete">
            <Trash2 size={14} aria-hidden="true" className="mr-1 inline" />
            {t("broadcasts.delete")}
          </Button>
        )}
      </header>

      {went && (
        <div className="grid grid-cols-3 gap-2 xl:grid-cols-6" data-testid="broadcast-stats">
          <StatCard id="recipients" label={t("broadcasts.stats.recipients")} value={s.recipients} />
          <StatCard id="delivered" label={t("broadcasts.stats.delivered")} value={r.delivered} of={s.recipients} />
          <StatCard id="read" label={t("broadcasts.stats.read")} value={r.read} of={s.recipients} />
          <StatCard id="replied" label={t("broadcasts.stats.replied")} value={s.replied} of={s.recipients} />
          <StatCard id="failed" label={t("broadcasts.stats.failed")} value={s.failed} of={s.recipients} />
          <StatCard id="skipped" label={t("broadcasts.stats.skipped")} value={s.skipped} of={s.recipients} />
        </div>
      )}
      {went && s.pending > 0 && (
        <p className="text-muted text-sm" data-testid="broadcast-pending">
          {t("broadcasts.stats.pending", { count: s.pending })}
        </p>
      )}

      <Section title={t("broadcasts.what")}>
        <Summary b={b} channelName={channel?.name ?? "—"} estimate={before ? estimate.count : undefined} />
      </Section>

      {b.status !== "draft" && <Recipients b={b} />}

      {confirm && (
        <Modal title={confirm === "cancel" ? t("broadcasts.cancelTitle") : t("broadcasts.deleteTitle")} onClose={() => setConfirm(null)} testid="broadcast-confirm">
          <p className="mb-3 text-sm">
            {confirm === "cancel" ? (b.status === "scheduled" ? t("broadcasts.cancelScheduled") : t("broadcasts.cancelSending")) : t("broadcasts.deleteBody", { name: b.name })}
          </p>
          <div className="flex justify-end gap-2">
            <Button onClick={() => setConfirm(null)}>{t("broadcasts.keep")}</Button>
            <Button intent="danger" data-testid="broadcast-confirm-yes" disabled={action.isPending || remove.isPending}
              onClick={confirm === "cancel" ? doCancel : doDelete}>
              {confirm === "cancel" ? t("broadcasts.cancelBroadcast") : t("broadcasts.delete")}
            </Button>
          </div>
        </Modal>
      )}
    </div>
  );
}
