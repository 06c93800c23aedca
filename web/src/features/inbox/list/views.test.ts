import { describe, expect, it } from "vitest";
import { baseFilter, choiceFromParams, withChoice, type Choice, type Narrow, type Since, type Status, fieldFilter, listFilter, narrowOf, parseView, sameNarrow, sinceOf, sinces, splitField, storedFieldValue, timeRelative, viewKey } from "./views";
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
  it("narrows any view by channel, tag, stage and field under the API's names", () => {
    const narrow = { channel_id: 3, tag: "VIP", stage: "Customer", field: "need=sales" };
    expect(listFilter(baseFilter({ kind: "mine" }), { narrow })).toEqual({
      assignee: "me",
      channel_id: 3,
      field: "need=sales",
      sort: "last_message",
      stage: "Customer",
      status: "open",
      tag: "VIP",
    });
    // Empty members are no filter (and make the same query key as none).
    expect(listFilter({}, { narrow: { tag: "", channel_id: 0, field: undefined } })).toEqual({ sort: "last_message", status: "open" });
  });
  it("opens a saved view with its narrowing, and a removed one stays removed", () => {
    const saved = [
      { id: 7, name: "WhatsApp VIP customers", filter: { channel_id: 2, tag: "VIP", stage: "Customer", status: "open" } },
    ] as ConversationView[];
    const base = baseFilter({ kind: "view", id: 7 }, saved);
    expect(narrowOf(base)).toEqual({ channel_id: 2, tag: "VIP", stage: "Customer" });
    expect(listFilter(base, {})).toMatchObject({ channel_id: 2, tag: "VIP", stage: "Customer" });
    // The tag chip removed: the person's narrowing replaces the view's whole.
    const without = listFilter(base, { narrow: { channel_id: 2, stage: "Customer" } });
    expect(without).toMatchObject({ channel_id: 2, stage: "Customer", status: "open" });
    expect(without).not.toHaveProperty("tag");
    expect(listFilter(base, { narrow: {} })).toEqual({ sort: "last_message", status: "open" });
    expect(sameNarrow(narrowOf(base), { stage: "Customer", tag: "VIP", channel_id: 2 })).toBe(true);
    expect(sameNarrow(narrowOf(base), { channel_id: 2, stage: "Customer" })).toBe(false);
    expect(sameNarrow({}, { tag: "" })).toBe(true);
  });
  it("reads and writes a field filter as key=value, the value free to hold =", () => {
    expect(fieldFilter("need", "sales")).toBe("need=sales");
    expect(fieldFilter("vip", "false")).toBe("vip=false");
    expect(fieldFilter("need", "")).toBeUndefined();
    expect(fieldFilter("", "x")).toBeUndefined();
    expect(splitField("formula=a=b")).toEqual({ key: "formula", value: "a=b" });
    expect(splitField("need=")).toEqual({ key: "need", value: "" });
    expect(splitField(undefined)).toEqual({ key: "", value: "" });
    expect(splitField("=x")).toEqual({ key: "", value: "" });
  });
  it("types a field's value as the server stores it, so the exact filter matches", () => {
    expect(storedFieldValue("number", " 12.0 ")).toBe("12");
    expect(storedFieldValue("number", "12.50")).toBe("12.5");
    expect(storedFieldValue("number", "twelve")).toBe("twelve");
    expect(storedFieldValue("email", " Ada@Example.COM ")).toBe("ada@example.com");
    expect(storedFieldValue("text", "  Order 44 ")).toBe("Order 44");
    expect(storedFieldValue("date", "2026-12-05")).toBe("2026-12-05");
  });
});

describe("the choices in the page's query string", () => {
  const read = (qs: string) => choiceFromParams(new URLSearchParams(qs));
  const own: { status: Status; since: Since; narrow: Narrow } = { status: "open", since: "any", narrow: {} };
  it("reads each choice under the list request's names", () => {
    expect(read("status=closed&sort=waiting&q=ada%20&tag=VIP&stage=Customer&channel_id=3&field=need%3Da%3Db&last_incoming_older_than=259200")).toEqual({
      status: "closed",
      sort: "waiting",
      q: "ada ",
      since: "older_3d",
      narrow: { tag: "VIP", stage: "Customer", channel_id: 3, field: "need=a=b" },
    });
    expect(read("status=all")).toEqual({ status: "all" });
    expect(read("")).toEqual({});
    // Present but empty: the view's own removed.
    expect(read("tag=&last_incoming_within=")).toEqual({ since: "any", narrow: { tag: undefined } });
    expect(Object.keys(read("channel_id=").narrow!)).toEqual(["channel_id"]);
  });
  it.each([
    ["status=pending", {}],
    ["status=ALL", {}],
    ["sort=random", {}],
    ["channel_id=0", {}],
    ["channel_id=-2", {}],
    ["channel_id=3x", {}],
    ["channel_id=99999999999999999999", {}],
    ["field=need", {}],
    ["field=%3Dsales", {}],
    ["tag=" + "x".repeat(101), {}],
    ["stage=a%00b", {}],
    ["q=" + "x".repeat(201), {}],
    ["last_incoming_within=5400", {}],
    ["last_incoming_within=abc", {}],
    ["last_incoming_within=0", {}],
    ["last_incoming_within=99999999", {}],
    ["last_incoming_within=3600&last_incoming_older_than=86400", {}],
    ["status=nope&tag=VIP", { narrow: { tag: "VIP" } }],
  ])("ignores the value the list would refuse: %s", (qs, want) => {
    expect(read(qs)).toEqual(want);
  });
  it("writes only what differs from the view's own, and reads it back", () => {
    const write = (c: Choice, o = own, from = "") => withChoice(new URLSearchParams(from), c, o).toString();
    expect(write({ status: "open", since: "any", narrow: {} })).toBe("");
    expect(write({ status: "closed", sort: "newest", q: "ada lovelace", since: "within_24h", narrow: { tag: "VIP", channel_id: 3, field: "need=a=b" } })).toBe(
      "sort=newest&status=closed&q=ada+lovelace&last_incoming_within=86400&channel_id=3&tag=VIP&field=need%3Da%3Db",
    );
    // A saved view's own tag removed, its stage kept, its bounds dropped.
    const view = { status: "all" as const, since: "older_24h" as const, narrow: { tag: "VIP", stage: "Customer" } };
    const qs = write({ status: "all", since: "any", narrow: { stage: "Customer" } }, view);
    expect(qs).toBe("last_incoming_within=&tag=");
    expect(read(qs)).toEqual({ since: "any", narrow: { tag: undefined } });
    // Other parameters stay; the old choices go.
    expect(write({ status: "snoozed" }, own, "status=closed&tag=VIP&x=1")).toBe("x=1&status=snoozed");
    for (const s of sinces) expect(read(write({ since: s })).since ?? "any").toBe(s);
  });
});
