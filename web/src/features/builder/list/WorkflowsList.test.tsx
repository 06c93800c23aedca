import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { MemoryRouter } from "react-router";
import "../../../lib/i18n";
import WorkflowsList, { definitionOf, fileName } from "./WorkflowsList";

const workflows = [
  { id: 1, name: "Inbound", description: "Welcome and route", status: "published", active: true, published_version: 2, trigger_type: "conversation_opened",
    stats: { runs_24h: 12, waiting: 3 }, published: { name: "Inbound", trigger: { type: "conversation_opened" }, steps: [] } },
  { id: 2, name: "Inbound (copy)", description: "", status: "draft", active: false, published_version: 0, trigger_type: "manual",
    stats: { runs_24h: 0, waiting: 0 }, draft: { name: "Inbound (copy)", trigger: { type: "manual" }, steps: [] } },
];

function answer(status: number, body: unknown) {
  return Promise.resolve(new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } }));
}

function setup(route: (method: string, url: string) => Promise<Response>) {
  const fetchMock = vi.fn((url: string, init?: RequestInit) => route(init?.method ?? "GET", url));
  vi.stubGlobal("fetch", fetchMock);
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <MemoryRouter>
        <WorkflowsList />
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return fetchMock;
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("WorkflowsList", () => {
  it("shows each workflow's trigger, status, version and runs", async () => {
    setup(() => answer(200, { data: workflows }));
    const rows = await screen.findAllByTestId("workflow-row");
    expect(rows).toHaveLength(2);
    expect(within(rows[0]!).getByTestId("workflow-status").textContent).toBe("Published");
    expect(within(rows[0]!).getByText("Conversation opened")).toBeTruthy();
    expect(within(rows[0]!).getByTestId("workflow-runs24h").textContent).toBe("12");
    expect(within(rows[0]!).getByTestId("workflow-waiting").textContent).toBe("3");
    expect(within(rows[1]!).getByTestId("workflow-status").textContent).toBe("Draft");
    expect(within(rows[1]!).queryByTestId("workflow-start")).toBeNull();
  });

  it("asks to stop the waiting runs when the server refuses a delete", async () => {
    const fetchMock = setup((method, url) => {
      if (method === "DELETE" && !url.includes("force=true"))
        return answer(409, { error: { code: "conflict", message: "3 runs are waiting; stop them first, or delete with force=true to stop them" } });
      if (method === "DELETE") return answer(204, null);
      return answer(200, { data: workflows });
    });
    const rows = await screen.findAllByTestId("workflow-row");
    fireEvent.click(within(rows[0]!).getByTestId("workflow-delete"));
    fireEvent.click(await screen.findByTestId("workflow-delete-confirm"));
    await waitFor(() => expect(screen.getByTestId("workflow-delete-reason").textContent).toContain("3 runs are waiting"));
    expect(screen.getByTestId("workflow-delete-confirm").textContent).toBe("Delete anyway");
    fireEvent.click(screen.getByTestId("workflow-delete-confirm"));
    await waitFor(() => expect(fetchMock.mock.calls.some(([u, i]) => i?.method === "DELETE" && String(u).includes("force=true"))).toBe(true));
  });

  it("exports the draft, else the published version, under a safe name", () => {
    expect(definitionOf(workflows[1] as never)).toEqual(workflows[1]!.draft);
    expect(definitionOf(workflows[0] as never)).toEqual(workflows[0]!.published);
    expect(fileName("Inbound (copy)")).toBe("Inbound-copy.json");
    expect(fileName("///")).toBe("workflow.json");
  });
});
