import { afterEach, describe, expect, it, vi } from "vitest";
import { renderHook } from "@testing-library/react";
import { dispatch, isTyping, matches, useShortcuts } from "./shortcuts";

function press(target: EventTarget, key: string, mods: Partial<KeyboardEventInit> = {}) {
  const e = new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true, ...mods });
  target.dispatchEvent(e);
  return e;
}

describe("shortcuts", () => {
  afterEach(() => {
    document.body.innerHTML = "";
  });

  it("matches plain keys and mod+ keys with ⌘ or Ctrl", () => {
    expect(matches("j", { key: "j", metaKey: false, ctrlKey: false, altKey: false })).toBe(true);
    expect(matches("j", { key: "j", metaKey: false, ctrlKey: true, altKey: false })).toBe(false);
    expect(matches("mod+k", { key: "k", metaKey: true, ctrlKey: false, altKey: false })).toBe(true);
    expect(matches("mod+k", { key: "K", metaKey: false, ctrlKey: true, altKey: false })).toBe(true);
    expect(matches("mod+k", { key: "k", metaKey: false, ctrlKey: false, altKey: false })).toBe(false);
  });

  it("knows when the person is typing", () => {
    const input = document.createElement("input");
    const area = document.createElement("textarea");
    const div = document.createElement("div");
    expect(isTyping(input)).toBe(true);
    expect(isTyping(area)).toBe(true);
    expect(isTyping(div)).toBe(false);
    expect(isTyping(null)).toBe(false);
  });

  it("does not run letter shortcuts while typing in a field; mod+k and Escape still run", () => {
    const j = vi.fn();
    const k = vi.fn();
    const esc = vi.fn();
    const hook = renderHook(() =>
      useShortcuts([
        { key: "j", handler: j },
        { key: "mod+k", handler: k },
        { key: "Escape", handler: esc },
      ]),
    );
    const input = document.createElement("input");
    document.body.appendChild(input);
    const typed = press(input, "j");
    expect(j).not.toHaveBeenCalled();
    expect(typed.defaultPrevented).toBe(false); // the letter reaches the field
    press(input, "k", { ctrlKey: true });
    expect(k).toHaveBeenCalledTimes(1);
    press(input, "Escape");
    expect(esc).toHaveBeenCalledTimes(1);

    // Outside a field the letter is the app's.
    const e = press(document.body, "j");
    expect(j).toHaveBeenCalledTimes(1);
    expect(e.defaultPrevented).toBe(true);

    // Unmounted: nothing answers.
    hook.unmount();
    press(document.body, "j");
    expect(j).toHaveBeenCalledTimes(1);
  });

  it("gives the key to the newest registration, and a disabled one hears nothing", () => {
    const older = vi.fn();
    const newer = vi.fn();
    const a = renderHook(() => useShortcuts([{ key: "e", handler: older }]));
    const b = renderHook(({ on }) => useShortcuts([{ key: "e", handler: newer }], on), { initialProps: { on: true } });
    press(document.body, "e");
    expect(newer).toHaveBeenCalledTimes(1);
    expect(older).not.toHaveBeenCalled();
    b.rerender({ on: false });
    press(document.body, "e");
    expect(older).toHaveBeenCalledTimes(1);
    a.unmount();
    b.unmount();
  });

  it("dispatch answers false when no shortcut matches", () => {
    const e = new KeyboardEvent("keydown", { key: "z" });
    expect(dispatch(e)).toBe(false);
  });
});
