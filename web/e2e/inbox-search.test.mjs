// The inbox's search finds messages by their words: an owner types a word
// once said, switches the search to Messages, sees the messages that hold
// it (newest first, a closed conversation's too, the word marked) and
// opens the older one: its conversation opens at that message, read back
// page by page, ringed and in view, the word found marked in it. Back to
// Contacts, the list returns. The contact's page searches their messages
// alone. An internal note is found the same way under Notes, and opens
// its conversation at the note, read back past a page of messages.
// Screenshots `inbox-search`, `inbox-note-search` and
// `contact-message-search` (light).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { fixture, newUser, owner, pane, screenshot, signIn, until } from "./harness.mjs";

const f = fixture(before, after, { workflows: false });

/** inTimelineView: the item is wholly inside its timeline's window. */
const inTimelineView = (item) =>
  item.evaluate((el) => {
    const box = el.getBoundingClientRect();
    const view = el.closest('[data-testid="timeline"]').getBoundingClientRect();
    return box.top >= view.top && box.bottom <= view.bottom;
  });

test("an owner finds a message by its words and opens its conversation at it", async () => {
  const s = f.server;
  const lena = s.newContact("Lena", "Search");
  const { conversation_id: lenaConv, contact_id: lenaID } = await s.contactWrites(lena, "Hello, a question about my order");
  const { message_id: invoiceMsg } = await s.contactWrites(lena, "The invoice number is INV-20931, can you check it?");
  for (let n = 3; n <= 90; n++) await s.contactWrites(lena, `line ${String(n).padStart(3, "0")}`);
  const omar = s.newContact("Omar", "Search");
  const { conversation_id: omarConv, message_id: omarMsg } = await s.contactWrites(omar, "Where is my invoice? I paid last week");
  const categories = (await s.api("GET", "/api/v1/closing-categories")).data;
  await s.api("POST", `/api/v1/conversations/${omarConv}/close`, categories.length ? { category: categories[0].name } : {});
  // The index follows the log a moment after each commit.
  await until(async () => (await s.api("GET", "/api/v1/messages/search?q=invoice")).data.length === 2, { what: "both messages indexed" });

  const u = await newUser(f.browser, { name: "the owner" });
  const { page } = u;
  const ow = owner(s);
  await signIn(page, s.url, ow.email, ow.password, "/inbox/all");
  await page.locator("#conversation-search").fill("invoi");
  await page.getByTestId("search-in-messages").click();
  const hits = page.getByTestId("message-hit");
  await until(async () => (await hits.count()) === 2, { what: "two hits" });
  assert.deepEqual(await hits.evaluateAll((els) => els.map((e) => Number(e.dataset.messageId))), [omarMsg, invoiceMsg]);
  assert.match(await hits.nth(0).innerText(), /Closed/);
  assert.equal(await hits.nth(1).locator("mark").innerText(), "invoice");

  // The older hit: its conversation opens at it, 88 messages back.
  await hits.nth(1).click();
  await page.waitForURL(new RegExp(`/inbox/all/${lenaConv}\\?.*msg=${invoiceMsg}`));
  const p = pane(page, lenaConv);
  const focused = p.locator(`[data-message-id="${invoiceMsg}"][data-focused="true"]`);
  await focused.waitFor();
  assert.equal(await focused.locator("mark").innerText(), "invoice", "the word found marked in the message");
  const timeline = p.getByTestId("timeline");
  await until(() => inTimelineView(focused), { what: "the message found in view" });
  assert.ok((await timeline.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)) > 100, "the timeline stayed at its newest");
  assert.equal(await hits.nth(1).getAttribute("aria-current"), "true");
  await screenshot(page, "inbox-search", "light");

  // Back to the contacts' search: the list, and no message asked for.
  await page.getByTestId("search-in-contacts").click();
  await page.locator("#conversation-search").fill("");
  await page.locator(`[data-testid="conversation-row"][data-conversation-id="${lenaConv}"]`).click();
  await until(async () => !page.url().includes("msg="), { what: "the message dropped from the address" });

  // From the contact's page: their messages alone, and the hit opens the inbox at it.
  await page.goto(`${s.url}/contacts/${lenaID}`);
  const card = page.getByTestId("contact-message-search");
  await card.getByRole("searchbox").fill("invoice");
  const contactHits = card.getByTestId("message-hit");
  await until(async () => (await contactHits.count()) === 1, { what: "Lena's one hit" });
  assert.equal(Number(await contactHits.first().getAttribute("data-message-id")), invoiceMsg);
  await screenshot(page, "contact-message-search", "light");
  await contactHits.first().click();
  await page.waitForURL(new RegExp(`/inbox/all/${lenaConv}\\?.*msg=${invoiceMsg}`));
  await pane(page, lenaConv).locator(`[data-message-id="${invoiceMsg}"][data-focused="true"] mark`).waitFor();
  u.assertClean();
  await u.close();
});

test("an agent's internal note is found by its words and opens its conversation at it", async () => {
  const s = f.server;
  const nia = s.newContact("Nia", "Notes");
  const { conversation_id: conv, contact_id: noteContact } = await s.contactWrites(nia, "My card was charged twice");
  const note = await s.api("POST", `/api/v1/conversations/${conv}/comments`, { text: "Chargeback opened with the bank, ref CB-7781" }, { expect: 201 });
  for (let n = 2; n <= 70; n++) await s.contactWrites(nia, `note line ${String(n).padStart(3, "0")}`);
  await until(async () => (await s.api("GET", "/api/v1/comments/search?q=chargeback")).data.length === 1, { what: "the note indexed" });

  const u = await newUser(f.browser, { name: "the owner" });
  const { page } = u;
  const ow = owner(s);
  await signIn(page, s.url, ow.email, ow.password, "/inbox/all");
  await page.locator("#conversation-search").fill("chargeb");
  await page.getByTestId("search-in-notes").click();
  const hits = page.getByTestId("note-hit");
  await until(async () => (await hits.count()) === 1, { what: "the note found" });
  assert.match(await hits.first().innerText(), /Note by .*Chargeback opened/);
  assert.equal(await hits.first().locator("mark").innerText(), "Chargeback");

  await hits.first().click();
  await page.waitForURL(new RegExp(`/inbox/all/${conv}\\?.*note=${note.id}`));
  const focused = pane(page, conv).locator(`[data-comment-id="${note.id}"][data-focused="true"]`);
  await focused.waitFor();
  assert.equal(await focused.locator("mark").innerText(), "Chargeback", "the word found marked in the note");
  await until(() => inTimelineView(focused), { what: "the note in view" });
  await screenshot(page, "inbox-note-search", "light");

  // The contact's page finds the team's notes on them too.
  await page.goto(`${s.url}/contacts/${noteContact}`);
  const card = page.getByTestId("contact-message-search");
  await card.getByTestId("contact-search-in-notes").click();
  await card.getByRole("searchbox").fill("bank");
  await until(async () => (await card.getByTestId("note-hit").count()) === 1, { what: "the note found from the contact's page" });
  await card.getByTestId("note-hit").click();
  await page.waitForURL(new RegExp(`/inbox/all/${conv}\\?.*note=${note.id}`));
  await pane(page, conv).locator(`[data-comment-id="${note.id}"][data-focused="true"] mark`).waitFor();
  u.assertClean();
  await u.close();
});
