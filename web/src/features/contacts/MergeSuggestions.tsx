// MergeSuggestions: pairs of contacts that look like one person (the same
// phone in another form, the same email, the same name on several
// channels); each opens the merge on the older contact's page, or is
// dismissed as "Not a duplicate" and never suggested again (until someone
// takes it back under "Not duplicates", MergeDismissals).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import { ArrowLeft } from "lucide-react";
import { api, type Page } from "../../lib/api";
import { qk } from "../../lib/queryKeys";
import { useMe } from "../../lib/session";
import { useToast } from "../../lib/ui/toast";
import { displayName, mayMerge, type MergeSuggestion } from "./data";
import { MergeDismissals } from "./MergeDismissals";

/** samePair: whether a suggestion pairs contacts a and b. */
const samePair = (s: MergeSuggestion, a: number, b: number) => s.a.id === a && s.b.id === b;

export default function MergeSuggestionsPage() {
  const { t } = useTranslation();
  const me = useMe();
  const qc = useQueryClient();
  const toast = useToast();
  const list = useQuery({
    queryKey: qk.mergeSuggestions,
    queryFn: () => api.get<Page<MergeSuggestion>>("/api/v1/contacts/merge-suggestions"),
  });
  // Optimistic: the row goes at once and comes back with a toast when the
  // server refuses. The merge dialog reads the same key, so it forgets the
  // pair too.
  const dismiss = useMutation({
    mutationFn: (s: MergeSuggestion) => api.post<void>("/api/v1/contacts/merge-suggestions/dismiss", { a: s.a.id, b: s.b.id }),
    onMutate: async (s) => {
      await qc.cancelQueries({ queryKey: qk.mergeSuggestions });
      const before = qc.getQueryData<Page<MergeSuggestion>>(qk.mergeSuggestions);
      if (before) qc.setQueryData(qk.mergeSuggestions, { ...before, data: before.data.filter((x) => !samePair(x, s.a.id, s.b.id)) });
      return { before };
    },
    onError: (e: Error, _s, ctx) => {
      if (ctx?.before) qc.setQueryData(qk.mergeSuggestions, ctx.before);
      toast(e.message);
    },
    onSettled: () => void qc.invalidateQueries({ queryKey: qk.mergeSuggestions }),
  });
  const rows = list.data?.data ?? [];
  return (
    <div className="min-h-0 flex-1 overflow-y-auto">
      <div className="mx-auto max-w-4xl p-6">
        <div className="mb-4 flex items-center gap-2">
          <Link to="/contacts" aria-label={t("contacts.back")} className="hover:bg-hover rounded p-1">
            <ArrowLeft size={18} aria-hidden />
          </Link>
          <h1 className="text-xl font-semibold">{t("contacts.merge.suggestions")}</h1>
        </div>
        <p className="text-muted mb-4 text-sm">{t("contacts.merge.suggestionsHelp")}</p>
        {list.isPending ? (
          <div className="bg-subtle h-24 animate-pulse rounded" />
        ) : rows.length === 0 ? (
          <p className="text-muted text-sm" data-testid="merge-suggestions-empty">
            {t("contacts.merge.noSuggestions")}
          </p>
        ) : (
          <ul className="border-line divide-line divide-y rounded-lg border" data-testid="merge-suggestions">
            {rows.map((s) => (
              <li key={`${s.a.id}-${s.b.id}`} className="flex items-center gap-3 px-4 py-2 text-sm" data-testid="merge-suggestion">
                <Link to={`/contacts/${s.a.id}`} className="font-medium hover:underline">
                  {displayName(s.a)}
                </Link>
                <span className="text-muted">+</span>
                <Link to={`/contacts/${s.b.id}`} className="font-medium hover:underline">
                  {displayName(s.b)}
                </Link>
                <span className="bg-subtle rounded px-1.5 text-xs">{t(`contacts.merge.reason.${s.reason}`, { value: s.value })}</span>
                <span className="flex-1" />
                {mayMerge(me) && (
                  <>
                    <button type="button" onClick={() => dismiss.mutate(s)} data-testid="merge-dismiss"
                      title={t("contacts.merge.dismissHelp")}
                      aria-label={t("contacts.merge.dismissPair", { a: displayName(s.a), b: displayName(s.b) })}
                      className="text-muted hover:bg-hover hover:text-fg rounded px-2 py-1 text-xs">
                      {t("contacts.merge.dismiss")}
                    </button>
                    <Link to={`/contacts/${s.a.id}?merge=${s.b.id}`} className="border-line hover:bg-hover rounded border px-2 py-1 text-xs">
                      {t("contacts.merge.review")}
                    </Link>
                  </>
                )}
              </li>
            ))}
          </ul>
        )}
        <MergeDismissals mayDecide={mayMerge(me)} />
      </div>
    </div>
  );
}
