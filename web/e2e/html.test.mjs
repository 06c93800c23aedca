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

test("links in a message are shown, and only http(s) ones become links that open safely", async () => {
  const s = f.server;
  const u = await newUser(f.browser);
  const { page } = u;
  const ow = owner(s);
  await signIn(page, s.url, ow.email, ow.password);
  const contact = s.newContact("Linus", "Links");
  const text = "See https://example.com/order?id=7 or javascript:alert(2) or data:text/html,<b>x</b>";
  const { conversation_id: id } = await s.contactWrites(contact, text);
  await row(page, id).click();
  const msg = pane(page, id).locator(
    '[data-testid="timeline-item"][data-kind="message"][data-direction="in"] [data-testid="message-text"]',
  );
  await msg.waitFor();
  assert.equal((await msg.innerText()).trim(), text, "the whole text is shown");
  const links = await msg.locator("a").evaluateAll((as) =>
    as.map((a) => ({ href: a.getAttribute("href"), rel: a.getAttribute("rel") ?? "", target: a.getAttribute("target") })),
  );
  assert.equal(links.length, 1, `one link: ${JSON.stringify(links)}`);
  assert.equal(links[0].href, "https://example.com/order?id=7");
  assert.match(links[0].rel, /\bnoopener\b/);
  assert.match(links[0].rel, /\bnoreferrer\b/);
  assert.equal(links[0].target, "_blank");
  assert.equal(await page.locator('a[href^="javascript:"], a[href^="data:"]').count(), 0);
  u.assertClean();
  await u.close();
});
