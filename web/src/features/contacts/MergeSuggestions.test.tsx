// "Not a duplicate" on a merge suggestion: the row goes at once and stays
// gone, comes back with the server's reason when it refuses, and is only
// offered to those who may decide merges (delete_contacts). Dismissed
// pairs are listed under "Not duplicates", with who decided, and "Suggest
// again" takes a dismissal back.
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { MemoryRouter } from "react-router";
import "../../lib/i18n";
import { SessionProvider, useSession } from "../../lib/session";
import { ToastProvider } from "../../lib/ui/toast";
import MergeSuggestionsPage from "./MergeSuggestions";
import { json } from "../../test/http";

const person = (id: number, first_name: string) => ({
  id, first_name, last_name: "", phone: "", email: "", language: "", country: "", avatar_url: "", lifecycle_stage: "",
  fields: {}, tags: [], created_at: "2026-01-01T00:00:00Z", updated_at: "2026-01-01T00:00:00Z",
});

let role: string;
let suggestions: { a: ReturnType<typeof person>; b: ReturnType<typeof person>; reason: string; value: string }[];
let dismissals: unknown[];
let dismissed: { a: ReturnType<typeof person>; b: ReturnType<typeof person>; dismissed_at: string; dismissed_by?: number }[];
let restores: unknown[];
let refuse: boolean;
let release: () => void;

beforeEach(() => {
  role = "owner";
  refuse = false;
  dismissals = [];
  restores = [];
  dismissed = [
    { a: person(5, "Linus"), b: person(6, "Linus T."), dismissed_at: "2026-01-02T09:30:00Z", dismissed_by: 7 },
    { a: person(8, "Ken"), b: person(9, "Ken T."), dismissed_at: "2026-01-01T09:30:00Z" },
  ];
  suggestions = [
    { a: person(1, "Ada"), b: person(2, "Ada L."), reason: "email", value: "ada@example.com" },
    { a: person(3, "Grace"), b: person(4, "Grace H."), reason: "name", value: "grace" },
  ];
  vi.stubGlobal(
    "fetch",
    vi.fn((url: string, init: RequestInit = {}) => {
      if (url === "/api/v1/me") return json(200, { role, workspace: { id: 1, name: "Acme", timezone: "UTC" }, user: { id: 1, name: "Olga", team_ids: [] } });
      if (url === "/api/v1/auth/csrf") return json(200, { csrf_token: "t" });
      if (url === "/api/v1/contacts/merge-suggestions/dismiss" && init.method === "POST") {
        if (refuse) return json(403, { error: { code: "forbidden", message: "deciding merge suggestions needs the delete_contacts permission" } });
        const body = JSON.parse(String(init.body)) as { a: number; b: number };
        dismissals.push(body);
        // Answered when the test releases it: what shows before is optimistic.
        return new Promise<Response>((resolve) => {
          release = () => {
            suggestions = suggestions.filter((s) => !(s.a.id === body.a && s.b.id === body.b));
            void json(204, null).then(resolve);
          };
        });
      }
      if (url === "/api/v1/contacts/merge-suggestions") return json(200, { data: suggestions, next_cursor: "" });
      if (url === "/api/v1/contacts/merge-suggestions/dismissed") return json(200, { data: dismissed, next_cursor: "" });
      if (url === "/api/v1/contacts/merge-suggestions/restore" && init.method === "POST") {
        const body = JSON.parse(String(init.body)) as { a: number; b: number };
        restores.push(body);
        const back = dismissed.find((d) => d.a.id === body.a && d.b.id === body.b);
        dismissed = dismissed.filter((d) => d !== back);
        if (back) suggestions = [...suggestions, { a: back.a, b: back.b, reason: "name", value: "linus" }];
        return json(204, null);
      }
      if (url.startsWith("/api/v1/users")) return json(200, { data: [{ id: 7, name: "Margaret", email: "m@acme.test", role: "manager" }], next_cursor: "" });
      return json(404, { error: { code: "not_found", message: url } });
    }),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function SignedIn() {
  const { state } = useSession();
  return state.status === "signed-in" ? <MergeSuggestionsPage /> : null;
}

function mount() {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <ToastProvider>
        <SessionProvider>
          <MemoryRouter initialEntries={["/contacts/merge"]}>
            <SignedIn />
          </MemoryRouter>
        </SessionProvider>
      </ToastProvider>
    </QueryClientProvider>,
  );
}

it("Not a duplicate removes the pair from the list and tells the server", async () => {
  mount();
  fireEvent.click(await screen.findByRole("button", { name: "Not a duplicate: Ada and Ada L." }));
  // Gone before the server answers.
  await waitFor(() => expect(dismissals).toEqual([{ a: 1, b: 2 }]));
  await waitFor(() => expect(screen.queryByText("Ada L.")).toBeNull());
  release();
  // The list read again after the dismissal keeps it out; the other pair stays.
  await waitFor(() => expect(screen.getAllByTestId("merge-suggestion")).toHaveLength(1));
  expect(screen.getByText("Grace H.")).toBeTruthy();
  expect(screen.queryByText("Ada L.")).toBeNull();
});

it("a refused dismissal puts the pair back and says why", async () => {
  refuse = true;
  mount();
  fireEvent.click(await screen.findByRole("button", { name: "Not a duplicate: Grace and Grace H." }));
  expect(await screen.findByText("deciding merge suggestions needs the delete_contacts permission")).toBeTruthy();
  await waitFor(() => expect(screen.getAllByTestId("merge-suggestion")).toHaveLength(2));
  expect(screen.getByText("Grace H.")).toBeTruthy();
});

it("is not offered to an agent who may not merge", async () => {
  role = "agent";
  mount();
  await waitFor(() => expect(screen.getAllByTestId("merge-suggestion")).toHaveLength(2));
  expect(screen.queryByTestId("merge-dismiss")).toBeNull();
});

it("lists the dismissed pairs folded, with who decided, and Suggest again takes one back", async () => {
  mount();
  const toggle = await screen.findByRole("button", { name: "Show (2)" });
  expect(screen.queryAllByTestId("merge-dismissal")).toHaveLength(0);
  fireEvent.click(toggle);
  await waitFor(() => expect(screen.getAllByTestId("merge-dismissal")).toHaveLength(2));
  // The user is named once the directory is read; a token's dismissal shows its date alone.
  await waitFor(() => expect(screen.getAllByTestId("merge-dismissal")[0]?.textContent).toContain("Margaret, "));
  expect(screen.getAllByTestId("merge-dismissal")[1]?.textContent).toMatch(/^Ken≠Ken T\.Jan 1, 2026/);
  fireEvent.click(screen.getByRole("button", { name: "Suggest again: Linus and Linus T." }));
  await waitFor(() => expect(restores).toEqual([{ a: 5, b: 6 }]));
  // Both lists are read again: the pair is a suggestion again and no longer dismissed.
  await waitFor(() => expect(screen.getAllByTestId("merge-suggestion")).toHaveLength(3));
  await waitFor(() => expect(screen.getAllByTestId("merge-dismissal")).toHaveLength(1));
  expect(screen.getByText("Linus and Linus T. will be suggested again when they look alike")).toBeTruthy();
});

it("shows no Suggest again to an agent who may not merge", async () => {
  role = "agent";
  mount();
  fireEvent.click(await screen.findByRole("button", { name: "Show (2)" }));
  await waitFor(() => expect(screen.getAllByTestId("merge-dismissal")).toHaveLength(2));
  expect(screen.queryByTestId("merge-restore")).toBeNull();
});
