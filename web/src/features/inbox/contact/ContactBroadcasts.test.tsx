// The contact panel lists the broadcasts the contact received (their
// messages are in no conversation), the latest three, and nothing for a
// contact who received none.
import { afterEach, expect, it, vi } from "vitest";
import { cleanup, render, screen } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import "../../../lib/i18n";
import { ContactBroadcasts } from "./ContactBroadcasts";

vi.mock("../../../lib/session", () => ({ useMe: () => ({ workspace: { timezone: "UTC" } }) }));

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function serve(data: object[]) {
  const fetch = vi.fn((_url: string) =>
    Promise.resolve(new Response(JSON.stringify({ data, next_cursor: "" }), { status: 200, headers: { "Content-Type": "application/json" } })),
  );
  vi.stubGlobal("fetch", fetch);
  return fetch;
}

const received = (n: number) => ({
  broadcast_id: n,
  name: `Sale ${n}`,
  message_id: 100 + n,
  text: `Offer ${n}`,
  status: "delivered",
  sent_at: "2026-03-02T09:00:00Z",
});

it("lists the latest three broadcasts with what they said", async () => {
  const fetch = serve([received(4), received(3), received(2), received(1)]);
  render(
    <QueryClientProvider client={new QueryClient()}>
      <ContactBroadcasts contactID={7} />
    </QueryClientProvider>,
  );
  const list = await screen.findByTestId("contact-broadcasts");
  expect(String(fetch.mock.calls[0]?.[0])).toContain("/api/v1/contacts/7/broadcasts");
  expect(screen.getByText("Broadcasts received")).toBeTruthy();
  expect(list.querySelectorAll("li")).toHaveLength(3);
  expect(screen.getByText("Sale 4")).toBeTruthy();
  expect(screen.getByText("Offer 4")).toBeTruthy();
  expect(screen.queryByText("Sale 1")).toBeNull();
});

it("shows nothing for a contact who received none", async () => {
  const fetch = serve([]);
  const { container } = render(
    <QueryClientProvider client={new QueryClient()}>
      <ContactBroadcasts contactID={7} />
    </QueryClientProvider>,
  );
  await vi.waitFor(() => expect(fetch).toHaveBeenCalled());
  expect(container.textContent).toBe("");
});
