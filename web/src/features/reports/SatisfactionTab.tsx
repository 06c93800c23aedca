// Reports › Satisfaction: what the contacts said of the conversations
// closed in the period (GET /api/v1/reports/satisfaction) — the CSAT score
// (the share of ratings of 4 or 5), the average rating, how many surveys
// were sent and answered, the ratings from 5 to 1, each agent's figures
// and the responses (SatisfactionResponses.tsx), each linking to its
// conversation.
import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import { useMe } from "../../lib/session";
import { exportURL, type Filters } from "./filters";
import { Bars, Figure, Figures, Section, useFormat, type Kind } from "./parts";
import { Loading, useNames, useReport, type S } from "./reportData";
import { Responses } from "./SatisfactionResponses";

type Satisfaction = S["ReportSatisfaction"];

/** The ratings, best first; a rating nobody gave is a bar of 0, not a gap. */
const scale = ["5", "4", "3", "2", "1"];

export function SatisfactionReport({ f }: { f: Filters }) {
  const { t } = useTranslation();
  const q = useReport<Satisfaction>("satisfaction", f);
  const ex = exportURL("satisfaction", f);
  return (
    <Loading q={q}>
      {({ current: c, previous: p }) => {
        if (c.sent === 0) return <NothingSent />;
        const none = c.responses === 0;
        const prevNone = p ? p.responses === 0 : undefined;
        const prevRatings = p ? new Map(p.ratings.map((r) => [r.key, r.count])) : null;
        const ratings = new Map(c.ratings.map((r) => [r.key, r.count]));
        return (
          <div className="flex flex-col gap-3">
            <Figures>
              <Figure id="csat-score" label={t("reports.csat.score")} value={c.score_pct} previous={p?.score_pct} kind="percent" compare={f.compare} empty={none} previousEmpty={prevNone} />
              <Figure id="csat-average" label={t("reports.csat.average")} value={c.average} previous={p?.average} kind="decimal" compare={f.compare} empty={none} previousEmpty={prevNone} />
              <Figure id="csat-responses" label={t("reports.csat.responses")} value={c.responses} previous={p?.responses} compare={f.compare} />
              <Figure id="csat-sent" label={t("reports.csat.sent")} value={c.sent} previous={p?.sent} compare={f.compare} />
              <Figure id="csat-response-rate" label={t("reports.csat.responseRate")} value={c.response_rate_pct} previous={p?.response_rate_pct} kind="percent" compare={f.compare} previousEmpty={p?.sent === 0} />
            </Figures>
            <div className="grid gap-3 xl:grid-cols-2">
              <Section title={t("reports.csat.ratings")} exportHref={ex} id="csat-ratings">
                <Bars
                  label={t("reports.csat.ratings")}
                  testid="csat-ratings"
                  bars={scale.map((k) => ({ key: k, label: t(`reports.csat.rating.${k}`), count: ratings.get(k) ?? 0, previous: prevRatings ? (prevRatings.get(k) ?? 0) : undefined }))}
                />
              </Section>
              <Section title={t("reports.csat.byUser")} exportHref={ex} id="csat-by-user">
                <AgentTable rows={c.by_user} prev={p?.by_user} />
              </Section>
            </div>
            <Responses f={f} exportHref={ex} />
          </div>
        );
      }}
    </Loading>
  );
}

/** NothingSent: no survey went out in the period — because the survey is
 * off (say where to turn it on), or because nothing was closed. */
function NothingSent() {
  const { t } = useTranslation();
  const me = useMe();
  const off = !me.workspace.satisfaction_survey?.enabled;
  const manages = me.role === "owner" || me.role === "manager";
  return (
    <Section title={t("reports.csat.noneSent")} id="csat-empty">
      <p className="text-muted text-sm" data-testid="csat-empty" data-off={off}>
        {off ? t("reports.csat.off") : t("reports.csat.noneSentHelp")}
      </p>
      {off && manages && (
        <Link to="/settings/workspace" className="text-accent mt-2 inline-block text-sm underline" data-testid="csat-turn-on">
          {t("reports.csat.turnOn")}
        </Link>
      )}
    </Section>
  );
}

const agentCols: { key: keyof S["ReportSatisfactionRow"]; kind: Kind }[] = [
  { key: "responses", kind: "count" },
  { key: "average", kind: "decimal" },
  { key: "satisfied", kind: "count" },
  { key: "score_pct", kind: "percent" },
];

/** AgentTable: each agent's answers, named as the People tab names them;
 * a conversation closed with nobody assigned (an AI agent's) is id 0. */
function AgentTable({ rows, prev }: { rows: S["ReportSatisfactionRow"][]; prev?: S["ReportSatisfactionRow"][] }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const names = useNames();
  const p = prev ? new Map(prev.map((r) => [r.id, r])) : null;
  if (!rows.length) return <p className="text-muted text-sm">{t("reports.noData")}</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm" aria-label={t("reports.csat.byUser")}>
        <thead className="text-muted text-xs">
          <tr>
            <th className="py-1 text-left font-normal">{t("reports.user")}</th>
            {agentCols.map((c) => (
              <th key={c.key} className="px-2 text-right font-normal">
                {t(`reports.csat.col.${c.key}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} data-testid="csat-agent-row" data-id={r.id} className="border-line border-t">
              <td className="py-1">{r.id ? names.user(r.id) : t("reports.csat.unassigned")}</td>
              {agentCols.map((c) => {
                const before = p?.get(r.id);
                return (
                  <td key={c.key} className="px-2 text-right tabular-nums">
                    {fmt(r[c.key], c.kind)}
                    {p && <div className="text-muted text-[11px]">{before ? fmt(before[c.key], c.kind) : "—"}</div>}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
