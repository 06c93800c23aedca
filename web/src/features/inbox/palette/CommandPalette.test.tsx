// The palette lists every registered command (the conversation pane's
// too), filters as one types, and runs the chosen one with Enter.
import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { MemoryRouter, useLocation } from "react-router";
import "../../../lib/i18n";
import { registerCommands } from "../../../lib/commands";
import { CommandPalette } from "./CommandPalette";

afterEach(() => cleanup());

function Location() {
  const l = useLocation();
  return <p data-testid="location">{l.pathname + l.search}</p>;
}

function open() {
  const qc = new QueryClient();
  const onOpenChange = vi.fn();
  render(
    <QueryClientProvider client={qc}>
      <MemoryRouter>
        <CommandPalette open onOpenChange={onOpenChange} />
        <Location />
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return { onOpenChange, input: screen.getByRole("combobox") };
}

describe("CommandPalette", () => {
  it("filters the registered commands and runs the chosen one", () => {
    const reply = vi.fn();
    const close = vi.fn();
    const off = registerCommands([
      { id: "conversation.reply", label: "Reply", shortcut: "r", group: "Conversation", run: reply },
      { id: "conversation.close", label: "Close the conversation", shortcut: "e", group: "Conversation", run: close },
    ]);
    const { onOpenChange, input } = open();
    expect(screen.getAllByRole("option").map((o) => o.textContent)).toEqual(["Replyr", "Close the conversatione"]);
    fireEvent.change(input, { target: { value: "clo" } });
    expect(screen.getAllByRole("option").map((o) => o.textContent)).toEqual([
      "Close the conversatione",
      "Search the messages for “clo”",
      "Search the internal notes for “clo”",
    ]);
    fireEvent.keyDown(input, { key: "Enter" });
    expect(close).toHaveBeenCalledTimes(1);
    expect(reply).not.toHaveBeenCalled();
    expect(onOpenChange).toHaveBeenCalledWith(false);
    off();
  });

  it("moves with the arrows and says when nothing matches", () => {
    const a = vi.fn();
    const b = vi.fn();
    const off = registerCommands([
      { id: "a", label: "Assign", run: a },
      { id: "b", label: "Snooze", run: b },
    ]);
    const { input } = open();
    fireEvent.keyDown(input, { key: "ArrowDown" });
    expect(screen.getAllByRole("option")[1]!.getAttribute("aria-selected")).toBe("true");
    expect(input.getAttribute("aria-activedescendant")).toBe("palette-item-1");
    fireEvent.keyDown(input, { key: "Enter" });
    expect(b).toHaveBeenCalled();
    fireEvent.change(input, { target: { value: "z" } });
    expect(screen.queryAllByRole("option")).toHaveLength(0);
    expect(screen.getByText("Nothing matches.")).toBeTruthy();
    off();
  });

  it("offers last to search the messages, then the notes, for what is typed", () => {
    const close = vi.fn();
    const off = registerCommands([{ id: "close", label: "Close the conversation", run: close }]);
    const { input } = open();
    fireEvent.change(input, { target: { value: "clos" } });
    expect(screen.getAllByRole("option").map((o) => o.textContent)).toEqual([
      "Close the conversation",
      "Search the messages for “clos”",
      "Search the internal notes for “clos”",
    ]);
    fireEvent.keyDown(input, { key: "Enter" });
    expect(close).toHaveBeenCalled(); // the command first, still
    fireEvent.change(input, { target: { value: "invoice 42" } });
    fireEvent.keyDown(input, { key: "Enter" });
    expect(screen.getByTestId("location").textContent).toBe("/inbox/all?q=invoice+42&in=messages");
    fireEvent.change(input, { target: { value: "refund" } });
    fireEvent.keyDown(input, { key: "ArrowDown" });
    fireEvent.keyDown(input, { key: "Enter" });
    expect(screen.getByTestId("location").textContent).toBe("/inbox/all?q=refund&in=notes");
    off();
  });
});
