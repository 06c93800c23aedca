// The counts of a saved view relative to now are refetched every minute
// with no event, only while the page is visible.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { act, cleanup, render } from "@testing-library/react";
import { focusManager, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useCounts } from "./data";

let views: unknown[] = [];
const counts = () => vi.mocked(fetch).mock.calls.filter(([url]) => String(url).startsWith("/api/v1/conversations/counts")).length;

function respond(body: unknown) {
  return Promise.resolve(new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } }));
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.stubGlobal(
    "fetch",
    vi.fn((url: string) => {
      if (url.startsWith("/api/v1/me/views")) return respond({ data: views, next_cursor: "" });
      return respond({ status: "open", all: 0, mine: 0, unassigned: 0, teams: [], views: [] });
    }),
  );
});
afterEach(() => {
  cleanup();
  focusManager.setFocused(undefined);
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

function Counts() {
  useCounts();
  return null;
}

async function mount() {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <Counts />
    </QueryClientProvider>,
  );
  await act(() => vi.advanceTimersByTimeAsync(10));
}

describe("useCounts", () => {
  it("refetches a time-relative view's counts each minute while visible, and not when hidden", async () => {
    views = [{ id: 1, name: "Today", filter: { last_incoming_within: 86400 } }];
    await mount();
    const first = counts();
    expect(first).toBeGreaterThanOrEqual(1);
    await act(() => vi.advanceTimersByTimeAsync(60_000));
    expect(counts()).toBe(first + 1);
    focusManager.setFocused(false); // the tab hidden
    await act(() => vi.advanceTimersByTimeAsync(180_000));
    expect(counts()).toBe(first + 1);
  });
  it("does not poll when no view is relative to now", async () => {
    views = [{ id: 1, name: "VIP", filter: { tag: "vip" } }];
    await mount();
    const first = counts();
    await act(() => vi.advanceTimersByTimeAsync(180_000));
    expect(counts()).toBe(first);
  });
});
