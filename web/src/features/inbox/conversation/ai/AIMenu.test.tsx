import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import "../../../../lib/i18n";
import type { Conversation } from "../../../../lib/types";
import { parseEvents } from "./draftStream";

vi.mock("../../../../lib/liveContext", () => ({
  useLive: () => ({ connected: true, typing: new Map(), sendTyping: () => {}, subscribe: () => () => {} }),
}));
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
} as unknown as typeof ResizeObserver;

const { Composer } = await import("../Composer");

const conversation = { id: 41, contact_id: 1, status: "open", opened_at: "", opened_source: "contact", last_seq: 1, workspace_id: 1 } as Conversation;

/** sse answers the draft route as the server does: delta events, then done. */
function sse(pieces: string[]): Response {
  const enc = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      for (const p of pieces) c.enqueue(enc.encode(`event: delta\ndata: ${JSON.stringify({ text: p })}\n\n`));
      c.enqueue(enc.encode(`event: done\ndata: ${JSON.stringify({ text: pieces.join(""), source: "model", passages: [] })}\n\n`));
      c.close();
    },
  });
  return new Response(body, { status: 200, headers: { "Content-Type": "text/event-stream" } });
}

function openMenu() {
  const trigger = screen.getByTestId("ai-menu");
  fireEvent.keyDown(trigger, { key: "Enter" });
}

beforeEach(() => sessionStorage.clear());
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("parseEvents", () => {
  it("splits whole events and keeps an unfinished one", () => {
    const { events, rest } = parseEvents('event: delta\ndata: {"text":"Hi"}\n\nevent: done\ndata: {"te');
    expect(events).toEqual([{ event: "delta", data: '{"text":"Hi"}' }]);
    expect(rest).toBe('event: done\ndata: {"te');
  });
});

describe("the composer's AI menu", () => {
  it("streams a draft into the composer, and the reply is sent marked", async () => {
    const fetchMock = vi.fn(async () => sse(["Hello ", "Ada, ", "your parcel ", "is on its way."]));
    vi.stubGlobal("fetch", fetchMock);
    const onSend = vi.fn();
    render(<Composer conversation={conversation} contactName="Ada" users={[]} snippets={[]} aiStatus={{ model: true, contact_language: "fr" }} onSend={onSend} />);
    const box = screen.getByRole("textbox") as HTMLTextAreaElement;
    await screen.findByTestId("ai-menu");
    openMenu();
    expect(screen.getByTestId("ai-translate").textContent).toContain("French");
    await act(async () => fireEvent.click(await screen.findByTestId("ai-draft")));
    await waitFor(() => expect(box.value).toBe("Hello Ada, your parcel is on its way."));
    expect(fetchMock).toHaveBeenCalledWith("/api/v1/conversations/41/ai/draft", expect.objectContaining({ method: "POST" }));
    expect(screen.getByTestId("ai-assisted")).toBeTruthy();
    // The agent edits it; it stays AI-assisted, and is sent only by them.
    fireEvent.change(box, { target: { value: "Hello Ada, your parcel left today." } });
    expect(onSend).not.toHaveBeenCalled();
    fireEvent.keyDown(box, { key: "Enter" });
    expect(onSend).toHaveBeenCalledWith({ kind: "message", text: "Hello Ada, your parcel left today.", aiAssisted: true });
  });

  it("says why rewrite and translate are off without a model, and shows the server's refusal", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () =>
        new Response(JSON.stringify({ error: { code: "ai_not_configured", message: "no knowledge article answers this conversation well enough" } }), {
          status: 409,
          headers: { "Content-Type": "application/json" },
        }),
      ),
    );
    render(<Composer conversation={conversation} contactName="Ada" users={[]} snippets={[]} aiStatus={{ model: false, contact_language: "" }} onSend={vi.fn()} />);
    await screen.findByTestId("ai-menu");
    openMenu();
    expect(screen.getByTestId("ai-no-model").textContent).toContain("Settings → AI");
    expect(screen.getByTestId("ai-translate").getAttribute("data-disabled")).not.toBeNull();
    expect(screen.getByTestId("ai-rewrite").getAttribute("data-disabled")).not.toBeNull();
    await act(async () => fireEvent.click(screen.getByTestId("ai-draft")));
    expect((await screen.findByTestId("ai-error")).textContent).toContain("no knowledge article answers");
    expect(screen.queryByTestId("ai-assisted")).toBeNull();
  });
});
