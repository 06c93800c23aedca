// The timeline opens on the newest page of a long conversation and reads
// older pages as the agent scrolls to the top, saying so meanwhile; the
// item the agent was reading stays where it was when they arrive above it.
// jsdom has no layout: a small fake one gives each item 40 px, the row
// about older messages 28 px, and the timeline a 200 px window.
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import "../../../lib/i18n";
import { Timeline, type TimelineProps } from "./Timeline";
import { mergeTimeline, sideSince } from "./timeline";
import type { Names } from "./eventText";
import type { Comment, Message } from "../../../lib/types";

globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
} as unknown as typeof ResizeObserver;

const names: Names = { user: () => undefined, team: () => undefined, workflow: () => undefined, contact: "Ada", time: (s) => s };
const me = 2;
const msg = (id: number, extra: Partial<Message> = {}): Message => ({
  id,
  channel_id: 1,
  contact_id: 1,
  conversation_id: 9,
  content: null,
  created_at: new Date(Date.UTC(2026, 0, 1, 10) + id * 1000).toISOString(),
  direction: "in",
  sender: "contact",
  status: "received",
  text: `m${id}`,
  type: "text",
  workspace_id: 1,
  ...extra,
});
const range = (from: number, to: number, last?: Partial<Message>) =>
  Array.from({ length: to - from + 1 }, (_, i) => msg(from + i, from + i === to ? last : {}));

const itemH = 40;
const olderH = 28;
const viewH = 200;
const scrollTops = new WeakMap<Element, number>();
const scroller = () => screen.getByTestId("timeline");
function contentHeight(el: Element) {
  return (el.querySelector("[data-testid=timeline-older]") ? olderH : 0) + el.querySelectorAll("[data-testid=timeline-item]").length * itemH;
}
function itemTop(item: Element) {
  const el = item.closest("[data-testid=timeline]")!;
  const all = [...el.querySelectorAll("[data-testid=timeline-item]")];
  return (el.querySelector("[data-testid=timeline-older]") ? olderH : 0) + all.indexOf(item) * itemH - (scrollTops.get(el) ?? 0);
}

beforeEach(() => {
  const isTimeline = (el: Element) => el.getAttribute("data-testid") === "timeline";
  Object.defineProperty(HTMLElement.prototype, "scrollTop", {
    configurable: true,
    get(this: HTMLElement) {
      return scrollTops.get(this) ?? 0;
    },
    set(this: HTMLElement, v: number) {
      const max = isTimeline(this) ? Math.max(0, contentHeight(this) - viewH) : 0;
      scrollTops.set(this, Math.max(0, Math.min(v, max)));
    },
  });
  Object.defineProperty(HTMLElement.prototype, "scrollHeight", {
    configurable: true,
    get(this: HTMLElement) {
      return isTimeline(this) ? contentHeight(this) : 0;
    },
  });
  Object.defineProperty(HTMLElement.prototype, "clientHeight", {
    configurable: true,
    get(this: HTMLElement) {
      return isTimeline(this) ? viewH : 0;
    },
  });
  vi.spyOn(HTMLElement.prototype, "getBoundingClientRect").mockImplementation(function (this: HTMLElement) {
    if (isTimeline(this)) return DOMRect.fromRect({ x: 0, y: 0, width: 600, height: viewH });
    if (this.getAttribute("data-testid") === "timeline-item") return DOMRect.fromRect({ x: 0, y: itemTop(this), width: 600, height: itemH });
    return DOMRect.fromRect({ x: 0, y: 0, width: 0, height: 0 });
  });
});

// scrollIntoView({ block: "center" }) on the fake layout: the item in the middle of the window.
HTMLElement.prototype.scrollIntoView = function (this: HTMLElement) {
  const el = this.closest("[data-testid=timeline]") as HTMLElement | null;
  if (el) el.scrollTop += this.getBoundingClientRect().top - viewH / 2 + itemH / 2;
};

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  for (const p of ["scrollTop", "scrollHeight", "clientHeight"]) delete (HTMLElement.prototype as unknown as Record<string, unknown>)[p];
});

function view(messages: Message[], older: TimelineProps["older"], focusID?: number) {
  return timeline(mergeTimeline({ messages }), older, focusID ? { kind: "message", id: focusID } : undefined);
}
function timeline(items: TimelineProps["items"], older: TimelineProps["older"], focus?: TimelineProps["focus"]) {
  return (
    <Timeline
      items={items}
      names={names}
      tz="UTC"
      contactName="Ada"
      myID={me}
      canRetry
      onRetry={() => {}}
      onResend={() => {}}
      onDiscard={() => {}}
      older={older}
      focus={focus}
    />
  );
}
const item = (text: string) => screen.getByText(text).closest("[data-testid=timeline-item]")!;

