// The contacts screens' server state: the filtered list (paged with
// cursors), the workspace's fields, stages and tags, and who may export.
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { api, buildURL, type Page } from "../../lib/api";
import { qk } from "../../lib/queryKeys";
import type { components } from "../../lib/api-types";
import type { Contact, Conversation, WhoAmI } from "../../lib/types";

export type { Stage, Tag } from "../../lib/directory";
export type MergeSuggestion = components["schemas"]["ContactMergeSuggestion"];
export type MergeDismissal = components["schemas"]["ContactMergeDismissal"];
export type MergeResult = components["schemas"]["ContactMergeResult"];
export type ImportReport = components["schemas"]["ContactImportReport"];

/** ContactFilter is the list's query: every member is a query parameter of GET /contacts (and the export). */
export interface ContactFilter {
  q?: string;
  tag?: string;
  field?: string; // key=value
  stage?: string;
  channel_id?: string;
  last_message_after?: string; // RFC 3339
  last_message_before?: string;
  blocked?: string; // only | exclude
}

/** cleanFilter drops empty members, so equal filters make equal query keys. */
export function cleanFilter(f: ContactFilter): ContactFilter {
  const out: ContactFilter = {};
  for (const [k, v] of Object.entries(f) as [keyof ContactFilter, string | undefined][]) if (v) out[k] = v;
  return out;
}

export const PAGE = 100;

export function useContactList(filter: ContactFilter) {
  return useInfiniteQuery({
    queryKey: qk.contactList(filter),
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<Contact>>("/api/v1/contacts", { ...filter, limit: PAGE, cursor: pageParam }, signal),
    initialPageParam: "",
    getNextPageParam: (last) => last.next_cursor || undefined,
    placeholderData: (prev) => prev,
  });
}

/** useContactCount: how many contacts the filter keeps (those the person may see), asked only when wanted. */
export function useContactCount(filter: ContactFilter, enabled: boolean) {
  return useQuery({
    queryKey: qk.contactCount(filter),
    queryFn: ({ signal }) => api.get<{ count: number }>("/api/v1/contacts/count", { ...filter }, signal),
    enabled,
  });
}

export const exportURL = (filter: ContactFilter) => buildURL("/api/v1/contacts/export", { ...filter });

// The workspace's fields, stages and tags are the directory's (one query
// per key for every screen).
export { useFields, useStages, useTags } from "../../lib/directory";

/** canExport says whether the signed-in person has the export_contacts permission (the server decides anyway). */
export function canExport(me: WhoAmI): boolean {
  if (me.role === "owner") return true;
  const own = me.user?.permissions;
  if (own) return own.export_contacts;
  return me.workspace.permissions?.[me.role]?.export_contacts ?? me.role === "manager";
}

/** useContactConversations: a contact's conversations, newest first, the first 50. */
export function useContactConversations(contactID: number) {
  return useQuery({
    queryKey: qk.contactConversations(contactID),
    queryFn: () => api.get<Page<Conversation>>(`/api/v1/contacts/${contactID}/conversations`, { limit: 50 }),
  });
}

/** mayDelete: deleting a contact needs delete_contacts (an owner always may). */
export function mayDelete(me: WhoAmI): boolean {
  if (me.role === "owner") return true;
  const own = me.user?.permissions;
  if (own) return own.delete_contacts;
  return me.workspace.permissions?.[me.role]?.delete_contacts ?? me.role === "manager";
}

/** mayMerge: merging deletes a contact, so it needs what mayDelete does. */
export const mayMerge = mayDelete;

export function displayName(c: Pick<Contact, "first_name" | "last_name" | "email" | "phone" | "id">): string {
  return [c.first_name, c.last_name].filter(Boolean).join(" ") || c.email || c.phone || "#" + c.id;
}

/** fieldText shows a stored custom value as text. */
export function fieldText(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "boolean") return v ? "✓" : "";
  return String(v);
}

/** wall reads the calendar day and time an instant shows in tz, as UTC milliseconds. */
function wall(ms: number, tz: string): number {
  let parts: Intl.DateTimeFormatPart[];
  const opts = { year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", hourCycle: "h23" } as const;
  try {
    parts = new Intl.DateTimeFormat("en-US", { ...opts, timeZone: tz || "UTC" }).formatToParts(ms);
  } catch {
    parts = new Intl.DateTimeFormat("en-US", { ...opts, timeZone: "UTC" }).formatToParts(ms);
  }
  const get = (k: string) => Number(parts.find((p) => p.type === k)?.value ?? 0);
  return Date.UTC(get("year"), get("month") - 1, get("day"), get("hour") % 24, get("minute"));
}

/**
 * dayStart turns a date input's value (YYYY-MM-DD) into the RFC 3339
 * instant that day begins in the workspace's time zone tz: the list shows
 * each contact's last message on that calendar, so "after 2 March" starts
 * at midnight there, not at midnight UTC.
 */
export function dayStart(d: string, tz: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d);
  if (!m) return undefined;
  const want = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  let at = want;
  // Two corrections settle any offset, DST included.
  for (let i = 0; i < 3; i++) {
    const shown = wall(at, tz);
    if (shown === want) break;
    at += want - shown;
  }
  // A day whose midnight the clocks skip begins when they resume.
  while (wall(at, tz) < want) at += 15 * 60_000;
  return new Date(at).toISOString().replace(".000Z", "Z");
}

/** dayOf is the calendar day (YYYY-MM-DD) an RFC 3339 instant falls on in tz, for the date input. */
export function dayOf(v: string | undefined, tz: string): string {
  const ms = v ? Date.parse(v) : NaN;
  if (Number.isNaN(ms)) return "";
  return new Date(wall(ms, tz)).toISOString().slice(0, 10);
}
