import { afterEach, describe, expect, it, vi } from "vitest";
import { act, cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import "../../../lib/i18n";
import { keysFor } from "../../../lib/eventKeys";

vi.mock("../../../lib/session", () => ({ useMe: () => ({ workspace: { timezone: "UTC" } }) }));
const { RunsPanel } = await import("./RunsPanel");

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
    // of another workflow does not.
    const reads = () => fetchMock.mock.calls.filter((c) => String(c[0]).includes("/api/v1/workflows/3/runs")).length;
    const before = reads();
    const live = (workflow_id: number) =>
      act(() => Promise.all(keysFor({ type: "workflow.run.started", payload: { workflow_id } }).map((queryKey) => qc.invalidateQueries({ queryKey }))));
    await live(4);
    expect(reads()).toBe(before);
    await live(3);
    await waitFor(() => expect(reads()).toBe(before + 1));
  });
});
