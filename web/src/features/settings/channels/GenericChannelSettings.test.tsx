import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import "../../../lib/i18n";
import type { Channel } from "../../../lib/types";
import { qk } from "../../../lib/queryKeys";

const post = vi.fn();
const patch = vi.fn();
vi.mock("../../../lib/api", async (orig) => ({
  ...(await orig<typeof import("../../../lib/api")>()),
  api: { post: (...a: unknown[]) => post(...a), patch: (...a: unknown[]) => patch(...a), get: vi.fn(), put: vi.fn(), del: vi.fn() },
}));

const { default: GenericChannelSettings, configOf } = await import("./GenericChannelSettings");

const chatType = {
  type: "chat",
  testable: true,
  connects: true,
  capabilities: { attachments: [], buttons: 0, list_items: 0, max_text_length: 0, quick_replies: false, templates: false, reply_window_seconds: 0 },
  schema: {
    fields: [
      { name: "account", type: "string", title: "Account", required: true },
      { name: "api_key", type: "string", title: "API key", secret: true, required: true },
      { name: "senders", type: "string_list", title: "Senders" },
      { name: "sandbox", type: "boolean", title: "Sandbox" },
      { name: "certificate", type: "text", title: "Certificate" },
      { name: "mode", type: "string", title: "Mode", options: ["tls", "starttls", "none"] },
      { name: "medium", type: "string", title: "Medium", options: ["sms", "whatsapp"] },
      { name: "token", type: "string", title: "Token", secret: true, generated: true },
    ],
  },
};

const pemText = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";

const channel = {
  id: 5,
  workspace_id: 1,
  type: "chat",
  name: "Chat",
  config: { account: "acme", senders: ["a", "b"], sandbox: true, certificate: pemText },
  secrets: { token: "…abcd", api_key: "set" },
  webhook_url: "/webhooks/chat/5",
  created_at: "",
} as unknown as Channel;

function setup(ch: Channel = channel) {
  const qc = new QueryClient();
  qc.setQueryData(qk.channelTypes, { items: [chatType] });
  render(
    <QueryClientProvider client={qc}>
      <GenericChannelSettings channel={ch} freshToken="" />
    </QueryClientProvider>,
  );
}

afterEach(() => {
  cleanup();
  post.mockReset();
  patch.mockReset();
});

describe("GenericChannelSettings", () => {
  it("draws the schema's fields, keeps a set secret unless replaced, and shows the provider's refusal", async () => {
    patch.mockResolvedValue({ ...channel, connection: { ok: false, webhook_url: "https://x/webhooks/chat/5", error: "bad token" } });
    setup();
    expect(screen.getByTestId("webhook-url").textContent).toBe(window.location.origin + "/webhooks/chat/5");
    expect(screen.getByTestId("channel-token")).toBeTruthy();
    expect(screen.getByTestId("test-connection")).toBeTruthy();
    expect(screen.getByTestId("connect-again")).toBeTruthy();
    expect((screen.getByLabelText("Account *") as HTMLInputElement).value).toBe("acme");
    expect((screen.getByLabelText("Senders") as HTMLTextAreaElement).value).toBe("a\nb");
    // Several lines, kept as they are (a list would have split them).
    expect((screen.getByLabelText("Certificate") as HTMLTextAreaElement).value).toBe(pemText);
    // Options are offered in a list, the type's default first.
    const mode = screen.getByLabelText("Mode") as HTMLSelectElement;
    expect([...mode.options].map((o) => o.value)).toEqual(["", "tls", "starttls", "none"]);
    expect(mode.value).toBe("");
    // An option with words of its own is named by them (its value otherwise, as above).
    const medium = screen.getByLabelText("Medium") as HTMLSelectElement;
    expect([...medium.options].map((o) => [o.value, o.text])).toEqual([["", "Default"], ["sms", "SMS and MMS"], ["whatsapp", "WhatsApp"]]);
    fireEvent.change(mode, { target: { value: "starttls" } });
    expect(screen.getByTestId("secret-set-api_key").textContent).toContain("set");
    fireEvent.click(screen.getByTestId("channel-save"));
    await waitFor(() => expect(patch).toHaveBeenCalled());
    const certificate = pemText;
    expect(patch.mock.calls[0]).toEqual(["/api/v1/channels/5", { config: { account: "acme", senders: ["a", "b"], sandbox: true, certificate, mode: "starttls" } }]);
    expect((await screen.findByTestId("connection-result")).textContent).toContain("bad token");
    fireEvent.click(screen.getByTestId("secret-replace-api_key"));
    fireEvent.change(screen.getByLabelText("API key *"), { target: { value: "k2" } });
    fireEvent.click(screen.getByTestId("channel-save"));
    await waitFor(() => expect(patch).toHaveBeenCalledTimes(2));
    expect(patch.mock.calls[1]![1]).toEqual({ config: { account: "acme", api_key: "k2", senders: ["a", "b"], sandbox: true, certificate, mode: "starttls" } });
  });

  it("says how many templates were read when the channel connected, or why none were", async () => {
    post.mockResolvedValueOnce({ ok: true, webhook_url: "https://x/webhooks/chat/5", templates: 3 });
    setup();
    fireEvent.click(screen.getByTestId("connect-again"));
    expect((await screen.findByTestId("connection-result")).textContent).toBe("Registered with the provider. 3 templates synced.");
    expect(screen.queryByTestId("connection-templates-error")).toBeNull();
    post.mockResolvedValueOnce({ ok: true, webhook_url: "https://x/webhooks/chat/5", templates_error: "the provider did not give the templates: (#100) Missing permission" });
    fireEvent.click(screen.getByTestId("connect-again"));
    expect((await screen.findByTestId("connection-templates-error")).textContent).toBe(
      "Its message templates could not be read: the provider did not give the templates: (#100) Missing permission",
    );
    expect(screen.getByTestId("connection-result").textContent).toBe("Registered with the provider.");
  });

  it("offers the templates of a channel that has them, whatever its type says", async () => {
    setup();
    expect(screen.queryByTestId("channel-templates")).toBeNull();
    cleanup();
    setup({ ...channel, templates: true });
    expect(await screen.findByTestId("channel-templates")).toBeTruthy();
  });

  it("turns values into a configuration: lists split, numbers, empty strings left out", () => {
    const fields = [
      { name: "n", type: "integer", title: "N" },
      { name: "l", type: "string_list", title: "L" },
      { name: "s", type: "string", title: "S" },
      { name: "t", type: "text", title: "T" },
    ];
    expect(configOf(fields, { n: "42", l: "x, y\nz", s: "", t: "a, b\nc" }, {})).toEqual({ n: 42, l: ["x", "y", "z"], t: "a, b\nc" });
  });
});
