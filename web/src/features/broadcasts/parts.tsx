// The broadcasts' small shared pieces: a status badge (a word, not a colour
// alone), a stat card with its share of the recipients, and the line that
// says when a broadcast went or will go.
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useWorkspaceDate } from "../../lib/workspaceDate";
import { percent, type Broadcast, type BroadcastStatus } from "./types";

// The colour is a dot beside the word: tinted text on a tint of its own
// colour fell under the contrast a 12 px label needs.
const dot: Record<BroadcastStatus, string> = {
  draft: "bg-muted",
  scheduled: "bg-accent",
  sending: "bg-warning",
  sent: "bg-success",
  cancelled: "bg-danger",
};

/** Badge: a status's word with its colour as a dot. */
export function Badge({ colour, testid, status, children }: { colour: string; testid?: string; status?: string; children: ReactNode }) {
  return (
    <span data-testid={testid} data-status={status} className="border-line inline-flex items-center gap-1.5 rounded border px-1.5 py-0.5 text-xs font-medium whitespace-nowrap">
      <span aria-hidden="true" className={"h-1.5 w-1.5 shrink-0 rounded-full " + colour} />
      {children}
    </span>
  );
}

export function StatusBadge({ status }: { status: BroadcastStatus }) {
  const { t } = useTranslation();
  return (
    <Badge colour={dot[status]} testid="broadcast-status" status={status}>
      {t(`broadcasts.status.${status}`)}
    </Badge>
  );
}

/** StatCard: one of a broadcast's numbers, with its share of the recipients when it has one. */
export function StatCard({ id, label, value, of }: { id: string; label: string; value: number; of?: number }) {
  const { i18n } = useTranslation();
  const nf = new Intl.NumberFormat(i18n.language);
  return (
    <div data-testid={`stat-${id}`} data-value={value} className="border-line bg-bg min-w-0 rounded-md border px-3 py-2.5">
      <div className="text-muted truncate text-xs">{label}</div>
      <div className="mt-0.5 flex items-baseline gap-2">
        <span data-testid="stat-value" className="text-xl font-semibold tabular-nums">
          {nf.format(value)}
        </span>
        {of !== undefined && (
          <span data-testid="stat-percent" className="text-muted text-xs tabular-nums">
            {percent(value, of)} %
          </span>
        )}
      </div>
    </div>
  );
}

/** When: the time a broadcast went (or is going, or will go), as the list and its page say it. */
export function useWhen() {
  const { t } = useTranslation();
  const date = useWorkspaceDate();
  return (b: Broadcast): string => {
    if (b.status === "scheduled" && b.scheduled_at) return t("broadcasts.when.scheduled", { at: date(b.scheduled_at) });
    if (b.status === "sending" && b.started_at) return t("broadcasts.when.sending", { at: date(b.started_at) });
    if (b.status === "sent" && (b.finished_at || b.started_at)) return t("broadcasts.when.sent", { at: date(b.finished_at || b.started_at!) });
    if (b.status === "cancelled" && b.started_at) return t("broadcasts.when.cancelled", { at: date(b.started_at) });
    return t("broadcasts.when.draft", { at: date(b.updated_at) });
  };
}
