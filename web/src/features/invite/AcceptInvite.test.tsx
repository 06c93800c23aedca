// The invitation page says the server's refusals of an accept in the
// reader's language (the server writes them in English): a wrong password
// of an existing account, a member already, too many tries, and each
// field's rule; a refusal it does not know is the server's own message.
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import i18n from "../../lib/i18n";
import { SessionProvider } from "../../lib/session";
import AcceptInvite from "./AcceptInvite";
import { json } from "../../test/http";

// What the accept answers, set by each test.
let refusal: { status: number; error: Record<string, unknown> };
// The invitation's language, in the preview (none: a server before it said it).
let invitationLanguage: string | undefined;

beforeEach(() => {
  vi.stubGlobal(
    "fetch",
    vi.fn((url: string) => {
      if (url === "/api/v1/me") return json(401, { error: { code: "unauthorized", message: "sign in" } });
      if (url === "/api/v1/invitations/preview")
        return json(200, { workspace_name: "Acme", email: "bea@example.com", role: "agent", has_account: true, language: invitationLanguage });
      if (url === "/api/v1/invitations/accept") return json(refusal.status, { error: refusal.error });
      return json(404, { error: { code: "not_found", message: "no" } });
    }),
  );
});

afterEach(async () => {
  cleanup();
  invitationLanguage = undefined;
  localStorage.removeItem("switchboard.lang");
  await i18n.changeLanguage("en");
});

function open() {
  render(
    <MemoryRouter initialEntries={["/invite/inv_abc"]}>
      <SessionProvider>
        <AcceptInvite />
      </SessionProvider>
    </MemoryRouter>,
  );
}

async function accept(lang: string, status: number, error: Record<string, unknown>) {
  await i18n.changeLanguage(lang);
  refusal = { status, error };
  open();
  fireEvent.change(await screen.findByTestId("invite-password"), { target: { value: "a password" } });
  fireEvent.submit(screen.getByTestId("invite-submit").closest("form")!);
}

it.each([
  ["fr", 401, "account_password", /Ce n'est pas le mot de passe de ce compte/],
  ["fr", 409, "already_member", /Vous êtes déjà membre de cet espace de travail/],
  ["fr", 429, "rate_limited", /Trop d'essais/],
  ["en", 409, "account_created_meanwhile", /created meanwhile\. Open the link again/],
  ["fr", 409, "account_without_password", /n'a pas de mot de passe/],
  ["en", 401, "two_factor_invalid", /That code is wrong, expired or already used/],
])("in %s, %i %s is said in that language", async (lang, status, code, want) => {
  await accept(lang, status, { code, message: "the server's English" });
  expect((await screen.findByTestId("invite-form-error")).textContent).toMatch(want);
});

it("asks an account's second factor when the server does, and sends it", async () => {
  await accept("en", 401, { code: "two_factor_required", message: "enter the code" });
  const code = await screen.findByTestId("invite-code");
  expect(screen.queryByTestId("invite-form-error")).toBeNull();
  const fetched = vi.mocked(fetch);
  fetched.mockClear();
  fireEvent.change(code, { target: { value: "123 456" } });
  fireEvent.submit(screen.getByTestId("invite-submit").closest("form")!);
  await vi.waitFor(() => expect(fetched.mock.calls.some(([u]) => u === "/api/v1/invitations/accept")).toBe(true));
  const [, init] = fetched.mock.calls.find(([u]) => u === "/api/v1/invitations/accept")!;
  expect(JSON.parse(String(init!.body))).toMatchObject({ token: "inv_abc", password: "a password", code: "123 456" });
});

it("says a field's rule next to the field, in the reader's language", async () => {
  await accept("fr", 422, { code: "invalid", field: "name", message: "is required" });
  expect(await screen.findByText("Saisissez votre nom.")).toBeTruthy();
  expect(screen.getByTestId("invite-name").getAttribute("aria-invalid")).toBe("true");
  expect(screen.queryByTestId("invite-form-error")).toBeNull();
});

it("shows the server's own message for a refusal it does not know", async () => {
  await accept("fr", 409, { code: "something_new", message: "a reason added later" });
  expect((await screen.findByTestId("invite-form-error")).textContent).toBe("a reason added later");
});

it("speaks the invitation's language when the browser has none chosen, and keeps it once joined", async () => {
  invitationLanguage = "fr";
  refusal = { status: 200, error: {} };
  open();
  expect(await screen.findByText("Rejoindre Acme")).toBeTruthy();
  expect(localStorage.getItem("switchboard.lang")).toBeNull(); // shown, not chosen
  fireEvent.change(screen.getByTestId("invite-password"), { target: { value: "a password" } });
  fireEvent.submit(screen.getByTestId("invite-submit").closest("form")!);
  await vi.waitFor(() => expect(localStorage.getItem("switchboard.lang")).toBe("fr"));
});

it("keeps the language chosen on this browser over the invitation's", async () => {
  localStorage.setItem("switchboard.lang", "en");
  invitationLanguage = "fr";
  open();
  expect(await screen.findByText("Join Acme")).toBeTruthy();
  expect(i18n.language).toBe("en");
});
