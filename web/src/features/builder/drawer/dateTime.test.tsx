// A Date & Time step's business hours are keyed by weekdays, its holidays
// are dates and its periods run between two times of day, the end after
// the start: the schema says so (propertyNames, format "date" and "time",
// x-after), so the form offers a weekday list, a date input and time
// inputs, not free text, and says an inverted period is wrong as it is
// chosen rather than when the workflow is saved.
import * as React from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import "../../../lib/i18n";
import fixture from "./schema.fixture.json";
import type { JSONSchema } from "./schema";
import { StepDrawer, type DrawerNode } from "./StepDrawer";

const root = fixture as unknown as JSONSchema;
// The directory lists the drawer reads, empty.
beforeEach(() => vi.stubGlobal("fetch", () => Promise.resolve(new Response(JSON.stringify({ data: [] }), { status: 200, headers: { "Content-Type": "application/json" } }))));
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function Drawer({ node, onChange }: { node: DrawerNode; onChange(v: Record<string, unknown>): void }) {
  const [client] = React.useState(() => new QueryClient({ defaultOptions: { queries: { retry: false } } }));
  return (
    <QueryClientProvider client={client}>
      <StepDrawer node={node} onChange={onChange} debounceMs={0} schema={root} />
    </QueryClientProvider>
  );
}

const selectedText = (select: HTMLSelectElement) => select.selectedOptions[0]?.textContent;

describe("Date and time: days and dates", () => {
  it("keys business hours by a weekday from a list, each day once", () => {
    const onChange = vi.fn();
    render(<Drawer node={{ kind: "step", id: "d", type: "date_time", settings: { mode: "business_hours", hours: { mon: [] } } }} onChange={onChange} />);
    const days = () => screen.getAllByRole("combobox", { name: "Day" }) as HTMLSelectElement[];
    expect(days()).toHaveLength(1);
    expect(selectedText(days()[0]!)).toBe("Monday");
    fireEvent.click(screen.getByRole("button", { name: "Add to Opening hours" }));
    expect(onChange).toHaveBeenLastCalledWith({ mode: "business_hours", hours: { mon: [], tue: [] } }); // the first day not yet given
    expect(within(days()[1]!).getByRole("option", { name: "Monday" }).hasAttribute("disabled")).toBe(true);
    fireEvent.change(days()[1]!, { target: { value: "sat" } });
    expect(onChange).toHaveBeenLastCalledWith({ mode: "business_hours", hours: { mon: [], sat: [] } });
  });

  it("offers no Add once every day has hours", () => {
    const week = Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, []]));
    render(<Drawer node={{ kind: "step", id: "d", type: "date_time", settings: { mode: "business_hours", hours: week } }} onChange={() => {}} />);
    expect((screen.getByRole("button", { name: "Add to Opening hours" }) as HTMLButtonElement).disabled).toBe(true);
  });

  it("gives a holiday a date input", () => {
    const onChange = vi.fn();
    render(<Drawer node={{ kind: "step", id: "d", type: "date_time", settings: { mode: "business_hours", holidays: ["2026-12-25"] } }} onChange={onChange} />);
    const input = document.querySelector('[data-schema-path="holidays[]"]') as HTMLInputElement;
    expect(input.type).toBe("date");
    expect(input.value).toBe("2026-12-25");
    fireEvent.change(input, { target: { value: "2027-01-01" } });
    expect(onChange).toHaveBeenLastCalledWith({ mode: "business_hours", holidays: ["2027-01-01"] });
  });
});

