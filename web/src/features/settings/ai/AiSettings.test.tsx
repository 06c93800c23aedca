// The provider form sends what the person set: a field they emptied is
// not sent as a value they never chose.
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import "../../../lib/i18n";
import { ToastProvider } from "../../../lib/ui/toast";
import AiSettings from "./AiSettings";
import { json } from "../../../test/http";

let saved: Record<string, unknown>[];
const settings = {
  base_url: "https://api.example.com/v1", api_key_set: true, api_key_last4: "WXYZ", chat_model: "gpt-test", embeddings_model: "",
  monthly_budget: 0, redact: false, llm_classify: false, threshold: 0.7, configured: true, updated_at: null,
};

beforeEach(() => {
  saved = [];
  vi.stubGlobal(
    "fetch",
    vi.fn((url: string, init: RequestInit = {}) => {
      const method = init.method ?? "GET";
      if (url === "/api/v1/auth/csrf") return json(200, { csrf_token: "t" });
      if (url === "/api/v1/ai/settings" && method === "PUT") {
        const body = JSON.parse(String(init.body)) as Record<string, unknown>;
        saved.push(body);
        return json(200, { ...settings, ...body });
      }
      if (url === "/api/v1/ai/settings") return json(200, settings);
      if (url.startsWith("/api/v1/ai/usage")) return json(200, { month: "2026-12", calls: 0, prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, monthly_budget: 0, remaining: -1 });
      return json(200, { data: [], next_cursor: "" });
    }),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

it("an emptied confidence threshold is left as saved, not sent as 0", async () => {
  render(
    <QueryClientProvider client={new QueryClient()}>
      <ToastProvider>
        <AiSettings />
      </ToastProvider>
    </QueryClientProvider>,
  );
  const threshold = await screen.findByLabelText(/threshold/i);
  await waitFor(() => expect((threshold as HTMLInputElement).value).toBe("0.7"));
  fireEvent.change(threshold, { target: { value: "" } });
  fireEvent.click(screen.getByTestId("ai-save"));
  await waitFor(() => expect(saved).toHaveLength(1));
  expect(saved[0]).not.toHaveProperty("threshold");
  expect(saved[0]).toMatchObject({ base_url: "https://api.example.com/v1", chat_model: "gpt-test" });
});
