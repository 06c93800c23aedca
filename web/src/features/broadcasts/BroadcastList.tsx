// BroadcastList (/broadcasts): every broadcast of the workspace, newest
// first, with its channel, status, when it went and how it was received;
// with none yet, what a broadcast is and the button to write the first.
import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import { Megaphone, Plus } from "lucide-react";
import { useChannels } from "../../lib/directory";
import { Button } from "../../lib/ui/form";
import { useBroadcastList } from "./data";
import { StatusBadge, useWhen } from "./parts";
import { percent, reached, type Broadcast } from "./types";

const newButton = "bg-accent text-accent-fg inline-flex items-center gap-1 rounded px-3 py-1.5 text-sm font-medium hover:opacity-90";
const cols = "grid grid-cols-[minmax(0,1.6fr)_minmax(0,1.1fr)_6.5rem_minmax(0,1.4fr)_5.5rem_minmax(17rem,2fr)] items-center gap-3";

export function BroadcastList() {
  const { t } = useTranslation();
  const list = useBroadcastList();
  const rows = list.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <div className="mx-auto max-w-6xl p-6" data-testid="broadcasts-list">
      <header className="mb-4 flex items-center gap-3">
        <div className="flex-1">
          <h1 className="text-xl font-semibold">{t("broadcasts.title")}</h1>
          <p className="text-muted text-sm">{t("broadcasts.intro")}</p>
        </div>
        {rows.length > 0 && (
          <Link to="/broadcasts/new" className={newButton} data-testid="broadcast-new">
            <Plus size={14} aria-hidden="true" /> {t("broadcasts.new")}
          </Link>
        )}
      </header>
      {list.error && (
        <p role="alert" className="text-danger mb-3 text-sm">
          {list.error.message}
        </p>
      )}
      {list.isPending ? (
        <div aria-busy="true" className="flex flex-col gap-2">
          {Array.from({ length: 4 }, (_, i) => (
            <div key={i} className="bg-hover h-12 animate-pulse rounded" />
          ))}
        </div>
      ) : rows.length === 0 ? (
        !list.error && <Empty />
      ) : (
        <div className="border-line rounded-lg border" role="table" aria-label={t("broadcasts.title")}>
          <div role="row" className={cols + " border-line text-muted border-b px-4 py-2 text-xs font-semibold uppercase"}>
            <span role="columnheader">{t("broadcasts.col.name")}</span>
            <span role="columnheader">{t("broadcasts.col.channel")}</span>
            <span role="columnheader">{t("broadcasts.col.status")}</span>
            <span role="columnheader">{t("broadcasts.col.when")}</span>
            <span role="columnheader" className="text-right">
              {t("broadcasts.col.recipients")}
            </span>
            <span role="columnheader">{t("broadcasts.col.received")}</span>
          </div>
          {rows.map((b) => (
            <Row key={b.id} b={b} />
          ))}
        </div>
      )}
      {list.hasNextPage && (
        <Button className="mt-3" disabled={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()} data-testid="broadcasts-more">
          {t("broadcasts.more")}
        </Button>
      )}
    </div>
  );
}

function Row({ b }: { b: Broadcast }) {
  const { t } = useTranslation();
  const when = useWhen();
  const channels = useChannels().data?.data ?? [];
  const channel = channels.find((c) => c.id === b.channel_id);
  const s = b.stats;
  const r = reached(s);
  // Before it goes there is nothing received to summarise.
  const went = b.status !== "draft" && b.status !== "scheduled" && s.recipients > 0;
  return (
    <div role="row" data-testid="broadcast-row" data-broadcast-id={b.id} className={cols + " border-line hover:bg-hover border-b px-4 py-2.5 text-sm last:border-b-0"}>
      <span role="cell" className="min-w-0">
        <Link to={`/broadcasts/${b.id}`} className="block truncate font-medium hover:underline">
          {b.name || t("broadcasts.untitled")}
        </Link>
      </span>
      <span role="cell" className="text-muted truncate" title={channel?.name}>
        {channel?.name ?? "—"}
      </span>
      <span role="cell">
        <StatusBadge status={b.status} />
      </span>
      <span role="cell" className="text-muted truncate text-xs">
        {when(b)}
      </span>
      <span role="cell" className="text-right tabular-nums" data-testid="broadcast-recipients">
        {b.status === "draft" || b.status === "scheduled" ? "—" : s.recipients}
      </span>
      <span role="cell" className="text-muted truncate text-xs tabular-nums" data-testid="broadcast-summary">
        {went
          ? t("broadcasts.summary", {
              delivered: percent(r.delivered, s.recipients),
              read: percent(r.read, s.recipients),
              replied: percent(s.replied, s.recipients),
            })
          : "—"}
      </span>
    </div>
  );
}

function Empty() {
  const { t } = useTranslation();
  return (
    <div className="border-line flex flex-col items-center rounded-lg border border-dashed px-6 py-12 text-center" data-testid="broadcasts-empty">
      <Megaphone size={28} aria-hidden="true" className="text-muted mb-3" />
      <h2 className="text-base font-semibold">{t("broadcasts.empty.title")}</h2>
      <p className="text-muted mt-1 max-w-lg text-sm">{t("broadcasts.empty.body")}</p>
      <p className="text-muted mt-1 max-w-lg text-sm">{t("broadcasts.empty.window")}</p>
      <Link to="/broadcasts/new" className={newButton + " mt-4"} data-testid="broadcast-new">
        <Plus size={14} aria-hidden="true" /> {t("broadcasts.new")}
      </Link>
    </div>
  );
}
