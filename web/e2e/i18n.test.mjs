// The French UI renders with no missing key: i18n.ts records every key
// missing from the active language in window.__missingKeys.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { fixture, newUser, owner, pane, row, signIn } from "./harness.mjs";

const f = fixture(before, after);

async function missing(page) {
  return (await page.evaluate(() => window.__missingKeys ?? [])).slice();
}

test("the French UI has no missing key", async () => {
  const s = f.server;
  const contact = s.newContact("Camille", "Dupont");
  const { conversation_id: id } = await s.contactWrites(contact, "Bonjour, je voudrais changer mon adresse");
  const u = await newUser(f.browser, { lang: "fr" });
  const { page } = u;

  // The sign-in page, in French.
  await page.goto(s.url + "/");
  await page.getByRole("heading", { name: "Connexion à Switchboard" }).waitFor();
  assert.deepEqual(await missing(page), [], "missing keys on the sign-in page");

  const ow = owner(s);
  await signIn(page, s.url, ow.email, ow.password);
  // The header's switch speaks French.
  assert.match(await page.getByTestId("availability-switch").innerText(), /En ligne|Occupé/);
  assert.equal(await page.getByTestId("availability-switch").getAttribute("aria-label"), "Disponibilité");

  // The inbox and a conversation, in French.
  await page.getByRole("listbox").waitFor({ state: "attached" });
  await row(page, id).click();
  await pane(page, id).waitFor();
  await pane(page, id).locator('[data-testid="timeline-item"]', { hasText: "What can we help you with?" }).waitFor();
  await pane(page, id).locator('[data-testid="composer"]').waitFor();
  await page.locator('[data-testid="contact-panel"]').waitFor();
  assert.deepEqual(await missing(page), [], "missing keys in the inbox");

  // What opens on demand: the assign popover, the close dialog, the
  // shortcut sheet, the command palette.
  await pane(page, id).locator('[data-testid="action-assign"]').click();
  await page.locator('[data-testid^="assign-user-"]').first().waitFor();
  await page.keyboard.press("Escape");
  await page.locator('[data-testid^="assign-user-"]').first().waitFor({ state: "detached" });
  await pane(page, id).locator('[data-testid="action-close"]').click();
  await page.locator('[data-testid="close-category"]').waitFor();
  await page.keyboard.press("Escape");
  await page.locator('[data-testid="close-category"]').waitFor({ state: "detached" });
  await page.locator("body").click({ position: { x: 5, y: 890 } });
  await page.keyboard.press("?");
  await page.getByRole("dialog").first().waitFor();
  await page.keyboard.press("Escape");
  await page.getByRole("dialog").first().waitFor({ state: "detached" });
  await page.keyboard.press("Control+k");
  await page.getByRole("dialog").first().waitFor();
  await page.keyboard.press("Escape");
  assert.deepEqual(await missing(page), [], "missing keys in the popovers and dialogs");
  // Screen readers pronounce the page in the language <html lang> names.
  assert.equal(await page.evaluate(() => document.documentElement.lang), "fr", "<html lang> says fr");
  // Last: the page's other problems (the dialogs above must not break the CSP either).
  u.assertClean();
  await u.close();
});
