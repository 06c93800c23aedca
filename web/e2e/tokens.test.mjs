// Settings → API tokens (owners only): a token made with scopes is shown
// once with Copy, is listed with its scopes, is refused outside them by
// the API, and is revoked.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { fixture, newUser, owner, screenshot, signIn } from "./harness.mjs";

const f = fixture(before, after);

test("an owner makes a scoped token, uses it, and revokes it", async () => {
  const s = f.server;
  const ow = owner(s);
  const o = await newUser(f.browser, { name: "the owner" });
  await signIn(o.page, s.url, ow.email, ow.password, "/settings/tokens");
  await o.page.getByTestId("settings-tokens").waitFor();
  await o.page.getByTestId("token-name").fill("CRM sync");
  await o.page.getByTestId("token-scope-read_only").check();
  await o.page.getByTestId("token-scope-contacts").check();
  await o.page.getByTestId("token-create").click();
  const secret = await o.page.getByTestId("token-secret").inputValue();
  assert.match(secret, /^sb_/);
  const tokenRow = o.page.getByTestId("token-row").filter({ hasText: "CRM sync" });
  await tokenRow.waitFor();
  assert.match(await tokenRow.innerText(), /Read only/);
  assert.match(await tokenRow.innerText(), /Contacts/);
  await screenshot(o.page, "settings-tokens", "light");

  // The API holds it to its scopes.
  await s.api("GET", "/api/v1/contacts", undefined, { token: secret });
  const refused = await fetch(s.url + "/api/v1/conversations", { headers: { Authorization: `Bearer ${secret}` } });
  assert.equal(refused.status, 403);
  assert.equal((await refused.json()).error.code, "insufficient_scope");

  // Shown once: gone after Done and a reload.
  await o.page.reload();
  await tokenRow.waitFor();
  assert.equal(await o.page.getByTestId("token-secret").count(), 0);

  await tokenRow.getByTestId("token-revoke").click();
  // The row goes at once (optimistic); the token is gone when the server
  // has answered the DELETE, which is what the request below must follow.
  const deleted = o.page.waitForResponse((r) => r.request().method() === "DELETE" && /\/api\/v1\/tokens\/\d+$/.test(new URL(r.url()).pathname));
  await tokenRow.getByTestId("token-revoke-confirm").click();
  await tokenRow.waitFor({ state: "detached" });
  assert.equal((await deleted).status(), 204);
  const gone = await fetch(s.url + "/api/v1/contacts", { headers: { Authorization: `Bearer ${secret}` } });
  assert.equal(gone.status, 401);
  o.assertClean();
  await o.close();
});

test("a manager has no API tokens section", async () => {
  const s = f.server;
  const m = await s.createAgent({ name: "Mona Manager", role: "manager", busy: false });
  const u = await newUser(f.browser, { name: "the manager" });
  await signIn(u.page, s.url, m.email, m.password, "/settings/users");
  await u.page.getByTestId("settings-users").waitFor();
  const nav = u.page.getByRole("navigation", { name: "Settings" });
  assert.equal(await nav.getByRole("link", { name: "API tokens" }).count(), 0);
  u.assertClean();
  await u.close();
});
