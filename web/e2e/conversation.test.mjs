// The main scenario of issue 9: a contact writes through the custom
// channel; the conversation appears in the owner's open inbox without a
// reload, with the demo workflow's welcome and question; the contact
// answers "Sales"; an agent of Sales goes online in a second browser
// context and routing assigns it to them; they reply (the integrator
// receives it) and close it with a category; it leaves the open lists.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { fixture, goOnline, newUser, owner, pane, row, signIn, timelineItem, until } from "./harness.mjs";

const f = fixture(before, after);

test("a contact's conversation reaches an agent, who replies and closes it", async () => {
  const s = f.server;
  const o = await newUser(f.browser, { name: "the owner" });
  const ow = owner(s);
  await signIn(o.page, s.url, ow.email, ow.password);
  await o.page.getByRole("listbox").waitFor({ state: "attached" });
  // A mark in the page: gone if anything reloads it.
  await o.page.evaluate(() => {
    window.__e2eNoReload = true;
  });
  const countAll = async () => Number((await o.page.locator('[data-testid="view-count-all"]').innerText()).trim() || "0");
  const before = await countAll();

  const contact = s.newContact("Nadia", "Novak");
  const first = await s.contactWrites(contact, "Hello, I would like a quote");
  const id = first.conversation_id;
  assert.ok(id, "the webhook opened a conversation");

  // Live: the row appears in the open inbox, with no reload.
  await row(o.page, id).waitFor();
  assert.equal(await o.page.evaluate(() => window.__e2eNoReload), true, "the page was not reloaded");
  // The All view's count follows, and the row is unread for the owner.
  await until(async () => (await countAll()) === before + 1, { what: `the All count to go from ${before} to ${before + 1}` });
  assert.equal(await row(o.page, id).getAttribute("data-unread"), "true", "a new conversation is unread");

  // The timeline: the contact's message, the workflow's welcome and question.
  await row(o.page, id).click();
  await o.page.waitForURL(new RegExp(`/inbox/all/${id}$`));
  await pane(o.page, id).waitFor();
  // Opened: no longer unread.
  await until(async () => (await row(o.page, id).getAttribute("data-unread")) !== "true", { what: "the row to be read" });
  const inbound = (text) =>
    pane(o.page, id).locator('[data-testid="timeline-item"][data-kind="message"][data-direction="in"]', { hasText: text });
  await inbound("Hello, I would like a quote").waitFor();
  await timelineItem(o.page, id, "Hi Nadia, thanks for getting in touch!").waitFor();
  await timelineItem(o.page, id, "What can we help you with?").waitFor();
  const opened = pane(o.page, id).locator('[data-testid="timeline-item"][data-kind="event"][data-event-type="conversation.opened"]');
  assert.equal(await opened.count(), 1, "the timeline shows the conversation's opening");

  // The contact answers; the workflow routes to Sales, where nobody is online yet.
  await s.contactWrites(contact, "Sales");
  await inbound("Sales").waitFor();

  // An agent of Sales signs in in a second context and goes online.
  const agent = await s.createAgent({ name: "Sol Seller", teams: ["Sales"] });
  const a = await newUser(f.browser, { name: "the agent" });
  await signIn(a.page, s.url, agent.email, agent.password, "/inbox/mine");
  await a.page.getByRole("listbox").waitFor({ state: "attached" });
  await goOnline(a.page);
  // Routing gives it to them: it appears in Mine.
  await row(a.page, id).waitFor({ timeout: 15_000 });
  const conv = await s.api("GET", `/api/v1/conversations/${id}`);
  assert.equal(conv.assignee_id, agent.id, "assigned to the agent who went online");

  // The agent replies through the composer; the integrator receives it.
  await row(a.page, id).click();
  await pane(a.page, id).waitFor();
  const composer = pane(a.page, id).locator('[data-testid="composer"]');
  const modeReply = composer.locator('[data-testid="mode-reply"]');
  if (await modeReply.count()) await modeReply.click();
  const reply = "Happy to help, Nadia: how large is your team?";
  await composer.locator("textarea").fill(reply);
  await composer.locator('[data-testid="send"]').click();
  const got = await s.integrator.waitFor((m) => m.body?.message?.text === reply);
  assert.equal(got.body.contactId, contact.id);
  assert.equal(got.body.channelId, String(s.demo.channel_id));
  assert.equal(got.authorization, `Bearer ${s.demo.channel_token}`);
  assert.ok(got.idempotencyKey, "an Idempotency-Key header");
  await pane(a.page, id)
    .locator('[data-testid="timeline-item"][data-kind="message"][data-direction="out"]', { hasText: reply })
    .waitFor();
  // The composer is empty again.
  await until(async () => (await composer.locator("textarea").inputValue()) === "", { what: "the composer to empty" });

  // The agent closes it with a category.
  await pane(a.page, id).locator('[data-testid="action-close"]').click();
  await a.page.locator('[data-testid="close-category"]').selectOption({ label: "Resolved" });
  const summary = a.page.locator('[data-testid="close-summary"]');
  if (await summary.count()) await summary.fill("Quote sent");
  await a.page.locator('[data-testid="close-confirm"]').click();

  // It leaves the open lists: the agent's Mine and the owner's All, live.
  await row(a.page, id).waitFor({ state: "detached" });
  await row(o.page, id).waitFor({ state: "detached" });
  await until(async () => (await countAll()) === before, { what: `the All count back to ${before}` });
  const closed = await s.api("GET", `/api/v1/conversations/${id}`);
  assert.equal(closed.status, "closed");
  const events = await s.api("GET", `/api/v1/conversations/${id}/events?limit=200`);
  const ev = events.data.find((e) => e.type === "conversation.closed");
  assert.ok(ev, "a conversation.closed event");
  assert.equal(ev.payload?.category, "Resolved");

  o.assertClean();
  a.assertClean();
  await a.close();
  await o.close();
});
