// The webhook endpoints' settings: what the form edits is the endpoint
// whose Edit was pressed, and what it saves goes to that endpoint.
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import "../../../lib/i18n";
import { SessionProvider } from "../../../lib/session";
import { ToastProvider } from "../../../lib/ui/toast";
import WebhooksSettings from "./WebhooksSettings";
import { json } from "../../../test/http";

const endpoint = (id: number, url: string, event_types: string[]) => ({ id, url, description: "", event_types, enabled: true, created_at: "2026-01-01T00:00:00Z" });
let patches: { url: string; body: Record<string, unknown> }[];

beforeEach(() => {
  patches = [];
  vi.stubGlobal(
    "fetch",
    vi.fn((url: string, init: RequestInit = {}) => {
      const method = init.method ?? "GET";
      if (url === "/api/v1/me") return json(200, { role: "owner", workspace: { id: 1, name: "Acme", timezone: "UTC" }, user: { id: 1, name: "Olga", team_ids: [] } });
      if (url === "/api/v1/auth/csrf") return json(200, { csrf_token: "t" });
      if (url.startsWith("/api/v1/webhooks") && method === "PATCH") {
        const body = JSON.parse(String(init.body)) as Record<string, unknown>;
        patches.push({ url, body });
        return json(200, { ...endpoint(Number(url.split("/").pop()), String(body.url), body.event_types as string[]) });
      }
      if (url === "/api/v1/webhooks")
        return json(200, { data: [endpoint(1, "https://crm.example.com/hook", ["message.received"]), endpoint(2, "https://erp.example.com/in", ["contact.created"])], next_cursor: "" });
      return json(200, { data: [] });
    }),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

it("editing another endpoint while one is open edits that one, not the first one's values under its id", async () => {
  render(
    <QueryClientProvider client={new QueryClient()}>
      <ToastProvider>
        <SessionProvider>
          <WebhooksSettings />
        </SessionProvider>
      </ToastProvider>
    </QueryClientProvider>,
  );
  await waitFor(() => expect(screen.getAllByTestId("webhook-edit").length).toBe(2));
  fireEvent.click(screen.getAllByTestId("webhook-edit")[0]!);
  expect((screen.getByTestId("webhook-url") as HTMLInputElement).value).toBe("https://crm.example.com/hook");
  fireEvent.click(screen.getAllByTestId("webhook-edit")[1]!);
  expect((screen.getByTestId("webhook-url") as HTMLInputElement).value).toBe("https://erp.example.com/in");
  expect((screen.getByTestId("webhook-type-contact.created") as HTMLInputElement).checked).toBe(true);
  expect((screen.getByTestId("webhook-type-message.received") as HTMLInputElement).checked).toBe(false);
  fireEvent.click(screen.getByTestId("webhook-save"));
  await waitFor(() => expect(patches.length).toBe(1));
  expect(patches[0]).toEqual({ url: "/api/v1/webhooks/2", body: { url: "https://erp.example.com/in", description: "", event_types: ["contact.created"], enabled: true } });
});
