// The inbox's Filter control: narrowing a view by channel, tag, stage and
// a contact field shows each as a removable chip, the list's request
// follows them, Save as a view stores them under the API's names, and a
// saved view opens with its own as chips.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { MemoryRouter, Route, Routes } from "react-router";
import "../../../lib/i18n";
import { fakeInboxAPI, page, type FakeInbox } from "../fakeAPI";
import { InboxPage } from "../InboxPage";

vi.mock("../../../lib/session", () => ({
  useMe: () => ({ role: "owner", workspace: { timezone: "UTC", permissions: {} }, user: { id: 1, team_ids: [] } }),
  useSession: () => ({ signOut: () => {} }),
}));
vi.mock("../../../lib/liveContext", () => ({
  useLive: () => ({ typing: new Map(), connected: true, sendTyping: () => {}, subscribe: () => () => {} }),
}));

let fake: FakeInbox;
const lists = () =>
  vi
    .mocked(fetch)
    .mock.calls.map(([url]) => String(url))
    .filter((u) => /^\/api\/v1\/conversations\?/.test(u))
    .map((u) => Object.fromEntries(new URL(u, "http://x").searchParams));

beforeEach(() => {
  fake = fakeInboxAPI({
    "/api/v1/channels": page([
      { id: 1, name: "Website", type: "webchat" },
      { id: 2, name: "WhatsApp", type: "whatsapp" },
    ]),
    "/api/v1/tags": page([{ id: 1, name: "VIP", color: "amber" }, { id: 2, name: "eu", color: "blue" }]),
    // Out of order: the control lists them by position.
    "/api/v1/lifecycle-stages": page([
      { id: 2, name: "Customer", position: 2, is_default: false, is_lost: false },
      { id: 1, name: "New Lead", position: 1, is_default: true, is_lost: false },
    ]),
    "/api/v1/custom-fields": page([
      { id: 1, key: "need", name: "What they need", type: "list", options: ["sales", "support"] },
      { id: 2, key: "paid", name: "Paid", type: "checkbox", options: [] },
      { id: 3, key: "order_number", name: "Order number", type: "text", options: [] },
      { id: 4, key: "company_size", name: "Company size", type: "number", options: [] },
    ]),
    "/api/v1/conversations/counts": { status: "open", all: 3, mine: 0, unassigned: 3, teams: [], views: [{ view_id: 7, name: "x", count: 1 }] },
  });
  vi.spyOn(HTMLElement.prototype, "clientHeight", "get").mockReturnValue(600);
  vi.spyOn(HTMLElement.prototype, "clientWidth", "get").mockReturnValue(350);
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

function mount(path = "/inbox/all") {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route path="/inbox/:view/:conversationID?" element={<InboxPage />} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

const chips = () => screen.queryAllByRole("listitem").filter((li) => li.dataset.testid?.startsWith("filter-chip-"));
const chipText = () => chips().map((c) => c.textContent);

async function openFilter() {
  fireEvent.click(await screen.findByRole("button", { name: /^Filter/ }));
  return screen.findByTestId("filter-form");
}

async function narrowToWhatsAppVIPCustomers() {
  const form = within(await openFilter());
  fireEvent.click(await form.findByRole("radio", { name: "WhatsApp" }));
  const tag = form.getByRole("combobox", { name: "Tag" });
  await within(tag).findByRole("option", { name: "VIP" });
  fireEvent.change(tag, { target: { value: "VIP" } });
  const stage = form.getByRole("combobox", { name: "Lifecycle stage" });
  await within(stage).findByRole("option", { name: "Customer" });
  expect(within(stage).getAllByRole("option").map((o) => o.textContent)).toEqual(["Any stage", "New Lead", "Customer"]);
  fireEvent.change(stage, { target: { value: "Customer" } });
  const field = form.getByRole("combobox", { name: "Contact field" });
  await within(field).findByRole("option", { name: "What they need" });
  fireEvent.change(field, { target: { value: "need" } });
  // A list field's value is a select of its options.
  fireEvent.change(form.getByRole("combobox", { name: "Value of What they need" }), { target: { value: "sales" } });
}

describe("the inbox's Filter control", () => {
  it("narrows the list by channel, tag, stage and field, each shown as a chip", async () => {
    mount();
    await narrowToWhatsAppVIPCustomers();
    await waitFor(() =>
      expect(chipText()).toEqual(["Channel:WhatsApp", "Tag:VIP", "Lifecycle stage:Customer", "What they need:sales"]),
    );
    await waitFor(() =>
      expect(lists().at(-1)).toMatchObject({ channel_id: "2", tag: "VIP", stage: "Customer", field: "need=sales", status: "open" }),
    );
    expect(screen.getByRole("button", { name: "Filter 4 active" })).toBeTruthy();
    // The view's count is not the narrowed list's: it is not shown.
    expect(within(screen.getByRole("region", { name: "Conversations" })).queryByText("3")).toBeNull();
  });

  it("removes one chip: the list drops that filter only and focus moves to the next chip", async () => {
    mount();
    await narrowToWhatsAppVIPCustomers();
    fireEvent.keyDown(document.activeElement ?? document.body, { key: "Escape" });
    const remove = await screen.findByRole("button", { name: "Remove filter Tag: VIP" });
    fireEvent.click(remove);
    await waitFor(() => expect(chipText()).toEqual(["Channel:WhatsApp", "Lifecycle stage:Customer", "What they need:sales"]));
    await waitFor(() => expect(lists().at(-1)).not.toHaveProperty("tag"));
    expect(lists().at(-1)).toMatchObject({ channel_id: "2", stage: "Customer", field: "need=sales" });
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Remove filter Lifecycle stage: Customer" }));
    fireEvent.click(screen.getByRole("button", { name: "Clear all" }));
    await waitFor(() => expect(chips()).toHaveLength(0));
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Filter" }));
    await waitFor(() => expect(lists().at(-1)).toEqual({ sort: "last_message", status: "open", limit: "50" }));
  });

  it("saves a view with the filters under the API's names, and it opens with them as chips", async () => {
    mount();
    await narrowToWhatsAppVIPCustomers();
    fireEvent.keyDown(document.activeElement ?? document.body, { key: "Escape" });
    fireEvent.click(await screen.findByRole("button", { name: "Save as a view" }));
    fireEvent.change(await screen.findByLabelText("Name of the view"), { target: { value: "WhatsApp VIP customers" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(fake.posted).not.toBeNull());
    expect(fake.posted).toEqual({
      name: "WhatsApp VIP customers",
      filter: { channel_id: 2, tag: "VIP", stage: "Customer", field: "need=sales", sort: "last_message", status: "open" },
    });
    // The new view's page: its filters are its own chips, and its count shows.
    await screen.findByRole("heading", { name: "WhatsApp VIP customers" });
    expect(chipText()).toEqual(["Channel:WhatsApp", "Tag:VIP", "Lifecycle stage:Customer", "What they need:sales"]);
  });

  it("opens a saved view with its filters as chips, a checkbox field as yes or no", async () => {
    fake.views = [{ id: 7, name: "Paid WhatsApp", filter: { channel_id: 2, field: "paid=true", status: "open" } }];
    mount("/inbox/view-7");
    await screen.findByRole("heading", { name: "Paid WhatsApp" });
    await waitFor(() => expect(chipText()).toEqual(["Channel:WhatsApp", "Paid:Yes"]));
    await waitFor(() => expect(lists().at(-1)).toMatchObject({ channel_id: "2", field: "paid=true", status: "open" }));
    // The popover shows the view's choices, the checkbox's value as Yes.
    const form = within(await openFilter());
    expect((form.getByRole("radio", { name: "WhatsApp" }) as HTMLInputElement).checked).toBe(true);
    await waitFor(() =>
      expect((form.getByRole("combobox", { name: "Value of Paid" }) as HTMLSelectElement).value).toBe("true"),
    );
  });

  it("applies a text field's value on Enter", async () => {
    mount();
    const form = within(await openFilter());
    const field = form.getByRole("combobox", { name: "Contact field" });
    await within(field).findByRole("option", { name: "Order number" });
    fireEvent.change(field, { target: { value: "order_number" } });
    const value = form.getByRole("textbox", { name: "Value of Order number" });
    fireEvent.change(value, { target: { value: "4471" } });
    fireEvent.submit(value.closest("form")!);
    await waitFor(() => expect(lists().at(-1)).toMatchObject({ field: "order_number=4471" }));
    expect(chipText()).toEqual(["Order number:4471"]);
  });

  it("types a number field's value in a number input and sends it as the server stores it", async () => {
    mount();
    const form = within(await openFilter());
    const field = form.getByRole("combobox", { name: "Contact field" });
    await within(field).findByRole("option", { name: "Company size" });
    fireEvent.change(field, { target: { value: "company_size" } });
    const value = form.getByRole("spinbutton", { name: "Value of Company size" });
    fireEvent.change(value, { target: { value: "12.0" } });
    fireEvent.click(form.getByRole("button", { name: "Apply" }));
    await waitFor(() => expect(lists().at(-1)).toMatchObject({ field: "company_size=12" }));
    expect(chipText()).toEqual(["Company size:12"]);
  });

  it("opens from the keyboard with f, listed in the shortcut sheet, and Escape gives the focus back", async () => {
    mount();
    const trigger = await screen.findByRole("button", { name: "Filter" });
    fireEvent.keyDown(document.body, { key: "f" });
    const form = await screen.findByTestId("filter-form");
    await waitFor(() => expect(form.contains(document.activeElement)).toBe(true));
    // f again, typed in the panel, does not close it.
    fireEvent.keyDown(document.activeElement!, { key: "f" });
    expect(screen.getByTestId("filter-form")).toBeTruthy();
    fireEvent.keyDown(document.activeElement!, { key: "Escape" });
    await waitFor(() => expect(screen.queryByTestId("filter-form")).toBeNull());
    expect(document.activeElement).toBe(trigger);
    fireEvent.keyDown(document.body, { key: "?" });
    expect(within(await screen.findByTestId("shortcut-sheet")).getByText("Filter the list")).toBeTruthy();
  });

  it("opens from the command palette", async () => {
    mount();
    await screen.findByRole("button", { name: "Filter" });
    fireEvent.keyDown(document.body, { key: "k", ctrlKey: true });
    fireEvent.change(await screen.findByRole("combobox", { name: "Type a command or a contact's name" }), { target: { value: "filter" } });
    fireEvent.click(await screen.findByRole("option", { name: /Filter this list/ }));
    const form = await screen.findByTestId("filter-form");
    await waitFor(() => expect(form.contains(document.activeElement)).toBe(true));
  });
});
