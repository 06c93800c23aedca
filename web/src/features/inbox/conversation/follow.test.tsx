// The open conversation follows the socket reading only what an event
// changed. Measured: an agent who scrolled 20 pages back (1,000 messages)
// made the timeline read 20 pages on every event, one after the other;
// now a new message costs one read of the messages after the newest held,
// a status or a reaction none, an edit one read of that message. The real
// LiveProvider hears the events from a fake socket; the API is a fake
// fetch that counts what is asked.
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { act, cleanup, render, renderHook, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { LiveProvider, useLive } from "../../../lib/liveContext";
import { qk } from "../../../lib/queryKeys";
import type { Message } from "../../../lib/types";
import { useMessages } from "./data";
import { FakeWebSocket } from "../../../lib/fakeWebSocket";


const msg = (id: number, extra: Partial<Message> = {}): Message => ({
  id,
  channel_id: 1,
  contact_id: 1,
  conversation_id: 7,
  content: null,
  created_at: new Date(Date.UTC(2026, 0, 1) + id * 1000).toISOString(),
  direction: "out",
  sender: "user",
  status: "sent",
  text: `m${id}`,
  type: "text",
  workspace_id: 1,
  ...extra,
});

// The server: messages 1–5000 of conversation 7, served as the API does.
let server: Map<number, Message>;
let requests: URL[];
/** hold, when set, keeps the answer of a page read by cursor until released. */
let hold: { release: () => void; wait: Promise<void> } | null;

const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });

const realWS = globalThis.WebSocket;
beforeEach(() => {
  FakeWebSocket.all = [];
  (globalThis as unknown as { WebSocket: unknown }).WebSocket = FakeWebSocket;
  server = new Map(Array.from({ length: 5000 }, (_, i) => [i + 1, msg(i + 1)]));
  requests = [];
  hold = null;
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: string) => {
      const url = new URL(input, "http://x");
      requests.push(url);
      const one = url.pathname.match(/^\/api\/v1\/messages\/(\d+)$/);
      if (one) return json(server.get(Number(one[1])));
      const q = url.searchParams;
      const limit = Number(q.get("limit") ?? 50);
      const ids = [...server.keys()].sort((a, b) => a - b);
      let list: number[];
      if (q.get("order") === "desc") {
        const before = q.get("cursor") ? Number(q.get("cursor")) : Infinity;
        list = ids.filter((id) => id < before).reverse();
        if (q.get("cursor") && hold) await hold.wait;
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

function mount() {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: 30_000 } } });
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={qc}>
      <LiveProvider onSignedOut={() => {}}>{children}</LiveProvider>
    </QueryClientProvider>
  );
  const hook = renderHook(() => useMessages(7, useLive().subscribe), { wrapper });
  const ws = FakeWebSocket.all[FakeWebSocket.all.length - 1]!;
  act(() => ws.open());
  let seen = 0;
  const event = (type: string, payload: object) =>
    act(() => ws.deliver({ type: "event", event: { id: ++seen, type, conversation_id: 7, workspace_id: 1, created_at: new Date().toISOString(), payload } }));
  return { qc, ws, event, ...hook };
}

/** scrollBack reads pages until n are loaded, as the agent scrolling up does. */
async function scrollBack(result: { current: ReturnType<typeof useMessages> }, n: number) {
  await waitFor(() => expect(result.current.data?.length).toBe(50));
  for (let i = 2; i <= n; i++) {
    await act(() => result.current.fetchNextPage());
    await waitFor(() => expect(result.current.data!.length).toBe(i * 50));
  }
}

const settled = (qc: QueryClient) => waitFor(() => expect(qc.isFetching()).toBe(0));
const shown = (r: { current: ReturnType<typeof useMessages> }, id: number) => r.current.data!.find((m) => m.id === id);

it("reads the messages after the newest held on a message written, one request with 20 pages loaded (was 20)", async () => {
  const { result, event, qc } = mount();
  await scrollBack(result, 20);
  requests = [];

  server.set(5001, msg(5001, { direction: "in", sender: "contact", status: "received" }));
  event("message.received", { message_id: 5001 });
  await waitFor(() => expect(shown(result, 5001)).toBeTruthy());
  await settled(qc);
  expect(requests.map((u) => u.search)).toEqual(["?after=5000&limit=200"]);
  expect(result.current.data).toHaveLength(20 * 50 + 1);
  expect(result.current.data![result.current.data!.length - 1]!.id).toBe(5001); // the newest, last
  expect(result.current.data![0]!.id).toBe(4001); // the pages read before stay

  // A burst of messages: read after the newest held each time, never the pages.
  requests = [];
  for (const id of [5002, 5003, 5004]) {
    server.set(id, msg(id));
    event("message.sent", { message_id: id });
  }
  await waitFor(() => expect(shown(result, 5004)).toBeTruthy());
  await settled(qc);
  expect(requests.length).toBeLessThanOrEqual(2);
  for (const u of requests) expect(u.searchParams.get("after")).not.toBeNull();
  expect(new Set(result.current.data!.map((m) => m.id)).size).toBe(result.current.data!.length);
});