it.each([
  ["the contact's", undefined],
  ["the agent's own", { direction: "out", sender: "user", sender_user_id: me } as Partial<Message>],
])("reads older messages at the top, says so, and keeps the item read in place (the last message %s)", (_, last) => {
  const load = vi.fn();
  const newest = range(51, 100, last);
  const { rerender } = render(view(newest, { more: true, loading: false, load }));
  const el = scroller();
  expect(el.scrollTop).toBe(contentHeight(el) - viewH); // opens on the newest
  expect(load).not.toHaveBeenCalled();

  el.scrollTop = 60; // the agent scrolls up to near the top
  fireEvent.scroll(el);
  expect(load).toHaveBeenCalledTimes(1);
  const reading = item("m53");
  const at = reading.getBoundingClientRect().top;

  rerender(view(newest, { more: true, loading: true, load }));
  expect(screen.getByRole("status").textContent).toBe("Loading older messages…");
  fireEvent.scroll(el); // still near the top: no second request meanwhile
  expect(load).toHaveBeenCalledTimes(1);

  rerender(view(range(1, 100, last), { more: false, loading: false, load }));
  expect(screen.queryByRole("status")).toBeNull();
  expect(item("m1")).toBeTruthy();
  expect(item("m53").getBoundingClientRect().top).toBe(at); // no jump
  expect(el.scrollTop).toBeLessThan(contentHeight(el) - viewH); // not thrown to the bottom either
  expect(screen.queryByText(/new message/)).toBeNull(); // older ones are not new
});

it("offers the older messages as a button too, for the keyboard, and loads more at once when the first page does not fill the window", () => {
  const load = vi.fn();
  const { rerender } = render(view(range(99, 100), { more: true, loading: false, load }));
  expect(load).toHaveBeenCalledTimes(1); // 2 items of 40 px leave the window half empty
  rerender(view(range(51, 100), { more: true, loading: false, load }));
  screen.getByRole("button", { name: "Show older messages" }).click();
  expect(load).toHaveBeenCalledTimes(2);
});

it("still counts new messages that arrive below while the agent reads older ones", () => {
  const newest = range(51, 100);
  const { rerender } = render(view(newest, { more: true, loading: false, load: () => {} }));
  const el = scroller();
  el.scrollTop = 400;
  fireEvent.scroll(el);
  const at = item("m62").getBoundingClientRect().top;
  rerender(view([...newest, msg(101)], { more: true, loading: false, load: () => {} }));
  expect(screen.getByText("1 new message")).toBeTruthy();
  expect(item("m62").getBoundingClientRect().top).toBe(at);
});

it("opens at a message a search found: older pages read until it is shown, put in view once and marked", () => {
  const load = vi.fn();
  const { rerender } = render(view(range(51, 100), { more: true, loading: false, load }, 20));
  expect(load).toHaveBeenCalledTimes(1); // m20 is not on the newest page
  rerender(view(range(51, 100), { more: true, loading: true, load }, 20));
  expect(load).toHaveBeenCalledTimes(1); // not again while that page is read
  rerender(view(range(1, 100), { more: false, loading: false, load }, 20));
  const target = item("m20");
  expect(target.getAttribute("data-focused")).toBe("true");
  expect(item("m21").getAttribute("data-focused")).toBeNull();
  const top = target.getBoundingClientRect().top;
  expect(top).toBe(viewH / 2 - itemH / 2); // in the middle of the window
  // A new message below neither pulls the window down nor brings it back later.
  rerender(view([...range(1, 100), msg(101)], { more: false, loading: false, load }, 20));
  expect(item("m20").getBoundingClientRect().top).toBe(top);
  expect(screen.getByText("1 new message")).toBeTruthy();
  const el = scroller();
  el.scrollTop = 0; // the agent reads on, upwards
  fireEvent.scroll(el);
  rerender(view([...range(1, 100), msg(101), msg(102)], { more: false, loading: false, load }, 20));
  expect(el.scrollTop).toBe(0);
});

it("opens at a note a search found even when the notes are read before the messages: shown only with its messages, then put in view", () => {
  // The pane reads messages and notes at once; the notes may come first.
  const note: Comment = { id: 7, conversation_id: 9, created_at: msg(20).created_at, mentions: [], text: "the note" };
  const noteView = (messages: Message[] | undefined, older: NonNullable<TimelineProps["older"]>) =>
    timeline(mergeTimeline({ messages, comments: [note], since: sideSince(messages, older.more) }), older, { kind: "comment", id: 7 });
  const load = vi.fn();
  const { rerender } = render(noteView(undefined, { more: false, loading: false, load }));
  expect(screen.queryByText("the note")).toBeNull(); // not alone, before its messages
  rerender(noteView(range(51, 100), { more: true, loading: false, load }));
  expect(screen.queryByText("the note")).toBeNull(); // older than the newest page
  expect(load).toHaveBeenCalledTimes(1);
  rerender(noteView(range(1, 100), { more: false, loading: false, load }));
  const target = item("the note");
  expect(target.getAttribute("data-focused")).toBe("true");
  expect(target.getBoundingClientRect().top).toBe(viewH / 2 - itemH / 2);
});
