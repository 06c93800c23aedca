// The Reports module: a filter bar kept in the URL, and one tab per report
// (Overview with the live Now figures, Conversations, Responses, …; the
// Satisfaction tab in SatisfactionTab.tsx). Every figure comes from
// /api/v1/reports/*; every chart has its CSV export.
import { useEffect } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { NavLink, useParams } from "react-router";
import { useTranslation } from "react-i18next";
import { allPages, api } from "../../lib/api";
import { qk } from "../../lib/queryKeys";
import { useMe } from "../../lib/session";
import { useLive } from "../../lib/liveContext";
import { exportURL, filtersToSearch, type Filters } from "./filters";
import { useFilters } from "./useFilters";
import { Bars, Figure, Figures, Heatmap, Section, useFormat, type Kind } from "./parts";
import { counts, Loading, useNames, useReport, type S } from "./reportData";
import { TimeChart } from "./TimeChart";
import { FilterBar } from "./FilterBar";
import { SatisfactionReport } from "./SatisfactionTab";

const tabs = ["overview", "conversations", "responses", "resolutions", "assignments", "people", "messages", "contacts", "workflows", "satisfaction"] as const;
type Tab = (typeof tabs)[number];

const rankAvail = (a: string) => (a === "online" ? 0 : a === "busy" ? 1 : 2);

