// Keyboard first: j/k move through the list, Enter opens, r goes to the
// reply box, Escape comes back to the list, ? lists the shortcuts.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { fixture, newUser, owner, pane, signIn, until } from "./harness.mjs";

const f = fixture(before, after, { workflows: false });

test("the inbox works from the keyboard", async () => {
  const s = f.server;
  for (const [first, last] of [["Kim", "One"], ["Kai", "Two"], ["Kit", "Three"]]) {
    await s.contactWrites(s.newContact(first, last), `Hello from ${first}`);
  }
  const u = await newUser(f.browser);
  const { page } = u;
  const ow = owner(s);
  await signIn(page, s.url, ow.email, ow.password);
  const rows = page.locator('[role="listbox"] [data-testid="conversation-row"]');
  await until(async () => (await rows.count()) === 3, { what: "three rows" });
  const ids = await rows.evaluateAll((rs) => rs.map((r) => r.getAttribute("data-conversation-id")));
  const selected = () => page.locator('[role="listbox"] [role="option"][aria-selected="true"]').getAttribute("data-conversation-id");

  await page.keyboard.press("j");
  await until(async () => (await selected()) === ids[0], { what: "j to select the first row" });
  await page.keyboard.press("j");
  await until(async () => (await selected()) === ids[1], { what: "j to select the second row" });
  await page.keyboard.press("k");
  await until(async () => (await selected()) === ids[0], { what: "k to go back up" });
  await page.keyboard.press("j");
  await until(async () => (await selected()) === ids[1], { what: "j again" });
  await page.keyboard.press("Enter");
  await page.waitForURL(new RegExp(`/inbox/all/${ids[1]}$`));
  const p = pane(page, Number(ids[1]));
  await p.waitFor();
  // What a person waits for before pressing r: the reply box is there.
  await p.locator('[data-testid="composer"] textarea').waitFor();

  await page.keyboard.press("r");
  await until(
    () => page.evaluate(() => document.activeElement?.closest('[data-testid="composer"]') !== null && document.activeElement?.tagName === "TEXTAREA"),
    { what: "r to focus the reply box" },
  );
  // The composer focuses again on the next frame (after a mode switch
  // renders): let two frames be painted, as they would before a person's
  // next key, so that late focus is not mistaken for Escape failing.
  await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));
  await page.keyboard.press("Escape");
  await until(() => page.evaluate(() => document.activeElement?.getAttribute("role") === "listbox"), {
    what: "Escape to leave the reply box for the list",
  });

  await page.keyboard.press("?");
  const sheet = page.getByRole("dialog");
  await sheet.waitFor();
  assert.match(await sheet.innerText(), /\bj\b/);
  await page.keyboard.press("Escape");
  await sheet.waitFor({ state: "detached" });
  u.assertClean();
  await u.close();
});
