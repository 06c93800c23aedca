// Forgot your password, against a node that mails through a local SMTP
// sink: from the sign-in page a person asks for a link, the mail arrives
// with it, the link's page takes the new password twice, and the person
// signs in with it; the old password and the used link no longer work.
// Asked from the app in French, the mail is in French.
// Screenshot: reset-password-light.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { newUser, screenshot, signIn, PASSWORD } from "./harness.mjs";
import { mailingFixture } from "./smtp-sink.mjs";

const mailing = mailingFixture(before, after);
const f = mailing.f;

test("a person who forgot their password sets a new one through the mailed link", async () => {
  const s = f.server;
  const agent = await s.createAgent({ name: "Rita Reset", busy: false });
  const u = await newUser(f.browser, { name: "the forgetful agent" });
  await u.page.goto(s.url + "/");
  await u.page.getByLabel("Email").fill(agent.email);
  await u.page.getByTestId("forgot-link").click();
  assert.equal(await u.page.getByTestId("forgot-email").inputValue(), agent.email, "the email typed is kept");
  await u.page.getByTestId("forgot-submit").click();
  await u.page.locator('[data-testid="forgot-outcome"][data-outcome="sent"]').waitFor();

  const mail = await mailing.sink.waitFor((m) => m.to.includes(agent.email), `the reset mail to ${agent.email}`);
  assert.match(mail.raw, /^Subject: Reset your Switchboard password\r$/m);
  const link = new RegExp(`${s.url.replace(/[.]/g, "\\.")}/reset-password/pwr_[A-Za-z0-9_-]{20,}`).exec(mail.text)?.[0];
  assert.ok(link, `a link to this server's /reset-password/<token> in:\n${mail.text}`);

  await u.page.goto(link);
  await u.page.getByTestId("reset-password-input").fill("rita-new-password");
  await u.page.getByTestId("reset-password-again").fill("rita-new-password");
  await screenshot(u.page, "reset-password", "light");
  await u.page.getByTestId("reset-submit").click();
  await u.page.getByTestId("reset-done").waitFor();
  await u.page.getByTestId("reset-to-sign-in").click();
  await signIn(u.page, s.url, agent.email, "rita-new-password");

  const old = await fetch(s.url + "/api/v1/auth/login", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: agent.email, password: PASSWORD }),
  });
  assert.equal(old.status, 401, "the old password opens nothing");

  // The link, used, says so.
  const again = await newUser(f.browser, { name: "the link reused" });
  again.allow(404, /^\/api\/v1\/auth\/password-reset\/confirm$/);
  await again.page.goto(link);
  await again.page.getByTestId("reset-password-input").fill("another-password");
  await again.page.getByTestId("reset-password-again").fill("another-password");
  await again.page.getByTestId("reset-submit").click();
  await again.page.locator('[data-testid="reset-error"][data-code="invalid"]').waitFor();
  u.assertClean();
  again.assertClean();
});

test("asked from the app in French, the reset mail is in French", async () => {
  const s = f.server;
  const agent = await s.createAgent({ name: "Rémi Reset", busy: false });
  const u = await newUser(f.browser, { name: "the French agent", lang: "fr" });
  await u.page.goto(s.url + "/");
  await u.page.getByLabel("E-mail").fill(agent.email);
  await u.page.getByTestId("forgot-link").click();
  await u.page.getByTestId("forgot-submit").click();
  await u.page.locator('[data-testid="forgot-outcome"][data-outcome="sent"]').waitFor();
  const mail = await mailing.sink.waitFor((m) => m.to.includes(agent.email), `the reset mail to ${agent.email}`);
  assert.match(mail.text, /^Bonjour Rémi Reset,\r?$/m);
  assert.match(mail.text, /Pour choisir un nouveau mot de passe, ouvrez ce lien dans l'heure :/);
  u.assertClean();
});
