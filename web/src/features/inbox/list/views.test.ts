import { describe, expect, it } from "vitest";
import { baseFilter, listFilter, parseView, viewKey } from "./views";
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
});
