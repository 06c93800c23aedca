// The account page: a password changed with the current one (a wrong one
// shown under its field, two new ones that differ never sent), another
// browser's session signed out, and every session ended, this one too.
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { MemoryRouter } from "react-router";
import "../../lib/i18n";
import { SessionProvider, useSession } from "../../lib/session";
import AccountPage from "./AccountPage";
import { json, noContent } from "../../test/http";

const chromeMac = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const firefoxLinux = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
let calls: string[];
let sessions: Record<string, unknown>[];
let name: string;

beforeEach(() => {
  calls = [];
  name = "Al";
  sessions = [
    { id: 4, created_at: "2026-12-01T09:00:00Z", last_used_at: "2026-12-06T08:00:00Z", current: true, user_agent: chromeMac, client_addr: "203.0.113.7" },
    { id: 9, created_at: "2026-11-20T09:00:00Z", current: false, user_agent: firefoxLinux, client_addr: "198.51.100.2" },
  ];
  vi.stubGlobal(
    "fetch",
    vi.fn((url: string, init: RequestInit = {}) => {
      const method = init.method ?? "GET";
      if (url === "/api/v1/me") return json(200, { role: "agent", workspace: { id: 1, name: "Acme", timezone: "UTC" }, user: { id: 2, name, team_ids: [] }, account: { id: 5, email: "al@acme.test", name } });
      if (url === "/api/v1/auth/csrf") return json(200, { csrf_token: "t" });
      calls.push(`${method} ${url}` + (init.body ? " " + String(init.body) : ""));
      if (url.startsWith("/api/v1/me/sessions?")) return json(200, { data: sessions });
      if (url === "/api/v1/me/sessions/9" && method === "DELETE") {
        sessions = sessions.filter((s) => s.id !== 9);
        return noContent();
      }
      if (url === "/api/v1/me/password" && method === "PUT") {
        const body = JSON.parse(String(init.body)) as { current_password: string };
        if (body.current_password !== "old-secret") return json(422, { error: { code: "invalid", message: "is wrong", field: "current_password" } });
        return json(200, { ended: 1 });
      }
      if (url === "/api/v1/auth/logout-all" && method === "POST") return json(200, { ended: 2 });
      if (url === "/api/v1/users/2" && method === "PATCH") {
        name = (JSON.parse(String(init.body)) as { name: string }).name;
        return json(200, { id: 2, name });
      }
      return json(404, { error: { code: "not_found", message: url } });
    }),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function SignedIn() {
  const { state } = useSession();
  return state.status === "signed-in" ? <AccountPage /> : <p>signed out</p>;
}

function mount() {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <SessionProvider>
        <MemoryRouter>
          <SignedIn />
        </MemoryRouter>
      </SessionProvider>
    </QueryClientProvider>,
  );
}

const fill = (testid: string, value: string) => fireEvent.change(screen.getByTestId(testid), { target: { value } });

it("changes the password with the current one, and says which was wrong", async () => {
  mount();
  await screen.findByTestId("password-form");
  fill("password-current", "guess");
  fill("password-new", "new-secret-1");
  fill("password-again", "new-secret-2");
  expect(screen.getByText("The two passwords differ")).toBeTruthy();
  expect((screen.getByTestId("password-save") as HTMLButtonElement).disabled).toBe(true);
  fill("password-again", "new-secret-1");
  fireEvent.click(screen.getByTestId("password-save"));
  expect(await screen.findByText("Is wrong")).toBeTruthy();
  fill("password-current", "old-secret");
  fireEvent.click(screen.getByTestId("password-save"));
  expect((await screen.findByTestId("password-changed")).textContent).toBe("Password changed. 1 other session was signed out.");
  expect((screen.getByTestId("password-current") as HTMLInputElement).value).toBe("");
  expect(calls.filter((c) => c.startsWith("PUT"))).toEqual([
    `PUT /api/v1/me/password {"current_password":"guess","new_password":"new-secret-1"}`,
    `PUT /api/v1/me/password {"current_password":"old-secret","new_password":"new-secret-1"}`,
  ]);
});

it("lists the sessions, this one marked, and signs another one out", async () => {
  mount();
  const rows = await screen.findAllByTestId("session");
  expect(rows.map((r) => r.textContent)).toEqual([
    expect.stringContaining("Chrome on macOSThis browser"),
    expect.stringContaining("Firefox on Linux"),
  ]);
  expect(rows[1]!.textContent).toContain("from 198.51.100.2");
  expect(rows[0]!.querySelector('[data-testid="session-end"]')).toBeNull();
  fireEvent.click(rows[1]!.querySelector('[data-testid="session-end"]')!);
  await waitFor(() => expect(screen.getAllByTestId("session")).toHaveLength(1));
  expect(calls).toContain("DELETE /api/v1/me/sessions/9");
});

it("signs out everywhere once asked twice, this browser too", async () => {
  mount();
  await screen.findAllByTestId("session");
  fireEvent.click(screen.getByTestId("sign-out-everywhere"));
  expect(calls.some((c) => c.includes("logout-all"))).toBe(false);
  fireEvent.click(screen.getByTestId("sign-out-everywhere-confirm"));
  await screen.findByText("signed out");
  expect(calls).toContain("POST /api/v1/auth/logout-all");
});

it("renames the member, trimmed, and the session says the new name", async () => {
  mount();
  const box = (await screen.findByTestId("profile-name")) as HTMLInputElement;
  expect(box.value).toBe("Al");
  expect(screen.getByText(/You sign in with al@acme.test/)).toBeTruthy();
  expect((screen.getByTestId("profile-save") as HTMLButtonElement).disabled).toBe(true);
  fill("profile-name", "  Alma Rivera ");
  fireEvent.click(screen.getByTestId("profile-save"));
  await screen.findByTestId("profile-saved");
  expect(calls).toContain(`PATCH /api/v1/users/2 {"name":"Alma Rivera"}`);
  expect(name).toBe("Alma Rivera");
});
