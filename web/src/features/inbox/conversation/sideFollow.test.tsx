// The open conversation's comments and timeline events follow the socket
// as its messages do. Measured: with everything shown (5 pages of 200
// loaded), a comment or a workflow step made the timeline read its 5
// pages again, one after the other; now a comment costs one read of the
// comments after the newest held, and a timeline event none (the socket
// sends it whole). The real LiveProvider hears the events from a fake
// socket; the API is a fake fetch that counts what is asked.
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { act, cleanup, renderHook, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { LiveProvider, useLive } from "../../../lib/liveContext";
import { AppQueryClient } from "../../../lib/queryClient";
import type { Comment, LogEvent } from "../../../lib/types";
import { useComments, useEvents } from "./timelineWindow";
import { FakeWebSocket } from "../../../lib/fakeWebSocket";

const at = (id: number) => new Date(Date.UTC(2026, 0, 1) + id * 1000).toISOString();
const comment = (id: number): Comment => ({ id, conversation_id: 7, user_id: 1, text: `c${id}`, mentions: [], created_at: at(id) }) as Comment;
const step = (id: number, type = "workflow.step"): LogEvent => ({ id, type, conversation_id: 7, workspace_id: 1, seq: 0, created_at: at(id), payload: {} }) as LogEvent;

// The server: items 1–1000 of conversation 7 on each list, served as the API does.
let comments: Map<number, Comment>;
let events: Map<number, LogEvent>;
let requests: URL[];
/** hold, when set, keeps the answer of a newest-first read until released. */
let hold: { release: () => void; wait: Promise<void> } | null;

const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });

const realWS = globalThis.WebSocket;
beforeEach(() => {
  FakeWebSocket.all = [];
  (globalThis as unknown as { WebSocket: unknown }).WebSocket = FakeWebSocket;
  comments = new Map(Array.from({ length: 1000 }, (_, i) => [i + 1, comment(i + 1)]));
  events = new Map(Array.from({ length: 1000 }, (_, i) => [i + 1, step(i + 1)]));
  requests = [];
  hold = null;
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: string) => {
      const url = new URL(input, "http://x");
      requests.push(url);
      const one = /\/comments\/(\d+)$/.exec(url.pathname);
      if (one) {
        const c = comments.get(Number(one[1]));
        return c ? json(c) : new Response(JSON.stringify({ error: { code: "not_found", message: "comment not found" } }), { status: 404 });
      }
      const server: Map<number, unknown> = url.pathname.endsWith("/comments") ? comments : events;
      const q = url.searchParams;
      const limit = Number(q.get("limit") ?? 50);
      const ids = [...server.keys()].sort((a, b) => a - b);
      let list: number[];
      if (q.get("order") === "desc") {
        const before = q.get("cursor") ? Number(q.get("cursor")) : Infinity;
        list = ids.filter((id) => id < before).reverse();
        if (hold) await hold.wait;
      } else {
        const after = Number(q.get("after") ?? q.get("cursor") ?? 0);
        list = ids.filter((id) => id > after);
      }
      const page = list.slice(0, limit);
      return json({ data: page.map((id) => server.get(id)), next_cursor: list.length > limit ? String(page[page.length - 1]) : "" });
    }),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  (globalThis as unknown as { WebSocket: unknown }).WebSocket = realWS;
});

/**
 * mount shows a list with everything (reach null: all 5 pages read) and the
 * socket open: as the page loads, the socket opens during the list's first
 * read (which is then read again, see AppQueryClient); with socketFirst,
 * the list is shown once the socket is open.
 */
function mount<R>(use: (subscribe: ReturnType<typeof useLive>["subscribe"]) => R, { socketFirst = false } = {}) {
  const qc = new AppQueryClient({ defaultOptions: { queries: { retry: false, staleTime: 30_000 } } });
  let shown = !socketFirst;
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={qc}>
      <LiveProvider onSignedOut={() => {}}>{shown && children}</LiveProvider>
    </QueryClientProvider>
  );
  const hook = renderHook(() => use(useLive().subscribe), { wrapper });
  const ws = FakeWebSocket.all[FakeWebSocket.all.length - 1]!;
  act(() => ws.open());
  if (socketFirst) {
    shown = true;
    hook.rerender();
  }
  const deliver = (e: LogEvent) => act(() => ws.deliver({ type: "event", event: e }));
  let seen = 5000;
  const commented = (id: number, type = "comment.created") => deliver({ ...step(++seen, type), payload: { comment_id: id } });
  return { qc, deliver, commented, ...hook };
}

const settled = (qc: QueryClient) => waitFor(() => expect(qc.isFetching()).toBe(0));
const ids = (r: { current: { data?: { id: number }[] } }) => r.current.data?.map((x) => x.id) ?? [];

