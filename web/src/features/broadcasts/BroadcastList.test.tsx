// The broadcasts list: with none yet, what a broadcast is and the button to
// write one; with some, each row's channel, status, recipients and how it
// was received, and the next page on Show more.
import { afterEach, expect, it, vi } from "vitest";
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { json } from "../../test/http";
import { broadcast, mount, stubAPI, zeroStats } from "./testAPI";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

it("explains what a broadcast is when there is none, with New broadcast", async () => {
  stubAPI((c) => (c.url.startsWith("/api/v1/broadcasts?") ? json(200, { data: [], next_cursor: "" }) : undefined));
  mount("/broadcasts");
  const empty = await screen.findByTestId("broadcasts-empty");
  expect(empty.textContent).toContain("No broadcasts yet");
  expect(empty.textContent).toContain("sends one message to a segment of your contacts");
  const link = within(empty).getByRole("link", { name: "New broadcast" });
  fireEvent.click(link);
  await waitFor(() => expect(screen.getByTestId("location").textContent).toBe("/broadcasts/new"));
  expect(await screen.findByTestId("broadcast-form")).toBeTruthy();
});

it("lists each broadcast with its channel, status, when, recipients and what was received", async () => {
  const sent = broadcast({
    id: 9,
    name: "March newsletter",
    channel_id: 2,
    status: "sent",
    started_at: "2026-03-02T10:00:00Z",
    finished_at: "2026-03-02T10:05:00Z",
    stats: { ...zeroStats, recipients: 20, delivered: 10, read: 5, failed: 2, skipped: 3, replied: 4 },
  });
  const scheduled = broadcast({ id: 8, name: "Launch", status: "scheduled", scheduled_at: "2026-04-01T08:00:00Z" });
  const calls = stubAPI((c) => {
    if (c.url === "/api/v1/broadcasts?limit=50") return json(200, { data: [sent, scheduled], next_cursor: "n2" });
    if (c.url === "/api/v1/broadcasts?limit=50&cursor=n2") return json(200, { data: [broadcast()], next_cursor: "" });
    return undefined;
  });
  mount("/broadcasts");
  const rows = await screen.findAllByTestId("broadcast-row");
  expect(rows.map((r) => r.dataset.broadcastId)).toEqual(["9", "8"]);
  const first = rows[0]!;
  expect(within(first).getByRole("link", { name: "March newsletter" }).getAttribute("href")).toBe("/broadcasts/9");
  await within(first).findByText("WhatsApp Sales");
  expect(within(first).getByTestId("broadcast-status").textContent).toBe("Sent");
  expect(first.textContent).toContain("Sent Mar 2, 2026");
  expect(within(first).getByTestId("broadcast-recipients").textContent).toBe("20");
  // Delivered counts those read since: 10 + 5 of 20.
  expect(within(first).getByTestId("broadcast-summary").textContent).toBe("75 % delivered · 25 % read · 20 % replied");
  const second = rows[1]!;
  expect(within(second).getByTestId("broadcast-status").textContent).toBe("Scheduled");
  expect(second.textContent).toContain("Goes Apr 1, 2026");
  expect(within(second).getByTestId("broadcast-summary").textContent).toBe("—");

  fireEvent.click(screen.getByTestId("broadcasts-more"));
  await waitFor(() => expect(screen.getAllByTestId("broadcast-row").length).toBe(3));
  expect(calls.some((c) => c.url === "/api/v1/broadcasts?limit=50&cursor=n2")).toBe(true);
  expect(screen.getAllByTestId("broadcast-status")[2]!.textContent).toBe("Draft");
  expect(screen.queryByTestId("broadcasts-more")).toBeNull();
});
