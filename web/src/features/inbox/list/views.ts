// Views: the inbox's left pane. A view key in the URL (all, mine,
// unassigned, team-{id}, view-{id}) names a conversation list filter; the
// list adds the person's sort, status and search on top.
import type { ConversationListFilter, ConversationView } from "../../../lib/types";

export type Sort = "waiting" | "last_message" | "newest" | "oldest";
export const sorts: Sort[] = ["waiting", "last_message", "newest", "oldest"];
export type Status = "open" | "snoozed" | "closed" | "all";
export const statuses: Status[] = ["open", "snoozed", "closed", "all"];

/**
 * Since: time since the contact last wrote in the conversation, as the
 * filter's presets: wrote within an hour, a day, a week; or no message
 * from the contact for an hour, a day, three days. "any" is no bound;
 * "custom" a saved view's bounds that are no preset (shown, not offered).
 */
export type Since = "any" | "within_1h" | "within_24h" | "within_7d" | "older_1h" | "older_24h" | "older_3d" | "custom";
export const sinces: Since[] = ["any", "within_1h", "within_24h", "within_7d", "older_1h", "older_24h", "older_3d"];
const HOUR = 3600;
const sinceBounds: Record<string, { last_incoming_within?: number; last_incoming_older_than?: number }> = {
  within_1h: { last_incoming_within: HOUR },
  within_24h: { last_incoming_within: 24 * HOUR },
  within_7d: { last_incoming_within: 7 * 24 * HOUR },
  older_1h: { last_incoming_older_than: HOUR },
  older_24h: { last_incoming_older_than: 24 * HOUR },
  older_3d: { last_incoming_older_than: 3 * 24 * HOUR },
};

/** sinceOf names the preset of a filter's time bounds. */
export function sinceOf(f: ListFilter): Since {
  if (!f.last_incoming_within && !f.last_incoming_older_than) return "any";
  for (const [s, b] of Object.entries(sinceBounds)) {
    if ((b.last_incoming_within ?? 0) === (f.last_incoming_within ?? 0) &&
      (b.last_incoming_older_than ?? 0) === (f.last_incoming_older_than ?? 0)) return s as Since;
  }
  return "custom";
}

/** timeRelative: the filter's matches change with time alone (its count
 * is refetched on a timer, not only on events). */
export function timeRelative(f: ListFilter | undefined): boolean {
  return !!(f?.last_incoming_within || f?.last_incoming_older_than);
}

/** The query parameters of GET /api/v1/conversations (docs/api.md, Lists),
 * the same filter a saved view stores. */
export type ListFilter = ConversationListFilter;

/**
 * Narrow: what the Filter control picks, under the API's names: a
 * channel, a tag of the contact, their lifecycle stage, a custom field's
 * exact value ("key=value"). A view's own come from its filter; the
 * person's choice replaces them whole (a removed chip stays removed).
 */
export type Narrow = Pick<ListFilter, "channel_id" | "tag" | "stage" | "field">;
export const narrowKeys = ["channel_id", "tag", "stage", "field"] as const;
export type NarrowKey = (typeof narrowKeys)[number];

/** narrowOf is a filter's narrowing members, empty ones left out. */
export function narrowOf(f: ListFilter): Narrow {
  const n: Narrow = {};
  for (const k of narrowKeys) if (f[k]) (n as Record<string, unknown>)[k] = f[k];
  return n;
}

export function sameNarrow(a: Narrow, b: Narrow): boolean {
  return narrowKeys.every((k) => (a[k] || undefined) === (b[k] || undefined));
}

/** fieldFilter is the API's field filter, "key=value"; none without both. */
export function fieldFilter(key: string, value: string): string | undefined {
  return key && value !== "" ? `${key}=${value}` : undefined;
}

/**
 * storedFieldValue is a typed value in the form the server stores it
 * (contact.ValidateValue), since the field filter matches exactly: a number
 * in its shortest form ("12.0" is stored "12"), an email lower-cased, any
 * value trimmed. Dates and times come from their inputs as stored.
 */
