// MergeSuggestions: pairs of contacts that look like one person (the same
// phone in another form, the same email, the same name on several
// channels); each opens the merge on the older contact's page.
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import { ArrowLeft } from "lucide-react";
import { api, type Page } from "../../lib/api";
import { qk } from "../../lib/queryKeys";
import { useMe } from "../../lib/session";
import { displayName, mayMerge, type MergeSuggestion } from "./data";

export default function MergeSuggestionsPage() {
  const { t } = useTranslation();
  const me = useMe();
  const list = useQuery({
    queryKey: qk.mergeSuggestions,
    queryFn: () => api.get<Page<MergeSuggestion>>("/api/v1/contacts/merge-suggestions"),
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
                  <Link to={`/contacts/${s.a.id}?merge=${s.b.id}`} className="border-line hover:bg-hover rounded border px-2 py-1 text-xs">
                    {t("contacts.merge.review")}
                  </Link>
                )}
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
