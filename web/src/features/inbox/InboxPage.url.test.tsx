// The inbox's choices live in the URL: a link or a reload opens the list
// as it was (chips, menus and the request), a change writes the query
// string (typing replaces, a pick pushes, so Back steps through picks),
// a saved view's link narrows on top of its own, a bad value is ignored,
// and opening a conversation, by click or keyboard, keeps the query.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { act, cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createMemoryRouter, RouterProvider } from "react-router";
import "../../lib/i18n";
import { fakeInboxAPI, page, respond, type FakeInbox } from "./fakeAPI";
import { InboxPage } from "./InboxPage";

vi.mock("../../lib/session", () => ({
  useMe: () => ({ role: "owner", workspace: { timezone: "UTC", permissions: {} }, user: { id: 1, team_ids: [] } }),
  useSession: () => ({ signOut: () => {} }),
}));
vi.mock("../../lib/liveContext", () => ({
  useLive: () => ({ typing: new Map(), connected: true, sendTyping: () => {}, subscribe: () => () => {} }),
}));

let fake: FakeInbox;
const conv = (id: number) => ({ id, contact_id: id, contact_name: `Contact ${id}`, status: "open", opened_at: new Date().toISOString(), last_seq: 1 });
const lists = () =>
  vi
    .mocked(fetch)
    .mock.calls.map(([url]) => String(url))
    .filter((u) => /^\/api\/v1\/conversations\?/.test(u))
    .map((u) => Object.fromEntries(new URL(u, "http://x").searchParams));

