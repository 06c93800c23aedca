import { describe, expect, it } from "vitest";
import { branchExits, exitCounts, runPath } from "./runPath";
import { TRIGGER_ID } from "./graph";

describe("a run's path on the canvas", () => {
  it("marks each visited step with its last pass, and the edges followed from the trigger", () => {
    const p = runPath([
      { step: "welcome", exit: "next", outcome: "sent message 3" },
      { step: "ask_need", exit: "failure", outcome: "asked" },
      { step: "ask_need", exit: "next", outcome: "answered Sales" },
      { step: "route", exit: "Sales" },
      { step: "to_sales", error: "no team" },
    ]);
    expect([...p.visits.keys()]).toEqual(["welcome", "ask_need", "route", "to_sales"]);
    expect(p.visits.get("ask_need")).toMatchObject({ times: 2, exit: "next", outcome: "answered Sales" });
    expect(p.visits.get("to_sales")).toMatchObject({ times: 1, error: "no team", exit: undefined });
    expect([...p.edges].sort()).toEqual(
      [`${TRIGGER_ID}:start`, "welcome:next", "ask_need:failure", "ask_need:next", "route:Sales"].sort(),
    );
  });

  it("a run that has not moved highlights nothing", () => {
    const p = runPath([]);
    expect(p.visits.size).toBe(0);
    expect(p.edges.size).toBe(0);
  });

  it("groups the week's counts by step and exit", () => {
    const c = exitCounts([
      { step: "route", exit: "Sales", runs: 4 },
      { step: "route", exit: "else", runs: 1 },
      { step: "welcome", exit: "next", runs: 5 },
    ]);
    expect(c.get("route")).toEqual({ Sales: 4, else: 1 });
    expect(c.get("welcome")).toEqual({ next: 5 });
  });

  it("maps a branch's name in the history to the exit the definition wires", () => {
    const norm = branchExits([
      { id: "route", type: "branch", settings: { branches: [{ name: "Sales" }, { name: "Billing" }] } },
      { id: "welcome", type: "send_message" },
    ]);
    const p = runPath([{ step: "route", exit: "Billing" }, { step: "welcome", exit: "next" }], "start", norm);
    expect(p.visits.get("route")?.exit).toBe("branch[1]");
    expect(p.edges.has("route:branch[1]")).toBe(true);
    expect(norm("route", "else")).toBe("else");
    expect(exitCounts([{ step: "route", exit: "Sales", runs: 2 }], norm).get("route")).toEqual({ "branch[0]": 2 });
  });
});
