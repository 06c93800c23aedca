// The bulk bar sends the checked contacts (250 a request) or a filter's
// (request after request, by next) to the server's bulk action, and says
// what was done, what was not found and what stopped it.
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import "../../lib/i18n";
import { SessionProvider, useSession } from "../../lib/session";
import { ToastProvider } from "../../lib/ui/toast";
import { BulkActions, runBulk, type BulkTarget } from "./BulkActions";
import { json } from "../../test/http";

type Body = { contact_ids?: number[]; filter?: Record<string, string>; after?: number; action: { type: string; tag?: string; stage?: string } };
let bodies: Body[];
/** answer is the server's answer to the n-th bulk request (from 0). */
let answer: (body: Body, n: number) => Promise<Response>;
let role: string;

beforeEach(() => {
  bodies = [];
  role = "owner";
  answer = (b) => json(200, { matched: b.contact_ids?.length ?? 0, changed: b.contact_ids?.length ?? 0 });
  vi.stubGlobal(
    "fetch",
    vi.fn((url: string, init: RequestInit = {}) => {
      if (url === "/api/v1/auth/csrf") return json(200, { csrf_token: "t" });
      if (url === "/api/v1/me") return json(200, { role, workspace: { id: 1, name: "Acme", timezone: "UTC" }, user: { id: 1, name: "Olga", team_ids: [] } });
      if (url.startsWith("/api/v1/tags")) return json(200, { data: [{ id: 1, name: "vip" }], next_cursor: "" });
      if (url.startsWith("/api/v1/lifecycle-stages")) return json(200, { data: [{ id: 2, name: "Customer", position: 0 }], next_cursor: "" });
      if (url === "/api/v1/contacts/bulk" && init.method === "POST") {
        const b = JSON.parse(String(init.body)) as Body;
        bodies.push(b);
        return answer(b, bodies.length - 1);
      }
      return json(200, { data: [], next_cursor: "" });
    }),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function Bar({ target, onClear }: { target: BulkTarget; onClear(): void }) {
  const { state } = useSession();
  return state.status === "signed-in" ? <BulkActions target={target} onClear={onClear} /> : null;
}

function mount(target: BulkTarget, onClear = vi.fn()) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <ToastProvider>
        <SessionProvider>
          <Bar target={target} onClear={onClear} />
        </SessionProvider>
      </ToastProvider>
    </QueryClientProvider>,
  );
  return onClear;
}

it("adds the tag to every checked contact in one request, then unchecks them", async () => {
  const onClear = mount({ ids: [3, 5, 8] });
  expect((await screen.findByTestId("contacts-bulk-count")).textContent).toBe("3 contacts checked");
  fireEvent.change(screen.getByTestId("contacts-bulk-tag"), { target: { value: " vip " } });
  fireEvent.click(screen.getByTestId("contacts-bulk-add"));
  await waitFor(() => expect(onClear).toHaveBeenCalled());
  expect(bodies).toEqual([{ contact_ids: [3, 5, 8], action: { type: "add_tag", tag: "vip" } }]);
  expect(await screen.findByText("Tag “vip” added to 3 contacts")).toBeTruthy();
});

it("sends many checked contacts 250 a request", async () => {
  const ids = Array.from({ length: 600 }, (_, i) => i + 1);
  const run = await runBulk({ ids }, { type: "remove_tag", tag: "x" });
  expect(bodies.map((b) => b.contact_ids!.length)).toEqual([250, 250, 100]);
  expect(bodies.flatMap((b) => b.contact_ids)).toEqual(ids);
  expect(run).toEqual({ matched: 600, changed: 600, missing: 0 });
});

it("goes through every contact a filter keeps, request after request, with the progress", async () => {
  answer = (_, n) => json(200, n < 2 ? { matched: 250, changed: 249, next: 1000 * (n + 1) } : { matched: 17, changed: 17 });
  const seen: number[] = [];
  const run = await runBulk({ filter: { tag: "imported", q: "" }, count: 517 }, { type: "set_lifecycle", stage: "Customer" }, (n) => seen.push(n));
  expect(bodies).toEqual([
    { filter: { tag: "imported" }, action: { type: "set_lifecycle", stage: "Customer" } },
    { filter: { tag: "imported" }, after: 1000, action: { type: "set_lifecycle", stage: "Customer" } },
    { filter: { tag: "imported" }, after: 2000, action: { type: "set_lifecycle", stage: "Customer" } },
  ]);
  expect(seen).toEqual([250, 500, 517]);
  expect(run).toEqual({ matched: 517, changed: 515, missing: 0 });
});

it("says what was done before a refusal stopped it, and keeps the contacts checked", async () => {
  answer = (_, n) => (n === 0 ? json(200, { matched: 250, changed: 250, next: 9 }) : json(422, { error: { code: "invalid", message: "no lifecycle stage is named \"Gone\"" } }));
  const onClear = mount({ filter: {}, count: 400 });
  expect((await screen.findByTestId("contacts-bulk-count")).textContent).toBe("400 contacts checked");
  fireEvent.change(await screen.findByTestId("contacts-bulk-tag"), { target: { value: "vip" } });
  fireEvent.click(screen.getByTestId("contacts-bulk-remove"));
  expect(await screen.findByText("Tag “vip” removed from 250 contacts, then stopped: no lifecycle stage is named \"Gone\"")).toBeTruthy();
  expect(bodies).toHaveLength(2);
  expect(onClear).not.toHaveBeenCalled();
});

it("says how many checked contacts were not found", async () => {
  answer = () => json(200, { matched: 1, changed: 1, missing: [5] });
  mount({ ids: [3, 5] });
  const pick = (await screen.findByTestId("contacts-bulk-stage")) as HTMLSelectElement;
  await waitFor(() => expect(screen.getByRole("option", { name: "Customer" })).toBeTruthy());
  expect((screen.getByTestId("contacts-bulk-set-stage") as HTMLButtonElement).disabled).toBe(true);
  fireEvent.change(pick, { target: { value: "=" } });
  fireEvent.click(screen.getByTestId("contacts-bulk-set-stage"));
  expect(await screen.findByText("Stage cleared on 1 contact; 1 was not found (deleted, or no longer one you may see)")).toBeTruthy();
  expect(bodies[0]!.action).toEqual({ type: "set_lifecycle", stage: "" });
});

it("deletes only once confirmed, and only for someone who may", async () => {
  const onClear = mount({ ids: [3, 5] });
  fireEvent.click(await screen.findByTestId("contacts-bulk-delete"));
  expect((await screen.findByTestId("contacts-bulk-delete-dialog")).textContent).toContain("Delete 2 contacts?");
  expect(bodies).toHaveLength(0);
  fireEvent.click(screen.getByTestId("contacts-bulk-delete-confirm"));
  expect(await screen.findByText("2 contacts deleted")).toBeTruthy();
  expect(bodies).toEqual([{ contact_ids: [3, 5], action: { type: "delete" } }]);
  expect(onClear).toHaveBeenCalled();
  cleanup();
  role = "agent";
  mount({ ids: [3] });
  await screen.findByTestId("contacts-bulk-tag");
  expect(screen.queryByTestId("contacts-bulk-delete")).toBeNull();
});

it("asks for a tag before it acts", async () => {
  mount({ ids: [3] });
  expect(((await screen.findByTestId("contacts-bulk-add")) as HTMLButtonElement).disabled).toBe(true);
  fireEvent.change(screen.getByTestId("contacts-bulk-tag"), { target: { value: "   " } });
  expect((screen.getByTestId("contacts-bulk-remove") as HTMLButtonElement).disabled).toBe(true);
});