beforeEach(() => {
  localStorage.clear();
  fake = fakeInboxAPI({
    "/api/v1/contacts/1": { id: 1, name: "Contact 1", fields: {}, tags: [], identities: [] },
    "/api/v1/contacts/1/conversations": page([conv(1), conv(3)]),
    "/api/v1/conversations": page([conv(1), conv(2)]),
    "/api/v1/channels": page([
      { id: 1, name: "Website", type: "webchat" },
      { id: 2, name: "WhatsApp", type: "whatsapp" },
    ]),
    "/api/v1/tags": page([{ id: 1, name: "VIP", color: "amber" }]),
    "/api/v1/lifecycle-stages": page([{ id: 2, name: "Customer", position: 2, is_default: false, is_lost: false }]),
    "/api/v1/custom-fields": page([
      { id: 1, key: "need", name: "What they need", type: "list", options: ["sales", "support"] },
      { id: 3, key: "order_number", name: "Order number", type: "text", options: [] },
    ]),
    "/api/v1/conversations/counts": { status: "open", all: 3, mine: 0, unassigned: 3, teams: [], views: [] },
    "/api/v1/conversations/404": () => respond({ error: { code: "not_found", message: "not found" } }, 404),
    "/api/v1/conversations/1": conv(1),
    "/api/v1/conversations/3": conv(3),
  });
  vi.spyOn(HTMLElement.prototype, "clientHeight", "get").mockReturnValue(600);
  vi.spyOn(HTMLElement.prototype, "clientWidth", "get").mockReturnValue(350);
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

function mount(path: string) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const router = createMemoryRouter([{ path: "/inbox/:view/:conversationID?", element: <InboxPage /> }], { initialEntries: [path] });
  render(
    <QueryClientProvider client={qc}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return {
    url: () => router.state.location.pathname + router.state.location.search,
    action: () => router.state.historyAction,
    back: () => act(() => router.navigate(-1)),
  };
}

const chipText = () =>
  screen.queryAllByRole("listitem").filter((li) => li.dataset.testid?.startsWith("filter-chip-")).map((c) => c.textContent);

describe("the inbox's choices in the URL", () => {
  it("opens a link with its choices: the request, the chips, the search box and the menus", async () => {
    mount("/inbox/all?status=closed&sort=waiting&q=ada&tag=VIP&channel_id=2&last_incoming_within=86400");
    await waitFor(() =>
      expect(lists().at(-1)).toEqual({
        status: "closed", sort: "waiting", q: "ada", tag: "VIP", channel_id: "2", last_incoming_within: "86400", limit: "50",
      }),
    );
    // Only the linked list was asked for, not the default one first.
    expect(lists()).toHaveLength(1);
    await waitFor(() => expect(chipText()).toEqual(["Channel:WhatsApp", "Tag:VIP", "Wrote within 24 hours"]));
    expect((screen.getByRole("searchbox", { name: "Search conversations by contact" }) as HTMLInputElement).value).toBe("ada");
    expect(screen.getByTestId("sort-menu").getAttribute("aria-label")).toMatch(/Waiting.*Closed/);
  });

  it("ignores values the list would refuse and asks for the view's own list", async () => {
    mount("/inbox/all?status=bogus&sort=x&channel_id=0&field=need&last_incoming_within=5400&tag=VIP");
    await waitFor(() => expect(lists().at(-1)).toEqual({ sort: "last_message", status: "open", tag: "VIP", limit: "50" }));
    expect(chipText()).toEqual(["Tag:VIP"]);
  });

  it("writes a pick to the URL as a new entry, typing as a replacement, and Back steps through the picks", async () => {
    const r = mount("/inbox/all");
    await waitFor(() => expect(lists()).toHaveLength(1));
    fireEvent.click(await screen.findByRole("button", { name: /^Filter/ }));
    const form = within(await screen.findByTestId("filter-form"));
    const tag = form.getByRole("combobox", { name: "Tag" });
    await within(tag).findByRole("option", { name: "VIP" });
    fireEvent.change(tag, { target: { value: "VIP" } });
    await waitFor(() => expect(r.url()).toBe("/inbox/all?tag=VIP"));
    expect(r.action()).toBe("PUSH");
    fireEvent.click(form.getByRole("radio", { name: "WhatsApp" }));
    await waitFor(() => expect(r.url()).toBe("/inbox/all?channel_id=2&tag=VIP"));
    fireEvent.keyDown(document.activeElement ?? document.body, { key: "Escape" });

    fireEvent.change(screen.getByRole("searchbox", { name: "Search conversations by contact" }), { target: { value: "ada l" } });
    await waitFor(() => expect(r.url()).toBe("/inbox/all?q=ada+l&channel_id=2&tag=VIP"));
    expect(r.action()).toBe("REPLACE");
    await waitFor(() => expect(lists().at(-1)).toMatchObject({ q: "ada l", tag: "VIP", channel_id: "2" }));

    // Clear all is one step back, not two.
    fireEvent.click(screen.getByRole("button", { name: "Clear all" }));
    await waitFor(() => expect(r.url()).toBe("/inbox/all?q=ada+l"));
    await r.back();
    await waitFor(() => expect(chipText()).toEqual(["Channel:WhatsApp", "Tag:VIP"]));
    expect(r.url()).toBe("/inbox/all?q=ada+l&channel_id=2&tag=VIP");
    await r.back();
    await waitFor(() => expect(chipText()).toEqual(["Tag:VIP"]));
    expect((screen.getByRole("searchbox", { name: "Search conversations by contact" }) as HTMLInputElement).value).toBe("");
    await waitFor(() => expect(lists().at(-1)).toEqual({ sort: "last_message", status: "open", tag: "VIP", limit: "50" }));
  });

  it("adds no history entry for a pick that changes nothing", async () => {
    const r = mount("/inbox/all?status=closed");
    fireEvent.click(await screen.findByRole("button", { name: /^Filter/ }));
    const form = within(await screen.findByTestId("filter-form"));
    const field = form.getByRole("combobox", { name: "Contact field" });
    await within(field).findByRole("option", { name: "Order number" });
    fireEvent.change(field, { target: { value: "order_number" } });
    const value = form.getByRole("textbox", { name: "Value of Order number" });
    fireEvent.change(value, { target: { value: "4471" } });
    fireEvent.submit(value.closest("form")!);
    await waitFor(() => expect(r.url()).toBe("/inbox/all?status=closed&field=order_number%3D4471"));
    // Applied again: the same filter, the same entry.
    fireEvent.submit(value.closest("form")!);
    await r.back();
    await waitFor(() => expect(r.url()).toBe("/inbox/all?status=closed"));
  });

  it("opens a saved view's link with the extra narrowing on top, and saves the whole filter", async () => {
    fake.views = [{ id: 7, name: "WhatsApp", filter: { channel_id: 2, stage: "Customer", status: "open" } }];
    const r = mount("/inbox/view-7?tag=VIP&stage=");
    await screen.findByRole("heading", { name: "WhatsApp" });
    await waitFor(() => expect(chipText()).toEqual(["Channel:WhatsApp", "Tag:VIP"]));
    await waitFor(() => expect(lists().at(-1)).toEqual({ channel_id: "2", tag: "VIP", status: "open", sort: "last_message", limit: "50" }));
    // Removing the view's own channel writes it as removed.
    fireEvent.click(screen.getByRole("button", { name: "Remove filter Channel: WhatsApp" }));
    await waitFor(() => expect(r.url()).toBe("/inbox/view-7?channel_id=&tag=VIP&stage="));
    fireEvent.click(await screen.findByRole("button", { name: "Save as a view" }));
    fireEvent.change(await screen.findByLabelText("Name of the view"), { target: { value: "VIPs" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(fake.posted).not.toBeNull());
    expect(fake.posted!.filter).toEqual({ tag: "VIP", status: "open", sort: "last_message" });
    // The new view opens as saved, with no query.
    await waitFor(() => expect(r.url()).toBe("/inbox/view-9"));
  });

  it("keeps the query when a conversation is opened, by click or from the keyboard", async () => {
    const r = mount("/inbox/all?status=closed&tag=VIP");
    const list = await screen.findByRole("listbox");
    fireEvent.click(await within(list).findByText("Contact 1"));
    await waitFor(() => expect(r.url()).toBe("/inbox/all/1?status=closed&tag=VIP"));
    await waitFor(() => expect(chipText()).toEqual(["Tag:VIP"]));
    fireEvent.keyDown(document.body, { key: "j" });
    fireEvent.keyDown(screen.getByRole("listbox"), { key: "Enter" });
    await waitFor(() => expect(r.url()).toBe("/inbox/all/2?status=closed&tag=VIP"));
  });

  it("keeps the query in the conversation's links within the view", async () => {
    mount("/inbox/all/404?status=closed");
    const back = await screen.findByRole("link", { name: "Back to the list" });
    expect(back.getAttribute("href")).toBe("/inbox/all?status=closed");
    cleanup();
    localStorage.setItem("switchboard.contactPanel", "open"); // the contact panel, with the contact's conversations
    const r = mount("/inbox/all/1?status=closed&tag=VIP");
    fireEvent.click(await screen.findByRole("link", { name: /#3/ }));
    await waitFor(() => expect(r.url()).toBe("/inbox/all/3?status=closed&tag=VIP"));
  });

  it("starts another view from its own defaults, and Back brings the first view's choices back", async () => {
    const r = mount("/inbox/all?status=closed");
    await waitFor(() => expect(lists().at(-1)).toMatchObject({ status: "closed" }));
    fireEvent.click(await screen.findByRole("link", { name: /^Mine/ }));
    await waitFor(() => expect(r.url()).toBe("/inbox/mine"));
    await waitFor(() => expect(lists().at(-1)).toEqual({ assignee: "me", status: "open", sort: "last_message", limit: "50" }));
    await r.back();
    await waitFor(() => expect(lists().at(-1)).toEqual({ status: "closed", sort: "last_message", limit: "50" }));
  });
});
