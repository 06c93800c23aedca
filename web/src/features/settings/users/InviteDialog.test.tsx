// The invite dialog: on a server that sends mail it offers to mail the
// invitation (checked by default) and says whether the mail went, the link
// shown either way; on one that sends none it says the link is shared by
// hand and asks for no mail.
import { afterEach, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import i18n from "../../../lib/i18n";
import { SessionProvider, useSession } from "../../../lib/session";
import { ToastProvider } from "../../../lib/ui/toast";
import { InviteDialog } from "./InviteDialog";
import { json } from "../../../test/http";

const url = "https://sb.example.com/invite/inv_abc";

/** serve answers the dialog's requests; posts collects the invitations' bodies. */
function serve(sendsMail: boolean, answer: Record<string, unknown>) {
  const posts: Record<string, unknown>[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn((path: string, init: RequestInit = {}) => {
      if (path === "/api/v1/me")
        return json(200, { role: "owner", sends_mail: sendsMail, workspace: { id: 1, name: "Acme", timezone: "UTC" }, user: { id: 1, name: "Olga", team_ids: [] } });
      if (path === "/api/v1/auth/csrf") return json(200, { csrf_token: "t" });
      if (path === "/api/v1/invitations" && init.method === "POST") {
        const body = JSON.parse(String(init.body)) as Record<string, unknown>;
        posts.push(body);
        return json(201, {
          id: 7,
          email: body.email,
          role: "agent",
          team_ids: [],
          created_at: "2026-01-01T00:00:00Z",
          expires_at: "2026-01-08T00:00:00Z",
          url,
          ...answer,
        });
      }
      return json(200, { data: [], next_cursor: "" });
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
  return posts;
}

/** SignedIn shows the dialog once the session is loaded, as the settings page does. */
function SignedIn() {
  const { state } = useSession();
  return state.status === "signed-in" ? <InviteDialog teams={[]} onClose={() => {}} /> : null;
}

async function invite(email: string) {
  fireEvent.change(await screen.findByTestId("invite-email"), { target: { value: email } });
  fireEvent.click(screen.getByTestId("invite-submit"));
}

afterEach(async () => {
  cleanup();
  vi.unstubAllGlobals();
  await i18n.changeLanguage("en");
});

it("mails the invitation by default on a server that sends mail, and says it went", async () => {
  const posts = serve(true, { mailed: true, mail_status: "sent" });
  const box = (await screen.findByTestId("invite-send-email")) as HTMLInputElement;
  expect(box.checked).toBe(true);
  expect(screen.getByTestId("invite-submit").textContent).toBe("Send the invitation");
  await invite("nia@example.com");
  await screen.findByTestId("invite-mailed");
  expect(posts).toEqual([{ email: "nia@example.com", role: "agent", team_ids: [], send_email: true, language: "en" }]);
  expect(screen.getByTestId("invite-mailed").textContent).toMatch(/on its way to nia@example\.com/);
  expect((screen.getByTestId("invite-link") as HTMLInputElement).value).toBe(url);
  // A lost link is mailed anew, not revoked and invited again.
  expect(screen.getByText(/if it is lost, Resend mails a new one/)).toBeTruthy();
});

it("says why a mail did not go, and gives the link to share by hand", async () => {
  serve(true, { mailed: false, mail_status: "failed", mail_error: "the mail server refused it: 550 No such mailbox" });
  await invite("nobody@example.com");
  const alert = await screen.findByTestId("invite-not-mailed");
  expect(alert.getAttribute("role")).toBe("alert");
  expect(alert.textContent).toMatch(/550 No such mailbox/);
  expect((screen.getByTestId("invite-link") as HTMLInputElement).value).toBe(url);
});

it("unchecked, it only makes the link", async () => {
  const posts = serve(true, { mailed: false, mail_status: "none" });
  fireEvent.click(await screen.findByTestId("invite-send-email"));
  expect(screen.getByTestId("invite-submit").textContent).toBe("Create the link");
  await invite("hand@example.com");
  await screen.findByTestId("invite-link");
  expect(posts[0]?.send_email).toBe(false);
  expect(screen.queryByTestId("invite-not-mailed")).toBeNull();
});

it("on a server that sends no mail, says the link is shared by hand and asks for no mail", async () => {
  const posts = serve(false, { mailed: false, mail_status: "none" });
  await screen.findByTestId("invite-no-mail");
  expect(screen.queryByTestId("invite-send-email")).toBeNull();
  expect(screen.getByTestId("invite-submit").textContent).toBe("Create the link");
  await invite("hand@example.com");
  await screen.findByTestId("invite-link");
  await waitFor(() => expect(posts).toEqual([{ email: "hand@example.com", role: "agent", team_ids: [], send_email: false, language: "en" }]));
  expect(screen.getByText(/revoke the invitation and invite again if it is lost/)).toBeTruthy();
});

it("asks for the mail in the inviter's language by default", async () => {
  await i18n.changeLanguage("fr");
  const posts = serve(true, { mailed: true, mail_status: "sent", language: "fr" });
  const select = (await screen.findByLabelText("Langue de l'invitation")) as HTMLSelectElement;
  expect(select.value).toBe("fr");
  await invite("francoise@example.com");
  await screen.findByTestId("invite-mailed");
  expect(posts[0]?.language).toBe("fr");
});

it("an invitation in the other language says so in the mail's request", async () => {
  const posts = serve(true, { mailed: true, mail_status: "sent", language: "fr" });
  const select = (await screen.findByLabelText("Invitation language")) as HTMLSelectElement;
  expect(select.value).toBe("en");
  fireEvent.change(select, { target: { value: "fr" } });
  await invite("francoise@example.com");
  await screen.findByTestId("invite-mailed");
  expect(posts[0]?.language).toBe("fr");
});
