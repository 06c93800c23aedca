// The bulk bar tags every checked contact or sets their stage, a few
// requests at a time, and says what failed; eachAtOnce never runs more
// than it is allowed to.
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import "../../lib/i18n";
import { ToastProvider } from "../../lib/ui/toast";
import { BulkActions, eachAtOnce } from "./BulkActions";
import { json, noContent } from "../../test/http";

let calls: { method: string; url: string; body?: unknown }[];
let refuse: Set<number>;

beforeEach(() => {
  calls = [];
  refuse = new Set();
  vi.stubGlobal(
    "fetch",
    vi.fn((url: string, init: RequestInit = {}) => {
      const method = init.method ?? "GET";
      if (url === "/api/v1/auth/csrf") return json(200, { csrf_token: "t" });
      if (url.startsWith("/api/v1/tags")) return json(200, { data: [{ id: 1, name: "vip" }], next_cursor: "" });
      if (url.startsWith("/api/v1/lifecycle-stages")) return json(200, { data: [{ id: 2, name: "Customer", position: 0 }], next_cursor: "" });
      const m = /^\/api\/v1\/contacts\/(\d+)\/(tags|lifecycle)/.exec(url);
      if (m) {
        calls.push({ method, url, body: init.body ? JSON.parse(String(init.body)) : undefined });
        if (refuse.has(Number(m[1]))) return json(404, { error: { code: "not_found", message: "contact not found" } });
        return method === "POST" ? json(200, {}) : noContent();
      }
      return json(200, { data: [], next_cursor: "" });
    }),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function mount(ids: number[], onClear = vi.fn()) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <ToastProvider>
        <BulkActions ids={ids} onClear={onClear} />
      </ToastProvider>
    </QueryClientProvider>,
  );
  return onClear;
}

it("adds the tag to every checked contact, then unchecks them", async () => {
  const onClear = mount([3, 5, 8]);
  expect(screen.getByTestId("contacts-bulk-count").textContent).toBe("3 contacts checked");
  fireEvent.change(screen.getByTestId("contacts-bulk-tag"), { target: { value: " vip " } });
  fireEvent.click(screen.getByTestId("contacts-bulk-add"));
  await waitFor(() => expect(onClear).toHaveBeenCalled());
  expect(calls.map((c) => c.url).sort()).toEqual(["/api/v1/contacts/3/tags", "/api/v1/contacts/5/tags", "/api/v1/contacts/8/tags"]);
  expect(calls.every((c) => c.method === "POST" && (c.body as { tag: string }).tag === "vip")).toBe(true);
  expect(await screen.findByText("Tag “vip” added to 3 contacts")).toBeTruthy();
});

it("removes the tag, and says which failed without unchecking", async () => {
  refuse.add(5);
  const onClear = mount([3, 5]);
  fireEvent.change(screen.getByTestId("contacts-bulk-tag"), { target: { value: "to call" } });
  fireEvent.click(screen.getByTestId("contacts-bulk-remove"));
  expect(await screen.findByText("Tag “to call” removed from 1 contact; 1 failed: contact not found")).toBeTruthy();
  expect(calls.map((c) => `${c.method} ${c.url}`).sort()).toEqual(["DELETE /api/v1/contacts/3/tags/to%20call", "DELETE /api/v1/contacts/5/tags/to%20call"]);
  expect(onClear).not.toHaveBeenCalled();
});

it("sets the stage of every checked contact, or clears it", async () => {
  const onClear = mount([3, 5]);
  const pick = (await screen.findByTestId("contacts-bulk-stage")) as HTMLSelectElement;
  await waitFor(() => expect(screen.getByRole("option", { name: "Customer" })).toBeTruthy());
  expect((screen.getByTestId("contacts-bulk-set-stage") as HTMLButtonElement).disabled).toBe(true);
  fireEvent.change(pick, { target: { value: "=Customer" } });
  fireEvent.click(screen.getByTestId("contacts-bulk-set-stage"));
  expect(await screen.findByText("Stage “Customer” set on 2 contacts")).toBeTruthy();
  expect(calls.map((c) => `${c.method} ${c.url} ${JSON.stringify(c.body)}`).sort()).toEqual([
    'PUT /api/v1/contacts/3/lifecycle {"stage":"Customer"}',
    'PUT /api/v1/contacts/5/lifecycle {"stage":"Customer"}',
  ]);
  expect(onClear).toHaveBeenCalledTimes(1);
  calls = [];
  fireEvent.change(pick, { target: { value: "=" } });
  fireEvent.click(screen.getByTestId("contacts-bulk-set-stage"));
  expect(await screen.findByText("Stage cleared on 2 contacts")).toBeTruthy();
  expect(calls.every((c) => (c.body as { stage: string }).stage === "")).toBe(true);
});

it("asks for a tag before it acts", () => {
  mount([3]);
  expect((screen.getByTestId("contacts-bulk-add") as HTMLButtonElement).disabled).toBe(true);
  fireEvent.change(screen.getByTestId("contacts-bulk-tag"), { target: { value: "   " } });
  expect((screen.getByTestId("contacts-bulk-remove") as HTMLButtonElement).disabled).toBe(true);
});

it("eachAtOnce runs every item, never more than n at once, and keeps the errors by item", async () => {
  let running = 0;
  let most = 0;
  const release: (() => void)[] = [];
  const done: number[] = [];
  const all = eachAtOnce(
    [1, 2, 3, 4, 5, 6, 7],
    3,
    (i) =>
      new Promise<void>((resolve, reject) => {
        running++;
        most = Math.max(most, running);
        release.push(() => {
          running--;
          if (i === 4) reject(new Error("four"));
          else resolve();
        });
      }),
    (n) => done.push(n),
  );
  // Let each wave start, then finish it.
  while (done.length < 7) {
    await waitFor(() => expect(release.length).toBeGreaterThan(0));
    release.splice(0).forEach((r) => r());
    await Promise.resolve();
  }
  const failed = await all;
  expect(most).toBe(3);
  expect(done).toEqual([1, 2, 3, 4, 5, 6, 7]);
  expect([...failed.keys()]).toEqual([4]);
  expect(failed.get(4)!.message).toBe("four");
});
