import { describe, expect, it } from "vitest";
import { closingFromInput, closingInputValue } from "./closingTime";

describe("closing times", () => {
  it.each([
    ["24:00", "00:00"],
    ["17:30", "17:30"],
    ["23:59", "23:59"],
  ])("shows %s as %s in the time input", (stored, shown) => {
    expect(closingInputValue(stored)).toBe(shown);
  });
  it.each([
    ["00:00", "24:00"],
    ["17:30", "17:30"],
    ["", ""],
  ])("saves the input's %s as %s", (input, saved) => {
    expect(closingFromInput(input)).toBe(saved);
  });
  it("round-trips the end of the day", () => {
    expect(closingFromInput(closingInputValue("24:00"))).toBe("24:00");
  });
});