describe("Date and time: opening hours", () => {
  const monday = (from: string, to: string) => ({ mode: "business_hours", hours: { mon: [{ from, to }] } });
  const drawer = (settings: Record<string, unknown>, onChange: (v: Record<string, unknown>) => void = () => {}) =>
    render(<Drawer node={{ kind: "step", id: "d", type: "date_time", settings }} onChange={onChange} />);
  const opens = () => screen.getByLabelText(/^Opens at/) as HTMLInputElement;
  const closes = () => screen.getByLabelText(/^Closes at/) as HTMLInputElement;

  it("gives a period's start and end a labelled time input each", () => {
    drawer(monday("09:00", "17:30"));
    expect(opens().type).toBe("time");
    expect(closes().type).toBe("time");
    expect(opens().value).toBe("09:00");
    expect(closes().value).toBe("17:30");
    expect(opens().getAttribute("data-schema-path")).toBe("hours{}[].from");
    expect(closes().getAttribute("data-schema-path")).toBe("hours{}[].to");
    expect(opens().getAttribute("aria-invalid")).toBeNull();
  });

  it("saves a time chosen as HH:MM", () => {
    const onChange = vi.fn();
    drawer(monday("09:00", "17:30"), onChange);
    fireEvent.change(opens(), { target: { value: "08:15" } });
    expect(onChange).toHaveBeenLastCalledWith(monday("08:15", "17:30"));
    fireEvent.change(closes(), { target: { value: "18:45" } });
    expect(onChange).toHaveBeenLastCalledWith(monday("08:15", "18:45"));
  });

  it("says at once that a period ending before it starts is wrong", () => {
    drawer(monday("17:00", "09:00"));
    expect(closes().getAttribute("aria-invalid")).toBe("true");
    const said = document.getElementById(closes().getAttribute("aria-describedby")!.split(" ").at(-1)!)!;
    expect(said.textContent).toBe("Must be later than 17:00.");
    expect(opens().getAttribute("aria-invalid")).toBeNull();
    expect(screen.getByTestId("schema-form").getAttribute("data-valid")).toBe("false");
  });

  it("ends a period at midnight with 00:00, saved as 24:00 as the server takes it", () => {
    const onChange = vi.fn();
    drawer(monday("20:00", "23:00"), onChange);
    expect(closes().getAttribute("aria-describedby")).toBeTruthy(); // the help: midnight is the end of the day
    expect(document.getElementById(closes().getAttribute("aria-describedby")!)!.textContent).toContain("midnight keeps it open to the end of the day");
    fireEvent.change(closes(), { target: { value: "00:00" } });
    expect(onChange).toHaveBeenLastCalledWith(monday("20:00", "24:00"));
    cleanup();
    drawer(monday("20:00", "24:00"));
    expect(closes().value).toBe("00:00");
    expect(closes().getAttribute("aria-invalid")).toBeNull();
  });

  it("says a stored time the input cannot show", () => {
    drawer(monday("9:00", "17:00"));
    expect(opens().value).toBe("");
    expect(opens().getAttribute("aria-invalid")).toBe("true");
    expect(document.getElementById(opens().getAttribute("aria-describedby")!)!.textContent).toContain("“9:00” is not a time of day");
  });
});

describe("Date and time: a date range", () => {
  const range = (settings: Record<string, unknown>, onChange: (v: Record<string, unknown>) => void = () => {}) =>
    render(<Drawer node={{ kind: "step", id: "d", type: "date_time", settings: { mode: "date_range", ...settings } }} onChange={onChange} />);
  const date = (path: string) => document.querySelector(`[data-schema-path="${path}"]`) as HTMLInputElement;
  const time = (path: string) => document.querySelector(`[data-schema-path="${path}.time"]`) as HTMLInputElement;

  it("gives from and to a date input and a time input each, the time optional", () => {
    const onChange = vi.fn();
    range({ from: "2026-12-24 18:00", to: "2026-12-26" }, onChange);
    expect([date("from").type, time("from").type, date("to").type, time("to").type]).toEqual(["date", "time", "date", "time"]);
    expect([date("from").value, time("from").value, date("to").value, time("to").value]).toEqual(["2026-12-24", "18:00", "2026-12-26", ""]);
    // The time is named after its field, and the help says what no time means.
    expect(time("from").getAttribute("aria-label")).toMatch(/time of day$/);
    expect(screen.getAllByText("Without a time of day, the whole day counts.")).toHaveLength(2);

    fireEvent.change(time("to"), { target: { value: "09:30" } });
    expect(onChange).toHaveBeenLastCalledWith({ mode: "date_range", from: "2026-12-24 18:00", to: "2026-12-26 09:30" });
    fireEvent.change(time("from"), { target: { value: "" } });
    expect(onChange).toHaveBeenLastCalledWith({ mode: "date_range", from: "2026-12-24", to: "2026-12-26 09:30" });
    fireEvent.change(date("from"), { target: { value: "2026-12-23" } });
    expect(onChange).toHaveBeenLastCalledWith({ mode: "date_range", from: "2026-12-23", to: "2026-12-26 09:30" });
  });

  it("keeps a time chosen before its date, and writes nothing until the date", () => {
    const onChange = vi.fn();
    range({}, onChange);
    fireEvent.change(time("from"), { target: { value: "08:00" } });
    expect(time("from").value).toBe("08:00");
    expect(onChange.mock.calls.every(([v]) => !("from" in v))).toBe(true);
    fireEvent.change(date("from"), { target: { value: "2027-01-02" } });
    expect(onChange).toHaveBeenLastCalledWith({ mode: "date_range", from: "2027-01-02 08:00" });
  });

  it("shows a stored value of another shape as text, and says it is no date", () => {
    range({ from: "2026-12-24T18:00", to: "2026-12-26" });
    expect(date("from").type).toBe("text");
    expect(date("from").value).toBe("2026-12-24T18:00");
    expect(time("from")).toBeNull();
    expect(screen.getByRole("alert").textContent).toMatch(/“2026-12-24T18:00” is not a date/);
  });
});
