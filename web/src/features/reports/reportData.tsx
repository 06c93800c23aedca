// What every report tab shares: reading a report with the filters, the
// names its ids stand for, its counts as bars, and the loading and error
// states around it.
import { useMemo, type ReactNode } from "react";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../../lib/api";
import { qk } from "../../lib/queryKeys";
import { useChannels, useTeams, useUsers } from "../../lib/directory";
import type { components } from "../../lib/api-types";
import { apiQuery, type Filters } from "./filters";
import { Skeleton, type Bar } from "./parts";

export type S = components["schemas"];
export type Result<C> = { range: S["ReportRange"]; current: C; previous?: C; previous_range?: S["ReportRange"] };

export function useReport<C>(name: string, f: Filters, enabled = true) {
  const q = apiQuery(f);
  return useQuery({
    queryKey: qk.report(name, q),
    queryFn: ({ signal }) => api.get<Result<C>>(`/api/v1/reports/${name}`, q, signal),
    enabled,
    placeholderData: (prev) => prev,
  });
}

export function useNames() {
  const users = useUsers();
  const teams = useTeams();
  const channels = useChannels();
  return useMemo(() => {
    const u = new Map((users.data?.data ?? []).map((x) => [String(x.id), x.name]));
    const tm = new Map((teams.data?.data ?? []).map((x) => [String(x.id), x.name]));
    const ch = new Map((channels.data?.data ?? []).map((x) => [String(x.id), x.name]));
    return { user: (id: string | number) => u.get(String(id)) ?? `#${id}`, team: (id: string | number) => tm.get(String(id)) ?? `#${id}`, channel: (id: string | number) => ch.get(String(id)) ?? `#${id}` };
  }, [users.data, teams.data, channels.data]);
}

/** counts turns ReportCount rows into bars, with the previous period's counts by key. */
export function counts(cur: S["ReportCount"][], prev: S["ReportCount"][] | undefined, name: (k: string) => string): Bar[] {
  const p = prev ? new Map(prev.map((c) => [c.key, c.count])) : null;
  return cur.map((c) => ({ key: c.key, label: name(c.key), count: c.count, previous: p ? (p.get(c.key) ?? 0) : undefined }));
}

export function Loading<T>({ q, children }: { q: { data?: T; error: Error | null }; children: (d: T) => ReactNode }) {
  const { t } = useTranslation();
  if (q.error) return <p role="alert" className="text-danger text-sm">{t("reports.failed", { message: q.error.message })}</p>;
  if (!q.data) return <Skeleton />;
  return <>{children(q.data)}</>;
}
