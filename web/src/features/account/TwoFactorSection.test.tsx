// Two-factor sign-in on the account page: set up with the password, the
// QR code and the app's first code, then the recovery codes shown until
// kept; on, new codes or off each ask the password and a code, and the
// server's refusal shows under the field it names.
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import "../../lib/i18n";
import { SessionProvider, useSession } from "../../lib/session";
import { TwoFactorSection } from "./TwoFactorSection";
import { json, noContent } from "../../test/http";

let on: boolean;
let calls: string[];
const codes = ["aaaaa-bbbbb", "ccccc-ddddd"];

beforeEach(() => {
  on = false;
  calls = [];
  vi.stubGlobal(
    "fetch",
    vi.fn((url: string, init: RequestInit = {}) => {
      const method = init.method ?? "GET";
      if (url === "/api/v1/me")
        return json(200, { role: "agent", workspace: { id: 1, name: "Acme", timezone: "UTC" }, user: { id: 2, name: "Al", team_ids: [] },
          account: { id: 5, email: "al@acme.test", name: "Al", two_factor: on, recovery_codes_left: on ? 7 : 0 } });
      if (url === "/api/v1/auth/csrf") return json(200, { csrf_token: "t" });
      const body = init.body ? (JSON.parse(String(init.body)) as { password?: string; code?: string }) : {};
      calls.push(`${method} ${url} ${String(init.body ?? "")}`);
      if (url === "/api/v1/me/two-factor") {
        if (body.password !== "right") return json(422, { error: { code: "invalid", message: "is wrong", field: "password" } });
        return json(200, { secret: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", otpauth_uri: "otpauth://totp/x", qr_code: "data:image/png;base64,iVBORw0KGgo=" });
      }
      if (url === "/api/v1/me/two-factor/confirm") {
        if (body.code !== "123456") return json(422, { error: { code: "invalid", message: "is not the code", field: "code" } });
        on = true;
        return json(200, { recovery_codes: codes });
      }
      if (url === "/api/v1/me/two-factor/disable") {
        if (body.code !== "654321") return json(422, { error: { code: "invalid", message: "is wrong, expired or already used", field: "code" } });
        on = false;
        return noContent();
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
  return state.status === "signed-in" ? <TwoFactorSection /> : null;
}

function mount() {
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <SessionProvider>
        <SignedIn />
      </SessionProvider>
    </QueryClientProvider>,
  );
}

it("sets up with the password, the QR code and the first code, then shows the recovery codes until kept", async () => {
  mount();
  fireEvent.click(await screen.findByTestId("two-factor-set-up"));
  fireEvent.change(screen.getByLabelText("Your password"), { target: { value: "wrong" } });
  fireEvent.click(screen.getByRole("button", { name: "Continue" }));
  expect(await screen.findByText("Is wrong")).toBeTruthy();
  fireEvent.change(screen.getByLabelText("Your password"), { target: { value: "right" } });
  fireEvent.click(screen.getByRole("button", { name: "Continue" }));
  expect(((await screen.findByTestId("two-factor-qr")) as HTMLImageElement).src).toBe("data:image/png;base64,iVBORw0KGgo=");
  expect(screen.getByTestId("two-factor-secret").textContent).toBe("JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP");
  fireEvent.change(screen.getByLabelText("Code"), { target: { value: "111111" } });
  fireEvent.click(screen.getByTestId("two-factor-turn-on"));
  expect(await screen.findByText("Is not the code")).toBeTruthy();
  fireEvent.change(screen.getByLabelText("Code"), { target: { value: "123456" } });
  fireEvent.click(screen.getByTestId("two-factor-turn-on"));
  const shown = await screen.findByTestId("recovery-codes");
  expect(within(shown).getAllByTestId("recovery-code").map((li) => li.textContent)).toEqual(codes);
  fireEvent.click(screen.getByTestId("recovery-codes-done"));
  expect(await screen.findByText("7 recovery codes left.")).toBeTruthy();
  expect(screen.getByTestId("two-factor").dataset.on).toBe("true");
});

it("turns off with the password and a code", async () => {
  on = true;
  mount();
  fireEvent.click(await screen.findByTestId("two-factor-turn-off"));
  fireEvent.change(screen.getByLabelText("Your password"), { target: { value: "right" } });
  fireEvent.change(screen.getByLabelText("Code"), { target: { value: "000000" } });
  fireEvent.click(screen.getByTestId("two-factor-check-submit"));
  expect(await screen.findByText("Is wrong, expired or already used")).toBeTruthy();
  fireEvent.change(screen.getByLabelText("Code"), { target: { value: "654321" } });
  fireEvent.click(screen.getByTestId("two-factor-check-submit"));
  expect(await screen.findByText("Off: your password alone signs you in.")).toBeTruthy();
  expect(calls.at(-1)).toBe('POST /api/v1/me/two-factor/disable {"password":"right","code":"654321"}');
});
