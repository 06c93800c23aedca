// The list from the keyboard: j/k and the arrows move the selection,
// Enter opens it, and the selection stays on its conversation when a new
// one arrives above it.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import "../../../lib/i18n";
import { qk } from "../../../lib/queryKeys";
import { ConversationList } from "./ConversationList";

vi.mock("../../../lib/session", () => ({
  useMe: () => ({ role: "owner", workspace: { timezone: "UTC", permissions: {} }, user: { id: 1, team_ids: [] } }),
}));

vi.mock("../../../lib/liveContext", () => ({
  useLive: () => ({ typing: new Map([[2, new Set([5])]]), connected: true, sendTyping: () => {}, subscribe: () => () => {} }),
}));

type Row = { id: number; contact_id: number; contact_name: string; status: string; opened_at: string; last_seq: number; unread?: boolean };
let rows: Row[] = [];
const conv = (id: number, unread = false): Row => ({
  id,
  contact_id: id,
  contact_name: `Contact ${id}`,
  status: "open",
  opened_at: new Date().toISOString(),
  last_seq: 1,
  unread,
});

function respond(body: unknown) {
  return Promise.resolve(new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } }));
}

beforeEach(() => {
  rows = [conv(1, true), conv(2), conv(3)];
  vi.stubGlobal(
    "fetch",
    vi.fn((url: string) => {
      if (url.startsWith("/api/v1/conversations")) return respond({ data: rows, next_cursor: "" });
      return respond({ data: [], next_cursor: "" });
    }),
  );
  // jsdom lays nothing out: give the scroller a size so rows render.
  vi.spyOn(HTMLElement.prototype, "clientHeight", "get").mockReturnValue(600);
  vi.spyOn(HTMLElement.prototype, "clientWidth", "get").mockReturnValue(350);
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

function setup(openID: number | null = null) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const onOpen = vi.fn();
  const onPickKey = vi.fn();
  const ui = (id: number | null) => (
    <QueryClientProvider client={qc}>
      <ConversationList filter={{ sort: "newest" }} label="All" openID={id} onOpen={onOpen} onPickKey={onPickKey} keysEnabled />
    </QueryClientProvider>
  );
  const r = render(ui(openID));
  return { qc, onOpen, onPickKey, rerender: (id: number | null) => r.rerender(ui(id)) };
}

const selected = () => screen.getAllByRole("option").find((o) => o.getAttribute("aria-selected") === "true")?.dataset.conversationId;

describe("ConversationList", () => {
  it("renders rows with the test hooks, unread marked", async () => {
    setup();
    const opts = await screen.findAllByRole("option");
    expect(opts.map((o) => o.dataset.conversationId)).toEqual(["1", "2", "3"]);
    expect(opts[0]!.dataset.unread).toBe("true");
    expect(opts[1]!.dataset.unread).toBeUndefined();
    expect(opts[0]!.dataset.testid).toBe("conversation-row");
    expect(screen.getByRole("listbox", { name: "All" })).toBeTruthy();
    // Another agent (user 5) replying to conversation 2 shows on its row.
    expect(opts[1]!.textContent).toContain("Someone is replying");
  });

  it("moves with j/k and the arrows, and opens with Enter", async () => {
    const { onOpen } = setup();
    await screen.findAllByRole("option");
    fireEvent.keyDown(document.body, { key: "j" });
    expect(selected()).toBe("1");
    fireEvent.keyDown(document.body, { key: "j" });
    expect(selected()).toBe("2");
    const list = screen.getByRole("listbox");
    expect(document.activeElement).toBe(list);
    fireEvent.keyDown(list, { key: "ArrowDown" });
    expect(selected()).toBe("3");
    fireEvent.keyDown(list, { key: "ArrowDown" });
    expect(selected()).toBe("3");
    fireEvent.keyDown(document.body, { key: "k" });
    expect(selected()).toBe("2");
    expect(list.getAttribute("aria-activedescendant")).toBe("conversation-row-2");
    fireEvent.keyDown(list, { key: "Enter" });
    expect(onOpen).toHaveBeenCalledWith(2);
  });

  it("picks the selected row with x, and nothing before a row is selected", async () => {
    const { onPickKey, onOpen } = setup();
    await screen.findAllByRole("option");
    fireEvent.keyDown(document.body, { key: "x" });
    expect(onPickKey).not.toHaveBeenCalled();
    fireEvent.keyDown(document.body, { key: "j" });
    fireEvent.keyDown(document.body, { key: "j" });
    fireEvent.keyDown(document.body, { key: "x" });
    expect(onPickKey).toHaveBeenCalledWith(2);
    expect(onOpen).not.toHaveBeenCalled();
  });

  it("does not move while the person types in a field", async () => {
    setup();
    await screen.findAllByRole("option");
    const input = document.createElement("input");
    document.body.appendChild(input);
    fireEvent.keyDown(input, { key: "j" });
    expect(selected()).toBeUndefined();
    input.remove();
  });

  it("keeps the selection on its conversation when one arrives above", async () => {
    const { qc } = setup(2);
    await screen.findAllByRole("option");
    expect(selected()).toBe("2");
    rows = [conv(9), ...rows];
    await act(() => qc.invalidateQueries({ queryKey: qk.conversations }));
    await waitFor(() => expect(screen.getAllByRole("option")).toHaveLength(4));
    expect(selected()).toBe("2");
  });
});
