import { describe, expect, it } from "vitest";
import { baseFilter, listFilter, parseView, sinceOf, sinces, timeRelative, viewKey } from "./views";
import { countsRefetchInterval, TIME_VIEW_COUNTS_MS } from "./data";
import type { ConversationView } from "../../../lib/types";

describe("views", () => {
  it("parses every view key and refuses others", () => {
    expect(parseView("all")).toEqual({ kind: "all" });
    expect(parseView("team-3")).toEqual({ kind: "team", id: 3 });
    expect(parseView("view-12")).toEqual({ kind: "view", id: 12 });
    expect(parseView("team-0")).toBeNull();
    expect(parseView("team-x")).toBeNull();
    expect(parseView("everything")).toBeNull();
    expect(viewKey({ kind: "view", id: 12 })).toBe("view-12");
  });
  it("turns a view into the list's filter, with the person's choices on top", () => {
    expect(listFilter(baseFilter({ kind: "mine" }), {})).toEqual({ assignee: "me", sort: "last_message", status: "open" });
    expect(listFilter(baseFilter({ kind: "team", id: 2 }), { sort: "waiting", status: "all", q: " ada " })).toEqual({
      team_id: 2,
      sort: "waiting",
      q: "ada",
    });
    const saved = [{ id: 4, name: "VIP", filter: { tag: "vip", status: "closed", sort: "newest" } }] as ConversationView[];
    expect(listFilter(baseFilter({ kind: "view", id: 4 }, saved), {})).toEqual({ tag: "vip", status: "closed", sort: "newest" });
    expect(listFilter(baseFilter({ kind: "view", id: 4 }, saved), { status: "open" })).toMatchObject({ status: "open" });
  });
  it("reopens a view saved with every status on every status, as the server lists and counts it", () => {
    // What Save view sends from All with "All statuses": no status.
    const sent = listFilter(baseFilter({ kind: "all" }), { status: "all", sort: "newest" });
    expect(sent).toEqual({ sort: "newest" });
    const saved = [{ id: 5, name: "Everything", filter: sent }] as ConversationView[];
    expect(listFilter(baseFilter({ kind: "view", id: 5 }, saved), {})).toEqual({ sort: "newest" });
    expect(listFilter(baseFilter({ kind: "view", id: 5 }, saved), { status: "open" })).toEqual({ sort: "newest", status: "open" });
  });
  it("turns a time-since preset into the list's bounds in seconds, replacing the view's", () => {
    expect(listFilter(baseFilter({ kind: "all" }), { since: "within_24h" })).toEqual({
      last_incoming_within: 86400,
      sort: "last_message",
      status: "open",
    });
    expect(listFilter(baseFilter({ kind: "mine" }), { since: "older_3d" })).toMatchObject({ assignee: "me", last_incoming_older_than: 259200 });
    const saved = [{ id: 6, name: "Quiet", filter: { last_incoming_older_than: 86400, status: "open" } }] as ConversationView[];
    const base = baseFilter({ kind: "view", id: 6 }, saved);
    expect(sinceOf(base)).toBe("older_24h");
    expect(listFilter(base, {})).toMatchObject({ last_incoming_older_than: 86400 });
    const within = listFilter(base, { since: "within_1h" });
    expect(within).toMatchObject({ last_incoming_within: 3600 });
    expect(within).not.toHaveProperty("last_incoming_older_than");
    const any = listFilter(base, { since: "any" });
    expect(any).not.toHaveProperty("last_incoming_older_than");
    expect(any).not.toHaveProperty("last_incoming_within");
  });
  it("names every preset back, and a saved view's other bounds custom", () => {
    for (const s of sinces) expect(sinceOf(listFilter({}, { since: s }))).toBe(s);
    expect(sinceOf({ last_incoming_within: 5400 })).toBe("custom");
    expect(sinceOf({ last_incoming_within: 86400, last_incoming_older_than: 3600 })).toBe("custom");
    // A custom saved bound is kept when nothing else is picked.
    expect(listFilter({ last_incoming_within: 5400 }, { since: "custom" })).toMatchObject({ last_incoming_within: 5400 });
  });
  it("refetches the counts every minute only when a saved view is relative to now", () => {
    const plain = [{ id: 1, name: "VIP", filter: { tag: "vip" } }] as ConversationView[];
    const timed = [...plain, { id: 2, name: "Today", filter: { last_incoming_within: 86400 } }] as ConversationView[];
    expect(countsRefetchInterval(undefined)).toBe(false);
    expect(countsRefetchInterval(plain)).toBe(false);
    expect(countsRefetchInterval(timed)).toBe(TIME_VIEW_COUNTS_MS);
    expect(TIME_VIEW_COUNTS_MS).toBe(60_000);
    expect(timeRelative({ last_incoming_older_than: 3600 })).toBe(true);
    expect(timeRelative({ status: "open" })).toBe(false);
  });
});
