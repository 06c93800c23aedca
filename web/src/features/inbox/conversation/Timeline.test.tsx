import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, render, screen } from "@testing-library/react";
import "../../../lib/i18n";
import { Timeline } from "./Timeline";
import { mergeTimeline } from "./timeline";
import type { Names } from "./eventText";
import type { LogEvent, Message } from "../../../lib/types";

// jsdom has no ResizeObserver nor layout: enough for what is rendered.
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
} as unknown as typeof ResizeObserver;

const names: Names = {
  user: (id) => (id === 2 ? "Ana" : undefined),
  team: () => undefined,
  workflow: () => undefined,
  contact: "Ada",
  time: (s) => s,
};
const msg = (id: number, extra: Partial<Message>): Message => ({
  id,
  channel_id: 1,
  contact_id: 1,
  conversation_id: 9,
  content: null,
  created_at: `2026-01-01T10:00:0${id}Z`,
  direction: "in",
  sender: "contact",
  status: "received",
  text: "",
  type: "text",
  workspace_id: 1,
  ...extra,
});

function show(messages: Message[], events: LogEvent[] = [], canRetry = true) {
  const onRetry = vi.fn();
  const items = mergeTimeline({ messages, events });
  render(
    <Timeline items={items} names={names} tz="UTC" contactName="Ada" canRetry={canRetry} onRetry={onRetry} onResend={() => {}} onDiscard={() => {}} />,
  );
  return { onRetry };
}

afterEach(cleanup);

describe("Timeline", () => {
  it("stands a skeleton for the messages while their first page is read, and says there are none only once read", () => {
    const props = { items: [], names, tz: "UTC", contactName: "Ada", canRetry: true, onRetry: () => {}, onResend: () => {}, onDiscard: () => {} };
    const { rerender } = render(<Timeline {...props} reading />);
    expect(screen.getByTestId("timeline-skeleton")).toBeTruthy();
    expect(screen.queryByText("Nothing here yet.")).toBeNull();
    rerender(<Timeline {...props} reading={false} />);
    expect(screen.queryByTestId("timeline-skeleton")).toBeNull();
    expect(screen.getByText("Nothing here yet.")).toBeTruthy();
  });

  it("shows a contact's HTML as characters, with the test hooks", () => {
    show([msg(1, { text: "<img src=x onerror=alert(1)>" })]);
    const item = screen.getByTestId("timeline-item");
    expect(item.dataset.kind).toBe("message");
    expect(item.dataset.direction).toBe("in");
    expect(item.querySelector("img")).toBeNull();
    expect(screen.getByTestId("message-text").textContent).toBe("<img src=x onerror=alert(1)>");
  });

  it("says a failed message's reason and offers a retry, or only the reason without one", () => {
    const failed = msg(2, { direction: "out", sender: "user", sender_user_id: 2, status: "failed", failure_reason: "blocked by the recipient", text: "hi" });
    const { onRetry } = show([failed]);
    expect(screen.getByText(/blocked by the recipient/)).toBeTruthy();
    expect(screen.getByText("Failed")).toBeTruthy(); // a word, not only a colour
    screen.getByRole("button", { name: "Retry" }).click();
    expect(onRetry).toHaveBeenCalledOnce();
  });

  it("shows no retry when the server has none", () => {
    show([msg(3, { direction: "out", sender: "user", status: "failed", failure_reason: "nope", text: "x" })], [], false);
    expect(screen.queryByRole("button", { name: "Retry" })).toBeNull();
    expect(screen.getByText(/nope/)).toBeTruthy();
  });

  it("marks events with their type", () => {
    show([], [{ id: 5, type: "conversation.opened", created_at: "2026-01-01T10:00:00Z", payload: { source: "contact" }, workspace_id: 1, conversation_id: 9 }]);
    const item = screen.getByTestId("timeline-item");
    expect(item.dataset.kind).toBe("event");
    expect(item.dataset.eventType).toBe("conversation.opened");
    expect(item.textContent).toContain("Ada opened the conversation");
  });
  it("shows the contact's rating with its comment as text", () => {
    show([], [
      { id: 6, type: "conversation.rated", created_at: "2026-01-01T11:00:00Z", payload: { conversation_id: 9, rating: 4, comment: "<b>Quick</b> and kind" }, workspace_id: 1, conversation_id: 9 },
    ]);
    const item = screen.getByTestId("timeline-item");
    expect(item.dataset.eventType).toBe("conversation.rated");
    expect(item.textContent).toContain("Ada rated the conversation 4/5");
    expect(item.textContent).toContain("“<b>Quick</b> and kind”");
    expect(item.querySelector("b")).toBeNull();
  });
  it("shows a reaction, an edit, an unsupported message and provider-held attachments as they are fetched", () => {
    show([
      msg(1, { text: "hello there", reaction: "👍", edited_at: "2026-01-01T10:05:00Z" }),
      msg(2, { type: "unsupported", content: { type: "unsupported", whatsapp_type: "unsupported", whatsapp: { unsupported: { type: "poll_creation" } } } }),
      msg(3, {
        type: "attachment",
        content: {
          attachments: [
            { type: "image", status: "pending" },
            { type: "file", status: "failed", reason: "expired", file_name: "a.pdf" },
          ],
        },
      }),
    ]);
    expect(screen.getByTestId("message-reaction").textContent).toBe("👍");
    expect(screen.getByTestId("message-edited").textContent).toBe("edited");
    expect(screen.getByTestId("message-unsupported").textContent).toBe("Unsupported message (poll_creation)");
    expect(screen.getByTestId("attachment-pending").textContent).toContain("image");
    expect(screen.getByTestId("attachment-failed").textContent).toContain("a.pdf could not be fetched: expired");
  });
  it("says a message of a type it cannot draw is unsupported, by its type, instead of an empty bubble", () => {
    show([msg(1, { type: "sticker", text: "", content: { sticker_id: "s-42" } }), msg(2, { type: "sticker", text: "a caption" })]);
    const said = screen.getAllByTestId("message-unsupported");
    expect(said).toHaveLength(1); // the one with a caption shows its caption
    expect(said[0]!.textContent).toBe("Unsupported message (sticker)");
  });
  it("says a Telegram group upgrade notice stored by an older node is one, not an unsupported message", () => {
    show([msg(1, { type: "unsupported", text: "", content: { type: "unsupported", telegram_type: "migrate_to_chat_id" } })]);
    expect(screen.getByTestId("message-unsupported").textContent).toBe("Telegram: the group became a supergroup");
  });
});
