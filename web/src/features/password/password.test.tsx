// Forgot your password: the form says the same thing for every email, or
// that the server sends no mail; the reset page asks for the password
// twice, sets it with the link's token, and says plainly when the link
// no longer works.
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import i18n from "../../lib/i18n";
import { SessionProvider } from "../../lib/session";
import { ForgotPassword } from "./ForgotPassword";
import ResetPassword from "./ResetPassword";
import { json } from "../../test/http";

interface Call {
  method: string;
  url: string;
  body?: Record<string, unknown>;
}
let calls: Call[] = [];
let answer: { status: number; body: unknown } = { status: 202, body: { message: "sent" } };

beforeEach(() => {
  calls = [];
  answer = { status: 202, body: { message: "sent" } };
  vi.stubGlobal(
    "fetch",
    vi.fn((url: string, init: RequestInit = {}) => {
      const body = typeof init.body === "string" ? (JSON.parse(init.body) as Record<string, unknown>) : undefined;
      calls.push({ method: init.method ?? "GET", url, body });
      if (url === "/api/v1/me") return json(401, { error: { code: "unauthorized", message: "sign in" } });
      return json(answer.status, answer.body);
    }),
  );
});

afterEach(async () => {
  cleanup();
  vi.unstubAllGlobals();
  await i18n.changeLanguage("en");
});

it("a request for a link says the same for any email, and keeps the email typed at sign-in", async () => {
  const back = vi.fn();
  render(<ForgotPassword email="ana@acme.test" onBack={back} />);
  expect(screen.getByLabelText("Email")).toHaveProperty("value", "ana@acme.test");
  fireEvent.click(screen.getByRole("button", { name: "Send the link" }));
  expect(await screen.findByRole("status")).toHaveProperty(
    "textContent",
    "If an account exists for ana@acme.test, we sent it a link to choose a new password. It works once, within the hour.",
  );
  expect(calls).toEqual([{ method: "POST", url: "/api/v1/auth/password-reset", body: { email: "ana@acme.test", language: "en" } }]);
  fireEvent.click(screen.getByRole("button", { name: "Back to sign in" }));
  expect(back).toHaveBeenCalled();
});

it("the link is asked for in the language shown, for its mail", async () => {
  await i18n.changeLanguage("fr");
  render(<ForgotPassword email="ana@acme.test" onBack={() => {}} />);
  fireEvent.click(screen.getByRole("button", { name: "Envoyer le lien" }));
  await screen.findByRole("status");
  expect(calls).toEqual([{ method: "POST", url: "/api/v1/auth/password-reset", body: { email: "ana@acme.test", language: "fr" } }]);
});

it("a server that sends no mail sends the person to its operator", async () => {
  answer = { status: 409, body: { error: { code: "mail_not_configured", message: "this server sends no mail" } } };
  render(<ForgotPassword email="ana@acme.test" onBack={() => {}} />);
  fireEvent.click(screen.getByRole("button", { name: "Send the link" }));
  expect((await screen.findByRole("status")).textContent).toContain("Ask the server's operator");
});

it("too many requests say so, and keep the form", async () => {
  answer = { status: 429, body: { error: { code: "rate_limited", message: "too many password-reset requests for this email; try again later" } } };
  render(<ForgotPassword email="ana@acme.test" onBack={() => {}} />);
  fireEvent.click(screen.getByRole("button", { name: "Send the link" }));
  expect(await screen.findByRole("alert")).toHaveProperty("textContent", "too many password-reset requests for this email; try again later");
  expect(screen.getByLabelText("Email")).toBeTruthy();
});

function renderReset() {
  render(
    <SessionProvider>
      <MemoryRouter initialEntries={["/reset-password/pwr_abc"]}>
        <ResetPassword />
      </MemoryRouter>
    </SessionProvider>,
  );
}

function choose(password: string, again: string) {
  fireEvent.change(screen.getByLabelText(/^New password$/), { target: { value: password } });
  fireEvent.change(screen.getByLabelText("New password, again"), { target: { value: again } });
  fireEvent.click(screen.getByRole("button", { name: "Set the password" }));
}

it("the reset page sets the password typed twice alike, then sends the person to sign in", async () => {
  answer = { status: 200, body: { ended: 2 } };
  renderReset();
  choose("battery staple", "battery stapel");
  expect(await screen.findByRole("alert")).toHaveProperty("textContent", "The two passwords differ");
  expect(calls.filter((c) => c.url.startsWith("/api/v1/auth/password-reset"))).toEqual([]);
  choose("battery staple", "battery staple");
  expect(await screen.findByText("Your password is set")).toBeTruthy();
  expect(calls.filter((c) => c.url.startsWith("/api/v1/auth/password-reset"))).toEqual([
    { method: "POST", url: "/api/v1/auth/password-reset/confirm", body: { token: "pwr_abc", password: "battery staple" } },
  ]);
  expect(screen.getByRole("link", { name: "Go to sign in" }).getAttribute("href")).toBe("/");
});

it("a link used or replaced says so, with what to do", async () => {
  answer = { status: 404, body: { error: { code: "password_reset_invalid", message: "this password-reset link does not work" } } };
  renderReset();
  choose("battery staple", "battery staple");
  expect(await screen.findByText("This link does not work")).toBeTruthy();
  expect(screen.getByText(/Ask for a new one from the sign-in page/)).toBeTruthy();
});
