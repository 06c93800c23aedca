// Reports › Satisfaction › Responses: every answer of the period's
// conversations, newest first (GET /api/v1/reports/satisfaction/responses),
// narrowed to some ratings (the low ones, to follow up) and to those with
// a comment, fifty at a time. Each opens its conversation; the comment is
// the contact's text, shown as text.
import { useState } from "react";
import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import { Star } from "lucide-react";
import { api, type Page } from "../../lib/api";
import { qk } from "../../lib/queryKeys";
import { useWorkspaceDate } from "../../lib/workspaceDate";
import { faceOf } from "../survey/RatingChoices";
import { apiQuery, type Filters } from "./filters";
import { Section } from "./parts";
import { useNames, type S } from "./reportData";

type Response = S["ReportSatisfactionResponse"];

const pageSize = 50;

/** The ratings a manager may keep, best first as the ratings chart. */
const choices = [5, 4, 3, 2, 1];

/** responsesQuery is the report's filter as the responses list takes it:
 * a list has no series (interval) nor previous period (compare). */
function responsesQuery(f: Filters, ratings: number[], withComment: boolean): Record<string, string> {
  const q = apiQuery(f);
  delete q.interval;
  delete q.compare;
  delete q.hours;
  if (ratings.length) q.rating = [...ratings].sort().join(",");
  if (withComment) q.with_comment = "true";
  return q;
}

export function Responses({ f, exportHref }: { f: Filters; exportHref: string }) {
  const { t } = useTranslation();
  const [ratings, setRatings] = useState<number[]>([]);
  const [withComment, setWithComment] = useState(false);
  const query = responsesQuery(f, ratings, withComment);
  const list = useInfiniteQuery({
    queryKey: qk.report("satisfaction/responses", query),
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<Response>>("/api/v1/reports/satisfaction/responses", { ...query, limit: pageSize, cursor: pageParam || undefined }, signal),
    initialPageParam: "",
    getNextPageParam: (last) => last.next_cursor || undefined,
    placeholderData: keepPreviousData,
  });
  const rows = list.data?.pages.flatMap((p) => p.data) ?? [];
  const toggle = (r: number) => setRatings((cur) => (cur.includes(r) ? cur.filter((x) => x !== r) : [...cur, r]));
  const narrowed = ratings.length > 0 || withComment;
  return (
    <Section title={t("reports.csat.responsesList")} exportHref={exportHref} id="csat-responses">
      <div className="mb-2 flex flex-wrap items-center gap-x-4 gap-y-2">
        <div role="group" aria-labelledby="csat-only-label" className="flex flex-wrap items-center gap-1">
          <span id="csat-only-label" className="text-muted mr-1 text-xs">
            {t("reports.csat.showRatings")}
          </span>
          {choices.map((r) => {
            const Face = faceOf(r);
            const on = ratings.includes(r);
            return (
              <button
                key={r}
                type="button"
                aria-pressed={on}
                data-testid={`csat-only-${r}`}
                onClick={() => toggle(r)}
                className={
                  "inline-flex h-7 items-center gap-1 rounded-full border px-2 text-xs tabular-nums " +
                  (on ? "border-accent bg-selected text-fg font-medium" : "border-line text-muted hover:bg-hover hover:text-fg")
                }
              >
                <Face size={13} aria-hidden="true" />
                <span aria-hidden="true">{r}</span>
                <span className="sr-only">{t(`reports.csat.rating.${r}`)}</span>
              </button>
            );
          })}
        </div>
        <label className="flex items-center gap-1.5 text-sm">
          <input type="checkbox" checked={withComment} onChange={(e) => setWithComment(e.target.checked)} data-testid="csat-with-comment" />
          {t("reports.csat.withComment")}
        </label>
      </div>
      {list.error ? (
        <p role="alert" className="text-danger text-sm">
          {t("reports.failed", { message: list.error.message })}
        </p>
      ) : !list.data ? (
        <p className="text-muted text-sm">{t("reports.csat.loadingResponses")}</p>
      ) : rows.length === 0 ? (
        <p className="text-muted text-sm" data-testid="csat-no-response">
          {narrowed ? t("reports.csat.noneMatch") : t("reports.csat.noResponse")}
        </p>
      ) : (
        <ResponseList rows={rows} />
      )}
      {list.hasNextPage && (
        <button
          type="button"
          data-testid="csat-more"
          disabled={list.isFetchingNextPage}
          onClick={() => void list.fetchNextPage()}
          className="border-line hover:bg-hover mt-2 rounded-md border px-3 py-1 text-sm disabled:opacity-50"
        >
          {t("reports.csat.more")}
        </button>
      )}
    </Section>
  );
}

/** Stars shows a rating as five stars, said in words to screen readers. */
function Stars({ rating }: { rating: number }) {
  const { t } = useTranslation();
  return (
    <span role="img" aria-label={t("reports.csat.outOf", { rating })} className="inline-flex shrink-0 gap-px">
      {[1, 2, 3, 4, 5].map((i) => (
        <Star key={i} size={13} aria-hidden="true" className={i <= rating ? "text-warning fill-current" : "text-line"} />
      ))}
    </span>
  );
}

function ResponseList({ rows }: { rows: Response[] }) {
  const { t } = useTranslation();
  const names = useNames();
  const date = useWorkspaceDate();
  return (
    <ul className="flex flex-col" aria-label={t("reports.csat.responsesList")}>
      {rows.map((c) => (
        <li key={c.conversation_id} data-testid="csat-response" data-rating={c.rating} className="border-line flex flex-col gap-1 border-t py-2 first:border-t-0">
          <div className="flex flex-wrap items-center gap-x-2 gap-y-0.5 text-sm">
            <Link to={`/inbox/all/${c.conversation_id}`} className="text-accent font-medium hover:underline">
              {c.contact_name || t("reports.csat.contactNumber", { id: c.contact_id })}
            </Link>
            <Stars rating={c.rating} />
            <time dateTime={c.rated_at} className="text-muted text-xs">
              {date(c.rated_at)}
            </time>
            {c.assignee_id ? <span className="text-muted text-xs">{t("reports.csat.agent", { name: names.user(c.assignee_id) })}</span> : null}
          </div>
          {c.comment && <p className="text-sm break-words whitespace-pre-wrap">{c.comment}</p>}
        </li>
      ))}
    </ul>
  );
}
