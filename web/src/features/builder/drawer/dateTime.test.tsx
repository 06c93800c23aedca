// A Date & Time step's business hours are keyed by weekdays and its
// holidays are dates: the schema says so (propertyNames, format "date"),
// so the form offers a weekday list and a date input, not free text.
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
