// Blocking from a contact's page: the confirmation says what it does
// before the one button that does it; blocked, the notice says since when
// and by whom, and Unblock takes it back.
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { QueryClient, QueryClientProvider, useQuery } from "@tanstack/react-query";
import "../../lib/i18n";
import { api } from "../../lib/api";
import { qk } from "../../lib/queryKeys";
import { SessionProvider, useSession } from "../../lib/session";
import type { ContactDetail } from "../../lib/types";
import { BlockButton, BlockedNotice } from "./BlockContact";
import { json } from "../../test/http";

let blockedAt: string | undefined;
let calls: string[];

const contact = (): ContactDetail =>
  ({
    id: 7, workspace_id: 1, first_name: "Spam", last_name: "Bot", phone: "", email: "", language: "", country: "", avatar_url: "", lifecycle_stage: "",
    fields: {}, tags: [], identities: [], created_at: "2026-01-01T00:00:00Z", updated_at: "2026-01-01T00:00:00Z",
    ...(blockedAt ? { blocked_at: blockedAt, blocked_by: 2 } : {}),
  }) as ContactDetail;

beforeEach(() => {
  blockedAt = undefined;
  calls = [];
  vi.stubGlobal(
    "fetch",
    vi.fn((url: string, init: RequestInit = {}) => {
      const method = init.method ?? "GET";
      if (url === "/api/v1/me")
        return json(200, { role: "agent", workspace: { id: 1, name: "Acme", timezone: "UTC" }, user: { id: 2, name: "Al", team_ids: [] },
          account: { id: 5, email: "al@acme.test", name: "Al" } });
      if (url === "/api/v1/auth/csrf") return json(200, { csrf_token: "t" });
      if (url.startsWith("/api/v1/users")) return json(200, { data: [{ id: 2, name: "Al Agent" }], next_cursor: "" });
      if (url === "/api/v1/contacts/7") return json(200, contact());
      if (method === "POST") {
        calls.push(`${method} ${url}`);
        blockedAt = url.endsWith("/block") ? "2026-03-02T09:30:00Z" : undefined;
        return json(200, contact());
      }
      return json(404, { error: { code: "not_found", message: url } });
    }),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function Page() {
  const c = useQuery({ queryKey: qk.contact(7), queryFn: () => api.get<ContactDetail>("/api/v1/contacts/7") }).data;
  return c ? (
    <>
      <BlockButton contact={c} />
      <BlockedNotice contact={c} />
    </>
  ) : null;
}

function SignedIn() {
  const { state } = useSession();
  return state.status === "signed-in" ? <Page /> : null;
}

it("asks before blocking, then says who blocked them and since when, and unblocks", async () => {
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <SessionProvider>
        <SignedIn />
      </SessionProvider>
    </QueryClientProvider>,
  );
  fireEvent.click(await screen.findByTestId("contact-block"));
  const dialog = screen.getByTestId("contact-block-dialog");
  expect(dialog.textContent).toContain("Block Spam Bot?");
  expect(dialog.textContent).toContain("Their open conversation closes.");
  expect(calls).toEqual([]); // nothing yet
  fireEvent.click(screen.getByTestId("contact-block-confirm"));
  const notice = await screen.findByTestId("contact-blocked");
  expect(notice.textContent).toMatch(/^Blocked by Al Agent since .*2026.*\. Their messages open no conversation\.Unblock$/);
  expect(screen.queryByTestId("contact-block-dialog")).toBeNull();
  expect(screen.queryByTestId("contact-block")).toBeNull(); // blocked: nothing to block
  expect(calls).toEqual(["POST /api/v1/contacts/7/block"]);

  fireEvent.click(screen.getByTestId("contact-unblock"));
  expect(await screen.findByTestId("contact-block")).toBeTruthy();
  expect(screen.queryByTestId("contact-blocked")).toBeNull();
  expect(calls).toEqual(["POST /api/v1/contacts/7/block", "POST /api/v1/contacts/7/unblock"]);
});
