// Invitations by mail, against a node that mails through a local SMTP
// sink: the owner invites from Settings → Users with "Send the invitation
// by email" (checked by default), the dialog says it is on its way and the
// pending list says it was mailed; the mail names the workspace, who
// invited and the role, and holds the link, which the invitee opens signed
// out to join. Resend mails a new link. In French, light and dark, the
// dialog and the list have no serious accessibility violation and no
// missing key, and the mail and its resend are in French (the dialog's
// "Invitation language" defaults to the language shown).
// Screenshots: invite-mail-light (the dialog), invite-mailed-light.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { newUser, owner, screenshot, signIn, until } from "./harness.mjs";
import { mailingFixture } from "./smtp-sink.mjs";

const mailing = mailingFixture(before, after);
const f = mailing.f;

test("an owner invites by mail and the invitee joins through the mailed link", async () => {
  const s = f.server;
  const ow = owner(s);
  const me = await s.api("GET", "/api/v1/me");
  assert.equal(me.sends_mail, true, "the node says it sends mail");
  const o = await newUser(f.browser, { name: "the owner" });
  await signIn(o.page, s.url, ow.email, ow.password);
  await o.page.getByRole("link", { name: "Settings" }).click();
  await o.page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Users" }).click();
  await o.page.getByTestId("invite-open").click();

  const email = `mia.mailed.${process.pid}@e2e.test`;
  const dialog = o.page.getByTestId("invite-dialog");
  await dialog.getByLabel("Email", { exact: true }).fill(email);
  await dialog.getByLabel("Role").selectOption("agent");
  const sendEmail = dialog.getByLabel("Send the invitation by email");
  assert.equal(await sendEmail.isChecked(), true, "mailing is checked by default");
  await screenshot(o.page, "invite-mail", "light", { locator: dialog });
  await dialog.getByRole("button", { name: "Send the invitation" }).click();
  await dialog.getByTestId("invite-mailed").filter({ hasText: email }).waitFor();
  const shown = await dialog.getByTestId("invite-link").inputValue();
  await screenshot(o.page, "invite-mailed", "light", { locator: dialog });
  await dialog.getByTestId("invite-done").click();
  await o.page.locator('[data-testid="invitation-row"][data-mail-status="sent"]').filter({ hasText: email }).waitFor();

  const mail = await mailing.sink.waitFor((m) => m.to.includes(email), `the invitation mail to ${email}`);
  assert.match(mail.raw, new RegExp(`^Subject: .* invited you to ${me.workspace.name} on Switchboard\\r$`, "m"));
  assert.match(mail.text, new RegExp(`invited you to the ${me.workspace.name} workspace on Switchboard, as an agent\\.`));
  const link = new RegExp(`${s.url.replace(/[.]/g, "\\.")}/invite/inv_[A-Za-z0-9_-]{20,}`).exec(mail.text)?.[0];
  assert.ok(link, `a link to this server's /invite/<token> in:\n${mail.text}`);
  assert.equal(link, shown, "the mailed link is the one the dialog shows");

  // The invitee, signed out, opens the mailed link and joins.
  const a = await newUser(f.browser, { name: "the invitee" });
  await a.page.goto(link);
  assert.equal(await a.page.getByTestId("invite-email").inputValue(), email);
  await a.page.getByTestId("invite-name").fill("Mia Mailed");
  await a.page.getByTestId("invite-password").fill("mia-password-1");
  await a.page.getByTestId("invite-submit").click();
  await a.page.getByTestId("availability-switch").waitFor({ timeout: 15_000 });
  await until(() => new URL(a.page.url()).pathname.startsWith("/inbox/"), { what: "the inbox after joining" });

  await o.page.reload();
  await o.page.getByTestId("user-row").filter({ hasText: email }).waitFor();
  o.assertClean();
  a.assertClean();
  await Promise.all([o.close(), a.close()]);
});

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** serious lists the page's serious and critical axe-core violations. */
async function serious(page) {
  await page.evaluate(axeSource);
  return page.evaluate(() =>
    window.axe
      .run(document, { resultTypes: ["violations"] })
      .then((r) => r.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")})`)),
  );
}

for (const theme of ["light", "dark"]) {
  test(`inviting by mail and resending, in French (${theme}): no serious accessibility violation, no missing key`, async () => {
    const s = f.server;
    const ow = owner(s);
    const u = await newUser(f.browser, { name: `the owner (${theme}, fr)`, theme, lang: "fr" });
    const { page } = u;
    await signIn(page, s.url, ow.email, ow.password, "/settings/users");
    await page.getByTestId("users-table").waitFor();
    await page.getByTestId("invite-open").click();
    const dialog = page.getByTestId("invite-dialog");
    const email = `axe.mail.${theme}.${process.pid}@e2e.test`;
    await dialog.getByLabel("E-mail", { exact: true }).fill(email);
    assert.equal(await dialog.getByLabel("Envoyer l'invitation par e-mail").isChecked(), true);
    assert.equal(await dialog.getByLabel("Langue de l'invitation").inputValue(), "fr");
    assert.deepEqual(await serious(page), [], "the invite dialog");
    await dialog.getByTestId("invite-submit").click();
    await dialog.getByTestId("invite-mailed").waitFor();
    assert.deepEqual(await serious(page), [], "the invite dialog, mailed");
    const first = await dialog.getByTestId("invite-link").inputValue();
    await dialog.getByTestId("invite-done").click();
    const mailed = await mailing.sink.waitFor((m) => m.to.includes(email) && m.text.includes(first), "the first mail");
    assert.match(mailed.text, /vous invite à rejoindre l'espace de travail .* sur Switchboard, en tant qu'agent\./);

    // Resend: a new link is mailed, and the toast says the old one is dead.
    const row = page.locator('[data-testid="invitation-row"][data-mail-status="sent"]').filter({ hasText: email });
    await row.getByTestId("invitation-resend").click();
    await page.getByRole("status").filter({ hasText: "Un nouveau lien est en route" }).waitFor();
    const again = await mailing.sink.waitFor((m) => m.to.includes(email) && !m.text.includes(first), "the resent mail");
    assert.match(again.text, /\/invite\/inv_/);
    assert.match(again.text, /Le lien ne fonctionne qu'une fois, jusqu'au /, "the resend is in French too");

    // Resend in the other language, from the menu beside Resend: the mail
    // is in English, and so is the invitation from now on.
    await row.getByTestId("invitation-resend-in").click();
    const english = page.getByRole("menuitem", { name: "Renvoyer en anglais" });
    await english.waitFor();
    assert.deepEqual(await serious(page), [], "the resend menu");
    await screenshot(page, "invitation-resend-in", theme);
    await english.click();
    const third = await mailing.sink.waitFor((m) => m.to.includes(email) && m.text.includes("The link works once, until "), "the mail resent in English");
    assert.match(third.text, /\/invite\/inv_/);
    await until(async () => (await row.getByTestId("invitation-language").textContent()) === " · anglais", { what: "the row saying English" });
    assert.deepEqual(await serious(page), [], "settings → users with mailed invitations");
    assert.deepEqual(await page.evaluate(() => window.__missingKeys ?? []), [], "missing French keys");
    u.assertClean();
    await u.close();
  });
}
