// Signing in: a person in one workspace goes straight in; a person in
// several picks one, and the second request names it; a wrong password
// says so and keeps the form. The CSRF token of the answer is what the
// app's next change sends.
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import "../lib/i18n";
import { SessionProvider, useSession } from "../lib/session";
import { api } from "../lib/api";
import { SignIn } from "./SignIn";
import { json } from "../test/http";

interface Call {
  method: string;
  url: string;
  body?: Record<string, unknown>;
  csrf?: string;
}
let calls: Call[] = [];
let signedIn = false;

beforeEach(() => {
  calls = [];
  signedIn = false;
  vi.stubGlobal(
    "fetch",
    vi.fn((url: string, init: RequestInit = {}) => {
      const method = init.method ?? "GET";
      const headers = (init.headers ?? {}) as Record<string, string>;
      const body = typeof init.body === "string" ? (JSON.parse(init.body) as Record<string, unknown>) : undefined;
      calls.push({ method, url, body, csrf: headers["X-CSRF-Token"] });
      if (url === "/api/v1/me") {
        return signedIn
          ? json(200, { role: "agent", workspace: { id: 2, name: "Beta" }, user: { id: 9, name: "Ana" } })
          : json(401, { error: { code: "unauthorized", message: "sign in" } });
      }
      if (url === "/api/v1/auth/csrf") return json(200, { csrf_token: "csrf-beta" });
      if (url === "/api/v1/auth/session") {
        if (body?.password === "deactivated") {
          return json(401, {
            error: { code: "user_deactivated", message: "this user is deactivated; an owner or manager can reactivate them" },
          });
        }
        if (body?.password === "second factor") {
          // An account with a second factor: its code is asked, then checked.
          if (!body.code) return json(401, { error: { code: "two_factor_required", message: "enter the code" } });
          if (body.code !== "123456") return json(401, { error: { code: "two_factor_invalid", message: "the code is wrong" } });
          signedIn = true;
          return json(200, { user: { id: 9 }, csrf_token: "csrf-beta" });
        }
        if (body?.password !== "right") return json(401, { error: { code: "unauthorized", message: "wrong email or password" } });
        if (body.workspace_id === 1) {
          return json(429, { error: { code: "rate_limited", message: "too many failed sign-ins from your address; try again later" } });
        }
        if (!body.workspace_id) {
          return json(200, {
            workspaces: [
              { id: 1, name: "Acme", role: "owner", user_id: 3 },
              { id: 2, name: "Beta", role: "agent", user_id: 9 },
            ],
          });
        }
        signedIn = true;
        return json(200, { user: { id: 9 }, csrf_token: "csrf-beta" });
      }
      return json(200, {});
    }),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function Probe() {
  const { state } = useSession();
  return state.status === "signed-in" ? <p>in {state.me.workspace.name}</p> : <SignIn expired={false} />;
}

function fill(password: string) {
  fireEvent.change(screen.getByLabelText("Email"), { target: { value: "ana@acme.test" } });
  fireEvent.change(screen.getByLabelText("Password"), { target: { value: password } });
  fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
}

it("a wrong password says so and keeps the form", async () => {
  render(
    <SessionProvider>
      <Probe />
    </SessionProvider>,
  );
  await screen.findByLabelText("Email");
  fill("wrong");
  expect(await screen.findByRole("alert")).toHaveProperty("textContent", "Wrong email or password");
  expect(screen.getByLabelText("Password")).toBeTruthy();
});

it("a person in several workspaces picks one, then is signed in to it", async () => {
  render(
    <SessionProvider>
      <Probe />
    </SessionProvider>,
  );
  await screen.findByLabelText("Email");
  fill("right");
  fireEvent.click(await screen.findByRole("button", { name: "Beta" }));
  await screen.findByText("in Beta");
  const signIns = calls.filter((c) => c.url === "/api/v1/auth/session");
  expect(signIns.map((c) => c.body?.workspace_id)).toEqual([undefined, 2]);
  // The session's CSRF token goes with the next change.
  await api.post("/api/v1/me/views", { name: "x" });
  await waitFor(() => expect(calls.at(-1)).toMatchObject({ method: "POST", url: "/api/v1/me/views", csrf: "csrf-beta" }));
});

it("an account with a second factor is asked its code, and told when it is wrong", async () => {
  render(
    <SessionProvider>
      <Probe />
    </SessionProvider>,
  );
  await screen.findByLabelText("Email");
  fill("second factor");
  const code = await screen.findByLabelText("Authentication code");
  expect(screen.queryByRole("alert")).toBeNull();
  fireEvent.change(code, { target: { value: "654321" } });
  fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
  expect(await screen.findByRole("alert")).toHaveProperty(
    "textContent",
    "That code is wrong, expired or already used: enter the newest code of your authenticator app.",
  );
  fireEvent.change(screen.getByLabelText("Authentication code"), { target: { value: "123456" } });
  fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
  await screen.findByText("in Beta");
  const signIns = calls.filter((c) => c.url === "/api/v1/auth/session");
  expect(signIns.map((c) => c.body?.code)).toEqual([undefined, "654321", "123456"]);
});

it("a deactivated person with the right password is told so, not that it is wrong", async () => {
  render(
    <SessionProvider>
      <Probe />
    </SessionProvider>,
  );
  await screen.findByLabelText("Email");
  fill("deactivated");
  expect(await screen.findByRole("alert")).toHaveProperty(
    "textContent",
    "Your access to this workspace was deactivated: an owner or manager can reactivate you",
  );
});

it("a refused choice of workspace says why and keeps the list", async () => {
  render(
    <SessionProvider>
      <Probe />
    </SessionProvider>,
  );
  await screen.findByLabelText("Email");
  fill("right");
  fireEvent.click(await screen.findByRole("button", { name: "Acme" }));
  expect(await screen.findByRole("alert")).toHaveProperty(
    "textContent",
    "too many failed sign-ins from your address; try again later",
  );
  expect(screen.getByRole("button", { name: "Beta" })).toBeTruthy();
});

it("Forgot your password? opens the request for a link with the email typed", async () => {
  render(
    <SessionProvider>
      <Probe />
    </SessionProvider>,
  );
  fireEvent.change(await screen.findByLabelText("Email"), { target: { value: "ana@acme.test" } });
  fireEvent.click(screen.getByRole("button", { name: "Forgot your password?" }));
  expect(await screen.findByRole("heading", { name: "Reset your password" })).toBeTruthy();
  expect(screen.getByLabelText("Email")).toHaveProperty("value", "ana@acme.test");
  fireEvent.click(screen.getByRole("button", { name: "Back to sign in" }));
  expect(await screen.findByRole("button", { name: "Sign in" })).toBeTruthy();
});
