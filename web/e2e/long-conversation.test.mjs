// A long conversation opens on its newest messages (one page, read newest
// first) and reads older pages as the agent scrolls to the top, the
// message they were reading staying where it was; comments and events of
// the unread part wait for it; a message arriving meanwhile and the
// agent's own reply still show, once.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { fixture, newUser, owner, pane, row, signIn, timelineItem, until } from "./harness.mjs";

// No inbound workflow: the timeline holds the contact's messages only.
const f = fixture(before, after, { workflows: false });

const line = (n) => `line ${String(n).padStart(3, "0")}`;

test("a long conversation opens on its newest messages and reads older ones at the top", async () => {
  const s = f.server;
  const u = await newUser(f.browser);
  const { page } = u;
  const ow = owner(s);
  await signIn(page, s.url, ow.email, ow.password);

  const contact = s.newContact("Lena", "Long");
  const { conversation_id: id } = await s.contactWrites(contact, line(1));
  for (let n = 2; n <= 130; n++) await s.contactWrites(contact, line(n));

  await row(page, id).click();
  const p = pane(page, id);
  const timeline = p.locator('[data-testid="timeline"]');
  await timelineItem(page, id, line(130)).waitFor();
  const messages = timeline.locator('[data-testid="timeline-item"][data-kind="message"]');
  const first = await messages.count();
  assert.ok(first >= 20 && first <= 100, `the first page holds ${first} messages`);
  assert.equal(await timelineItem(page, id, line(1)).count(), 0, "the oldest message was read at once");
  assert.equal(await timeline.locator('[data-event-type="conversation.opened"]').count(), 0, "the opening shows above the newest page");

  // To the top: the older page is read, and the message at the top stays put.
  const oldest = line(130 - first + 1);
  const topOf = (text) =>
    timeline.evaluate((el, text) => {
      const item = [...el.querySelectorAll('[data-testid="timeline-item"]')].find((x) => x.textContent.includes(text));
      return item.getBoundingClientRect().top - el.getBoundingClientRect().top;
    }, text);
  const before = await timeline.evaluate((el, text) => {
    el.scrollTop = 0;
    const item = [...el.querySelectorAll('[data-testid="timeline-item"]')].find((x) => x.textContent.includes(text));
    return item.getBoundingClientRect().top - el.getBoundingClientRect().top;
  }, oldest);
  await timelineItem(page, id, line(130 - first)).waitFor({ state: "attached" });
  await until(async () => (await p.getByRole("status").filter({ hasText: "Loading older messages" }).count()) === 0, {
    what: "the older page to be shown",
  });
  assert.ok(Math.abs((await topOf(oldest)) - before) <= 1, `the message read moved from ${before} to ${await topOf(oldest)}`);
  assert.ok((await messages.count()) > first);

  // A message arriving while the agent reads older ones: counted, not jumped to.
  const reading = await topOf(oldest);
  await s.contactWrites(contact, line(131));
  await p.getByText("1 new message").waitFor();
  assert.ok(Math.abs((await topOf(oldest)) - reading) <= 1, "the view jumped when a message arrived below");

  // On to the first message: the opening event shows once everything is read.
  for (let i = 0; i < 10 && (await timelineItem(page, id, line(1)).count()) === 0; i++) {
    await timeline.evaluate((el) => (el.scrollTop = 0));
    await until(async () => (await p.getByRole("status").filter({ hasText: "Loading older messages" }).count()) === 0, {
      what: "the older page to be shown",
    });
  }
  await timelineItem(page, id, line(1)).waitFor({ state: "attached" });
  await timeline.locator('[data-event-type="conversation.opened"]').waitFor({ state: "attached" });
  assert.equal(await p.locator('[data-testid="timeline-older"]').count(), 0);

  // The agent's reply: shown once, at the bottom, in view.
  const composer = p.locator('[data-testid="composer"]');
  const modeReply = composer.locator('[data-testid="mode-reply"]');
  if (await modeReply.count()) await modeReply.click();
  await composer.locator("textarea").fill("All read, Lena");
  await composer.locator('[data-testid="send"]').click();
  await s.integrator.waitFor((m) => m.body?.message?.text === "All read, Lena");
  const reply = timeline.locator('[data-testid="timeline-item"][data-direction="out"]', { hasText: "All read, Lena" });
  await reply.waitFor();
  assert.equal(await reply.count(), 1);
  await until(async () => (await messages.count()) === 132, { what: "every message, each once" });

  u.assertClean();
  await u.close();
});
