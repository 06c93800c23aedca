// A broadcast's page asks again every few seconds while it is sent, at
// its time while it is scheduled (an hour at most), and never once it
// went: one due in two days is not asked about every three seconds.
import { expect, it } from "vitest";
import { followIn } from "./data";

const now = Date.parse("2026-03-02T10:00:00Z");

it.each([
  { name: "sending: every few seconds", b: { status: "sending" as const }, want: 3000 },
  { name: "scheduled in ten seconds: then", b: { status: "scheduled" as const, scheduled_at: "2026-03-02T10:00:10Z" }, want: 10_000 },
  { name: "scheduled in two days: within the hour", b: { status: "scheduled" as const, scheduled_at: "2026-03-04T10:00:00Z" }, want: 3_600_000 },
  { name: "scheduled and due: every few seconds", b: { status: "scheduled" as const, scheduled_at: "2026-03-02T09:59:00Z" }, want: 3000 },
  { name: "sent: never", b: { status: "sent" as const }, want: false },
  { name: "a draft: never", b: { status: "draft" as const }, want: false },
])("$name", ({ b, want }) => {
  expect(followIn(b, now, 3000)).toBe(want);
});
