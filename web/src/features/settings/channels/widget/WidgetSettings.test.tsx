import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import "../../../../lib/i18n";
import { ApiError } from "../../../../lib/api";
import type { Channel } from "../../../../lib/types";

const post = vi.fn();
const patch = vi.fn();
vi.mock("../../../../lib/api", async (orig) => ({
  ...(await orig<typeof import("../../../../lib/api")>()),
  api: { post: (...a: unknown[]) => post(...a), patch: (...a: unknown[]) => patch(...a), get: vi.fn(), put: vi.fn(), del: vi.fn() },
}));

const { default: WidgetSettings, embedSnippet, readConfig } = await import("./WidgetSettings");

function setup(channel?: Channel) {
  render(
    <QueryClientProvider client={new QueryClient()}>
      <WidgetSettings channel={channel} />
    </QueryClientProvider>,
  );
}

afterEach(() => {
  cleanup();
  post.mockReset();
  patch.mockReset();
});

describe("WidgetSettings", () => {
  it("creates a widget channel with the origins one per line, then shows the embed code", async () => {
    const saved = { id: 9, type: "widget", name: "Site", config: { allowed_origins: ["https://a.example", "https://b.example"], color: "#0f766e", greeting: "Hi", position: "left", pre_chat_form: true } } as unknown as Channel;
    post.mockResolvedValue(saved);
    setup();
    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "Site" } });
    fireEvent.change(screen.getByLabelText("Allowed origins"), { target: { value: "https://a.example\nhttps://b.example\n" } });
    fireEvent.change(screen.getByLabelText("Colour"), { target: { value: "#0f766e" } });
    fireEvent.change(screen.getByLabelText("Launcher position"), { target: { value: "left" } });
    fireEvent.change(screen.getByLabelText("Greeting"), { target: { value: "Hi" } });
    fireEvent.change(screen.getByLabelText("Away message"), { target: { value: "Back at 9" } });
    fireEvent.click(screen.getByRole("checkbox"));
    fireEvent.click(screen.getByTestId("widget-save"));
    await waitFor(() => expect(screen.getByTestId("widget-embed")).toBeTruthy());
    expect(post).toHaveBeenCalledWith("/api/v1/channels", {
      type: "widget",
      name: "Site",
      config: { allowed_origins: ["https://a.example", "https://b.example"], color: "#0f766e", greeting: "Hi", away_message: "Back at 9", position: "left", pre_chat_form: true },
    });
    expect(screen.getByTestId("widget-embed").textContent).toContain("/widget.js?channel=9");
  });

  it("shows the server's error under the field it names", async () => {
    const channel = { id: 3, type: "widget", name: "Site", config: { allowed_origins: ["https://a.example"] } } as unknown as Channel;
    patch.mockRejectedValue(new ApiError(422, "invalid", "\"https://a.example/x\" is not an origin", "config.allowed_origins"));
    setup(channel);
    fireEvent.change(screen.getByLabelText("Allowed origins"), { target: { value: "https://a.example/x" } });
    fireEvent.click(screen.getByTestId("widget-save"));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("is not an origin");
    expect(screen.getByLabelText("Allowed origins").getAttribute("aria-invalid")).toBe("true");
    expect(patch).toHaveBeenCalledWith("/api/v1/channels/3", expect.objectContaining({ name: "Site" }));
  });

  it("reads defaults and writes the embed tag", () => {
    expect(readConfig(undefined)).toEqual({ allowed_origins: [], color: "#2563eb", greeting: "", away_message: "", position: "right", pre_chat_form: false });
    expect(embedSnippet("https://sb.example", 4)).toBe('<script src="https://sb.example/widget.js?channel=4" async></script>');
  });
});
