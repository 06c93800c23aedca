// The account's notifications: each switch saves at once with the other
// choices unchanged, the language too; a server without mail says so;
// the chime's choice is this browser's.
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import "../../lib/i18n";
import { SessionProvider, useSession } from "../../lib/session";
import { NotificationsSection } from "./NotificationsSection";
import { soundOn } from "../../lib/notificationSound";
import { json } from "../../test/http";

let puts: Record<string, unknown>[];
let stored: Record<string, unknown>;
let refuse = false;
let role = "agent";
let answer = () => {};

beforeEach(() => {
  puts = [];
  refuse = false;
  role = "agent";
  stored = { mail_mentions: true, mail_assignments: true, mail_webhooks: true, language: "en", mail_available: false, mail_after_seconds: 0 };
  localStorage.clear();
  vi.stubGlobal(
    "fetch",
    vi.fn((url: string, init: RequestInit = {}) => {
      if (url === "/api/v1/me") return json(200, { role, workspace: { id: 1, name: "Acme", timezone: "UTC" }, user: { id: 2, name: "Al", team_ids: [] } });
      if (url === "/api/v1/auth/csrf") return json(200, { csrf_token: "t" });
      if (url === "/api/v1/me/notification-settings" && (init.method ?? "GET") === "GET") return json(200, stored);
      if (url === "/api/v1/me/notification-settings" && init.method === "PUT") {
        const body = JSON.parse(String(init.body)) as Record<string, unknown>;
        puts.push(body);
        // Refused when the test says so, and not before: the change shows meanwhile.
        if (refuse) return new Promise<Response>((done) => (answer = () => void json(500, { error: { code: "internal", message: "the store is down" } }).then(done)));
        stored = { ...body, mail_available: false, mail_after_seconds: 0 };
        return json(200, stored);
      }
      return json(404, { error: { code: "not_found", message: url } });
    }),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  localStorage.clear(); // the chime's choice is the browser's: not the next file's
});

function SignedIn() {
  const { state } = useSession();
  return state.status === "signed-in" ? <NotificationsSection /> : null;
}

function mount() {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <SessionProvider>
        <SignedIn />
      </SessionProvider>
    </QueryClientProvider>,
  );
}

it("saves each choice at once, keeping the others", async () => {
  mount();
  const assignments = await screen.findByTestId<HTMLInputElement>("mail-assignments");
  expect(screen.getByTestId("notifications-no-mail").textContent).toMatch(/sends no email/);
  expect(assignments.checked).toBe(true);
  fireEvent.click(assignments);
  await waitFor(() => expect(screen.getByTestId("notifications-saved")).toBeTruthy());
  expect(puts).toEqual([{ mail_mentions: true, mail_assignments: false, mail_webhooks: true, language: "en" }]);
  expect(screen.queryByTestId("mail-webhooks")).toBeNull(); // an agent is never told of webhooks
  expect(screen.getByTestId<HTMLInputElement>("mail-assignments").checked).toBe(false);

  fireEvent.change(screen.getByTestId("mail-language"), { target: { value: "fr" } });
  await waitFor(() => expect(puts).toHaveLength(2));
  expect(puts[1]).toEqual({ mail_mentions: true, mail_assignments: false, mail_webhooks: true, language: "fr" });
  await waitFor(() => expect(screen.getByTestId<HTMLSelectElement>("mail-language").value).toBe("fr"));
});

it("says the server's wait before a mail", async () => {
  stored = { ...stored, mail_available: true, mail_after_seconds: 1800 };
  mount();
  expect(await screen.findByText("By email, when you have not seen it within 30 minutes")).toBeTruthy();
  expect(screen.queryByTestId("notifications-no-mail")).toBeNull();
});

it("offers an owner the mails of disabled webhooks", async () => {
  role = "owner";
  mount();
  fireEvent.click(await screen.findByTestId("mail-webhooks"));
  await waitFor(() => expect(puts).toEqual([{ mail_mentions: true, mail_assignments: true, mail_webhooks: false, language: "en" }]));
});

it("shows a change at once and puts it back when the server refuses it", async () => {
  refuse = true;
  mount();
  const mentions = await screen.findByTestId<HTMLInputElement>("mail-mentions");
  fireEvent.click(mentions);
  await waitFor(() => expect(screen.getByTestId<HTMLInputElement>("mail-mentions").checked).toBe(false));
  answer();
  await screen.findByText("the store is down");
  expect(screen.getByTestId<HTMLInputElement>("mail-mentions").checked).toBe(true);
});

it("keeps the chime's choice in this browser", async () => {
  mount();
  const sound = await screen.findByTestId<HTMLInputElement>("notification-sound");
  expect(sound.checked).toBe(false);
  fireEvent.click(sound);
  expect(soundOn()).toBe(true);
  expect(puts).toEqual([]); // not the account's
  cleanup();
  mount();
  expect((await screen.findByTestId<HTMLInputElement>("notification-sound")).checked).toBe(true);
});
