import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import "../../../lib/i18n";

type Listener = (e: { type: string; conversation_id?: number; contact_id?: number }) => void;
const listeners: Listener[] = [];
vi.mock("../../../lib/liveContext", () => ({
  useLive: () => ({
    subscribe(fn: Listener) {
      listeners.push(fn);
      return () => listeners.splice(listeners.indexOf(fn), 1);
    },
  }),
}));
vi.mock("../editor/EditorPage", () => ({ runQueryKey: (w: number, r: number | null) => ["workflows", String(w), "run", r] }));
const { TestPanel } = await import("./TestPanel");

const asked = {
  workflow_id: 3,
  published_version: 2,
  draft_differs: true,
  trigger_type: "conversation_opened",
  mode: "chat",
  started: true,
  contact_id: 7,
  contact_name: "Test contact (Ana)",
  conversation: { id: 11, status: "open" },
  run: { id: 21, version: 2, status: "waiting_reply", step: "ask_need" },
  messages: [
    { id: 1, direction: "in", type: "text", text: "Hello", content: {}, status: "received" },
    { id: 2, direction: "out", type: "quick_reply", text: "What do you need?", content: { type: "quick_reply", replies: ["Sales", "Billing"] }, status: "sent" },
  ],
};
const assigned = {
  ...asked,
  conversation: { id: 11, status: "open", assignee_id: 4, assignee_name: "Bea", team_id: 2, team_name: "Billing" },
  run: { id: 21, version: 2, status: "finished", step: "to_billing" },
  messages: [...asked.messages, { id: 3, direction: "in", type: "text", text: "Billing", content: {}, status: "received" }],
};

function json(body: unknown, status = 200) {
  return Promise.resolve(new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } }));
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  listeners.length = 0;
});

describe("TestPanel", () => {
  it("shows the chat, answers with an option button, highlights the run and follows live events", async () => {
    let state: unknown = asked;
    const fetchMock = vi.fn((url: string, init?: RequestInit) => {
      if (init?.method === "POST" && String(url).endsWith("/test/messages")) {
        expect(JSON.parse(String(init.body)).text).toBe("Billing");
        state = assigned;
      }
      return json(state);
    });
    vi.stubGlobal("fetch", fetchMock);
    const onRun = vi.fn();
    render(
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
        <TestPanel workflowID={3} workflow={{} as never} onRun={onRun} />
      </QueryClientProvider>,
    );
    await screen.findByText("What do you need?");
    expect(screen.getByTestId("test-status").textContent).toContain("Waiting for the answer at ask_need");
    expect(screen.getByTestId("test-version").textContent).toContain("your draft's changes are not in it");
    await waitFor(() => expect(onRun).toHaveBeenCalledWith(21));
    const options = screen.getAllByTestId("test-quick-reply");
    expect(options.map((o) => o.textContent)).toEqual(["Sales", "Billing"]);
    fireEvent.click(options[1]!);
    await waitFor(() => expect(screen.getByTestId("test-assignment").textContent).toBe("Assigned to Bea (Billing)"));
    expect(screen.getByTestId("test-status").textContent).toContain("Finished");
    // Answered: the buttons can no longer be clicked.
    expect(screen.getAllByTestId("test-quick-reply").every((b) => (b as HTMLButtonElement).disabled)).toBe(true);

    // A live event about the test conversation refetches the session.
    const before = fetchMock.mock.calls.length;
    listeners.forEach((l) => l({ type: "workflow.step", conversation_id: 11 }));
    await waitFor(() => expect(fetchMock.mock.calls.length).toBeGreaterThan(before));
    const after = fetchMock.mock.calls.length;
    listeners.forEach((l) => l({ type: "message.received", conversation_id: 99, contact_id: 98 }));
    expect(fetchMock.mock.calls.length).toBe(after);
  });

  it("asks to publish first and keeps the composer off", async () => {
    vi.stubGlobal("fetch", vi.fn(() => json({ ...asked, published_version: 0, started: false, run: undefined, conversation: undefined, messages: [] })));
    render(
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
        <TestPanel workflowID={3} workflow={{} as never} onRun={vi.fn()} />
      </QueryClientProvider>,
    );
    await waitFor(() => expect(screen.getByTestId("test-status").textContent).toContain("Publish the workflow to test it"));
    expect((screen.getByLabelText("Message as the test contact") as HTMLTextAreaElement).disabled).toBe(true);
  });

  it("gives back what the tester typed when the server refuses it", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn((url: string, init?: RequestInit) =>
        init?.method === "POST" && String(url).endsWith("/test/messages")
          ? json({ error: { code: "invalid", message: "text is too long" } }, 422)
          : json(asked),
      ),
    );
    render(
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
        <TestPanel workflowID={3} workflow={{} as never} onRun={vi.fn()} />
      </QueryClientProvider>,
    );
    await screen.findByText("What do you need?");
    const box = screen.getByLabelText("Message as the test contact") as HTMLTextAreaElement;
    fireEvent.change(box, { target: { value: "I need a refund for order 1234" } });
    fireEvent.click(screen.getByTestId("test-send"));
    await waitFor(() => expect(screen.getAllByTestId("test-message").length).toBe(2)); // the pending one is taken back
    await waitFor(() => expect(box.value).toBe("I need a refund for order 1234"));
  });
  it("does not send while an input method is composing (Enter picks the characters)", async () => {
    const fetchMock = vi.fn((_url: string, _init?: RequestInit) => json(asked));
    vi.stubGlobal("fetch", fetchMock);
    render(
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
        <TestPanel workflowID={3} workflow={{} as never} onRun={vi.fn()} />
      </QueryClientProvider>,
    );
    await screen.findByText("What do you need?");
    const box = screen.getByLabelText("Message as the test contact") as HTMLTextAreaElement;
    fireEvent.change(box, { target: { value: "にほんご" } });
    fireEvent.keyDown(box, { key: "Enter", isComposing: true });
    expect(box.value).toBe("にほんご");
    expect(fetchMock.mock.calls.some(([url]) => String(url).endsWith("/test/messages"))).toBe(false);
    fireEvent.keyDown(box, { key: "Enter" }); // composition done: Enter sends
    await waitFor(() => expect(fetchMock.mock.calls.some(([url]) => String(url).endsWith("/test/messages"))).toBe(true));
  });
  it("follows a publish made beside it: the composer opens on the version just published", async () => {
    let published = 0;
    vi.stubGlobal(
      "fetch",
      vi.fn(() =>
        json(
          published
            ? { ...asked, published_version: published, draft_differs: false, run: undefined, conversation: undefined, messages: [] }
            : { ...asked, published_version: 0, started: false, run: undefined, conversation: undefined, messages: [] },
        ),
      ),
    );
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    const panel = (w: object) => (
      <QueryClientProvider client={client}>
        <TestPanel workflowID={3} workflow={w as never} onRun={vi.fn()} />
      </QueryClientProvider>
    );
    const { rerender } = render(panel({ id: 3, published_version: 0, draft: {}, updated_at: "2026-03-02T09:00:00Z" }));
    await waitFor(() => expect(screen.getByTestId("test-status").textContent).toContain("Publish the workflow to test it"));
    // The toolbar's Publish answers the workflow with its first version.
    published = 1;
    rerender(panel({ id: 3, published_version: 1, updated_at: "2026-03-02T09:01:00Z" }));
    await waitFor(() => expect((screen.getByLabelText("Message as the test contact") as HTMLTextAreaElement).disabled).toBe(false));
    expect(screen.getByTestId("test-version").textContent).toContain("1");
  });
});
