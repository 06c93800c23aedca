// SearchPanel: "what the AI would retrieve" — a question, the passages the
// knowledge base returns with their scores, and what retrieval mode would
// do with them.
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Search } from "lucide-react";
import { api } from "../../lib/api";
import { useDebounced } from "../../lib/useDebounced";
import { keys, type Hit, type SearchResult } from "./types";

export function SearchPanel() {
  const { t } = useTranslation();
  const [q, setQ] = useState("");
  const query = useDebounced(q.trim(), 250);
  const result = useQuery({
    queryKey: keys.search(query),
    queryFn: ({ signal }) => api.get<SearchResult>("/api/v1/knowledge/search", { q: query, limit: 5 }, signal),
    enabled: query !== "",
    placeholderData: (prev) => prev,
  });
  const data = query ? result.data : undefined;
  return (
    <section className="border-line rounded-lg border" aria-labelledby="knowledge-search-title">
      <header className="border-line border-b px-4 py-3">
        <h2 id="knowledge-search-title" className="text-base font-semibold">
          {t("knowledge.search.title")}
        </h2>
        <p className="text-muted mt-0.5 text-sm">{t("knowledge.search.description")}</p>
      </header>
      <div className="flex flex-col gap-3 p-4">
        <label className="border-line bg-bg focus-within:ring-accent flex items-center gap-2 rounded border px-2 py-1.5 focus-within:ring-2">
          <Search size={16} aria-hidden="true" className="text-muted" />
          <input
            type="search"
            data-testid="knowledge-search"
            aria-label={t("knowledge.search.label")}
            placeholder={t("knowledge.search.placeholder")}
            className="flex-1 bg-transparent text-sm outline-none"
            value={q}
            onChange={(e) => setQ(e.target.value)}
          />
        </label>
        {data && (
          <p className="text-sm" data-testid="knowledge-confidence" data-mode={data.confidence.mode}>
            <span className="font-medium">{t(`knowledge.search.mode.${data.confidence.mode}`)}</span>{" "}
            <span className="text-muted">
              {t("knowledge.search.confidence", {
                match: Math.round(data.confidence.score * 100),
                margin: data.confidence.margin.toFixed(2),
              })}
            </span>
          </p>
        )}
        {result.isError && query && (
          <p role="alert" className="text-danger text-sm">
            {(result.error as Error).message}
          </p>
        )}
        {data && data.hits.length === 0 && <p className="text-muted text-sm">{t("knowledge.search.none")}</p>}
        <ol className="flex flex-col gap-2" aria-label={t("knowledge.search.results")}>
          {data?.hits.map((h, i) => <HitCard key={h.chunk_id} hit={h} rank={i + 1} />)}
        </ol>
      </div>
    </section>
  );
}

function HitCard({ hit, rank }: { hit: Hit; rank: number }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const passage = plain(hit.passage);
  const long = passage.length > 320;
  const text = open || !long ? passage : passage.slice(0, 300).trimEnd() + "…";
  return (
    <li data-testid="knowledge-hit" data-article-id={hit.article_id} className="border-line bg-panel rounded border p-3">
      <div className="flex items-baseline gap-2">
        <span className="text-muted text-xs tabular-nums">{rank}.</span>
        <h3 className="min-w-0 flex-1 truncate text-sm font-semibold" data-testid="hit-title">
          {hit.title}
          {hit.heading && <span className="text-muted font-normal"> › {hit.heading}</span>}
        </h3>
        <span className="text-muted text-xs tabular-nums" title={t("knowledge.search.scoreHint")} data-testid="hit-score">
          {t("knowledge.search.score", { score: formatScore(hit.score) })}
        </span>
      </div>
      <div className="mt-1 flex items-center gap-2">
        <span className="border-line rounded border px-1.5 text-[11px]">{t(`knowledge.source.${hit.source}`, { defaultValue: hit.source })}</span>
        <span className="text-muted text-xs" data-testid="hit-match">
          {t("knowledge.search.match", { match: Math.round(hit.match * 100) })}
        </span>
        <span className="bg-line h-1.5 flex-1 overflow-hidden rounded" aria-hidden="true">
          <span className="bg-accent block h-full" style={{ width: `${Math.round(hit.match * 100)}%` }} />
        </span>
      </div>
      <p className="mt-2 text-sm whitespace-pre-wrap" data-testid="hit-passage">
        {text}
      </p>
      {long && (
        <button type="button" className="text-accent mt-1 text-xs" onClick={() => setOpen(!open)}>
          {open ? t("knowledge.search.less") : t("knowledge.search.more")}
        </button>
      )}
    </li>
  );
}

/** formatScore shows BM25 scores with two decimals and the small fused
 * (reciprocal rank) scores with four. */
export function formatScore(s: number): string {
  return s >= 0.1 ? s.toFixed(2) : s.toFixed(4);
}

/** plain drops Markdown emphasis marks from a passage shown as text. */
export function plain(md: string): string {
  return md.replace(/\*\*([^*]+)\*\*/g, "$1").replace(/^#{1,6}\s+/gm, "");
}
