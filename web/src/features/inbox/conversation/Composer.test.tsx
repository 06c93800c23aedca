import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import "../../../lib/i18n";
import type { Conversation, Snippet, User } from "../../../lib/types";

const sendTyping = vi.fn();
vi.mock("../../../lib/liveContext", () => ({
  useLive: () => ({ connected: true, typing: new Map(), sendTyping, subscribe: () => () => {} }),
}));

// jsdom lacks what Radix's popper measures with.
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
} as unknown as typeof ResizeObserver;

const { Composer } = await import("./Composer");
const { api, ApiError } = await import("../../../lib/api");
const { QueryClient, QueryClientProvider } = await import("@tanstack/react-query");

const conversation = { id: 41, contact_id: 1, status: "open", opened_at: "", opened_source: "contact", last_seq: 1, workspace_id: 1 } as Conversation;
const users = [
  { id: 2, name: "Ana Lima", email: "ana@x.io" },
  { id: 3, name: "Bo Chen", email: "bo@x.io" },
] as User[];
const snippets = [
  { id: 1, name: "thanks", text: "Thank you for waiting!" },
  { id: 2, name: "tracking", text: "Your parcel: https://t.example" },
  { id: 3, name: "greet", text: "Hi {{ contact.first_name }}, {{agent.first_name}} here about #{{conversation.id}} {{var.order}}" },
] as Snippet[];

function setup(extra: Partial<Parameters<typeof Composer>[0]> = {}) {
  const onSend = vi.fn();
  render(<Composer conversation={conversation} contactName="Ada" users={users} snippets={snippets} onSend={onSend} {...extra} />);
  const box = screen.getByRole("textbox") as HTMLTextAreaElement;
  const type = (value: string) => fireEvent.change(box, { target: { value, selectionStart: value.length, selectionEnd: value.length } });
  return { onSend, box, type };
}

beforeEach(() => sessionStorage.clear());
afterEach(cleanup);

/** mountWindowClosed renders the composer of a conversation on channel 7
 * whose reply window closed (only templates), and returns its template
 * sender (the server accepting, unless sendTemplate says otherwise). */
function mountWindowClosed(sendTemplate: (choice: unknown) => Promise<unknown> = () => Promise.resolve({})) {
  const onSendTemplate = vi.fn(sendTemplate);
  const closed = { ...conversation, channel_id: 7, reply_window: { open: false, closes_at: "2026-03-03T09:00:00Z", rule: "template", seconds: 86400 } };
  render(
    <QueryClientProvider client={new QueryClient()}>
      <Composer conversation={closed as Conversation} contactName="Ada" users={users} snippets={snippets} onSend={vi.fn()} onSendTemplate={onSendTemplate} />
    </QueryClientProvider>,
  );
  return onSendTemplate;
}

