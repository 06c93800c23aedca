// The pending invitations say how each last went by mail; Resend is
// offered where the server sends mail, in the invitation's language or,
// from the menu beside it, the other; a resend whose mail did not go shows
// its new link (the old one no longer works).
import { afterEach, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import "../../../lib/i18n";
import { SessionProvider, useSession } from "../../../lib/session";
import { ToastProvider } from "../../../lib/ui/toast";
import { PendingInvitations } from "./PendingInvitations";
import { json } from "../../../test/http";

const invitation = (id: number, email: string, mail_status: string) => ({
  id,
  email,
  role: "agent",
  team_ids: [],
  created_at: "2026-01-01T00:00:00Z",
  expires_at: "2026-01-08T00:00:00Z",
  mail_status,
  language: id === 2 ? "fr" : "en",
  ...(mail_status === "none" ? {} : { mail_status_at: "2026-01-01T00:00:00Z" }),
});

function SignedIn() {
  const { state } = useSession();
  return state.status === "signed-in" ? <PendingInvitations teamNames={new Map()} userNames={new Map()} /> : null;
}

function serve(sendsMail: boolean) {
  const resent: string[] = [];
  const bodies: unknown[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn((path: string, init: RequestInit = {}) => {
      if (path === "/api/v1/me") return json(200, { role: "owner", sends_mail: sendsMail, workspace: { id: 1, name: "Acme", timezone: "UTC" }, user: { id: 1, name: "Olga", team_ids: [] } });
      if (path === "/api/v1/auth/csrf") return json(200, { csrf_token: "t" });
      if (path.endsWith("/resend") && init.method === "POST") {
        resent.push(path);
        bodies.push(JSON.parse(String(init.body)));
        return json(200, {
          ...invitation(2, "bad@example.com", "failed"),
          url: "https://sb.example.com/invite/inv_new",
          mailed: false,
          mail_error: "the mail server refused it: 550 No such mailbox",
        });
      }
      if (path.startsWith("/api/v1/invitations"))
        return json(200, { data: [invitation(1, "ok@example.com", "sent"), invitation(2, "bad@example.com", "failed"), invitation(3, "hand@example.com", "none")], next_cursor: "" });
      return json(200, { data: [] });
    }),
  );
  render(
    <QueryClientProvider client={new QueryClient()}>
      <ToastProvider>
        <SessionProvider>
          <SignedIn />
        </SessionProvider>
      </ToastProvider>
    </QueryClientProvider>,
  );
  return { resent, bodies };
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

it("shows each invitation's mail, and a resend that did not go shows the new link", async () => {
  const { resent, bodies } = serve(true);
  const rows = await screen.findAllByTestId("invitation-row");
  expect(rows.map((r) => r.getAttribute("data-mail-status"))).toEqual(["sent", "failed", "none"]);
  expect(rows[0]!.textContent).toMatch(/mailed/);
  expect(rows[1]!.textContent).toMatch(/mail failed/);
  expect(rows[2]!.querySelector('[data-testid="invitation-mail"]')).toBeNull();
  // The language its mails go in, named in the reader's.
  expect(rows.map((r) => r.querySelector('[data-testid="invitation-language"]')?.textContent)).toEqual([" · English", " · French", " · English"]);
  fireEvent.click(screen.getByRole("button", { name: "Resend the invitation to bad@example.com" }));
  const dialog = await screen.findByTestId("resend-dialog");
  expect(resent).toEqual(["/api/v1/invitations/2/resend"]);
  expect(bodies).toEqual([{}]);
  expect(dialog.textContent).toMatch(/550 No such mailbox/);
  expect((screen.getByTestId("invite-link") as HTMLInputElement).value).toBe("https://sb.example.com/invite/inv_new");
});

it("resends in the other language from the menu beside Resend", async () => {
  const { resent, bodies } = serve(true);
  await screen.findAllByTestId("invitation-row");
  // Radix opens its menu on pointer down (jsdom has no pointer events'
  // click path) or on Enter from the keyboard.
  const caret = screen.getByRole("button", { name: "Resend the invitation to ok@example.com in another language" });
  caret.focus();
  fireEvent.keyDown(caret, { key: "Enter" });
  const items = await screen.findAllByRole("menuitem");
  // The invitation is in English: only French is offered.
  expect(items.map((i) => i.textContent)).toEqual(["Resend in French"]);
  fireEvent.click(items[0]!);
  await screen.findByTestId("resend-dialog");
  expect(resent).toEqual(["/api/v1/invitations/1/resend"]);
  expect(bodies).toEqual([{ language: "fr" }]);
});

it("offers no resend on a server that sends no mail", async () => {
  serve(false);
  await screen.findAllByTestId("invitation-row");
  expect(screen.queryByTestId("invitation-resend")).toBeNull();
  expect(screen.queryByTestId("invitation-resend-in")).toBeNull();
});
