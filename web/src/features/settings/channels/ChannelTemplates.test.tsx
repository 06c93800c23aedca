// Settings › Channels, a channel with templates: every template as last
// synced, approved or not; Sync reads them again and says how many; the
// provider's refusal shows and the stored list stays.
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import "../../../lib/i18n";
import type { Channel } from "../../../lib/types";
import { ChannelTemplates } from "./ChannelTemplates";
import { json } from "../../../test/http";

const approved = { name: "order_update", language: "en_US", body: "Hi {{1}}, your order {{2}} has shipped.", params: 2, status: "APPROVED", category: "UTILITY" };
const pending = { name: "spring_sale", language: "fr", body: "Les soldes commencent !", params: 0, status: "PENDING", category: "MARKETING" };
let stored: unknown[];
let provider: unknown[] | "refuse";
let syncs: number;
let reads: number;

beforeEach(() => {
  stored = [];
  provider = [approved, pending];
  syncs = 0;
  reads = 0;
  vi.stubGlobal(
    "fetch",
    vi.fn((url: string, init: RequestInit = {}) => {
      if (url === "/api/v1/auth/csrf") return json(200, { csrf_token: "t" });
      if (url === "/api/v1/channels/3/templates") {
        reads++;
        return json(200, { data: stored });
      }
      if (url === "/api/v1/channels/3/templates/sync" && init.method === "POST") {
        syncs++;
        if (provider === "refuse") return json(409, { error: { code: "provider_error", message: "whatsapp: Invalid OAuth access token. (code 190)" } });
        stored = provider;
        return json(200, { data: stored });
      }
      return json(404, { error: { code: "not_found", message: url } });
    }),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function mount() {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <ChannelTemplates channel={{ id: 3, type: "whatsapp", name: "WhatsApp" } as Channel} />
    </QueryClientProvider>,
  );
}

it("syncs the templates and lists every one with its status", async () => {
  mount();
  await screen.findByTestId("templates-none");
  fireEvent.click(screen.getByTestId("templates-sync"));
  expect((await screen.findByRole("status")).textContent).toBe("2 templates synced.");
  // The sync's answer is the list: it is not read again.
  expect(reads).toBe(1);
  const rows = screen.getAllByTestId("template-row");
  expect(rows.map((r) => r.getAttribute("data-template"))).toEqual(["order_update", "spring_sale"]);
  expect(within(rows[1]!).getByText("pending")).toBeTruthy();
  expect(within(rows[0]!).getByText("Hi {{1}}, your order {{2}} has shipped.")).toBeTruthy();
});

it("shows the provider's refusal and keeps the stored list", async () => {
  stored = [approved];
  provider = "refuse";
  mount();
  await screen.findByText("order_update");
  fireEvent.click(screen.getByTestId("templates-sync"));
  expect((await screen.findByRole("alert")).textContent).toBe("whatsapp: Invalid OAuth access token. (code 190)");
  expect(syncs).toBe(1);
  expect(screen.getAllByTestId("template-row")).toHaveLength(1);
});
