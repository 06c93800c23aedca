import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import "../../../lib/i18n";

vi.mock("../../../lib/session", () => ({ useMe: () => ({ workspace: { timezone: "UTC" } }) }));
const { RunsPanel } = await import("./RunsPanel");

const runs = [
  { id: 9, workflow_id: 3, version: 2, contact_id: 5, contact_name: "Maria Silva", status: "waiting_reply", step: "ask_need", created_at: "2026-03-02T09:00:00Z" },
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
    render(
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
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
    fireEvent.click(rows[0]!);
    expect(onOpenRun).toHaveBeenCalledWith(9);
    expect(String(fetchMock.mock.calls[0]![0])).toContain("/api/v1/workflows/3/runs");
    // The list names its contacts itself: no request per row.
    expect(fetchMock.mock.calls.map((c) => String(c[0])).filter((u) => u.includes("/contacts/"))).toEqual([]);
  });
});
