// The reports' filters: date presets computed in the workspace's time zone
// and the filter state kept in the URL query, so a report can be shared.

export type Preset = "today" | "yesterday" | "last7" | "last30" | "thisMonth" | "lastMonth";
export const presets: Preset[] = ["today", "yesterday", "last7", "last30", "thisMonth", "lastMonth"];

export interface Filters {
  from: string; // YYYY-MM-DD in the workspace's time zone
  to: string;
  preset?: Preset;
  team_id?: string;
  user_id?: string;
  channel_id?: string;
  opened_source?: string;
  closed_source?: string;
  category?: string;
  business: boolean; // hours=business
  compare: boolean;
}

export const openedSources = ["contact", "user", "workflow", "api"];
export const closedSources = ["user", "workflow", "api", "auto_close", "ai_agent"];

/** todayIn answers the calendar date (YYYY-MM-DD) of `now` in time zone tz. */
export function todayIn(tz: string, now: Date): string {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat("en-CA", { timeZone: tz || "UTC", year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(now);
  } catch {
    parts = new Intl.DateTimeFormat("en-CA", { timeZone: "UTC", year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(now);
  }
  const get = (k: string) => parts.find((p) => p.type === k)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")}`;
}

function toUTC(d: string): Date {
  const [y = 1970, m = 1, day = 1] = d.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, day));
}
function fmt(d: Date): string {
  return d.toISOString().slice(0, 10);
}
/** addDays moves a calendar date by n days (no time zone involved). */
export function addDays(d: string, n: number): string {
  const x = toUTC(d);
  x.setUTCDate(x.getUTCDate() + n);
  return fmt(x);
}

/** presetRange answers the from/to of a preset, both included, in tz. */
export function presetRange(p: Preset, tz: string, now: Date): { from: string; to: string } {
  const today = todayIn(tz, now);
  const t = toUTC(today);
  switch (p) {
    case "today":
      return { from: today, to: today };
    case "yesterday": {
      const y = addDays(today, -1);
      return { from: y, to: y };
    }
    case "last7":
      return { from: addDays(today, -6), to: today };
    case "last30":
      return { from: addDays(today, -29), to: today };
    case "thisMonth":
      return { from: fmt(new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), 1))), to: today };
    case "lastMonth":
      return {
        from: fmt(new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() - 1, 1))),
        to: fmt(new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), 0))),
      };
  }
}

const dateRE = /^\d{4}-\d{2}-\d{2}$/;
const idRE = /^\d+$/;

/** parseFilters reads the filters from a URL query; the default is the last 30 days. */
export function parseFilters(q: URLSearchParams, tz: string, now: Date): Filters {
  const preset = q.get("preset") as Preset | null;
  let range: { from: string; to: string };
  let p: Preset | undefined;
  const from = q.get("from") ?? "";
  const to = q.get("to") ?? "";
  if (preset && presets.includes(preset)) {
    range = presetRange(preset, tz, now);
    p = preset;
  } else if (dateRE.test(from) && dateRE.test(to)) {
    range = from <= to ? { from, to } : { from: to, to: from };
  } else {
    range = presetRange("last30", tz, now);
    p = "last30";
  }
  const id = (k: string) => {
    const v = q.get(k);
    return v && idRE.test(v) ? v : undefined;
  };
  const oneOf = (k: string, allowed: string[]) => {
    const v = q.get(k);
    return v && allowed.includes(v) ? v : undefined;
  };
  return {
    ...range,
    preset: p,
    team_id: id("team_id"),
    user_id: id("user_id"),
    channel_id: id("channel_id"),
    opened_source: oneOf("opened_source", openedSources),
    closed_source: oneOf("closed_source", closedSources),
    category: q.get("category") || undefined,
    business: q.get("hours") === "business",
    compare: q.get("compare") === "previous",
  };
}

/** filtersToSearch writes the filters back to a URL query (a preset stays a preset). */
export function filtersToSearch(f: Filters): URLSearchParams {
  const q = new URLSearchParams();
  if (f.preset) q.set("preset", f.preset);
  else {
    q.set("from", f.from);
    q.set("to", f.to);
  }
  if (f.team_id) q.set("team_id", f.team_id);
  if (f.user_id) q.set("user_id", f.user_id);
  if (f.channel_id) q.set("channel_id", f.channel_id);
  if (f.opened_source) q.set("opened_source", f.opened_source);
  if (f.closed_source) q.set("closed_source", f.closed_source);
  if (f.category) q.set("category", f.category);
  if (f.business) q.set("hours", "business");
  if (f.compare) q.set("compare", "previous");
  return q;
}

/** apiQuery is the query the reports API takes for these filters. */
export function apiQuery(f: Filters): Record<string, string> {
  const q: Record<string, string> = { from: f.from, to: f.to };
  // A short range reads better by the hour.
  if (f.from === f.to) q.interval = "hour";
  if (f.team_id) q.team_id = f.team_id;
  if (f.user_id) q.user_id = f.user_id;
  if (f.channel_id) q.channel_id = f.channel_id;
  if (f.opened_source) q.opened_source = f.opened_source;
  if (f.closed_source) q.closed_source = f.closed_source;
  if (f.category) q.category = f.category;
  if (f.business) q.hours = "business";
  if (f.compare) q.compare = "previous";
  return q;
}

/** exportURL is the CSV export of a report with the same filters. */
export function exportURL(report: string, f: Filters): string {
  const q = new URLSearchParams(apiQuery(f));
  return `/api/v1/reports/${report}/export?${q.toString()}`;
}

/** change answers the relative change from prev to cur in percent, or null. */
export function change(cur: number, prev: number | undefined): number | null {
  if (prev === undefined || prev === null) return null;
  if (prev === 0) return cur === 0 ? 0 : null;
  return Math.round(((cur - prev) / prev) * 1000) / 10;
}