export function storedFieldValue(type: string, raw: string): string {
  const v = raw.trim();
  if (type === "number" && v !== "" && Number.isFinite(Number(v))) return String(Number(v));
  if (type === "email") return v.toLowerCase();
  return v;
}

/** splitField reads "key=value" back (the value may hold "="). */
export function splitField(field: string | undefined): { key: string; value: string } {
  const i = field ? field.indexOf("=") : -1;
  return i > 0 ? { key: field!.slice(0, i), value: field!.slice(i + 1) } : { key: "", value: "" };
}

export type ViewRef =
  | { kind: "all" | "mine" | "unassigned" }
  | { kind: "team"; id: number }
  | { kind: "view"; id: number };

/** parseView reads a view key; null when it is none of the known shapes. */
export function parseView(key: string | undefined): ViewRef | null {
  if (key === "all" || key === "mine" || key === "unassigned") return { kind: key };
  const m = /^(team|view)-([1-9][0-9]*)$/.exec(key ?? "");
  if (!m) return null;
  return { kind: m[1] as "team" | "view", id: Number(m[2]) };
}

export function viewKey(v: ViewRef): string {
  return v.kind === "team" || v.kind === "view" ? `${v.kind}-${v.id}` : v.kind;
}

/** baseFilter is what a view narrows to, before sort, status and search. */
export function baseFilter(v: ViewRef, saved?: ConversationView[]): ListFilter {
  switch (v.kind) {
    case "all":
      return {};
    case "mine":
      return { assignee: "me" };
    case "unassigned":
      return { assignee: "none" };
    case "team":
      return { team_id: v.id };
    case "view": {
      // A saved filter without a status lists, and is counted over, every
      // status (the API's meaning, and what Save view stores for "All").
      const f = saved?.find((s) => s.id === v.id)?.filter ?? {};
      return clean({ ...f, status: f.status || "all" });
    }
  }
}

/**
 * listFilter is the whole filter: the view's, with the person's choices on
 * top. A status of "all" lists every status; a view that names a status
 * keeps it unless the person picked another. A time choice replaces the
 * view's time bounds ("any" drops them); a narrowing choice replaces the
 * view's channel, tag, stage and field.
 */
export function listFilter(
  base: ListFilter,
  choice: { sort?: Sort; status?: Status; q?: string; since?: Since; narrow?: Narrow },
): ListFilter {
  const f: ListFilter = { ...base };
  if (choice.narrow) {
    for (const k of narrowKeys) delete f[k];
    Object.assign(f, narrowOf(choice.narrow));
  }
  if (choice.since && choice.since !== "custom") {
    delete f.last_incoming_within;
    delete f.last_incoming_older_than;
    Object.assign(f, sinceBounds[choice.since] ?? {});
  }
  if (choice.sort) f.sort = choice.sort;
  if (!f.sort) f.sort = "last_message";
  const status = choice.status ?? (base.status as Status | undefined) ?? "open";
  if (status === "all") delete f.status;
  else f.status = status;
  const q = choice.q?.trim();
  if (q) f.q = q;
  return clean(f);
}

/** clean drops empty members so equal filters make equal query keys. */
export function clean(f: ListFilter): ListFilter {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(f).sort()) {
    const v = (f as Record<string, unknown>)[k];
    if (v === undefined || v === null || v === "" || v === 0) continue;
    out[k] = v;
  }
  return out as ListFilter;
}

/**
 * Choice: the person's choices on top of a view. narrow holds only the
 * members they changed (undefined: removed), laid over the view's own as
 * picking them in the Filter control does.
 */
export type Choice = { sort?: Sort; status?: Status; q?: string; since?: Since; narrow?: Narrow };

/** The longest value of each text parameter the list accepts
 * (internal/conversation/list_filter.go): a longer one is a 400. */
const maxParam: Record<string, number> = { q: 200, tag: 100, stage: 200, field: 50 + 1 + 5000 };
/** The longest time-since bound, in seconds (conversation.MaxSince). */
const maxSince = 366 * 24 * 3600;