function NowPanel({ part }: { part: "figures" | "agents" }) {
  const { t } = useTranslation();
  const names = useNames();
  const now = useQuery({ queryKey: qk.report("now", {}), queryFn: ({ signal }) => api.get<S["ReportNow"]>("/api/v1/reports/now", undefined, signal) });
  // Live: any conversation or presence change refreshes the figures.

  return (
    <Section title={part === "figures" ? t("reports.now.title") : t("reports.now.agents")} id={part === "figures" ? "now" : "now-agents"}>
      <Loading q={now}>
        {(n) => (
          <div className="flex flex-col gap-3">
            {part === "figures" && <Figures>
              <Figure id="now-open" label={t("reports.now.open")} value={n.open} compare={false} />
              <Figure id="now-unassigned" label={t("reports.now.unassigned")} value={n.unassigned} compare={false} />
              <Figure id="now-waiting" label={t("reports.now.waiting")} value={n.waiting} compare={false} />
              <Figure id="now-longest-wait" label={t("reports.now.longestWait")} value={n.longest_wait_ms} kind="duration" compare={false} empty={n.waiting === 0} />
              <Figure id="now-online" label={t("reports.now.online")} value={n.online} compare={false} />
              <Figure id="now-busy-offline" label={t("reports.now.busyOffline")} value={n.busy + n.offline} compare={false} />
            </Figures>}
            {part === "agents" && n.agents.length > 0 && (
              <table className="w-full text-sm" aria-label={t("reports.now.agents")}>
                <thead className="text-muted text-xs">
                  <tr>
                    <th className="py-1 text-left font-normal">{t("reports.user")}</th>
                    <th className="text-left font-normal">{t("reports.now.availability")}</th>
                    <th className="text-right font-normal">{t("reports.now.load")}</th>
                  </tr>
                </thead>
                <tbody>
                  {[...n.agents].sort((a, b) => rankAvail(a.availability) - rankAvail(b.availability) || b.open - a.open).map((a) => (
                    <tr key={a.user_id} className="border-line border-t">
                      <td className="py-1">{names.user(a.user_id)}</td>
                      <td>{t(`reports.availability.${a.availability}`, { defaultValue: a.availability })}</td>
                      <td className="text-right tabular-nums">
                        {a.open} / {a.capacity || "∞"}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        )}
      </Loading>
    </Section>
  );
}

function ConversationsReport({ f, overview }: { f: Filters; overview?: boolean }) {
  const { t } = useTranslation();
  const names = useNames();
  const q = useReport<S["ReportConversations"]>("conversations", f);
  const ex = exportURL("conversations", f);
  return (
    <Loading q={q}>
      {(r) => {
        const c = r.current;
        const p = r.previous;
        const src = (k: string) => t(`reports.source.${k}`, { defaultValue: k || t("reports.none") });
        return (
          <div className="flex flex-col gap-3">
            <Figures>
              <Figure id="opened" label={t("reports.c.opened")} value={c.opened} previous={p?.opened} compare={f.compare} />
              <Figure id="closed" label={t("reports.c.closed")} value={c.closed} previous={p?.closed} compare={f.compare} />
              <Figure id="still-open" label={t("reports.c.stillOpen")} value={c.still_open} previous={p?.still_open} compare={f.compare} />
              <Figure id="reopened" label={t("reports.c.reopened")} value={c.reopened} previous={p?.reopened} compare={f.compare} />
              <Figure id="reopen-rate" label={t("reports.c.reopenRate")} value={c.reopen_rate_pct} previous={p?.reopen_rate_pct} kind="percent" compare={f.compare} />
              <Figure id="average-messages" label={t("reports.c.averageMessages")} value={c.average_messages} previous={p?.average_messages} kind="decimal" compare={f.compare} />
            </Figures>
            <Section title={t("reports.c.overTime")} exportHref={ex} id="opened-closed">
              <TimeChart
                label={t("reports.c.overTime")}
                labels={c.series.map((s) => s.t)}
                series={[
                  { label: t("reports.c.opened"), token: "accent", values: c.series.map((s) => s.opened) },
                  { label: t("reports.c.closed"), token: "success", values: c.series.map((s) => s.closed) },
                ]}
              />
            </Section>
            {!overview && (
              <>
                <Section title={t("reports.c.heatmap")} exportHref={ex} id="heatmap">
                  <Heatmap cells={c.heatmap} label={t("reports.c.heatmap")} />
                </Section>
                <div className="grid gap-3 lg:grid-cols-2">
                  <Section title={t("reports.c.byChannel")} exportHref={ex} id="by-channel">
                    <Bars label={t("reports.c.byChannel")} bars={counts(c.by_channel, p?.by_channel, names.channel)} />
                  </Section>
                  <Section title={t("reports.c.byOpenedSource")} exportHref={ex} id="by-opened-source">
                    <Bars label={t("reports.c.byOpenedSource")} bars={counts(c.by_opened_source, p?.by_opened_source, src)} />
                  </Section>
                  <Section title={t("reports.c.byCategory")} exportHref={ex} id="by-category">
                    <Bars label={t("reports.c.byCategory")} bars={counts(c.by_category, p?.by_category, (k) => k || t("reports.none"))} />
                  </Section>
                  <Section title={t("reports.c.byClosedSource")} exportHref={ex} id="by-closed-source">
                    <Bars label={t("reports.c.byClosedSource")} bars={counts(c.by_closed_source, p?.by_closed_source, src)} />
                  </Section>
                </div>
              </>
            )}
          </div>
        );
      }}
    </Loading>
  );
}

/** Dist shows a distribution: count, average, median, p90 and the buckets as bars. */
function Dist({ id, title, d, p, f, exportHref }: { id: string; title: string; d: S["ReportDist"]; p?: S["ReportDist"]; f: Filters; exportHref: string }) {
  const { t } = useTranslation();
  const prev = p ? new Map(p.buckets.map((b) => [b.label, b.count])) : null;
  return (
    <Section title={title} exportHref={exportHref} id={id}>
      <div className="flex flex-col gap-3">
        <div className="grid grid-cols-2 gap-2 md:grid-cols-4">
          <Figure id={`${id}-count`} label={t("reports.d.count")} value={d.count} previous={p?.count} compare={f.compare} />
          <Figure id={`${id}-median`} label={t("reports.d.median")} value={d.median_ms} previous={p?.median_ms} kind="duration" compare={f.compare} empty={d.count === 0} previousEmpty={p?.count === 0} />
          <Figure id={`${id}-p90`} label={t("reports.d.p90")} value={d.p90_ms} previous={p?.p90_ms} kind="duration" compare={f.compare} empty={d.count === 0} previousEmpty={p?.count === 0} />
          <Figure id={`${id}-average`} label={t("reports.d.average")} value={d.average_ms} previous={p?.average_ms} kind="duration" compare={f.compare} empty={d.count === 0} previousEmpty={p?.count === 0} />
        </div>
        <Bars label={title} testid={`buckets-${id}`} bars={d.buckets.map((b) => ({ key: b.label, label: b.label, count: b.count, previous: prev ? (prev.get(b.label) ?? 0) : undefined }))} />
      </div>
    </Section>
  );
}

function PerConversation({ id, title, d, p, f, exportHref }: { id: string; title: string; d: S["ReportPerConversation"]; p?: S["ReportPerConversation"]; f: Filters; exportHref: string }) {
  const { t } = useTranslation();
  const prev = p ? new Map(p.histogram.map((b) => [b.label, b.count])) : null;
  return (
    <Section title={title} exportHref={exportHref} id={id}>
      <div className="flex flex-col gap-3">
        <div className="grid grid-cols-2 gap-2 md:grid-cols-3">
          <Figure id={`${id}-average`} label={t("reports.d.average")} value={d.average} previous={p?.average} kind="decimal" compare={f.compare} />
          <Figure id={`${id}-total`} label={t("reports.d.total")} value={d.total} previous={p?.total} compare={f.compare} />
          <Figure id={`${id}-conversations`} label={t("reports.d.conversations")} value={d.conversations} previous={p?.conversations} compare={f.compare} />
        </div>
        <Bars label={title} bars={d.histogram.map((b) => ({ key: b.label, label: b.label, count: b.count, previous: prev ? (prev.get(b.label) ?? 0) : undefined }))} />
      </div>
    </Section>
  );
}

function ResponsesReport({ f }: { f: Filters }) {
  const { t } = useTranslation();
  const q = useReport<S["ReportResponses"]>("responses", f);
  const ex = exportURL("responses", f);
  return (
    <Loading q={q}>
      {(r) => (
        <div className="grid gap-3 xl:grid-cols-2">
          <Dist id="first-response" title={t("reports.r.firstResponse")} d={r.current.first_response} p={r.previous?.first_response} f={f} exportHref={ex} />
          <Dist id="assignment-to-first-response" title={t("reports.r.assignmentToFirst")} d={r.current.assignment_to_first_response} p={r.previous?.assignment_to_first_response} f={f} exportHref={ex} />
          <Dist id="response-time" title={t("reports.r.responseTime")} d={r.current.response_time} p={r.previous?.response_time} f={f} exportHref={ex} />
          <PerConversation id="responses-per-conversation" title={t("reports.r.perConversation")} d={r.current.responses_per_conversation} p={r.previous?.responses_per_conversation} f={f} exportHref={ex} />
        </div>
      )}
    </Loading>
  );
}

function ResolutionsReport({ f }: { f: Filters }) {
  const { t } = useTranslation();
  const q = useReport<S["ReportResolutions"]>("resolutions", f);
  const ex = exportURL("resolutions", f);
  const src = (k: string) => t(`reports.source.${k}`, { defaultValue: k || t("reports.none") });
  return (
    <Loading q={q}>
      {({ current: c, previous: p }) => (
        <div className="flex flex-col gap-3">
          <Figures>
            <Figure id="resolved" label={t("reports.s.resolved")} value={c.resolved} previous={p?.resolved} compare={f.compare} />
            <Figure id="without-response" label={t("reports.s.withoutResponse")} value={c.without_response} previous={p?.without_response} compare={f.compare} />
            <Figure id="res-reopened" label={t("reports.c.reopened")} value={c.reopened} previous={p?.reopened} compare={f.compare} />
            <Figure id="res-reopen-rate" label={t("reports.c.reopenRate")} value={c.reopen_rate_pct} previous={p?.reopen_rate_pct} kind="percent" compare={f.compare} />
          </Figures>
          <div className="grid gap-3 xl:grid-cols-2">
            <Dist id="resolution" title={t("reports.s.resolution")} d={c.resolution} p={p?.resolution} f={f} exportHref={ex} />
            <PerConversation id="messages-per-conversation" title={t("reports.s.messagesPerConversation")} d={c.messages_per_conversation} p={p?.messages_per_conversation} f={f} exportHref={ex} />
            <Section title={t("reports.c.byCategory")} exportHref={ex}>
              <Bars label={t("reports.c.byCategory")} bars={counts(c.by_category, p?.by_category, (k) => k || t("reports.none"))} />
            </Section>
            <Section title={t("reports.c.byClosedSource")} exportHref={ex}>
              <Bars label={t("reports.c.byClosedSource")} bars={counts(c.by_closed_source, p?.by_closed_source, src)} />
            </Section>
          </div>
        </div>
      )}
    </Loading>
  );
}

function AssignmentsReport({ f }: { f: Filters }) {
  const { t } = useTranslation();
  const names = useNames();
  const q = useReport<S["ReportAssignments"]>("assignments", f);
  const ex = exportURL("assignments", f);
  return (
    <Loading q={q}>
      {({ current: c, previous: p }) => (
        <div className="flex flex-col gap-3">
          <Figures>
            <Figure id="assigned" label={t("reports.a.assigned")} value={c.assigned} previous={p?.assigned} compare={f.compare} />
            <Figure id="reassigned" label={t("reports.a.reassigned")} value={c.reassigned} previous={p?.reassigned} compare={f.compare} />
            <Figure id="reassignments" label={t("reports.a.reassignments")} value={c.reassignments} previous={p?.reassignments} compare={f.compare} />
          </Figures>
          <div className="grid gap-3 xl:grid-cols-2">
            <Dist id="time-to-assignment" title={t("reports.a.timeToAssignment")} d={c.time_to_assignment} p={p?.time_to_assignment} f={f} exportHref={ex} />
            <Dist id="queue-wait" title={t("reports.a.queueWait")} d={c.queue_wait} p={p?.queue_wait} f={f} exportHref={ex} />
            <Section title={t("reports.a.byStrategy")} exportHref={ex}>
              <Bars label={t("reports.a.byStrategy")} bars={counts(c.by_strategy, p?.by_strategy, (k) => t(`reports.strategy.${k}`, { defaultValue: k || t("reports.none") }))} />
            </Section>
            <Section title={t("reports.a.byUser")} exportHref={ex}>
              <Bars label={t("reports.a.byUser")} bars={counts(c.by_user, p?.by_user, names.user)} />
            </Section>
            <Section title={t("reports.a.byTeam")} exportHref={ex}>
              <Bars label={t("reports.a.byTeam")} bars={counts(c.by_team, p?.by_team, names.team)} />
            </Section>
          </div>
        </div>
      )}
    </Loading>
  );
}

const personCols: { key: keyof S["ReportPersonRow"]; kind: Kind }[] = [
  { key: "assigned", kind: "count" },
  { key: "closed", kind: "count" },
  { key: "average_resolution_ms", kind: "duration" },
  { key: "first_responses", kind: "count" },
  { key: "average_first_response_ms", kind: "duration" },
  { key: "responses", kind: "count" },
  { key: "average_response_ms", kind: "duration" },
  { key: "messages_sent", kind: "count" },
];

function PeopleTable({ rows, prev, name, label, rank }: { rows: (S["ReportPersonRow"] & { rank?: number })[]; prev?: S["ReportPersonRow"][]; name: (id: number) => string; label: string; rank?: boolean }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const p = prev ? new Map(prev.map((r) => [r.id, r])) : null;
  if (!rows.length) return <p className="text-muted text-sm">{t("reports.noData")}</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm" aria-label={label}>
        <thead className="text-muted text-xs">
          <tr>
            {rank && <th className="py-1 pr-2 text-left font-normal">#</th>}
            <th className="py-1 text-left font-normal">{t("reports.name")}</th>
            {personCols.map((c) => (
              <th key={c.key} className="px-2 text-right font-normal">
                {t(`reports.col.${c.key}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} data-testid="person-row" data-id={r.id} className="border-line border-t">
              {rank && <td className="py-1 pr-2 tabular-nums">{r.rank}</td>}
              <td className="py-1">{name(r.id)}</td>
              {personCols.map((c) => (
                <td key={c.key} className="px-2 text-right tabular-nums">
                  {fmt(r[c.key] as number, c.kind)}
                  {p && <div className="text-muted text-[11px]">{fmt((p.get(r.id)?.[c.key] as number | undefined) ?? 0, c.kind)}</div>}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function PeopleReport({ f }: { f: Filters }) {
  const { t } = useTranslation();
  const names = useNames();
  const users = useReport<S["ReportTable"]>("users", f);
  const teams = useReport<S["ReportTable"]>("teams", f);
  const board = useReport<S["ReportLeaderboard"]>("leaderboard", f);
  return (
    <div className="flex flex-col gap-3">
      <Section title={t("reports.p.leaderboard")} exportHref={exportURL("leaderboard", f)} id="leaderboard">
        <Loading q={board}>{(r) => <PeopleTable rank rows={r.current.rows} name={names.user} label={t("reports.p.leaderboard")} />}</Loading>
      </Section>
      <Section title={t("reports.p.users")} exportHref={exportURL("users", f)} id="users">
        <Loading q={users}>{(r) => <PeopleTable rows={r.current.rows} prev={r.previous?.rows} name={names.user} label={t("reports.p.users")} />}</Loading>
      </Section>
      <Section title={t("reports.p.teams")} exportHref={exportURL("teams", f)} id="teams">
        <Loading q={teams}>{(r) => <PeopleTable rows={r.current.rows} prev={r.previous?.rows} name={names.team} label={t("reports.p.teams")} />}</Loading>
      </Section>
    </div>
  );
}

function MessagesReport({ f }: { f: Filters }) {
  const { t } = useTranslation();
  const names = useNames();
  const q = useReport<S["ReportMessages"]>("messages", f);
  const ex = exportURL("messages", f);
  return (
    <Loading q={q}>
      {({ current: c, previous: p }) => (
        <div className="flex flex-col gap-3">
          <Figures>
            <Figure id="messages-in" label={t("reports.m.in")} value={c.in} previous={p?.in} compare={f.compare} />
            <Figure id="messages-out" label={t("reports.m.out")} value={c.out} previous={p?.out} compare={f.compare} />
          </Figures>
          <Section title={t("reports.m.overTime")} exportHref={ex}>
            <TimeChart
              label={t("reports.m.overTime")}
              labels={c.series.map((s) => s.t)}
              series={[
                { label: t("reports.m.in"), token: "accent", values: c.series.map((s) => s.in) },
                { label: t("reports.sender.user"), token: "success", values: c.series.map((s) => s.user) },
                { label: t("reports.sender.workflow"), token: "warning", values: c.series.map((s) => s.workflow) },
                { label: t("reports.sender.api"), token: "danger", values: c.series.map((s) => s.api) },
              ]}
            />
          </Section>
          <div className="grid gap-3 xl:grid-cols-2">
            <Section title={t("reports.m.bySender")} exportHref={ex}>
              <Bars label={t("reports.m.bySender")} bars={counts(c.by_sender, p?.by_sender, (k) => t(`reports.sender.${k}`, { defaultValue: k }))} />
            </Section>
            <Section title={t("reports.c.byChannel")} exportHref={ex}>
              <Bars label={t("reports.c.byChannel")} bars={counts(c.by_channel, p?.by_channel, names.channel)} />
            </Section>
          </div>
        </div>
      )}
    </Loading>
  );
}

function ContactsReport({ f }: { f: Filters }) {
  const { t } = useTranslation();
  const q = useReport<S["ReportContacts"]>("contacts", f);
  const ex = exportURL("contacts", f);
  return (
    <Loading q={q}>
      {({ current: c, previous: p }) => (
        <div className="flex flex-col gap-3">
          <Figures>
            <Figure id="contacts-new" label={t("reports.k.new")} value={c.new} previous={p?.new} compare={f.compare} />
          </Figures>
          <Section title={t("reports.k.overTime")} exportHref={ex}>
            <TimeChart label={t("reports.k.overTime")} labels={c.series.map((s) => s.t)} series={[{ label: t("reports.k.new"), token: "accent", values: c.series.map((s) => s.new) }]} />
          </Section>
          <Section title={t("reports.k.byStage")} exportHref={ex}>
            <Bars label={t("reports.k.byStage")} bars={counts(c.by_stage, p?.by_stage, (k) => k || t("reports.none"))} />
          </Section>
        </div>
      )}
    </Loading>
  );
}

function WorkflowsReport({ f }: { f: Filters }) {
  const { t } = useTranslation();
  const q = useReport<S["ReportWorkflows"]>("workflows", f);
  const wfs = useQuery({ queryKey: qk.report("workflow-names", {}), queryFn: () => allPages<{ id: number; name: string }>("/api/v1/workflows") });
  const wname = (id: number) => wfs.data?.data.find((w) => w.id === id)?.name ?? `#${id}`;
  const ex = exportURL("workflows", f);
  return (
    <Loading q={q}>
      {({ current: c, previous: p }) => (
        <div className="flex flex-col gap-3">
          <Figures>
            <Figure id="runs-started" label={t("reports.w.started")} value={c.started} previous={p?.started} compare={f.compare} />
            <Figure id="runs-finished" label={t("reports.w.finished")} value={c.finished} previous={p?.finished} compare={f.compare} />
            <Figure id="runs-failed" label={t("reports.w.failed")} value={c.failed} previous={p?.failed} compare={f.compare} />
          </Figures>
          {c.workflows.length === 0 && <p className="text-muted text-sm">{t("reports.noData")}</p>}
          {c.workflows.map((w) => (
            <Section key={w.workflow_id} title={wname(w.workflow_id)} exportHref={ex}>
              <p className="text-muted mb-2 text-xs tabular-nums">{t("reports.w.line", { started: w.started, finished: w.finished, failed: w.failed, stopped: w.stopped, running: w.running })}</p>
              <table className="w-full text-sm" aria-label={t("reports.w.steps")}>
                <thead className="text-muted text-xs">
                  <tr>
                    <th className="py-1 text-left font-normal">{t("reports.w.step")}</th>
                    <th className="text-right font-normal">{t("reports.w.reached")}</th>
                    <th className="text-right font-normal">{t("reports.w.dropOff")}</th>
                    <th className="w-1/3" />
                  </tr>
                </thead>
                <tbody>
                  {w.steps.map((s) => (
                    <tr key={s.step} className="border-line border-t">
                      <td className="py-1">{s.step}</td>
                      <td className="text-right tabular-nums">{s.reached}</td>
                      <td className="text-right tabular-nums">{s.drop_off}</td>
                      <td className="pl-3" aria-hidden="true">
                        <span className="bg-subtle block h-2 rounded-sm">
                          <span className="bg-danger block h-2 rounded-sm" style={{ width: `${s.reached ? (s.drop_off / s.reached) * 100 : 0}%` }} />
                        </span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Section>
          ))}
        </div>
      )}
    </Loading>
  );
}

/**
 * useLiveReports refreshes Now on every conversation or presence event, and
 * the period's reports a moment later (the projection catches up with the
 * log within a second), at most once per burst.
 */
function useLiveReports() {
  const qc = useQueryClient();
  const { subscribe } = useLive();
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const off = subscribe((e) => {
      const conv = e.type.startsWith("conversation.");
      if (conv || e.type === "user.presence.updated") void qc.invalidateQueries({ queryKey: qk.report("now", {}) });
      if (conv || e.type.startsWith("message.") || e.type.startsWith("contact.")) {
        timer ??= setTimeout(() => {
          timer = null;
          void qc.invalidateQueries({ queryKey: qk.reports, predicate: (q) => q.queryKey[1] !== "now" && q.queryKey[1] !== "workflow-names" });
        }, 1500);
      }
    });
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, [subscribe, qc]);
}

export default function ReportsPage() {
  const { t } = useTranslation();
  useLiveReports();
  const me = useMe();
  const tz = me.workspace?.timezone || "UTC";
  const params = useParams();
  const tab: Tab = (tabs as readonly string[]).includes(params["*"] ?? "") ? (params["*"] as Tab) : "overview";
  const [f, set] = useFilters(tz);
  const qs = filtersToSearch(f).toString();
  return (
    <main data-testid="reports" className="bg-panel flex min-h-0 flex-1 flex-col overflow-auto">
      <div className="border-line bg-bg flex flex-col gap-3 border-b px-5 pt-4">
        <div className="flex items-baseline justify-between gap-3">
          <h1 className="text-lg font-semibold">{t("reports.title")}</h1>
          <span className="text-muted text-xs" data-testid="range">
            {t("reports.rangeLine", { from: f.from, to: f.to, tz })}
          </span>
        </div>
        <FilterBar f={f} set={set} />
        <nav aria-label={t("reports.sections")} className="-mb-px flex gap-1 overflow-x-auto">
          {tabs.map((x) => (
            <NavLink
              key={x}
              to={`/reports/${x === "overview" ? "" : x}${qs ? "?" + qs : ""}`}
              end
              data-testid={`tab-${x}`}
              aria-current={x === tab ? "page" : undefined}
              className={"border-b-2 px-2.5 py-1.5 text-sm whitespace-nowrap " + (x === tab ? "border-accent font-medium" : "text-muted hover:text-fg border-transparent")}
            >
              {t(`reports.tab.${x}`)}
            </NavLink>
          ))}
        </nav>
      </div>
      <div className="flex flex-col gap-3 p-5" data-testid={`report-${tab}`}>
        {tab === "overview" && (
          <>
            <NowPanel part="figures" />
            <ConversationsReport f={f} overview />
            <NowPanel part="agents" />
          </>
        )}
        {tab === "conversations" && <ConversationsReport f={f} />}
        {tab === "responses" && <ResponsesReport f={f} />}
        {tab === "resolutions" && <ResolutionsReport f={f} />}
        {tab === "assignments" && <AssignmentsReport f={f} />}
        {tab === "people" && <PeopleReport f={f} />}
        {tab === "messages" && <MessagesReport f={f} />}
        {tab === "contacts" && <ContactsReport f={f} />}
        {tab === "workflows" && <WorkflowsReport f={f} />}
        {tab === "satisfaction" && <SatisfactionReport f={f} />}
      </div>
    </main>
  );
}
