import { afterEach, describe, expect, it } from "vitest";
import { cleanup, render } from "@testing-library/react";
import { linkify, RichText, safeHref } from "./linkify";

afterEach(cleanup);

describe("linkify", () => {
  it("keeps plain text as text", () => {
    expect(linkify("hello there")).toEqual([{ type: "text", text: "hello there" }]);
  });

  it("turns http(s) URLs into links and leaves the sentence's punctuation out", () => {
    expect(linkify("see https://example.com/a?b=1, then (http://x.org/p).")).toEqual([
      { type: "text", text: "see " },
      { type: "link", text: "https://example.com/a?b=1", href: "https://example.com/a?b=1" },
      { type: "text", text: ", then (" },
      { type: "link", text: "http://x.org/p", href: "http://x.org/p" },
      { type: "text", text: ")." },
    ]);
  });

  it("never links other schemes", () => {
    expect(linkify("javascript:alert(1) data:text/html,x ftp://a.b")).toEqual([
      { type: "text", text: "javascript:alert(1) data:text/html,x ftp://a.b" },
    ]);
    expect(safeHref("javascript:alert(1)")).toBeNull();
  });

  it("renders HTML as the characters it is made of", () => {
    const { container } = render(<RichText text={'<img src=x onerror=alert(1)> <b>bold</b>'} />);
    expect(container.querySelector("img")).toBeNull();
    expect(container.querySelector("b")).toBeNull();
    expect(container.textContent).toBe("<img src=x onerror=alert(1)> <b>bold</b>");
  });

  it("renders links that open in a new tab without an opener", () => {
    const { container } = render(<RichText text="go https://example.com/x now" />);
    const a = container.querySelector("a")!;
    expect(a.getAttribute("href")).toBe("https://example.com/x");
    expect(a.getAttribute("rel")).toBe("noopener noreferrer");
    expect(a.getAttribute("target")).toBe("_blank");
    expect(container.textContent).toBe("go https://example.com/x now");
  });

  it("does not let a quote break out of the href", () => {
    const { container } = render(<RichText text={'https://e.com/"onmouseover="alert(1)'} />);
    expect(container.querySelector("a")!.getAttribute("href")).toBe("https://e.com/");
    expect(container.querySelector("a")!.getAttribute("onmouseover")).toBeNull();
  });
});
