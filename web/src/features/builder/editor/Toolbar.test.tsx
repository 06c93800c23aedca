import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import "../../../lib/i18n";
import { ProblemsBanner, WarningsBanner, problemsByNode } from "./Toolbar";

afterEach(cleanup);

// The engine checks the trigger before the steps, so the trigger's problems
// (and the workflow's name) come with no step: they belong to the trigger node.
const problems = [
  { field: "trigger.conditions.cron", message: "expected 5 fields" },
  { field: "name", message: "is required" },
  { step: "ask", field: "settings.question", message: "is required" },
  { field: "steps", message: "a workflow needs at least one step" },
];

describe("the problems the server found", () => {
  it("marks the trigger's own problems (and the workflow name's) on the trigger node", () => {
    const m = problemsByNode(problems);
    expect(m.get("trigger")).toEqual(["trigger.conditions.cron: expected 5 fields", "name: is required"]);
    expect(m.get("ask")).toEqual(["settings.question: is required"]);
    expect(m.size).toBe(2);
  });

  it("links a trigger's problem in the banner to the trigger", () => {
    const onFocus = vi.fn();
    render(<ProblemsBanner problems={problems} onFocus={onFocus} onDismiss={() => {}} />);
    const cron = screen.getByRole("button", { name: /expected 5 fields/ });
    expect(cron.getAttribute("data-step-id")).toBe("trigger");
    fireEvent.click(cron);
    expect(onFocus).toHaveBeenLastCalledWith("trigger");
    fireEvent.click(screen.getByRole("button", { name: /name.*is required/ }));
    expect(onFocus).toHaveBeenLastCalledWith("trigger");
    expect(screen.queryByRole("button", { name: /at least one step/ })).toBeNull(); // no node to go to
  });
});

describe("the warnings of a saved draft", () => {
  it("lists each warning, a step's linked to its step", () => {
    const onFocus = vi.fn();
    render(
      <WarningsBanner
        warnings={['step "welcome": variable {{var.ned}} is not set by any step of this workflow', "something about the whole workflow"]}
        onFocus={onFocus}
        onDismiss={() => {}}
      />,
    );
    expect(screen.getByTestId("builder-warnings").textContent).toContain("Saved, with 2 warnings");
    fireEvent.click(screen.getByRole("button", { name: /var\.ned/ }));
    expect(onFocus).toHaveBeenLastCalledWith("welcome");
    expect(screen.getAllByTestId("builder-warning")[1]!.textContent).toBe("something about the whole workflow");
  });
});
