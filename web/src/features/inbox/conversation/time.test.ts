import { describe, expect, it } from "vitest";
import { parseLocalInput, snoozeUntil, zonedTime } from "./time";

describe("times in the workspace's timezone", () => {
  it("finds the instant of a wall-clock time", () => {
    expect(zonedTime(2026, 7, 1, 9, 0, "Europe/Paris").toISOString()).toBe("2026-07-01T07:00:00.000Z");
    expect(zonedTime(2026, 1, 15, 9, 0, "Europe/Paris").toISOString()).toBe("2026-01-15T08:00:00.000Z");
    expect(zonedTime(2026, 1, 15, 9, 0, "America/New_York").toISOString()).toBe("2026-01-15T14:00:00.000Z");
  });

  it("snoozes until tomorrow 9:00 and next Monday 9:00 there", () => {
    const now = new Date("2026-11-30T22:30:00Z"); // Monday 23:30 in Paris
    expect(snoozeUntil("hour", now, "Europe/Paris").toISOString()).toBe("2026-11-30T23:30:00.000Z");
    expect(snoozeUntil("tomorrow", now, "Europe/Paris").toISOString()).toBe("2026-12-01T08:00:00.000Z");
    expect(snoozeUntil("nextWeek", now, "Europe/Paris").toISOString()).toBe("2026-12-07T08:00:00.000Z");
    // Just past midnight in Paris it is already Tuesday.
    const tue = new Date("2026-11-30T23:30:00Z");
    expect(snoozeUntil("tomorrow", tue, "Europe/Paris").toISOString()).toBe("2026-12-02T08:00:00.000Z");
  });

  it("reads a datetime-local value as the workspace's time", () => {
    expect(parseLocalInput("2026-12-01T14:30", "UTC")!.toISOString()).toBe("2026-12-01T14:30:00.000Z");
    expect(parseLocalInput("nope", "UTC")).toBeNull();
  });
});
