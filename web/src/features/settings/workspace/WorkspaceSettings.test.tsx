// Saving the workspace changes what the whole app reads from who-am-I (the
// time zone every date is shown in, the name in the header, the closing
// notes the close dialog asks for): the session's copy follows the save.
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import "../../../lib/i18n";
import { SessionProvider, useSession } from "../../../lib/session";
import { ToastProvider } from "../../../lib/ui/toast";
import WorkspaceSettings from "./WorkspaceSettings";
import { json } from "../../../test/http";

let workspace: Record<string, unknown>;

beforeEach(() => {
  workspace = {
    id: 1,
    name: "Acme",
    timezone: "UTC",
    closing_notes_mode: "optional",
    auto_close_minutes: 0,
    auto_close_contact_only: false,
    business_hours: {},
    satisfaction_survey: { enabled: false, message: "Thanks! Rate us: {{link}}", available: true },
  };
  vi.stubGlobal(
    "fetch",
    vi.fn((url: string, init: RequestInit = {}) => {
      const method = init.method ?? "GET";
      if (url === "/api/v1/me") return json(200, { role: "owner", workspace: { ...workspace }, user: { id: 1, name: "Olga", team_ids: [] } });
      if (url === "/api/v1/auth/csrf") return json(200, { csrf_token: "t" });
      if (url === "/api/v1/workspace" && method === "GET") return json(200, workspace);
      if (url === "/api/v1/workspace" && method === "PATCH") {
        workspace = { ...workspace, ...(JSON.parse(String(init.body)) as object) };
        return json(200, workspace);
      }
      if (url.startsWith("/api/v1/routing/settings")) return json(200, { inactivity_timeout_minutes: 10, reassign_grace_minutes: 5, default_capacity: 0 });
      return json(200, { data: [] });
    }),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/** Probe is any other screen: it shows the workspace as the session has it. */
function Probe() {
  const { state } = useSession();
  if (state.status !== "signed-in") return null;
  return (
    <>
      <p data-testid="probe">
        {state.me.workspace.name} · {state.me.workspace.timezone}
      </p>
      <WorkspaceSettings />
    </>
  );
}

/** mount renders the settings page with the probe, signed in. */
function mount() {
  render(
    <QueryClientProvider client={new QueryClient()}>
      <ToastProvider>
        <SessionProvider>
          <Probe />
        </SessionProvider>
      </ToastProvider>
    </QueryClientProvider>,
  );
}

it("a saved name and time zone reach the rest of the app without a reload", async () => {
  mount();
  await screen.findByTestId("workspace-name");
  expect(screen.getByTestId("probe").textContent).toBe("Acme · UTC");
  fireEvent.change(screen.getByTestId("workspace-name"), { target: { value: "Acme Support" } });
  fireEvent.change(screen.getByTestId("workspace-timezone"), { target: { value: "Europe/Paris" } });
  fireEvent.click(screen.getByTestId("workspace-save"));
  await screen.findByTestId("workspace-saved");
  expect(workspace.timezone).toBe("Europe/Paris");
  await waitFor(() => expect(screen.getByTestId("probe").textContent).toBe("Acme Support · Europe/Paris"));
  // The business hours say which zone they are in: the new one.
  expect(screen.getByText(/time zone \(Europe\/Paris\)/)).toBeTruthy();
});

it("the auto-close mode shows once a delay is set, and contact only in inactivity mode alone", async () => {
  mount();
  await screen.findByTestId("workspace-auto-close");
  // Off: neither choice means anything.
  expect(screen.queryByTestId("workspace-auto-close-mode")).toBeNull();
  expect(screen.queryByTestId("workspace-contact-only")).toBeNull();
  fireEvent.change(screen.getByTestId("workspace-auto-close"), { target: { value: "60" } });
  const mode = screen.getByTestId("workspace-auto-close-mode") as HTMLSelectElement;
  expect(mode.value).toBe("inactivity");
  expect(screen.getByTestId("workspace-contact-only")).toBeTruthy();
  fireEvent.change(mode, { target: { value: "awaiting_contact" } });
  expect(screen.queryByTestId("workspace-contact-only")).toBeNull();
  expect(screen.getByText(/the contact's reply cancels it/)).toBeTruthy();
  fireEvent.click(screen.getByTestId("workspace-save"));
  await screen.findByTestId("workspace-saved");
  expect(workspace.auto_close_minutes).toBe(60);
  expect(workspace.auto_close_mode).toBe("awaiting_contact");
});

it("an unknown auto-close mode is refused under the mode", async () => {
  workspace.auto_close_minutes = 30;
  workspace.auto_close_mode = "awaiting_contact";
  const ok = globalThis.fetch as unknown as (url: string, init?: RequestInit) => Promise<Response>;
  vi.stubGlobal(
    "fetch",
    vi.fn((url: string, init: RequestInit = {}) => {
      if (url === "/api/v1/workspace" && init.method === "PATCH") {
        return json(422, { error: { code: "invalid", message: "auto_close_mode: must be inactivity or awaiting_contact", field: "auto_close_mode" } });
      }
      return ok(url, init);
    }),
  );
  mount();
  const mode = (await screen.findByTestId("workspace-auto-close-mode")) as HTMLSelectElement;
  expect(mode.value).toBe("awaiting_contact");
  fireEvent.click(screen.getByTestId("workspace-save"));
  await waitFor(() => expect(mode.getAttribute("aria-invalid")).toBe("true"));
  expect(screen.getByText("Must be inactivity or awaiting_contact")).toBeTruthy(); // under its field, without the API's field name
});

it("a day open to midnight shows 00:00 as its closing and saves 24:00, the end of the day", async () => {
  workspace.business_hours = { mon: [{ open: "18:00", close: "24:00" }] };
  mount();
  const monday = (await screen.findByLabelText("Monday closes at")) as HTMLInputElement;
  expect(monday.value).toBe("00:00");
  fireEvent.click(screen.getByLabelText("Tuesday"));
  fireEvent.change(screen.getByLabelText("Tuesday closes at"), { target: { value: "00:00" } });
  const hours = screen.getByRole("form", { name: "Business hours" });
  fireEvent.click(within(hours).getByRole("button", { name: "Save" }));
  await waitFor(() =>
    expect(workspace.business_hours).toEqual({ mon: [{ open: "18:00", close: "24:00" }], tue: [{ open: "09:00", close: "24:00" }] }),
  );
});