it("reads the comments after the newest held on a comment written, one request with 5 pages loaded (was 5)", async () => {
  const { result, commented, qc } = mount((s) => useComments(7, null, s));
  await waitFor(() => expect(result.current.data).toHaveLength(1000));
  await settled(qc);
  requests = [];

  comments.set(1001, comment(1001));
  commented(1001);
  await waitFor(() => expect(ids(result)).toContain(1001));
  await settled(qc);
  expect(requests.map((u) => u.search)).toEqual(["?after=1000&limit=200"]);
  expect(ids(result)).toHaveLength(1001);
  expect(ids(result).at(-1)).toBe(1001);

  // A burst: read after the newest held each time, never the pages.
  requests = [];
  for (const id of [1002, 1003, 1004]) {
    comments.set(id, comment(id));
    commented(id);
  }
  await waitFor(() => expect(ids(result)).toContain(1004));
  await settled(qc);
  expect(requests.length).toBeLessThanOrEqual(2);
  for (const u of requests) expect(u.searchParams.get("after")).not.toBeNull();
  expect(new Set(ids(result)).size).toBe(1004);

  // One already held (the agent's own, put in place from the POST's answer) reads nothing.
  requests = [];
  commented(1004);
  await settled(qc);
  expect(requests).toEqual([]);
});

it("reads a comment rewritten alone and puts it in place; one deleted leaves with no request", async () => {
  const { result, commented, qc } = mount((s) => useComments(7, null, s));
  await waitFor(() => expect(result.current.data).toHaveLength(1000));
  await settled(qc);
  requests = [];

  comments.set(500, { ...comment(500), text: "rewritten", edited_at: at(2000) } as Comment);
  commented(500, "comment.edited");
  await waitFor(() => expect(result.current.data!.find((c) => c.id === 500)!.text).toBe("rewritten"));
  await settled(qc);
  expect(requests.map((u) => u.pathname)).toEqual(["/api/v1/conversations/7/comments/500"]);
  expect(ids(result)).toHaveLength(1000);

  requests = [];
  comments.delete(10);
  commented(10, "comment.deleted");
  await waitFor(() => expect(ids(result)).not.toContain(10));
  await settled(qc);
  expect(requests).toEqual([]);
  expect(ids(result)).toHaveLength(999);

  // Rewritten, then deleted before its read: the read's 404 takes it out.
  requests = [];
  comments.delete(20);
  commented(20, "comment.edited");
  await waitFor(() => expect(ids(result)).not.toContain(20));
  await settled(qc);
  expect(requests.map((u) => u.pathname)).toEqual(["/api/v1/conversations/7/comments/20"]);
  expect(ids(result)).toHaveLength(998);
});

it("reads a comment committed after a newer one (PostgreSQL's writers may) from just below it, in one request", async () => {
  const { result, commented, qc } = mount((s) => useComments(7, null, s));
  await waitFor(() => expect(result.current.data).toHaveLength(1000));
  comments.set(1002, comment(1002));
  commented(1002);
  await waitFor(() => expect(ids(result)).toContain(1002));
  await settled(qc);
  requests = [];
  // 1001 commits only now: it is not after the newest held.
  comments.set(1001, comment(1001));
  commented(1001);
  await waitFor(() => expect(ids(result)).toContain(1001));
  await settled(qc);
  expect(requests.map((u) => u.search)).toEqual(["?after=1000&limit=200"]);
  expect(ids(result).slice(-3)).toEqual([1000, 1001, 1002]); // in order
  expect(ids(result)).toHaveLength(1002);
});

it("puts a timeline event the socket sends in place without a request, and leaves the others out", async () => {
  const { result, deliver, qc } = mount((s) => useEvents(7, null, s));
  await waitFor(() => expect(result.current.data).toHaveLength(1000));
  await settled(qc);
  requests = [];

  deliver(step(1001));
  deliver(step(1002, "conversation.assigned"));
  deliver(step(1003, "message.received")); // not a timeline event
  deliver({ ...step(1004), conversation_id: 8 }); // another conversation's
  deliver(step(1005, "workflow.run.ended"));
  await waitFor(() => expect(ids(result)).toContain(1005));
  await settled(qc);
  expect(requests).toEqual([]);
  expect(ids(result).slice(-4)).toEqual([1000, 1001, 1002, 1005]);
  expect(result.current.data!.at(-2)!.type).toBe("conversation.assigned");
});

it("keeps a timeline event heard while the list is being read", async () => {
  let release!: () => void;
  hold = { release: () => release(), wait: new Promise<void>((r) => (release = r)) };
  const { result, deliver, qc } = mount((s) => useEvents(7, undefined, s), { socketFirst: true });
  await waitFor(() => expect(requests).toHaveLength(1));
  // Committed after the read's answer was made: not in it.
  deliver(step(1001));
  hold.release();
  await waitFor(() => expect(ids(result)).toContain(1001));
  await settled(qc);
  expect(ids(result)).toHaveLength(201);
  expect(requests).toHaveLength(1);
});
