// Starting a conversation from a contact's page: the channels offered
// (known ones, and those that reach a contact first by the phone or
// email the contact has), the request sent, and the server's refusal
// shown under the picker.
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { MemoryRouter, Route, Routes } from "react-router";
import "../../lib/i18n";
import type { Channel, ContactDetail } from "../../lib/types";
import { StartConversation, startOptions } from "./StartConversation";
import { json } from "../../test/http";

const ch = (id: number, type: string, name: string) => ({ id, type, name }) as Channel;
const channels = [ch(1, "whatsapp", "WhatsApp"), ch(2, "telegram", "Bot"), ch(3, "email", "Support mail"), ch(4, "custom", "App")];
const types = [
  { type: "whatsapp", addressed_by: "phone" },
  { type: "email", addressed_by: "email" },
  { type: "telegram" },
  { type: "custom" },
];

function contactWith(over: Partial<ContactDetail>): ContactDetail {
  return {
    id: 7, first_name: "Ada", last_name: "", phone: "", email: "", language: "", country: "", lifecycle_stage: "",
    fields: {}, tags: [], identities: [], created_at: "2026-01-01T00:00:00Z", updated_at: "2026-01-01T00:00:00Z", ...over,
  } as ContactDetail;
}

it.each([
  { name: "imported with a phone", over: { phone: "+14155550100" }, want: "1:phone 3:noEmail" },
  { name: "imported with an email", over: { email: "ada@example.com" }, want: "1:noPhone 3:email" },
  { name: "with both", over: { phone: "+14155550100", email: "ada@example.com" }, want: "1:phone 3:email" },
  {
    name: "known on Telegram and the custom channel",
    over: { identities: [{ id: 1, channel_id: 2, external_id: "42", created_at: "" }, { id: 2, channel_id: 4, external_id: "x", created_at: "" }] },
    want: "1:noPhone 2:known 3:noEmail 4:known",
  },
])("offers, for a contact $name: $want", ({ over, want }) => {
  const got = startOptions(contactWith(over as Partial<ContactDetail>), channels, types as never);
  expect(got.map((o) => `${o.channel.id}:${o.reach}`).join(" ")).toBe(want);
});

let posts: unknown[];
let answer: () => Promise<Response>;

beforeEach(() => {
  posts = [];
  answer = () => json(201, { id: 55, contact_id: 7, channel_id: 1, status: "open" });
  vi.stubGlobal(
    "fetch",
    vi.fn((url: string, init: RequestInit = {}) => {
      if (url === "/api/v1/auth/csrf") return json(200, { csrf_token: "t" });
      if (url.startsWith("/api/v1/channels")) return json(200, { data: channels, next_cursor: "" });
      if (url === "/api/v1/channel-types") return json(200, { items: types });
      if (url === "/api/v1/conversations" && init.method === "POST") {
        posts.push(JSON.parse(String(init.body)));
        return answer();
      }
      return json(404, { error: { code: "not_found", message: "no" } });
    }),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function mount(contact: ContactDetail) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <MemoryRouter initialEntries={["/contacts/7"]}>
        <Routes>
          <Route path="/contacts/:contactID" element={<StartConversation contact={contact} />} />
          <Route path="/inbox/all/:id" element={<p data-testid="inbox">inbox</p>} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

it("starts a WhatsApp conversation with an imported contact and goes to it", async () => {
  mount(contactWith({ phone: "+14155550100" }));
  const select = (await screen.findByTestId("start-channel")) as HTMLSelectElement;
  const options = Array.from(select.options).map((o) => `${o.textContent}${o.disabled ? " (disabled)" : ""}`);
  expect(options).toEqual(["WhatsApp — to +14155550100", "Support mail — no email address (disabled)"]);
  fireEvent.click(screen.getByTestId("start-submit"));
  await screen.findByTestId("inbox");
  expect(posts).toEqual([{ contact_id: 7, channel_id: 1 }]);
});

it("shows why the server refused, under the picker", async () => {
  answer = () =>
    json(422, {
      error: {
        code: "invalid", field: "channel_id",
        message: "channel_id: the contact has no phone number: a whatsapp channel reaches a contact who never wrote to it by their phone number",
      },
    });
  mount(contactWith({ phone: "+14155550100" }));
  fireEvent.click(await screen.findByTestId("start-submit"));
  const alert = await screen.findByTestId("start-error");
  expect(alert.textContent).toBe("the contact has no phone number: a whatsapp channel reaches a contact who never wrote to it by their phone number");
  expect(screen.queryByTestId("inbox")).toBeNull();
});

it("cannot start when the contact lacks the phone and the email those channels need", async () => {
  mount(contactWith({}));
  await waitFor(() => expect(screen.getByTestId("start-channel")).toBeTruthy());
  // Both channels that write first lack a field: nothing can be started.
  expect((screen.getByTestId("start-submit") as HTMLButtonElement).disabled).toBe(true);
});

it("offers no start for a blocked contact, and says why", async () => {
  mount(contactWith({ phone: "+14155550100", blocked_at: "2026-03-02T09:30:00Z" }));
  expect((await screen.findByTestId("start-blocked")).textContent).toBe("Unblock them to start a conversation.");
  expect(screen.queryByTestId("start-submit")).toBeNull();
});
