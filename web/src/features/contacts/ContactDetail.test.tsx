// The contact page's profile form keeps what the person typed while the
// contact changes under it (its stage picked in the same form, a tag, a
// workflow): only the fields they did not touch follow the new contact.
// Delete… is offered to those with delete_contacts and asks once.
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { MemoryRouter, Route, Routes } from "react-router";
import "../../lib/i18n";
import { SessionProvider, useSession } from "../../lib/session";
import { ToastProvider } from "../../lib/ui/toast";
import ContactDetailPage from "./ContactDetail";
import { json, noContent } from "../../test/http";

let contact: Record<string, unknown>;
let patches: Record<string, unknown>[];
let me: Record<string, unknown>;
// The contact deleted (by someone else, or in bulk): the page answers 404.
let gone = false;
let deletes: number;
let refuseDelete: boolean;

beforeEach(() => {
  patches = [];
  deletes = 0;
  refuseDelete = false;
  me = { role: "owner", workspace: { id: 1, name: "Acme", timezone: "UTC" }, user: { id: 1, name: "Olga", team_ids: [] } };
  contact = {
    id: 7, first_name: "Ada", last_name: "Lovelace", phone: "", email: "ada@example.com", language: "", country: "",
    lifecycle_stage: "", fields: {}, tags: [], identities: [], created_at: "2026-01-01T00:00:00Z", updated_at: "2026-01-01T00:00:00Z",
  };
  let tick = 1;
  const touch = () => (contact = { ...contact, updated_at: `2026-01-01T00:00:0${tick++}Z` });
  vi.stubGlobal(
    "fetch",
    vi.fn((url: string, init: RequestInit = {}) => {
      const method = init.method ?? "GET";
      if (url === "/api/v1/me") return json(200, me);
      if (url === "/api/v1/auth/csrf") return json(200, { csrf_token: "t" });
      if (url.startsWith("/api/v1/lifecycle-stages")) return json(200, { data: [{ id: 1, name: "Lead", position: 0, is_lost: false, is_default: false }], next_cursor: "" });
      if (url === "/api/v1/contacts/7/lifecycle" && method === "PUT") {
        touch();
        contact.lifecycle_stage = (JSON.parse(String(init.body)) as { stage: string }).stage;
        return json(200, contact);
      }
      if (url === "/api/v1/contacts/7" && method === "PATCH") {
        const body = JSON.parse(String(init.body)) as Record<string, unknown>;
        patches.push(body);
        touch();
        contact = { ...contact, ...body };
        return json(200, contact);
      }
      if (url === "/api/v1/contacts/7" && method === "DELETE") {
        deletes++;
        if (refuseDelete) return json(403, { error: { code: "forbidden", message: "you may not delete contacts" } });
        return noContent();
      }
      if (url === "/api/v1/contacts/7") return gone ? json(404, { error: { code: "not_found", message: "contact not found" } }) : json(200, contact);
      return json(200, { data: [], next_cursor: "" });
    }),
  );
});

/** The page once who-am-I has answered, as the app's shell mounts it. */
function SignedIn() {
  const { state } = useSession();
  return state.status === "signed-in" ? <ContactDetailPage /> : null;
}

/** mount renders the contact page of contact 7, signed in, and returns its query client. */
function mount(): QueryClient {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <ToastProvider>
        <SessionProvider>
          <MemoryRouter initialEntries={["/contacts/7"]}>
            <Routes>
              <Route path="/contacts/:contactID" element={<SignedIn />} />
              <Route path="/contacts" element={<p>the contacts list</p>} />
            </Routes>
          </MemoryRouter>
        </SessionProvider>
      </ToastProvider>
    </QueryClientProvider>,
  );
  return qc;
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  gone = false;
});

it("says a contact deleted or merged meanwhile no longer exists", async () => {
  gone = true;
  mount();
  expect((await screen.findByRole("alert")).textContent).toBe("This contact no longer exists: deleted, or merged into another.");
});

