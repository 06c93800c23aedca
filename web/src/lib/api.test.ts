import { afterEach, describe, expect, it, vi } from "vitest";
import { allPages, api } from "./api";

afterEach(() => vi.restoreAllMocks());

describe("allPages", () => {
  it("follows the cursor until the list ends: a workspace has more than 200 tags, people or snippets", async () => {
    const get = vi.spyOn(api, "get").mockImplementation(async (_path, query) => {
      const n = query?.cursor ? Number(query.cursor) : 0;
      const data = Array.from({ length: n < 400 ? 200 : 50 }, (_, i) => ({ id: n + i + 1 }));
      return { data, next_cursor: n < 400 ? String(n + 200) : undefined } as never;
    });
    const all = await allPages<{ id: number }>("/api/v1/tags", { q: "x" });
    expect(all.data).toHaveLength(450);
    expect(all.data[449]).toEqual({ id: 450 });
    expect(all.next_cursor).toBeUndefined();
    expect(get).toHaveBeenCalledTimes(3);
    expect(get.mock.calls[1]![1]).toEqual({ q: "x", limit: 200, cursor: "200" });
  });
  it("stops after maxPages and says where it stopped", async () => {
    vi.spyOn(api, "get").mockResolvedValue({ data: [{ id: 1 }], next_cursor: "more" } as never);
    const some = await allPages<{ id: number }>("/api/v1/users", undefined, undefined, 3);
    expect(some.data).toHaveLength(3);
    expect(some.next_cursor).toBe("more");
  });
});

describe("request headers", () => {
  it("sends a change's own headers (If-Match on a workflow's draft) beside the client's", async () => {
    const fetchMock = vi.fn(async () => new Response(JSON.stringify({ id: 7 }), { status: 200 }));
    vi.stubGlobal("fetch", fetchMock);
    try {
      await api.put("/api/v1/workflows/7", { name: "x" }, { "If-Match": '"3"' });
      const init = (fetchMock.mock.calls[0] as unknown as [string, RequestInit])[1];
      expect(init.headers).toMatchObject({ "If-Match": '"3"', "Content-Type": "application/json", Accept: "application/json" });
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
