// BroadcastsPage: the broadcasts area, mounted at /broadcasts/* (owners and
// managers): the list, a new broadcast, a broadcast's page and its draft's
// form. A broadcast's routes read it once here and hand it down.
import type { ReactNode } from "react";
import { Link, Route, Routes, useParams } from "react-router";
import { useTranslation } from "react-i18next";
import { BroadcastDetail } from "./BroadcastDetail";
import { BroadcastForm } from "./BroadcastForm";
import { BroadcastList } from "./BroadcastList";
import { useBroadcast } from "./data";
import type { Broadcast } from "./types";

export default function BroadcastsPage() {
  return (
    <main data-testid="broadcasts" className="min-h-0 min-w-0 flex-1 overflow-y-auto">
      <Routes>
        <Route index element={<BroadcastList />} />
        <Route path="new" element={<BroadcastForm />} />
        <Route path=":broadcastID" element={<Loaded>{(b) => <BroadcastDetail b={b} />}</Loaded>} />
        <Route path=":broadcastID/edit" element={<Loaded>{(b) => <Edit b={b} />}</Loaded>} />
      </Routes>
    </main>
  );
}

/** Loaded reads the broadcast the URL names: a skeleton first, the server's word if it cannot. */
function Loaded({ children }: { children: (b: Broadcast) => ReactNode }) {
  const { t } = useTranslation();
  const id = Number(useParams().broadcastID);
  const q = useBroadcast(Number.isInteger(id) ? id : 0);
  if (q.data) return <>{children(q.data)}</>;
  if (q.error || !Number.isInteger(id)) {
    return (
      <div className="mx-auto max-w-6xl p-6">
        <p role="alert" className="text-danger text-sm">
          {q.error?.message ?? t("broadcasts.notFound")}
        </p>
        <Link to="/broadcasts" className="text-accent text-sm underline">
          {t("broadcasts.all")}
        </Link>
      </div>
    );
  }
  return (
    <div className="mx-auto flex max-w-6xl flex-col gap-3 p-6" aria-busy="true">
      <div className="bg-hover h-8 w-1/3 animate-pulse rounded" />
      <div className="bg-hover h-20 animate-pulse rounded" />
      <div className="bg-hover h-40 animate-pulse rounded" />
    </div>
  );
}

/** Edit: a draft's form; anything past a draft can no longer change. */
function Edit({ b }: { b: Broadcast }) {
  const { t } = useTranslation();
  if (b.status !== "draft") {
    return (
      <div className="mx-auto max-w-6xl p-6">
        <p className="text-sm" data-testid="broadcast-not-draft">
          {t("broadcasts.notDraft")}
        </p>
        <Link to={`/broadcasts/${b.id}`} className="text-accent text-sm underline">
          {t("broadcasts.back")}
        </Link>
      </div>
    );
  }
  return <BroadcastForm key={b.id} draft={b} />;
}
