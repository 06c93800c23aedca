// Contact content is text: a message `<img src=x onerror=alert(1)>` shows
// those characters, in the timeline and in the list's preview, and runs
// nothing (a dialog fails the test, see harness newUser).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { fixture, newUser, owner, pane, row, signIn } from "./harness.mjs";

// No inbound workflow: the contact's message stays the conversation's newest, so it is the preview.
const f = fixture(before, after, { workflows: false });

const payload = "<img src=x onerror=alert(1)>";

test("a message with HTML shows as text and runs nothing", async () => {
  const s = f.server;
  const u = await newUser(f.browser);
  const { page } = u;
  const ow = owner(s);
  await signIn(page, s.url, ow.email, ow.password);
  await page.getByRole("listbox").waitFor({ state: "attached" });

  const contact = s.newContact("Mallory", "Markup");
  const { conversation_id: id } = await s.contactWrites(contact, payload);

  // The list's preview: the characters, as text.
  const preview = row(page, id).locator('[data-testid="row-preview"]');
  await preview.waitFor();
  assert.equal((await preview.innerText()).trim(), payload);

  // The timeline: the same.
  await row(page, id).click();
  const text = pane(page, id).locator(
    '[data-testid="timeline-item"][data-kind="message"][data-direction="in"] [data-testid="message-text"]',
  );
  await text.waitFor();
  assert.equal((await text.innerText()).trim(), payload);

  // Nothing became an element: no <img src=x> anywhere, no request for it.
  assert.equal(await page.locator('img[src="x"]').count(), 0, "an <img> was made from the contact's text");
  // Text may sit in spans (and links for http(s) URLs); nothing else is an element.
  const tags = await pane(page, id)
    .locator('[data-testid="message-text"] *')
    .evaluateAll((els) => els.map((e) => e.tagName.toLowerCase()));
  assert.deepEqual(tags.filter((t) => t !== "span" && t !== "br"), [], "the message text holds elements");
  assert.deepEqual(u.requests.filter((r) => /\/x$/.test(r.path)), [], "the browser fetched the <img>'s src");

  u.assertClean(); // includes: no dialog opened
  await u.close();
});
