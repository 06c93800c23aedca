// The conversation's messages are read newest first, one page at a time:
// a conversation of thousands of messages opens on its last ones (it used
// to read 20 pages of 200 oldest first and stop, never reaching them),
// and each older page is read when asked for. The cache writes of the
// pane (a send accepted, a retry) keep the pages' shape.
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { act, cleanup, renderHook, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { keysFor } from "../../../lib/eventKeys";
import { qk } from "../../../lib/queryKeys";
import type { LogEvent, Message } from "../../../lib/types";
import { addMessage, patchMessages, useEvents, useMessages, type MessagePages } from "./data";
import { shownEvent } from "./timeline";

const msg = (id: number, extra: Partial<Message> = {}): Message => ({
  id,
  channel_id: 1,
  contact_id: 1,
  conversation_id: 7,
  content: null,
  created_at: new Date(Date.UTC(2026, 0, 1) + id * 1000).toISOString(),
  direction: "in",
  sender: "contact",
  status: "received",
  text: `m${id}`,
  type: "text",
  workspace_id: 1,
  ...extra,
});

// The server: 5,000 messages, ids 1–5000, served as the API does.
const total = 5000;
let requests: URL[];
let statuses: Map<number, Message["status"]>;

beforeEach(() => {
  requests = [];
  statuses = new Map();
  vi.stubGlobal(
    "fetch",
    vi.fn((input: string) => {
      const url = new URL(input, "http://x");
      requests.push(url);
      const desc = url.searchParams.get("order") === "desc";
      const limit = Number(url.searchParams.get("limit") ?? 50);
      const cursor = url.searchParams.get("cursor");
      const ids: number[] = [];
      if (desc) for (let id = cursor ? Number(cursor) - 1 : total; id >= 1 && ids.length <= limit; id--) ids.push(id);
      else for (let id = cursor ? Number(cursor) + 1 : 1; id <= total && ids.length <= limit; id++) ids.push(id);
      const page = ids.slice(0, limit);
      const body = { data: page.map((id) => msg(id, statuses.has(id) ? { status: statuses.get(id) } : {})), next_cursor: ids.length > limit ? String(page[page.length - 1]) : "" };
      return Promise.resolve(new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } }));
    }),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function mount() {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const wrapper = ({ children }: { children: ReactNode }) => <QueryClientProvider client={qc}>{children}</QueryClientProvider>;
  return { qc, ...renderHook(() => useMessages(7), { wrapper }) };
}

it("opens on the newest page with one request, and reads older pages when asked", async () => {
  const { result } = mount();
  await waitFor(() => expect(result.current.data?.length).toBeGreaterThan(0));
  expect(requests).toHaveLength(1);
  expect(requests[0]!.pathname).toBe("/api/v1/conversations/7/messages");
  expect(requests[0]!.searchParams.get("order")).toBe("desc");
  const first = result.current.data!;
  expect(first.length).toBeLessThanOrEqual(100);
  expect(first[first.length - 1]!.id).toBe(total); // the newest message is there
  expect(first.map((m) => m.id)).toEqual([...first.map((m) => m.id)].sort((a, b) => a - b)); // shown oldest first
  expect(result.current.hasNextPage).toBe(true);

  await act(() => result.current.fetchNextPage());
  await waitFor(() => expect(result.current.data!.length).toBeGreaterThan(first.length));
  const both = result.current.data!;
  expect(requests).toHaveLength(2);
  expect(requests[1]!.searchParams.get("order")).toBe("desc");
  expect(both).toHaveLength(first.length * 2);
  expect(both.slice(first.length)).toEqual(first); // the older page goes above
  expect(both[0]!.id).toBe(total - both.length + 1);
  expect(new Set(both.map((m) => m.id)).size).toBe(both.length);
});

it("puts a sent message on the newest page once, and patches a message on any page", async () => {
  const { qc, result } = mount();
  await waitFor(() => expect(result.current.data?.length).toBeGreaterThan(0));
  await act(() => result.current.fetchNextPage());
  await waitFor(() => expect(result.current.data!.length).toBe(2 * 50));
  const before = result.current.data!.length;

  const sent = msg(total + 1, { direction: "out", sender: "user", status: "pending", text: "hi" });
  act(() => {
    qc.setQueryData<MessagePages>(qk.messages(7), (old) => addMessage(old, sent));
    qc.setQueryData<MessagePages>(qk.messages(7), (old) => addMessage(old, sent)); // the socket's copy too
  });
  await waitFor(() => expect(result.current.data!.length).toBe(before + 1));
  expect(result.current.data![before]!.id).toBe(total + 1);

  const old = result.current.data![0]!.id; // on the older page
  act(() => qc.setQueryData<MessagePages>(qk.messages(7), (d) => patchMessages(d, (m) => (m.id === old ? { ...m, status: "failed" } : m))));
  await waitFor(() => expect(result.current.data![0]!.status).toBe("failed"));
  expect(result.current.data!.length).toBe(before + 1);
  expect(addMessage(undefined, sent)).toBeUndefined(); // nothing loaded yet: the fetch brings it
});

// A refresh of the whole key (a socket gap, a reload: follow.ts handles
// the socket's single events) reads every loaded page again.
it("reads the pages shown again when the key is refreshed, a status change on an older page too", async () => {
  const { qc, result } = mount();
  await waitFor(() => expect(result.current.data?.length).toBeGreaterThan(0));
  await act(() => result.current.fetchNextPage());
  await waitFor(() => expect(result.current.data!.length).toBe(100));
  const older = result.current.data![3]!.id;
  statuses.set(older, "read");
  await act(() => Promise.all(keysFor({ type: "message.status", conversation_id: 7 }).map((queryKey) => qc.invalidateQueries({ queryKey }))));
  await waitFor(() => expect(result.current.data!.find((m) => m.id === older)?.status).toBe("read"));
  expect(result.current.data!.length).toBe(100);
  expect(result.current.data![99]!.id).toBe(total);
});

it("reopened, a conversation read far back reads its newest page only, not every page read before", async () => {
  const { qc, result, unmount } = mount();
  await waitFor(() => expect(result.current.data?.length).toBeGreaterThan(0));
  for (let i = 2; i <= 5; i++) {
    await act(() => result.current.fetchNextPage());
    await waitFor(() => expect(result.current.data!.length).toBe(i * 50));
  }
  unmount();
  requests = [];
  const wrapper = ({ children }: { children: ReactNode }) => <QueryClientProvider client={qc}>{children}</QueryClientProvider>;
  const again = renderHook(() => useMessages(7), { wrapper });
  await waitFor(() => expect(again.result.current.isFetching).toBe(false));
  expect(requests).toHaveLength(1); // the newest page, read again as it is stale
  expect(again.result.current.data).toHaveLength(50);
  expect(again.result.current.data![49]!.id).toBe(total);
  expect(again.result.current.hasNextPage).toBe(true);
});

it("reads the events the timeline shows, so a long conversation's latest assignment is among them", async () => {
  // 5,000 messages logged 5,000 message events, then an agent was assigned:
  // read whole, oldest first, the list stopped before the assignment.
  const log: LogEvent[] = Array.from({ length: 5000 }, (_, i) => ({
    id: i + 1,
    type: i % 2 ? "message.received" : "message.status",
    created_at: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
    payload: {},
    workspace_id: 1,
    conversation_id: 7,
  }));
  log.unshift({ ...log[0]!, id: 0, type: "conversation.opened" });
  log.push({ ...log[0]!, id: 5001, type: "conversation.assigned", created_at: "2026-02-01T00:00:00Z" });
  vi.stubGlobal(
    "fetch",
    vi.fn((input: string) => {
      const url = new URL(input, "http://x");
      requests.push(url);
      const types = url.searchParams.get("types")?.split(",");
      const cursor = url.searchParams.get("cursor");
      const limit = Number(url.searchParams.get("limit") ?? 50);
      const desc = url.searchParams.get("order") === "desc";
      const kept = log.filter((e) => !types || types.includes(e.type));
      const rest = desc ? kept.filter((e) => !cursor || e.id < Number(cursor)).reverse() : kept.filter((e) => !cursor || e.id > Number(cursor));
      const page = rest.slice(0, limit);
      const body = { data: page, next_cursor: rest.length > limit ? String(page[page.length - 1]!.id) : "" };
      return Promise.resolve(new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } }));
    }),
  );
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const wrapper = ({ children }: { children: ReactNode }) => <QueryClientProvider client={qc}>{children}</QueryClientProvider>;
  const { result } = renderHook(() => useEvents(7), { wrapper });
  await waitFor(() => expect(result.current.isSuccess).toBe(true));
  const shown = result.current.data!.filter((e) => shownEvent(e.type)).map((e) => e.type);
  expect(shown).toEqual(["conversation.opened", "conversation.assigned"]);
  const asked = requests[requests.length - 1]!.searchParams.get("types")?.split(",") ?? [];
  expect(asked.length).toBeGreaterThan(0);
  for (const t of asked) expect(shownEvent(t), t).toBe(true); // nothing asked for that is not shown
});
