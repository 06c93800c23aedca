// Two-factor sign-in as a member turns it on: on the account page the
// password, then a QR code (and its key, which the test types into its
// own authenticator: RFC 6238 computed here), the app's first code, and
// the recovery codes shown once. Signing in then asks the code after the
// password; a recovery code works in its place, once. A workspace that
// requires it sends a member without it to set it up before anything
// else. Screenshots `account-two-factor`, `account-recovery-codes`,
// `sign-in-code` and `two-factor-gate` (light).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { fixture, newUser, owner, screenshot, signIn, until } from "./harness.mjs";

const f = fixture(before, after, { workflows: false });

/** totp is an authenticator's code of a base32 key at a time (ms). */
function totp(key, at = Date.now()) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const ch of key.replace(/\s+/g, "").toUpperCase()) bits += alphabet.indexOf(ch).toString(2).padStart(5, "0");
  const raw = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30_000)));
  const sum = createHmac("sha1", raw).update(counter).digest();
  const off = sum[19] & 15;
  return String((sum.readUInt32BE(off) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

/** signOut signs the page out from the avatar's menu. */
async function signOut(page) {
  await page.getByTestId("user-menu").click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await page.getByLabel("Email", { exact: true }).waitFor();
}

test("a member turns two-factor sign-in on; signing in then asks the app's code or a recovery code", async () => {
  const s = f.server;
  const agent = await s.createAgent({ name: "Tess Twofactor", teams: ["Support"] });
  const me = await newUser(f.browser, { name: "the agent", viewport: { width: 1280, height: 1000 } });
  const { page } = me;
  await signIn(page, s.url, agent.email, agent.password, "/account");

  const section = page.getByTestId("two-factor");
  await section.getByTestId("two-factor-set-up").click();
  await section.getByLabel("Your password").fill(agent.password);
  await section.getByRole("button", { name: "Continue" }).click();
  const qr = section.getByTestId("two-factor-qr");
  await qr.waitFor();
  await until(async () => (await qr.evaluate((img) => (img.complete ? img.naturalWidth : 0))) > 100, { what: "the QR code's image decoded" });
  const key = (await section.getByTestId("two-factor-secret").innerText()).replace(/\s+/g, "");
  assert.match(key, /^[A-Z2-7]{32}$/);
  await section.getByLabel("Code").fill(totp(key));
  await screenshot(page, "account-two-factor", "light", { locator: page.locator("section", { has: section }) });
  await section.getByTestId("two-factor-turn-on").click();
  await section.getByTestId("recovery-codes").waitFor();
  const codes = await section.getByTestId("recovery-code").allInnerTexts();
  assert.equal(codes.length, 10);
  assert.ok(codes.every((c) => /^[a-z2-7]{5}-[a-z2-7]{5}$/.test(c)), codes.join(" "));
  await screenshot(page, "account-recovery-codes", "light", { locator: page.locator("section", { has: section }) });
  await section.getByTestId("recovery-codes-done").click();
  await section.getByText("10 recovery codes left.").waitFor();
  assert.equal(await section.getAttribute("data-on"), "true");

  // Signing in: the code after the password (the app's next one: the
  // first was spent turning it on).
  await signOut(page);
  me.allow(401, /^\/api\/v1\/auth\/session$/);
  await page.getByLabel("Email", { exact: true }).fill(agent.email);
  await page.getByLabel("Password", { exact: true }).fill(agent.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  const code = page.getByTestId("sign-in-code");
  await code.waitFor();
  await screenshot(page, "sign-in-code", "light");
  await code.fill(totp(key, Date.now() + 30_000));
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("availability-switch").waitFor();

  // A recovery code in place of the app's, once.
  await signOut(page);
  for (const [i, want] of [
    [0, "in"],
    [1, "refused"],
  ]) {
    await page.getByLabel("Email", { exact: true }).fill(agent.email);
    await page.getByLabel("Password", { exact: true }).fill(agent.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await code.waitFor();
    await code.fill(codes[3]);
    await page.getByRole("button", { name: "Sign in" }).click();
    if (want === "in") {
      await page.getByTestId("availability-switch").waitFor();
      await page.goto(s.url + "/account");
      await section.getByText("9 recovery codes left.").waitFor();
      await signOut(page);
    } else {
      await page.getByRole("alert").filter({ hasText: "That code is wrong, expired or already used" }).waitFor();
      assert.equal(i, 1);
    }
  }
  await until(async () => (await page.getByTestId("availability-switch").count()) === 0, { what: "still signed out" });
  me.assertClean();
  await me.close();
});

test("a workspace that requires two-factor sign-in sends a member without it to set it up first", async () => {
  const s = f.server;
  const agent = await s.createAgent({ name: "Gus Gate", teams: ["Support"] });
  await s.api("PATCH", "/api/v1/workspace", { require_two_factor: true });
  const me = await newUser(f.browser, { name: "the agent", viewport: { width: 1280, height: 900 } });
  const { page } = me;
  await page.goto(s.url + "/inbox/all");
  await page.getByLabel("Email", { exact: true }).fill(agent.email);
  await page.getByLabel("Password", { exact: true }).fill(agent.password);
  await page.getByRole("button", { name: "Sign in" }).click();

  // The gate, not the inbox: the set-up, and a way out.
  const gate = page.getByTestId("two-factor-gate");
  await gate.getByText("requires two-factor sign-in of its members").waitFor();
  assert.equal(await page.getByTestId("availability-switch").count(), 0, "no inbox, no presence behind the gate");
  const section = gate.getByTestId("two-factor");
  await section.getByTestId("two-factor-set-up").click();
  await section.getByLabel("Your password").fill(agent.password);
  await section.getByRole("button", { name: "Continue" }).click();
  const key = (await section.getByTestId("two-factor-secret").innerText()).replace(/\s+/g, "");
  await section.getByLabel("Code").fill(totp(key));
  await screenshot(page, "two-factor-gate", "light");
  await section.getByTestId("two-factor-turn-on").click();
  await section.getByTestId("recovery-codes").waitFor();
  assert.equal(await gate.count(), 1, "the gate stays while the codes are shown");
  await section.getByTestId("recovery-codes-done").click();
  await page.getByTestId("availability-switch").waitFor(); // the app, at last
  await s.api("PATCH", "/api/v1/workspace", { require_two_factor: false });
  me.assertClean();
  await me.close();
});

test("an owner without two-factor sign-in is told to turn theirs on before requiring it", async () => {
  const s = f.server;
  const u = await newUser(f.browser, { name: "the owner" });
  const { page } = u;
  const ow = owner(s);
  await signIn(page, s.url, ow.email, ow.password, "/settings/workspace");
  const form = page.getByRole("form", { name: "Security" });
  await form.getByTestId("require-two-factor").check();
  u.allow(422, /^\/api\/v1\/workspace$/);
  await form.getByTestId("security-save").click();
  await form.getByRole("alert").filter({ hasText: "turn on your own two-factor sign-in first" }).waitFor();
  await screenshot(page, "settings-security", "light", { locator: page.locator("section", { has: form }) });
  assert.equal((await s.api("GET", "/api/v1/workspace")).require_two_factor, false);
  u.assertClean();
  await u.close();
});