describe("Composer", () => {
  it("asks to edit the last comment on ↑ in an empty internal comment, and only there", () => {
    const onEditLastComment = vi.fn(() => true);
    const { box, type } = setup({ onEditLastComment });
    fireEvent.keyDown(box, { key: "ArrowUp" }); // a reply
    expect(onEditLastComment).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId("mode-comment"));
    type("not empty");
    fireEvent.keyDown(box, { key: "ArrowUp" });
    expect(onEditLastComment).not.toHaveBeenCalled();
    type("");
    fireEvent.keyDown(box, { key: "ArrowUp" });
    expect(onEditLastComment).toHaveBeenCalledTimes(1);
  });

  it("sends on Enter and keeps Shift+Enter for a new line", () => {
    const { onSend, box, type } = setup();
    type("hello");
    fireEvent.keyDown(box, { key: "Enter", shiftKey: true });
    expect(onSend).not.toHaveBeenCalled();
    fireEvent.keyDown(box, { key: "Enter" });
    expect(onSend).toHaveBeenCalledWith({ kind: "message", text: "hello" });
    expect(box.value).toBe("");
    expect(sendTyping).toHaveBeenCalledWith(41, "start");
    expect(sendTyping).toHaveBeenLastCalledWith(41, "stop");
  });

  it("renews its typing notice while the person keeps typing, so others do not forget it", () => {
    vi.useFakeTimers();
    try {
      sendTyping.mockClear();
      const { type } = setup();
      const starts = () => sendTyping.mock.calls.filter((c) => c[1] === "start").length;
      let text = "";
      for (let i = 0; i < 10; i++) {
        text += "a";
        type(text);
        act(() => vi.advanceTimersByTime(1000)); // a key a second: never idle
      }
      expect(sendTyping).not.toHaveBeenCalledWith(41, "stop");
      expect(starts()).toBeGreaterThanOrEqual(3); // 10 s of typing: renewed well within the 8 s others keep it
      expect(starts()).toBeLessThanOrEqual(4); // but not at every key
    } finally {
      vi.useRealTimers();
    }
  });

  it("sends no typing notice while writing a comment, which the contact never gets (the widget's visitor would see the team typing)", () => {
    sendTyping.mockClear();
    const { type } = setup();
    fireEvent.click(screen.getByTestId("mode-comment"));
    type("between us: check the refund first");
    expect(sendTyping).not.toHaveBeenCalledWith(41, "start");
    // A reply started, then turned into a comment: the notice stops.
    cleanup();
    sessionStorage.clear();
    sendTyping.mockClear();
    const again = setup();
    again.type("Hello Ada");
    expect(sendTyping).toHaveBeenLastCalledWith(41, "start");
    fireEvent.click(screen.getByTestId("mode-comment"));
    expect(sendTyping).toHaveBeenLastCalledWith(41, "stop");
    again.type("Hello Ada, note to self");
    expect(sendTyping).toHaveBeenLastCalledWith(41, "stop");
  });

  it("inserts a snippet chosen with / and the arrow keys", () => {
    const { onSend, box, type } = setup();
    type("Hi /t");
    expect(screen.getByRole("listbox")).toBeTruthy();
    expect(screen.getAllByRole("option").map((o) => o.textContent)).toEqual([
      expect.stringContaining("/thanks"),
      expect.stringContaining("/tracking"),
    ]);
    fireEvent.keyDown(box, { key: "ArrowDown" });
    fireEvent.keyDown(box, { key: "Enter" });
    expect(box.value).toBe("Hi Your parcel: https://t.example");
    expect(onSend).not.toHaveBeenCalled();
  });

  it("fills a snippet's variables from the conversation, its contact and the person writing", () => {
    const { box, type } = setup({
      snippetContext: { contact: { id: 1, first_name: "Ada", fields: {} }, contactName: "Ada Byron", conversationID: 41, agent: { name: "Ana Lima" } },
    });
    type("/greet");
    fireEvent.keyDown(box, { key: "Enter" });
    expect(box.value).toBe("Hi Ada, Ana here about #41 {{var.order}}"); // what a snippet cannot know stays, for the agent to see
  });

  it("mentions a teammate in a comment and sends their id", () => {
    const { onSend, box, type } = setup();
    fireEvent.click(screen.getByTestId("mode-comment"));
    type("ask @bo");
    expect(screen.getAllByRole("option")).toHaveLength(1);
    fireEvent.keyDown(box, { key: "Enter" });
    expect(box.value).toBe("ask @Bo Chen ");
    type("ask @Bo Chen please");
    fireEvent.keyDown(box, { key: "Enter" });
    expect(onSend).toHaveBeenCalledWith({ kind: "comment", text: "ask @Bo Chen please", mentions: [3] });
  });

  it("keeps the draft per conversation across a remount", () => {
    const first = setup();
    first.type("half a reply");
    expect(sessionStorage.getItem("switchboard.draft.41")).toContain("half a reply");
    cleanup();
    const again = setup();
    expect(again.box.value).toBe("half a reply");
  });

  it("offers no attachment when the channel sends none, and says when the reply window closed", () => {
    setup({
      capabilities: { attachments: [], buttons: 0, list_items: 0, max_text_length: 0, quick_replies: false, templates: false, reply_window_seconds: 3600 },
      conversation: { ...conversation, last_incoming_at: new Date(Date.now() - 2 * 3600_000).toISOString() },
    });
    expect(screen.queryByRole("button", { name: "Attach a file" })).toBeNull();
    expect(screen.getByRole("note").textContent).toMatch(/reply window is closed/);
  });

  it("counts the channel's longest text in characters, as the server does, not UTF-16 units", () => {
    const caps = { attachments: [], buttons: 0, list_items: 0, max_text_length: 5, quick_replies: false, templates: false, reply_window_seconds: 0 };
    const { onSend, box, type } = setup({ capabilities: caps });
    type("😀😀😀😀😀"); // 5 characters, 10 UTF-16 code units
    expect(screen.queryByText(/over the channel's limit/)).toBeNull();
    expect((screen.getByTestId("send") as HTMLButtonElement).disabled).toBe(false);
    type("😀😀😀😀😀é");
    expect(screen.getByText("1 characters over the channel's limit")).toBeTruthy();
    type("😀😀😀😀😀");
    fireEvent.keyDown(box, { key: "Enter" });
    expect(onSend).toHaveBeenCalledWith({ kind: "message", text: "😀😀😀😀😀" });
  });

  it("refuses a reply on a closed conversation but allows a comment", () => {
    const { onSend, box, type } = setup({ conversation: { ...conversation, status: "closed" } });
    type("hello");
    fireEvent.keyDown(box, { key: "Enter" });
    expect(onSend).not.toHaveBeenCalled();
    act(() => fireEvent.click(screen.getByTestId("mode-comment")));
    fireEvent.keyDown(box, { key: "Enter" });
    expect(onSend).toHaveBeenCalledWith({ kind: "comment", text: "hello", mentions: [] });
  });
  it("outside the reply window turns free text off, says why and sends an approved template", async () => {
    const get = vi.spyOn(api, "get").mockResolvedValue({
      data: [
        { name: "order_update", language: "en", body: "Hi {{1}}, your order {{2}} shipped.", params: 2, status: "APPROVED" },
        { name: "draft", language: "en", body: "x", params: 0, status: "PENDING" },
      ],
    });
    const onSend = mountWindowClosed();
    expect((screen.getByRole("textbox") as HTMLTextAreaElement).disabled).toBe(true);
    expect(screen.getByTestId("reply-window-closed").textContent).toContain("only approved templates can be sent");
    fireEvent.click(screen.getByTestId("template-picker"));
    const options = await screen.findAllByTestId("template-option");
    expect(get).toHaveBeenCalledWith("/api/v1/channels/7/templates", undefined, expect.anything());
    expect(options).toHaveLength(1);
    fireEvent.click(options[0]!);
    fireEvent.change(screen.getByLabelText("Parameter 1"), { target: { value: "Ada" } });
    fireEvent.change(screen.getByLabelText("Parameter 2"), { target: { value: "#42" } });
    fireEvent.click(screen.getByTestId("template-send"));
    // The choice alone: the server renders the text the contact reads.
    expect(onSend).toHaveBeenCalledWith({ name: "order_update", language: "en", params: ["Ada", "#42"] });
    await waitFor(() => expect(screen.queryByTestId("template-send")).toBeNull());
    get.mockRestore();
  });
  it("fills and sends a template with named parameters by name", async () => {
    const get = vi.spyOn(api, "get").mockResolvedValue({
      data: [
        { name: "order_ready", language: "en", body: "Hi {{first_name}}, order {{order_id}} is ready, {{first_name}}.", params: 2, status: "APPROVED",
          components: [{ type: "HEADER", format: "TEXT", text: "Store {{store}}" }, { type: "BODY", text: "Hi {{first_name}}, order {{order_id}} is ready, {{first_name}}." }] },
      ],
    });
    const onSend = mountWindowClosed();
    fireEvent.click(screen.getByTestId("template-picker"));
    fireEvent.click((await screen.findAllByTestId("template-option"))[0]!);
    fireEvent.change(screen.getByLabelText("Parameter first_name"), { target: { value: "Ada" } });
    fireEvent.change(screen.getByLabelText("Parameter order_id"), { target: { value: "#42" } });
    fireEvent.change(screen.getByLabelText("Header store"), { target: { value: "Soho" } });
    expect(screen.getByText("Hi Ada, order #42 is ready, Ada.")).toBeTruthy(); // the preview
    fireEvent.click(screen.getByTestId("template-send"));
    expect(onSend).toHaveBeenLastCalledWith({
      name: "order_ready",
      language: "en",
      params: { first_name: "Ada", order_id: "#42" },
      header: { type: "text", text: "Soho", param_name: "store" },
    });
    get.mockRestore();
  });
  it("fills a template's header: the text of its {{1}}, or the link of its document", async () => {
    const get = vi.spyOn(api, "get").mockResolvedValue({
      data: [
        { name: "order_shipped", language: "en", body: "Hi {{1}}, it is on its way.", params: 1, status: "APPROVED",
          components: [{ type: "HEADER", format: "TEXT", text: "Order {{1}}" }, { type: "BODY", text: "Hi {{1}}, it is on its way." }] },
        { name: "invoice", language: "en", body: "Your invoice is attached.", params: 0, status: "APPROVED",
          components: [{ type: "HEADER", format: "DOCUMENT" }, { type: "BODY", text: "Your invoice is attached." }] },
      ],
    });
    const onSend = mountWindowClosed();
    fireEvent.click(screen.getByTestId("template-picker"));
    fireEvent.click((await screen.findAllByTestId("template-option"))[0]!);
    fireEvent.change(screen.getByLabelText("Parameter 1"), { target: { value: "Ada" } });
    const send = screen.getByTestId("template-send") as HTMLButtonElement;
    expect(send.disabled).toBe(true); // the header's {{1}} is still empty
    fireEvent.change(screen.getByLabelText("Header {{1}}"), { target: { value: "#42" } });
    fireEvent.click(send);
    expect(onSend).toHaveBeenLastCalledWith({ name: "order_shipped", language: "en", params: ["Ada"], header: { type: "text", text: "#42" } });
    await waitFor(() => expect(screen.queryByTestId("template-send")).toBeNull());

    fireEvent.click(screen.getByTestId("template-picker"));
    fireEvent.click((await screen.findAllByTestId("template-option"))[1]!);
    const link = screen.getByLabelText("Header document URL");
    fireEvent.change(link, { target: { value: "not a link" } });
    expect((screen.getByTestId("template-send") as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(link, { target: { value: "https://files.example.com/F-1042.pdf" } });
    fireEvent.click(screen.getByTestId("template-send"));
    expect(onSend).toHaveBeenLastCalledWith({ name: "invoice", language: "en", params: [], header: { type: "document", url: "https://files.example.com/F-1042.pdf" } });
    get.mockRestore();
  });
  it("keeps the template as typed and shows the server's reason when it is refused", async () => {
    const get = vi.spyOn(api, "get").mockResolvedValue({
      data: [{ name: "order_update", language: "en", body: "Hi {{1}}, your order {{2}} shipped.", params: 2, status: "APPROVED" }],
    });
    const reason = 'template "order_update" (en) is PAUSED, not approved: only approved templates can be sent';
    let refuse = true;
    const onSend = mountWindowClosed(() => (refuse ? Promise.reject(new ApiError(422, "invalid", reason, "content.name")) : Promise.resolve({})));
    fireEvent.click(screen.getByTestId("template-picker"));
    fireEvent.click((await screen.findAllByTestId("template-option"))[0]!);
    fireEvent.change(screen.getByLabelText("Parameter 1"), { target: { value: "Ada" } });
    fireEvent.change(screen.getByLabelText("Parameter 2"), { target: { value: "#42" } });
    fireEvent.click(screen.getByTestId("template-send"));
    expect((await screen.findByTestId("template-error")).textContent).toBe(reason);
    expect(screen.getByRole("alert").textContent).toBe(reason);
    expect((screen.getByLabelText("Parameter 1") as HTMLInputElement).value).toBe("Ada");
    expect((screen.getByLabelText("Parameter 2") as HTMLInputElement).value).toBe("#42");
    expect((screen.getByTestId("template-send") as HTMLButtonElement).disabled).toBe(false);

    refuse = false; // approved again: the same form sends
    fireEvent.click(screen.getByTestId("template-send"));
    expect(onSend).toHaveBeenCalledTimes(2);
    await waitFor(() => expect(screen.queryByTestId("template-send")).toBeNull());
    get.mockRestore();
  });
});
