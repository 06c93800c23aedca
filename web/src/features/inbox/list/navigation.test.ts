import { describe, expect, it } from "vitest";
import { anchorShift, keyToMove, move, nearEnd, reconcile } from "./navigation";

describe("move", () => {
  const ids = [10, 20, 30, 40];
  it("walks down and up, stopping at the ends", () => {
    expect(move(ids, 10, "next")).toBe(20);
    expect(move(ids, 40, "next")).toBe(40);
    expect(move(ids, 30, "prev")).toBe(20);
    expect(move(ids, 10, "prev")).toBe(10);
  });
  it("starts at the top when nothing (or something gone) is selected", () => {
    expect(move(ids, null, "next")).toBe(10);
    expect(move(ids, null, "prev")).toBe(10);
    expect(move(ids, 99, "next")).toBe(10);
  });
  it("jumps to the ends and by pages", () => {
    expect(move(ids, 20, "first")).toBe(10);
    expect(move(ids, 20, "last")).toBe(40);
    expect(move(ids, 10, "pageDown", 2)).toBe(30);
    expect(move(ids, 10, "pageDown", 10)).toBe(40);
    expect(move(ids, 40, "pageUp", 2)).toBe(20);
  });
  it("answers null for an empty list", () => {
    expect(move([], null, "next")).toBeNull();
  });
});

describe("keyToMove", () => {
  it.each([
    ["j", "next"],
    ["ArrowDown", "next"],
    ["k", "prev"],
    ["ArrowUp", "prev"],
    ["Home", "first"],
    ["End", "last"],
    ["Enter", "open"],
    ["x", null],
  ])("%s → %s", (key, want) => {
    expect(keyToMove(key)).toBe(want);
  });
});

describe("reconcile", () => {
  it("keeps the selected conversation wherever it moved", () => {
    expect(reconcile([1, 2, 3], [9, 1, 2, 3], 2)).toBe(2);
  });
  it("takes the row now where the selection was when it left the list", () => {
    expect(reconcile([1, 2, 3], [1, 3], 2)).toBe(3);
    expect(reconcile([1, 2, 3], [1, 2], 3)).toBe(2);
  });
  it("is empty for an empty list or no selection", () => {
    expect(reconcile([1], [], 1)).toBeNull();
    expect(reconcile([1, 2], [1, 2], null)).toBeNull();
  });
});

describe("anchorShift", () => {
  it("counts the rows added above the first visible one", () => {
    expect(anchorShift([5, 6, 7], [1, 2, 5, 6, 7], 6)).toBe(2);
    expect(anchorShift([5, 6, 7], [6, 7], 6)).toBe(-1);
    expect(anchorShift([5, 6, 7], [1, 2], 6)).toBe(0);
    expect(anchorShift([5, 6, 7], [1, 2], null)).toBe(0);
  });
});

describe("nearEnd", () => {
  it("asks for the next page within the margin of the end", () => {
    expect(nearEnd(30, 50, 20)).toBe(true);
    expect(nearEnd(28, 50, 20)).toBe(false);
    expect(nearEnd(0, 0)).toBe(false);
  });
});
