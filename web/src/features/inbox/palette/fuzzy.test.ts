import { describe, expect, it } from "vitest";
import { fuzzyFilter, keyLabel, score } from "./fuzzy";

describe("fuzzy", () => {
  it("matches characters in order, ignoring case and accents", () => {
    expect(score("gtm", "Go to Mine")).not.toBeNull();
    expect(score("equipe", "Aller à Équipe")).not.toBeNull();
    expect(score("xyz", "Go to Mine")).toBeNull();
  });
  it("ranks word starts and runs first", () => {
    const out = fuzzyFilter("sign", ["Assign", "Sign out", "Switch theme"], (s) => s);
    expect(out[0]).toBe("Sign out");
    expect(out).not.toContain("Switch theme");
  });
  it("keeps everything for an empty query", () => {
    expect(fuzzyFilter(" ", ["a", "b"], (s) => s)).toEqual(["a", "b"]);
  });
  it("writes shortcuts for the keyboard", () => {
    expect(keyLabel("mod+k", true)).toBe("⌘K");
    expect(keyLabel("mod+k", false)).toBe("Ctrl K");
    expect(keyLabel("Escape")).toBe("Esc");
  });
});

describe("fuzzy word starts", () => {
  it("needs the first character at the start of a word", () => {
    expect(score("trim", "Switch between light and dark theme")).toBeNull();
    expect(score("tm", "Toggle theme mode")).not.toBeNull();
    expect(score("mien", "Aller à Les miennes")).not.toBeNull();
  });
});
