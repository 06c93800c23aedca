// "Not a duplicate" on a merge suggestion: the row goes at once and stays
// gone, comes back with the server's reason when it refuses, and is only
// offered to those who may decide merges (delete_contacts).
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { MemoryRouter } from "react-router";
import "../../lib/i18n";
import { SessionProvider, useSession } from "../../lib/session";
import { ToastProvider } from "../../lib/ui/toast";
import MergeSuggestionsPage from "./MergeSuggestions";

const json = (status: number, body: unknown) =>
  Promise.resolve(
    status === 204 ? new Response(null, { status }) : new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } }),
  );

const person = (id: number, first_name: string) => ({
  id, first_name, last_name: "", phone: "", email: "", language: "", country: "", avatar_url: "", lifecycle_stage: "",
  fields: {}, tags: [], created_at: "2026-01-01T00:00:00Z", updated_at: "2026-01-01T00:00:00Z",
});

let role: string;
let suggestions: { a: ReturnType<typeof person>; b: ReturnType<typeof person>; reason: string; value: string }[];
let dismissals: unknown[];
let refuse: boolean;
let release: () => void;

beforeEach(() => {
  role = "owner";
  refuse = false;
  dismissals = [];
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
