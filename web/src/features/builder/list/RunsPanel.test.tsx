import { afterEach, describe, expect, it, vi } from "vitest";
import { act, cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import "../../../lib/i18n";

vi.mock("../../../lib/session", () => ({ useMe: () => ({ workspace: { timezone: "UTC" } }) }));
// The live socket: the test hands events to whoever subscribed.
const listeners = new Set<(e: { type: string; payload?: unknown }) => void>();
vi.mock("../../../lib/liveContext", () => ({
  useLive: () => ({
    subscribe: (fn: (e: { type: string; payload?: unknown }) => void) => {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  }),
}));
const { RunsPanel, liveRunsEveryMs } = await import("./RunsPanel");

const runs = [
  { id: 9, workflow_id: 3, version: 2, contact_id: 5, contact_name: "Maria Silva", test: true, status: "waiting_reply", step: "ask_need", created_at: "2026-03-02T09:00:00Z" },
  { id: 8, workflow_id: 3, version: 1, contact_id: 0, status: "finished", step: "busy", created_at: "2026-03-01T09:00:00Z" },
];

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("RunsPanel", () => {
  it("lists the runs with contact, status, where each waits and version, and opens one", async () => {
    const fetchMock = vi.fn((url: string) =>
      Promise.resolve(
        new Response(JSON.stringify(String(url).includes("/contacts/") ? {} : { data: runs }), {
          status: 200,
          headers: { "Content-Type": "application/json" },
        }),
      ),
    );
    vi.stubGlobal("fetch", fetchMock);
    const onOpenRun = vi.fn();
    const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(
      <QueryClientProvider client={qc}>
        <RunsPanel workflowID={3} onOpenRun={onOpenRun} />
      </QueryClientProvider>,
    );
    const rows = await screen.findAllByTestId("run-row");
    expect(rows).toHaveLength(2);
    await waitFor(() => expect(rows[0]!.textContent).toContain("Maria Silva"));
    expect(rows[0]!.textContent).toContain("Waiting for a reply · at ask_need");
    expect(rows[0]!.textContent).toContain("v2");
    expect(rows[1]!.textContent).toContain("No contact");
    expect(rows[1]!.textContent).not.toContain("at busy");
    // A test contact's run (the builder's test panel) says so.
    expect(within(rows[0]!).getByTestId("run-test").textContent).toBe("Test");
    expect(within(rows[1]!).queryByTestId("run-test")).toBeNull();
    fireEvent.click(rows[0]!);
    expect(onOpenRun).toHaveBeenCalledWith(9);
    expect(String(fetchMock.mock.calls[0]![0])).toContain("/api/v1/workflows/3/runs");
    // The list names its contacts itself: no request per row.
    expect(fetchMock.mock.calls.map((c) => String(c[0])).filter((u) => u.includes("/contacts/"))).toEqual([]);
    // A run of this workflow that begins, live, reads the list again; one
    // of another workflow does not; a burst of steps right after is read
    // once more, a moment later, not once per step.
    const reads = () => fetchMock.mock.calls.filter((c) => String(c[0]).includes("/api/v1/workflows/3/runs")).length;
    const before = reads();
    const live = (type: string, workflow_id: number) => act(() => listeners.forEach((fn) => fn({ type, payload: { workflow_id, run_id: 1 } })));
    await live("workflow.run.started", 4);
    expect(reads()).toBe(before);
    await live("workflow.run.started", 3);
    await waitFor(() => expect(reads()).toBe(before + 1));
    for (let i = 0; i < 20; i++) await live("workflow.step", 3);
    expect(reads()).toBe(before + 1);
    await waitFor(() => expect(reads()).toBe(before + 2), { timeout: 10 * liveRunsEveryMs });
    expect(qc.getQueryCache().findAll({ queryKey: ["workflows", 3, "runs"] })).toHaveLength(1);
  });
});
