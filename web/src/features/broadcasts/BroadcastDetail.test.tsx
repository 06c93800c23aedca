// A broadcast's page: its numbers as cards with their share of the
// recipients, the recipients narrowed by status and paged, each linking to
// the contact; a sending broadcast is asked again until it is sent; Cancel
// and Delete where they apply; Duplicate makes a draft of it.
import { afterEach, expect, it, vi } from "vitest";
import { act, cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { json, noContent } from "../../test/http";
import type { Broadcast, Recipient } from "./types";
import { broadcast, mount, openSocket, socketEvent, stubAPI, zeroStats } from "./testAPI";
import { FOLLOW_MS, RECEIPTS_MS } from "./data";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const stats = { ...zeroStats, recipients: 20, delivered: 8, read: 4, failed: 2, skipped: 5, pending: 1, replied: 3 };
const ada: Recipient = { contact_id: 41, contact_name: "Ada Lovelace", message_id: 500, status: "read", replied: true, replied_at: "2026-03-02T11:00:00Z" };
const bo: Recipient = { contact_id: 42, contact_name: "Bo", status: "skipped", reason: "outside the 24-hour window", replied: false };
const cy: Recipient = { contact_id: 43, contact_name: "", message_id: 502, status: "failed", reason: "the number is not on WhatsApp", replied: false };

it("shows the numbers as cards and the recipients by status, a page at a time", async () => {
  const sent = broadcast({ status: "sent", started_at: "2026-03-02T10:00:00Z", finished_at: "2026-03-02T10:05:00Z", stats });
  const calls = stubAPI((c) => {
    if (c.url === "/api/v1/broadcasts/7") return json(200, sent);
    if (c.url === "/api/v1/broadcasts/7/recipients?limit=50") return json(200, { data: [ada, bo], next_cursor: "r2" });
    if (c.url === "/api/v1/broadcasts/7/recipients?limit=50&cursor=r2") return json(200, { data: [cy], next_cursor: "" });
    if (c.url === "/api/v1/broadcasts/7/recipients?limit=50&status=failed") return json(200, { data: [cy], next_cursor: "" });
    return undefined;
  });
  mount("/broadcasts/7");
  await screen.findByTestId("broadcast-stats");
  const card = (id: string) => [screen.getByTestId(`stat-${id}`).querySelector('[data-testid="stat-value"]')!.textContent, screen.getByTestId(`stat-${id}`).querySelector('[data-testid="stat-percent"]')?.textContent];
  expect(card("recipients")).toEqual(["20", undefined]);
  expect(card("delivered")).toEqual(["12", "60 %"]); // delivered and read since
  expect(card("read")).toEqual(["4", "20 %"]);
  expect(card("replied")).toEqual(["3", "15 %"]);
  expect(card("failed")).toEqual(["2", "10 %"]);
  expect(card("skipped")).toEqual(["5", "25 %"]);
  expect(screen.getByTestId("broadcast-pending").textContent).toBe("1 message still on its way.");
  expect(screen.getByTestId("broadcast-summary-text").textContent).toBe("20 % off this week");
  expect(screen.getByTestId("broadcast-status").textContent).toBe("Sent");
  // Sent: Delete, no Cancel nor Edit.
  expect(screen.getByTestId("broadcast-delete")).toBeTruthy();
  expect(screen.queryByTestId("broadcast-cancel")).toBeNull();
  expect(screen.queryByTestId("broadcast-edit")).toBeNull();

  const rows = await screen.findAllByTestId("recipient-row");
  expect(rows.map((r) => r.dataset.status)).toEqual(["read", "skipped"]);
  expect(within(rows[0]!).getByRole("link", { name: "Ada Lovelace" }).getAttribute("href")).toBe("/contacts/41");
  expect(rows[0]!.textContent).toContain("Mar 2, 2026, 11:00 AM");
  expect(rows[1]!.textContent).toContain("outside the 24-hour window");
  fireEvent.click(screen.getByTestId("recipients-more"));
  await waitFor(() => expect(screen.getAllByTestId("recipient-row").length).toBe(3));
  expect(within(screen.getAllByTestId("recipient-row")[2]!).getByRole("link", { name: "Contact #43" })).toBeTruthy();

  fireEvent.change(screen.getByTestId("recipients-status"), { target: { value: "failed" } });
  await waitFor(() => expect(screen.getAllByTestId("recipient-row").map((r) => r.dataset.contactId)).toEqual(["43"]));
  expect(calls.some((c) => c.url === "/api/v1/broadcasts/7/recipients?limit=50&status=failed")).toBe(true);
  expect(screen.getByTestId("recipient-row").textContent).toContain("the number is not on WhatsApp");
  expect(screen.queryByTestId("recipients-more")).toBeNull();
});

it("asks again while sending, until it is sent, then when its messages' events say so", async () => {
  let reads = 0;
  const done = { status: "sent" as const, started_at: "2026-03-02T10:00:00Z", finished_at: "2026-03-02T10:01:00Z" };
  const at = (n: number): Broadcast =>
    n < 2
      ? broadcast({ status: "sending", started_at: "2026-03-02T10:00:00Z", stats: { ...zeroStats, recipients: 3, pending: 3 } })
      : n < 4
        ? broadcast({ ...done, stats: { ...zeroStats, recipients: 3, delivered: 3 } })
        : broadcast({ ...done, stats: { ...zeroStats, recipients: 3, delivered: 2, read: 1, replied: 1 } });
  const calls = stubAPI((c) => (c.url === "/api/v1/broadcasts/7" ? json(200, at(reads++)) : undefined));
  const listed = () => calls.filter((c) => c.url.startsWith("/api/v1/broadcasts/7/recipients")).length;
  // The page's clock is the test's: each interval is stepped, not waited.
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval"], shouldAdvanceTime: true });
  try {
    mount("/broadcasts/7");
    expect((await screen.findByTestId("broadcast-detail")).dataset.status).toBe("sending");
    expect(screen.getByTestId("broadcast-cancel")).toBeTruthy();
    await waitFor(() => expect(listed()).toBe(1));
    await vi.advanceTimersByTimeAsync(FOLLOW_MS);
    expect(reads).toBe(2);
    expect(listed()).toBe(1); // the same numbers: the recipients as they were
    await vi.advanceTimersByTimeAsync(FOLLOW_MS);
    await waitFor(() => expect(screen.getByTestId("broadcast-detail").dataset.status).toBe("sent"));
    // The numbers moved: the recipients are read again with them.
    await waitFor(() => expect(listed()).toBe(2));
    expect(screen.getByTestId("stat-delivered").dataset.value).toBe("3");
    const seen = reads;
    await vi.advanceTimersByTimeAsync(FOLLOW_MS * 3);
    expect(reads).toBe(seen);
    // The socket opening reads every query again (what it may have missed).
    act(() => openSocket());
    await waitFor(() => expect(reads).toBe(seen + 1));
    // A burst of receipts and a reply: read once more, after the burst.
    act(() => (socketEvent(1, "message.status"), socketEvent(2, "message.status"), socketEvent(3, "message.received")));
    act(() => socketEvent(4, "conversation.assigned")); // not a message's
    await vi.advanceTimersByTimeAsync(RECEIPTS_MS);
    await waitFor(() => expect(screen.getByTestId("stat-replied").dataset.value).toBe("1"));
    expect(screen.getByTestId("stat-read").dataset.value).toBe("1");
    expect(reads).toBe(seen + 2);
  } finally {
    vi.useRealTimers();
  }
});

it("cancels a scheduled broadcast, which goes back to a draft", async () => {
  let b = broadcast({ status: "scheduled", scheduled_at: "2099-03-02T10:00:00Z" });
  const calls = stubAPI((c) => {
    if (c.method === "POST" && c.url === "/api/v1/broadcasts/7/cancel") return json(200, (b = broadcast({ status: "draft" })));
    if (c.url === "/api/v1/broadcasts/7") return json(200, b);
    return undefined;
  });
  mount("/broadcasts/7");
  fireEvent.click(await screen.findByTestId("broadcast-cancel"));
  const dialog = await screen.findByTestId("broadcast-confirm");
  expect(dialog.textContent).toContain("goes back to being a draft");
  fireEvent.click(within(dialog).getByTestId("broadcast-confirm-yes"));
  await waitFor(() => expect(screen.getByTestId("broadcast-detail").dataset.status).toBe("draft"));
  expect(calls.filter((c) => c.url === "/api/v1/broadcasts/7/cancel").length).toBe(1);
  expect(screen.getByTestId("broadcast-edit").getAttribute("href")).toBe("/broadcasts/7/edit");
});

it("shows whom a draft would reach, deletes it and goes back to the list", async () => {
  const calls = stubAPI((c) => {
    if (c.url === "/api/v1/broadcasts/audience") return json(200, { count: 5 });
    if (c.method === "DELETE" && c.url === "/api/v1/broadcasts/7") return noContent();
    if (c.url === "/api/v1/broadcasts/7") return json(200, broadcast());
    return undefined;
  });
  mount("/broadcasts/7");
  expect(await screen.findByTestId("broadcast-summary-block")).toBeTruthy();
  expect(screen.queryByTestId("broadcast-stats")).toBeNull(); // a draft has no numbers yet
  // …but whom it would reach now.
  expect((await screen.findByTestId("broadcast-summary-estimate")).textContent).toBe("5 contacts right now");
  expect(calls.find((c) => c.url === "/api/v1/broadcasts/audience")?.body).toEqual({ channel_id: 1, audience: { tag: "vip" } });
  fireEvent.click(screen.getByTestId("broadcast-delete"));
  fireEvent.click(within(await screen.findByTestId("broadcast-confirm")).getByTestId("broadcast-confirm-yes"));
  await waitFor(() => expect(screen.getByTestId("location").textContent).toBe("/broadcasts"));
  expect(calls.filter((c) => c.method === "DELETE").map((c) => c.url)).toEqual(["/api/v1/broadcasts/7"]);
});

it("duplicates a sent broadcast as a new draft with its channel, audience and message", async () => {
  const sent = broadcast({ status: "sent", channel_id: 2, audience: { tag: "vip" }, started_at: "2026-03-02T10:00:00Z", finished_at: "2026-03-02T10:01:00Z" });
  const calls = stubAPI((c) => {
    if (c.url === "/api/v1/broadcasts/7") return json(200, sent);
    if (c.url.startsWith("/api/v1/broadcasts/7/recipients")) return json(200, { data: [], next_cursor: "" });
    if (c.method === "POST" && c.url === "/api/v1/broadcasts") return json(201, broadcast({ ...(c.body as object), id: 8 }));
    if (c.url === "/api/v1/broadcasts/8") return json(200, broadcast({ id: 8, name: "Spring sale (copy)" }));
    return undefined;
  });
  mount("/broadcasts/7");
  fireEvent.click(await screen.findByTestId("broadcast-duplicate"));
  await waitFor(() => expect(screen.getByTestId("location").textContent).toBe("/broadcasts/8/edit"));
  expect(calls.filter((c) => c.method === "POST" && c.url === "/api/v1/broadcasts").map((c) => c.body)).toEqual([
    { name: `${sent.name} (copy)`, channel_id: 2, audience: { tag: "vip" }, message: sent.message },
  ]);
});
