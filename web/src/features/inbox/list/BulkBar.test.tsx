// The select mode's bar: the picked conversations go to the bulk API 100
// a request; the toast says what was done and the first refusal; those
// done are unpicked; closing asks the notes the workspace requires.
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import "../../../lib/i18n";
import { SessionProvider, useSession } from "../../../lib/session";
import { ToastProvider } from "../../../lib/ui/toast";
import { BulkBar, bulkConversations } from "./BulkBar";
import { json } from "../../../test/http";

type Body = { conversation_ids: number[]; action: Record<string, unknown> };
let bodies: Body[];
let refuse: Set<number>;

beforeEach(() => {
  bodies = [];
  refuse = new Set();
  vi.stubGlobal(
    "fetch",
    vi.fn((url: string, init: RequestInit = {}) => {
      if (url === "/api/v1/me")
        return json(200, { role: "manager", workspace: { id: 1, name: "Acme", timezone: "UTC", closing_notes_mode: "category_required" },
          user: { id: 2, name: "Mo", team_ids: [] } });
      if (url === "/api/v1/auth/csrf") return json(200, { csrf_token: "t" });
      if (url.startsWith("/api/v1/users")) return json(200, { data: [{ id: 2, name: "Mo" }, { id: 3, name: "Ana" }], next_cursor: "" });
      if (url.startsWith("/api/v1/teams")) return json(200, { data: [{ id: 8, name: "Billing" }], next_cursor: "" });
      if (url.startsWith("/api/v1/closing-categories")) return json(200, { data: [{ id: 1, name: "Spam" }], next_cursor: "" });
      if (url === "/api/v1/conversations/bulk") {
        const b = JSON.parse(String(init.body)) as Body;
        bodies.push(b);
        return json(200, {
          done: b.conversation_ids.filter((id) => !refuse.has(id)),
          failed: b.conversation_ids.filter((id) => refuse.has(id)).map((id) => ({ id, code: "conflict", message: `conversation ${id} is closed` })),
        });
      }
      return json(200, { data: [], next_cursor: "" });
    }),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function Bar({ picked, onDone, onPickAll }: { picked: number[]; onDone(done: number[]): void; onPickAll(): void }) {
  const { state } = useSession();
  return state.status === "signed-in" ? <BulkBar picked={picked} shown={5} onPickAll={onPickAll} onDone={onDone} onExit={() => {}} /> : null;
}

function mount(picked: number[], onPickAll = vi.fn()) {
  const onDone = vi.fn();
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <ToastProvider>
        <SessionProvider>
          <Bar picked={picked} onDone={onDone} onPickAll={onPickAll} />
        </SessionProvider>
      </ToastProvider>
    </QueryClientProvider>,
  );
  return onDone;
}

it("assigns the picked conversations, and unpicks those done", async () => {
  const onDone = mount([4, 5, 6]);
  expect((await screen.findByTestId("bulk-count")).textContent).toBe("3 picked");
  await screen.findByRole("option", { name: "Ana" });
  fireEvent.change(screen.getByTestId("bulk-assignee"), { target: { value: "u3" } });
  fireEvent.click(screen.getByTestId("bulk-assign"));
  expect(await screen.findByText("3 conversations assigned")).toBeTruthy();
  expect(bodies).toEqual([{ conversation_ids: [4, 5, 6], action: { type: "assign", user_id: 3 } }]);
  expect(onDone).toHaveBeenCalledWith([4, 5, 6]);
});

it("closes with the category the workspace requires, and says what was refused", async () => {
  refuse.add(5);
  const onDone = mount([4, 5]);
  fireEvent.click(await screen.findByTestId("bulk-close"));
  const confirm = (await screen.findByTestId("bulk-close-confirm")) as HTMLButtonElement;
  expect(confirm.disabled).toBe(true);
  await screen.findByRole("option", { name: "Spam" });
  fireEvent.change(screen.getByTestId("bulk-close-category"), { target: { value: "Spam" } });
  fireEvent.click(confirm);
  expect(await screen.findByText("1 conversation closed; 1 left as it was: conversation 5 is closed")).toBeTruthy();
  expect(bodies[0]!.action).toEqual({ type: "close", category: "Spam" });
  expect(onDone).toHaveBeenCalledWith([4]);
});

it("sends more than 100 conversations 100 a request", async () => {
  const ids = Array.from({ length: 230 }, (_, i) => i + 1);
  const r = await bulkConversations(ids, { type: "read" });
  expect(bodies.map((b) => b.conversation_ids.length)).toEqual([100, 100, 30]);
  expect(r.done).toEqual(ids);
  await waitFor(() => expect(r.failed).toEqual([]));
});

it("assigns to a team", async () => {
  mount([4, 5]);
  await screen.findByRole("option", { name: "Billing" });
  fireEvent.change(screen.getByTestId("bulk-assignee"), { target: { value: "t8" } });
  fireEvent.click(screen.getByTestId("bulk-assign"));
  expect(await screen.findByText("2 conversations assigned")).toBeTruthy();
  expect(bodies[0]!.action).toEqual({ type: "assign", team_id: 8 });
});

it("snoozes until a time chosen as for one conversation", async () => {
  mount([4, 5]);
  fireEvent.click(await screen.findByTestId("bulk-snooze"));
  const before = Date.now();
  fireEvent.click(await screen.findByTestId("snooze-hour"));
  expect(await screen.findByText("2 conversations snoozed")).toBeTruthy();
  const action = bodies[0]!.action as { type: string; until: string };
  expect(action.type).toBe("snooze");
  const until = Date.parse(action.until);
  expect(until - before).toBeGreaterThanOrEqual(3600_000);
  expect(until - Date.now()).toBeLessThanOrEqual(3600_000);
});

it("offers to pick every conversation shown while fewer are picked", async () => {
  const onPickAll = vi.fn();
  mount([4, 5], onPickAll);
  fireEvent.click(await screen.findByRole("button", { name: "Pick all 5 shown" }));
  expect(onPickAll).toHaveBeenCalled();
  cleanup();
  mount([1, 2, 3, 4, 5]);
  await screen.findByTestId("bulk-count");
  expect(screen.queryByTestId("bulk-pick-all")).toBeNull();
});