it("reads by its id a message committed after a newer one (PostgreSQL's writers may), which the read after the newest misses", async () => {
  const { result, event, qc } = mount();
  await scrollBack(result, 2);
  server.set(5002, msg(5002));
  event("message.sent", { message_id: 5002 });
  await waitFor(() => expect(shown(result, 5002)).toBeTruthy());
  await settled(qc);
  requests = [];
  // 5001 commits only now.
  server.set(5001, msg(5001, { direction: "in", sender: "contact", status: "received" }));
  event("message.received", { message_id: 5001 });
  await waitFor(() => expect(shown(result, 5001)).toBeTruthy());
  await settled(qc);
  expect(requests.map((u) => u.pathname + u.search).sort()).toEqual(["/api/v1/conversations/7/messages?after=5002&limit=200", "/api/v1/messages/5001"]);
  const ids = result.current.data!.map((m) => m.id);
  expect(ids.slice(-3)).toEqual([5000, 5001, 5002]); // in order
});

it("applies a status or a reaction of an older message from the event, without a request", async () => {
  const { result, event, qc } = mount();
  await scrollBack(result, 20);
  requests = [];

  server.set(4010, msg(4010, { status: "read" }));
  server.set(4011, msg(4011, { status: "failed", failure_reason: "number unreachable" }));
  server.set(4012, msg(4012, { reaction: "👍" }));
  event("message.status", { message_id: 4010, status: "read" });
  event("message.status", { message_id: 4011, status: "failed", reason: "number unreachable" });
  event("message.reaction", { message_id: 4012, reaction: "👍" });
  await waitFor(() => expect(shown(result, 4010)!.status).toBe("read"));
  expect(shown(result, 4011)).toMatchObject({ status: "failed", failure_reason: "number unreachable" });
  expect(shown(result, 4012)!.reaction).toBe("👍");
  // The retry's pending clears the reason; its "retried" is no failure.
  server.set(4011, msg(4011, { status: "pending" }));
  event("message.status", { message_id: 4011, status: "pending", reason: "retried" });
  await waitFor(() => expect(shown(result, 4011)!.status).toBe("pending"));
  expect(shown(result, 4011)!.failure_reason).toBeUndefined();
  await settled(qc);
  expect(requests).toEqual([]);
});

it("reads the one message an edit, an attachment or a status without one changed", async () => {
  const { result, event, qc } = mount();
  await scrollBack(result, 20);
  requests = [];

  server.set(4020, msg(4020, { text: "edited", edited_at: new Date().toISOString() }));
  server.set(4021, msg(4021, { status: "delivered" }));
  event("message.edited", { message_id: 4020 });
  event("message.status", { message_id: 4021 });
  event("message.edited", { message_id: 12 }); // not loaded: its page brings it when read
  await waitFor(() => expect(shown(result, 4020)!.text).toBe("edited"));
  await waitFor(() => expect(shown(result, 4021)!.status).toBe("delivered"));
  await settled(qc);
  expect(requests.map((u) => u.pathname).sort()).toEqual(["/api/v1/messages/4020", "/api/v1/messages/4021"]);
});

it("keeps a message written while an older page is being read", async () => {
  const { result, event, qc } = mount();
  await scrollBack(result, 2);
  let release!: () => void;
  hold = { release: () => release(), wait: new Promise<void>((r) => (release = r)) };
  let older!: Promise<unknown>;
  act(() => {
    older = result.current.fetchNextPage();
  });
  await waitFor(() => expect(result.current.isFetchingNextPage).toBe(true));
  server.set(5001, msg(5001));
  event("message.sent", { message_id: 5001 });
  event("message.status", { message_id: 4990, status: "read" });
  hold.release();
  await act(() => older);
  await waitFor(() => expect(shown(result, 5001)).toBeTruthy());
  await waitFor(() => expect(shown(result, 4990)!.status).toBe("read"));
  await settled(qc);
  expect(result.current.data).toHaveLength(3 * 50 + 1);
});

it("leaves a conversation not shown stale for its next opening, and reads nothing for it", async () => {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: 30_000 } } });
  let loaded = 0;
  function Open() {
    loaded = useMessages(7, useLive().subscribe).data?.length ?? 0;
    return null;
  }
  const tree = (open: boolean) => (
    <QueryClientProvider client={qc}>
      <LiveProvider onSignedOut={() => {}}>{open && <Open />}</LiveProvider>
    </QueryClientProvider>
  );
  const { rerender } = render(tree(true));
  const ws = FakeWebSocket.all[FakeWebSocket.all.length - 1]!;
  act(() => ws.open());
  await waitFor(() => expect(loaded).toBe(50));
  rerender(tree(false));
  requests = [];
  act(() => ws.deliver({ type: "event", event: { id: 1, type: "message.received", conversation_id: 7, workspace_id: 1, created_at: "", payload: {} } }));
  await waitFor(() => expect(qc.getQueryState(qk.messages(7))?.isInvalidated).toBe(true));
  expect(requests).toEqual([]);
});
