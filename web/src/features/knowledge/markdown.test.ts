import { describe, expect, it } from "vitest";
import { blocks } from "./markdown";

describe("blocks", () => {
  it("cuts headings, list items and paragraphs, keeping markup as text", () => {
    expect(blocks("# Title\n\nline one\nline two\n\n- item\n1. first\n\n## Sub ##\n<b>x</b>")).toEqual([
      { kind: "h1", text: "Title" },
      { kind: "p", text: "line one line two" },
      { kind: "li", text: "item" },
      { kind: "li", text: "first" },
      { kind: "h2", text: "Sub" },
      { kind: "p", text: "<b>x</b>" },
    ]);
  });
});

import { formatScore, plain } from "./SearchPanel";

describe("hit display", () => {
  it("drops emphasis and heading marks, and formats BM25 and fused scores", () => {
    expect(plain("## Refunds\n- **Card**: 3 days")).toBe("Refunds\n- Card: 3 days");
    expect(formatScore(10.5678)).toBe("10.57");
    expect(formatScore(0.0327)).toBe("0.0327");
  });
});