/** textParam: a text parameter the list accepts (no NUL, not too long), or undefined. */
function textParam(name: string, v: string): string | undefined {
  return !v.includes("\0") && [...v.trim()].length <= maxParam[name]! ? v : undefined;
}

/**
 * choiceFromParams reads the person's choices from the page's query
 * string, under the list request's names (sort, status, q, channel_id,
 * tag, stage, field, last_incoming_within, last_incoming_older_than);
 * status=all is every status. A present but empty narrowing or time
 * parameter removes the view's own. A value the list would refuse, or
 * the UI cannot show (a time bound that is no preset), is left out: a
 * hand-edited link never breaks the page.
 */
export function choiceFromParams(p: URLSearchParams): Choice {
  const c: Choice = {};
  const sort = p.get("sort");
  if (sorts.includes(sort as Sort)) c.sort = sort as Sort;
  const status = p.get("status");
  if (statuses.includes(status as Status)) c.status = status as Status;
  const q = p.get("q");
  if (q !== null && textParam("q", q) !== undefined) c.q = q;
  if (p.has("last_incoming_within") || p.has("last_incoming_older_than")) {
    const bound = (name: string): number | null => {
      const s = p.get(name) ?? "";
      if (s === "") return 0;
      return /^[1-9][0-9]*$/.test(s) && Number(s) <= maxSince ? Number(s) : null;
    };
    const within = bound("last_incoming_within");
    const older = bound("last_incoming_older_than");
    const since = within === null || older === null ? "custom" : sinceOf({ last_incoming_within: within, last_incoming_older_than: older });
    if (since !== "custom") c.since = since;
  }
  const narrow: Record<string, unknown> = {};
  const id = p.get("channel_id");
  if (id === "") narrow.channel_id = undefined;
  else if (id !== null && /^[1-9][0-9]*$/.test(id) && Number.isSafeInteger(Number(id))) narrow.channel_id = Number(id);
  for (const k of ["tag", "stage", "field"] as const) {
    const v = p.get(k);
    if (v === null) continue;
    if (v === "") narrow[k] = undefined;
    else if (textParam(k, v) !== undefined && (k !== "field" || splitField(v).key !== "")) narrow[k] = v;
  }
  if (Object.keys(narrow).length) c.narrow = narrow as Narrow;
  return c;
}

/** The query parameters choiceFromParams reads. */
const choiceParams = ["sort", "status", "q", "last_incoming_within", "last_incoming_older_than", ...narrowKeys];

/**
 * withChoice is the query string `p` with the choice `c` written into it
 * (other parameters kept); c.narrow is the whole narrowing shown, each
 * member compared with the view's own. own is the view's: a status, time or narrowing
 * equal to the view's own is no parameter, so the link names what the
 * person changed. A sort is written whenever picked: without it the link
 * would open in the reader's own remembered sort.
 */
export function withChoice(
  p: URLSearchParams,
  c: Choice,
  own: { status: Status; since: Since; narrow: Narrow },
): URLSearchParams {
  const out = new URLSearchParams(p);
  for (const k of choiceParams) out.delete(k);
  if (c.sort) out.set("sort", c.sort);
  if (c.status && c.status !== own.status) out.set("status", c.status);
  if (c.q) out.set("q", c.q);
  if (c.since && c.since !== "custom" && c.since !== own.since) {
    const b = sinceBounds[c.since];
    if (b?.last_incoming_within) out.set("last_incoming_within", String(b.last_incoming_within));
    else if (b?.last_incoming_older_than) out.set("last_incoming_older_than", String(b.last_incoming_older_than));
    else out.set("last_incoming_within", ""); // "any": the view's bounds dropped
  }
  if (c.narrow) {
    for (const k of narrowKeys) {
      const v = c.narrow[k] || undefined;
      if (v === (own.narrow[k] || undefined)) continue;
      out.set(k, v === undefined ? "" : String(v));
    }
  }
  return out;
}
