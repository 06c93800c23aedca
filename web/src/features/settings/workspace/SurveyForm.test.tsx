// The satisfaction survey's settings: turned on and worded through PATCH
// /api/v1/workspace, the server's refusal under the message, the default
// one click away, and a plain note when this server cannot send surveys.
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import "../../../lib/i18n";
import { SessionProvider } from "../../../lib/session";
import { SurveyForm, defaultSurveyMessage } from "./SurveyForm";
import { json } from "../../../test/http";

interface Survey {
  enabled: boolean;
  message: string;
  available: boolean;
}
let survey: Survey;
let patches: unknown[];
let refusal: { status: number; body: unknown } | null;

beforeEach(() => {
  survey = { enabled: false, message: defaultSurveyMessage, available: true };
  patches = [];
  refusal = null;
  vi.stubGlobal(
    "fetch",
    vi.fn((url: string, init: RequestInit = {}) => {
      const method = init.method ?? "GET";
      const workspace = () => ({ id: 1, name: "Acme", timezone: "UTC", satisfaction_survey: { ...survey } });
      if (url === "/api/v1/me") return json(200, { role: "owner", workspace: workspace(), user: { id: 1, name: "Olga", team_ids: [] } });
      if (url === "/api/v1/workspace" && method === "GET") return json(200, workspace());
      if (url === "/api/v1/workspace" && method === "PATCH") {
        const body = JSON.parse(String(init.body)) as { satisfaction_survey: { enabled?: boolean; message?: string } };
        patches.push(body);
        if (refusal) return json(refusal.status, refusal.body);
        const s = body.satisfaction_survey;
        if (s.enabled !== undefined) survey.enabled = s.enabled;
        // As the server does: an empty message is the default again.
        if (s.message !== undefined) survey.message = s.message.trim() || defaultSurveyMessage;
        return json(200, workspace());
      }
      return json(200, { data: [] });
    }),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function mount() {
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <SessionProvider>
        <SurveyForm />
      </SessionProvider>
    </QueryClientProvider>,
  );
}

it("turns the survey on with the workspace's own words", async () => {
  mount();
  const on = await screen.findByRole("switch", { name: /Ask contacts to rate their conversation/ });
  expect((on as HTMLInputElement).checked).toBe(false);
  const message = screen.getByLabelText("Message") as HTMLTextAreaElement;
  expect(message.value).toBe(defaultSurveyMessage);
  // The hint names the placeholder as it is typed, not interpolated away.
  expect(screen.getByText(/Put \{\{link\}\} where the rating link goes/)).toBeTruthy();
  expect(screen.getByText(/Variables such as \{\{contact\.first_name\}\}, \{\{assignee\.name\}\} are filled in/)).toBeTruthy();
  expect(screen.queryByTestId("survey-unavailable")).toBeNull();
  fireEvent.click(on);
  fireEvent.change(message, { target: { value: "Merci ! Notez-nous : {{link}}" } });
  expect(screen.getByTestId("survey-length").textContent).toBe("29 / 1000 characters");
  fireEvent.click(screen.getByTestId("survey-save"));
  expect((await screen.findByTestId("survey-saved")).textContent).toBe("Saved");
  expect(patches).toEqual([{ satisfaction_survey: { enabled: true, message: "Merci ! Notez-nous : {{link}}" } }]);
  expect(survey.enabled).toBe(true);
});

it("puts the default message back in one click, saved as the default itself", async () => {
  survey = { enabled: true, message: "Rate us: {{link}}", available: true };
  mount();
  const message = (await screen.findByLabelText("Message")) as HTMLTextAreaElement;
  expect(message.value).toBe("Rate us: {{link}}");
  fireEvent.click(screen.getByRole("button", { name: "Use the default message" }));
  expect(message.value).toBe(defaultSurveyMessage);
  expect(screen.queryByRole("button", { name: "Use the default message" })).toBeNull();
  fireEvent.click(screen.getByTestId("survey-save"));
  await screen.findByTestId("survey-saved");
  expect(patches).toEqual([{ satisfaction_survey: { enabled: true, message: "" } }]);
  expect(message.value).toBe(defaultSurveyMessage);
});

it("shows the server's refusal under the message", async () => {
  refusal = {
    status: 422,
    body: { error: { code: "invalid", field: "satisfaction_survey.message", message: "satisfaction_survey.message: holds {{link}} more than once: the contact gets one link" } },
  };
  mount();
  const message = (await screen.findByLabelText("Message")) as HTMLTextAreaElement;
  fireEvent.change(message, { target: { value: "{{link}} {{link}}" } });
  fireEvent.click(screen.getByTestId("survey-save"));
  await waitFor(() => expect(message.getAttribute("aria-invalid")).toBe("true"));
  expect(screen.getByText("Holds {{link}} more than once: the contact gets one link")).toBeTruthy();
  expect(screen.queryByTestId("survey-saved")).toBeNull();
});

it("says plainly when this server cannot send surveys, and keeps the setting", async () => {
  survey = { enabled: true, message: defaultSurveyMessage, available: false };
  mount();
  const note = await screen.findByTestId("survey-unavailable");
  expect(note.textContent).toContain("This server has no public address, so it sends no survey");
  expect((screen.getByRole("switch") as HTMLInputElement).checked).toBe(true);
});
