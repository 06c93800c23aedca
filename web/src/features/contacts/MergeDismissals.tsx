// MergeDismissals: the pairs someone marked "Not a duplicate", under the
// merge suggestions, folded by default; each says who decided and when,
// and those who may decide merges can take it back ("Suggest again").
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import { api, type Page } from "../../lib/api";
import { useUsers } from "../../lib/directory";
import { qk } from "../../lib/queryKeys";
import { useToast } from "../../lib/ui/toast";
import { useWorkspaceDate } from "../../lib/workspaceDate";
import { displayName, type MergeDismissal } from "./data";

export function MergeDismissals({ mayDecide }: { mayDecide: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const formatDate = useWorkspaceDate();
  const [open, setOpen] = useState(false);
  const list = useQuery({
    queryKey: qk.mergeDismissals,
    queryFn: () => api.get<Page<MergeDismissal>>("/api/v1/contacts/merge-suggestions/dismissed"),
  });
  const users = useUsers(open);
  const restore = useMutation({
    mutationFn: (d: MergeDismissal) => api.post<void>("/api/v1/contacts/merge-suggestions/restore", { a: d.a.id, b: d.b.id }),
    onSuccess: (_r, d) => toast(t("contacts.merge.restored", { a: displayName(d.a), b: displayName(d.b) }), "info"),
    onError: (e: Error) => toast(e.message),
    // The suggestions' key is this list's prefix: both are read again.
    onSettled: () => void qc.invalidateQueries({ queryKey: qk.mergeSuggestions }),
  });
  const rows = list.data?.data ?? [];
  if (rows.length === 0) return null;
  const who = (id: number | undefined) => (id === undefined ? undefined : users.data?.data.find((u) => u.id === id)?.name);
  return (
    <section className="mt-8" data-testid="merge-dismissals">
      <div className="mb-1 flex items-center gap-2">
        <h2 className="text-base font-semibold">{t("contacts.merge.dismissed")}</h2>
        <button type="button" onClick={() => setOpen(!open)} aria-expanded={open} data-testid="merge-dismissals-toggle"
          className="text-muted hover:bg-hover hover:text-fg rounded px-2 py-0.5 text-xs">
          {open ? t("contacts.merge.hide") : t("contacts.merge.show", { count: rows.length })}
        </button>
      </div>
      <p className="text-muted mb-3 text-sm">{t("contacts.merge.dismissedHelp")}</p>
      {open && (
        <ul className="border-line divide-line divide-y rounded-lg border">
          {rows.map((d) => {
            const name = who(d.dismissed_by);
            const when = formatDate(d.dismissed_at);
            return (
              <li key={`${d.a.id}-${d.b.id}`} className="flex items-center gap-3 px-4 py-2 text-sm" data-testid="merge-dismissal">
                <Link to={`/contacts/${d.a.id}`} className="font-medium hover:underline">
                  {displayName(d.a)}
                </Link>
                <span className="text-muted">≠</span>
                <Link to={`/contacts/${d.b.id}`} className="font-medium hover:underline">
                  {displayName(d.b)}
                </Link>
                <span className="text-muted text-xs">{name ? t("contacts.merge.dismissedBy", { who: name, when }) : when}</span>
                <span className="flex-1" />
                {mayDecide && (
                  <button type="button" onClick={() => restore.mutate(d)} disabled={restore.isPending} data-testid="merge-restore"
                    aria-label={t("contacts.merge.restorePair", { a: displayName(d.a), b: displayName(d.b) })}
                    className="border-line hover:bg-hover rounded border px-2 py-1 text-xs disabled:opacity-50">
                    {t("contacts.merge.restore")}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