it("keeps a typed name when the stage is changed before Save, and saves only the name", async () => {
  mount();
  const first = (await screen.findByTestId("contact-first_name")) as HTMLInputElement;
  fireEvent.change(first, { target: { value: "Augusta" } });
  await waitFor(() => expect(screen.getByRole("option", { name: "Lead" })).toBeTruthy());
  fireEvent.change(screen.getByTestId("contact-stage"), { target: { value: "Lead" } });
  await waitFor(() => expect((screen.getByTestId("contact-stage") as HTMLSelectElement).value).toBe("Lead"));
  expect((screen.getByTestId("contact-first_name") as HTMLInputElement).value).toBe("Augusta");
  fireEvent.click(screen.getByTestId("contact-save"));
  await waitFor(() => expect(patches).toEqual([{ first_name: "Augusta" }]));
  await waitFor(() => expect(screen.getByTestId("contact-name").textContent).toBe("Augusta Lovelace"));
  expect((screen.getByTestId("contact-first_name") as HTMLInputElement).value).toBe("Augusta");
});

it("shows what another change wrote in the fields the person did not touch", async () => {
  const qc = mount();
  const first = (await screen.findByTestId("contact-first_name")) as HTMLInputElement;
  fireEvent.change(first, { target: { value: "Augusta" } });
  // A workflow writes the email; the live event refetches the contact.
  contact = { ...contact, email: "ada@lovelace.example", updated_at: "2026-01-02T00:00:00Z" };
  await qc.invalidateQueries();
  await waitFor(() => expect((screen.getByTestId("contact-email") as HTMLInputElement).value).toBe("ada@lovelace.example"));
  expect((screen.getByTestId("contact-first_name") as HTMLInputElement).value).toBe("Augusta");
  fireEvent.click(screen.getByTestId("contact-save"));
  await waitFor(() => expect(patches).toEqual([{ first_name: "Augusta" }]));
});

it("links to the contact's open conversation instead of offering to start one", async () => {
  const conversations = (status: string) => ({
    data: [{ id: 41, status, contact_id: 7, channel_id: 3, opened_at: "2026-01-02T00:00:00Z", close_summary: "" }],
    next_cursor: "",
  });
  let status = "open";
  const base = vi.mocked(fetch).getMockImplementation()!;
  vi.mocked(fetch).mockImplementation((url, init) =>
    String(url).startsWith("/api/v1/contacts/7/conversations") ? json(200, conversations(status)) : base(url as string, init),
  );
  mount();
  const link = await screen.findByRole("link", { name: "go to #41" });
  expect(link.getAttribute("href")).toBe("/inbox/all/41");
  expect(screen.queryByTestId("start-conversation")).toBeNull();

  cleanup();
  status = "closed";
  mount();
  await screen.findByTestId("contact-conversation");
  await waitFor(() => expect(screen.queryByTestId("open-conversation-note")).toBeNull());
});

it("deletes the contact once asked twice, then goes back to the list", async () => {
  mount();
  fireEvent.click(await screen.findByTestId("contact-delete"));
  const dialog = await screen.findByTestId("contact-delete-dialog");
  expect(dialog.textContent).toContain("Delete Ada Lovelace?");
  expect(dialog.textContent).toContain("They have no conversation");
  expect(deletes).toBe(0);
  refuseDelete = true;
  fireEvent.click(screen.getByTestId("contact-delete-confirm"));
  expect((await screen.findByRole("alert")).textContent).toBe("you may not delete contacts");
  expect(screen.getByTestId("contact-name").textContent).toBe("Ada Lovelace");
  refuseDelete = false;
  fireEvent.click(screen.getByTestId("contact-delete-confirm"));
  await screen.findByText("the contacts list");
  expect(deletes).toBe(2);
  expect(screen.getByText("Ada Lovelace deleted")).toBeTruthy();
});

it("offers Delete… only with the delete_contacts permission", async () => {
  me = { ...me, role: "agent", user: { id: 2, name: "Al", team_ids: [], permissions: { see_all_conversations: false, export_contacts: false, delete_contacts: false } } };
  mount();
  await screen.findByTestId("contact-first_name");
  expect(screen.queryByTestId("contact-delete")).toBeNull();
  cleanup();
  me = { ...me, user: { id: 2, name: "Al", team_ids: [], permissions: { see_all_conversations: false, export_contacts: false, delete_contacts: true } } };
  mount();
  await screen.findByTestId("contact-delete");
});
