// The timeline's events and comments are read newest first, as far back
// as the messages shown: a conversation of 5,000 events shows its newest
// (read oldest first, 20 pages of 200, it stopped at the 4,000th), with
// one request while the newest page of messages is shown, and more as
// older messages are read.
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { cleanup, renderHook, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { ReactNode } from "react";
import type { Comment, LogEvent } from "../../../lib/types";
import { useComments, useEvents } from "./data";

const at = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString();
const total = 5000;
// Event n at minute n; a workflow step every time, with the message events between.
const log: LogEvent[] = Array.from({ length: total }, (_, i) => ({
  id: i + 1,
  type: i === 0 ? "conversation.opened" : "workflow.step",
  created_at: at(i + 1),
  payload: {},
  workspace_id: 1,
  conversation_id: 7,
}));
const notes: Comment[] = Array.from({ length: total }, (_, i) => ({ id: i + 1, conversation_id: 7, created_at: at(i + 1), mentions: [], text: `note ${i + 1}` }));
let requests: URL[];

beforeEach(() => {
  requests = [];
  vi.stubGlobal(
    "fetch",
    vi.fn((input: string) => {
      const url = new URL(input, "http://x");
      requests.push(url);
      const q = url.searchParams;
      const all: { id: number }[] = url.pathname.endsWith("/events") ? log : notes;
      const limit = Number(q.get("limit") ?? 50);
      const cursor = q.get("cursor");
      // Cursors are the last id served, as the server's are opaque.
      const rest =
        q.get("order") === "desc"
          ? all.filter((x) => !cursor || x.id < Number(cursor)).reverse()
          : all.filter((x) => !cursor || x.id > Number(cursor));
      const page = rest.slice(0, limit);
      const body = { data: page, next_cursor: rest.length > limit ? String(page[page.length - 1]!.id) : "" };
      return Promise.resolve(new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } }));
    }),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function mount<T>(use: (reach: number | null | undefined) => T, reach: number | null | undefined) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const wrapper = ({ children }: { children: ReactNode }) => <QueryClientProvider client={qc}>{children}</QueryClientProvider>;
  return { qc, ...renderHook(({ reach }) => use(reach), { wrapper, initialProps: { reach } }) };
}

const settled = (qc: QueryClient) => waitFor(() => expect(qc.isFetching()).toBe(0));

it("shows the newest of 5,000 events with one request while the newest messages are shown", async () => {
  // The messages shown start at minute 4,950.
  const { result, qc } = mount((reach) => useEvents(7, reach), Date.parse(at(4950)));
  await waitFor(() => expect(result.current.isSuccess).toBe(true));
  await settled(qc);
  const ids = result.current.data!.map((e) => e.id);
  expect(ids[ids.length - 1]).toBe(total); // the newest is there
  expect(ids[0]! <= 4950).toBe(true); // as far back as the messages
  expect(requests).toHaveLength(1);
  expect(requests[0]!.searchParams.get("order")).toBe("desc");
  expect(requests[0]!.searchParams.get("types")).toContain("workflow.step");
  expect(requests[0]!.searchParams.get("types")).toContain("conversation.rated"); // the contact's answer to the survey
});

it("reads further back as older messages are shown, and to the end once every message is", async () => {
  const { result, qc, rerender } = mount((reach) => useComments(7, reach), Date.parse(at(4950)));
  await waitFor(() => expect(result.current.isSuccess).toBe(true));
  await settled(qc);
  expect(requests).toHaveLength(1);

  rerender({ reach: Date.parse(at(4500)) }); // the agent scrolled back to minute 4,500
  await waitFor(() => expect(result.current.data![0]!.id <= 4500).toBe(true));
  await settled(qc);
  expect(requests).toHaveLength(3); // 5000–4801, 4800–4601, 4600–4401
  expect(result.current.data).toHaveLength(600);

  rerender({ reach: null }); // every message read: every comment, up to 20 pages
  await waitFor(() => expect(result.current.data).toHaveLength(4000));
  await settled(qc);
  expect(requests).toHaveLength(20);
  const ids = result.current.data!.map((c) => c.id);
  expect(ids).toEqual([...ids].sort((a, b) => a - b)); // oldest first, each once
});

it("reads one page while the messages are not read yet", async () => {
  const { result, qc } = mount((reach) => useEvents(7, reach), undefined);
  await waitFor(() => expect(result.current.isSuccess).toBe(true));
  await settled(qc);
  expect(requests).toHaveLength(1);
  expect(result.current.data![result.current.data!.length - 1]!.id).toBe(total);
});
