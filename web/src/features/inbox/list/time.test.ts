import { afterEach, describe, expect, it, vi } from "vitest";
import { act, renderHook } from "@testing-library/react";
import { fullDate, span, useNow } from "./time";

describe("span", () => {
  const now = Date.parse("2026-11-30T12:00:00Z");
  it.each([
    ["2026-11-30T11:59:30Z", { unit: "now", count: 0 }],
    ["2026-11-30T11:59:00Z", { unit: "minutes", count: 1 }],
    ["2026-11-30T11:01:00Z", { unit: "minutes", count: 59 }],
    ["2026-11-30T11:00:00Z", { unit: "hours", count: 1 }],
    ["2026-11-29T12:00:01Z", { unit: "hours", count: 23 }],
    ["2026-11-28T12:00:00Z", { unit: "days", count: 2 }],
    ["2026-11-01T12:00:00Z", { unit: "weeks", count: 4 }],
  ])("%s", (from, want) => {
    expect(span(from, now)).toEqual(want);
  });
});

describe("useNow", () => {
  afterEach(() => vi.useRealTimers());
  it("ticks at each new minute without anything else", () => {
    vi.useFakeTimers();
    vi.setSystemTime(Date.parse("2026-11-30T12:00:30Z"));
    const { result } = renderHook(() => useNow());
    const first = result.current;
    act(() => vi.advanceTimersByTime(29_000));
    expect(result.current).toBe(first);
    act(() => vi.advanceTimersByTime(1_100));
    expect(result.current).toBeGreaterThanOrEqual(Date.parse("2026-11-30T12:01:00Z"));
    const second = result.current;
    act(() => vi.advanceTimersByTime(60_000));
    expect(result.current - second).toBeGreaterThanOrEqual(59_000);
  });
});

describe("fullDate", () => {
  it("writes the date in the workspace's timezone", () => {
    expect(fullDate("2026-11-30T23:30:00Z", "en", "Europe/Paris")).toMatch(/Dec 1, 2026/);
    expect(fullDate("2026-11-30T23:30:00Z", "en", "America/New_York")).toMatch(/Nov 30, 2026/);
    expect(fullDate("2026-11-30T23:30:00Z", "en", "Not/AZone")).toMatch(/2026/);
  });
});
