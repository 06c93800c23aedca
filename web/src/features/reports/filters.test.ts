import { describe, expect, it } from "vitest";
import { apiQuery, change, exportURL, filtersToSearch, parseFilters, presetRange, todayIn } from "./filters";

// 2026-03-01 02:30 UTC is still 28 February in New York and already
// 1 March in Paris: presets must follow the workspace's zone, not the
// browser's.
const now = new Date("2026-03-01T02:30:00Z");

describe("date presets", () => {
  it("computes today in the workspace's time zone", () => {
    expect(todayIn("America/New_York", now)).toBe("2026-02-28");
    expect(todayIn("Europe/Paris", now)).toBe("2026-03-01");
    expect(todayIn("", now)).toBe("2026-03-01");
  });
  it("computes each preset", () => {
    const ny = "America/New_York";
    expect(presetRange("today", ny, now)).toEqual({ from: "2026-02-28", to: "2026-02-28" });
    expect(presetRange("yesterday", ny, now)).toEqual({ from: "2026-02-27", to: "2026-02-27" });
    expect(presetRange("last7", ny, now)).toEqual({ from: "2026-02-22", to: "2026-02-28" });
    expect(presetRange("last30", ny, now)).toEqual({ from: "2026-01-30", to: "2026-02-28" });
    expect(presetRange("thisMonth", ny, now)).toEqual({ from: "2026-02-01", to: "2026-02-28" });
    expect(presetRange("lastMonth", ny, now)).toEqual({ from: "2026-01-01", to: "2026-01-31" });
    const paris = "Europe/Paris";
    expect(presetRange("yesterday", paris, now)).toEqual({ from: "2026-02-28", to: "2026-02-28" });
    expect(presetRange("thisMonth", paris, now)).toEqual({ from: "2026-03-01", to: "2026-03-01" });
    expect(presetRange("lastMonth", paris, now)).toEqual({ from: "2026-02-01", to: "2026-02-28" });
  });
  it("crosses a year in last month", () => {
    expect(presetRange("lastMonth", "UTC", new Date("2026-01-15T12:00:00Z"))).toEqual({ from: "2025-12-01", to: "2025-12-31" });
  });
});

describe("URL filter state", () => {
  it("defaults to the last 30 days", () => {
    const f = parseFilters(new URLSearchParams(""), "UTC", now);
    expect(f).toMatchObject({ from: "2026-01-31", to: "2026-03-01", preset: "last30", compare: false });
  });
  it("round-trips a preset and the filters", () => {
    const q = new URLSearchParams("preset=last7&team_id=3&user_id=x&channel_id=9&compare=previous");
    const f = parseFilters(q, "Europe/Paris", now);
    expect(f).toMatchObject({ from: "2026-02-23", to: "2026-03-01", team_id: "3", channel_id: "9", compare: true });
    expect(f.user_id).toBeUndefined();
    expect(filtersToSearch(f).toString()).toBe("preset=last7&team_id=3&channel_id=9&compare=previous");
  });
  it("round-trips sources, category and business hours, dropping unknown sources", () => {
    const q = new URLSearchParams("preset=today&opened_source=workflow&closed_source=nope&category=Billing&hours=business");
    const f = parseFilters(q, "UTC", now);
    expect(f).toMatchObject({ opened_source: "workflow", category: "Billing", business: true });
    expect(f.closed_source).toBeUndefined();
    expect(filtersToSearch(f).toString()).toBe("preset=today&opened_source=workflow&category=Billing&hours=business");
    expect(apiQuery(f)).toMatchObject({ opened_source: "workflow", category: "Billing", hours: "business" });
  });
  it("keeps a custom range and orders it", () => {
    const f = parseFilters(new URLSearchParams("from=2026-02-10&to=2026-02-01"), "UTC", now);
    expect(f).toMatchObject({ from: "2026-02-01", to: "2026-02-10", preset: undefined });
    expect(filtersToSearch(f).toString()).toBe("from=2026-02-01&to=2026-02-10");
  });
  it("builds the API query and export URL", () => {
    const f = parseFilters(new URLSearchParams("preset=today&team_id=2&compare=previous"), "UTC", now);
    expect(apiQuery(f)).toEqual({ from: "2026-03-01", to: "2026-03-01", interval: "hour", team_id: "2", compare: "previous" });
    expect(exportURL("responses", f)).toBe("/api/v1/reports/responses/export?from=2026-03-01&to=2026-03-01&interval=hour&team_id=2&compare=previous");
  });
  it("computes the change", () => {
    expect(change(12, 10)).toBe(20);
    expect(change(5, undefined)).toBeNull();
    expect(change(0, 0)).toBe(0);
    expect(change(3, 0)).toBeNull();
  });
});
