// The main navigation offers Broadcasts to owners and managers only: the
// API answers agents 403, so an agent is not shown a page they cannot use.
import { afterEach, expect, it, vi } from "vitest";
import { cleanup, render, screen } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { MemoryRouter } from "react-router";
import "../../lib/i18n";
import { SessionProvider, useSession } from "../../lib/session";
import { ToastProvider } from "../../lib/ui/toast";
import { Header } from "../../app/Header";
import { json } from "../../test/http";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function SignedIn() {
  const { state } = useSession();
  return state.status === "signed-in" ? <Header /> : null;
}

function mount(role: string) {
  localStorage.setItem("switchboard.theme", "light"); // jsdom has no matchMedia
  vi.stubGlobal(
    "fetch",
    vi.fn((url: string) =>
      url === "/api/v1/me"
        ? json(200, { role, workspace: { id: 1, name: "Acme", timezone: "UTC" }, user: { id: 3, name: "Ana", team_ids: [] } })
        : json(200, { data: [], next_cursor: "", unread: 0 }),
    ),
  );
  render(
    <QueryClientProvider client={new QueryClient()}>
      <ToastProvider>
        <SessionProvider>
          <MemoryRouter initialEntries={["/inbox/all"]}>
            <SignedIn />
          </MemoryRouter>
        </SessionProvider>
      </ToastProvider>
    </QueryClientProvider>,
  );
}

it.each(["owner", "manager"])("shows Broadcasts to an %s", async (role) => {
  mount(role);
  const link = await screen.findByRole("link", { name: "Broadcasts" });
  expect(link.getAttribute("href")).toBe("/broadcasts");
});

it("hides Broadcasts from an agent", async () => {
  mount("agent");
  await screen.findByRole("link", { name: "Contacts" });
  expect(screen.queryByRole("link", { name: "Broadcasts" })).toBeNull();
});
