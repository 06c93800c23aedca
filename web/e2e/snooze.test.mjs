// Snooze: a conversation snoozed from its pane leaves the open list, live;
// when the contact writes again it comes back by itself (unsnoozed by the
// contact's message), still live, with both steps in its timeline.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { fixture, newUser, owner, pane, row, signIn, until } from "./harness.mjs";

const f = fixture(before, after, { workflows: false });

test("a snoozed conversation leaves the list and comes back when the contact writes", async () => {
  const s = f.server;
  const contact = s.newContact("Sol", "Snooze");
  const { conversation_id: id } = await s.contactWrites(contact, "I'll send the papers tomorrow.");
  const u = await newUser(f.browser, { name: "the owner" });
  const { page } = u;
  const ow = owner(s);
  await signIn(page, s.url, ow.email, ow.password, `/inbox/all/${id}`);
  const p = pane(page, id);
  await row(page, id).waitFor();
  await p.locator('[data-testid="action-snooze"]').click();
  await page.locator('[data-testid="snooze-tomorrow"]').click();

  await row(page, id).waitFor({ state: "detached" });
  await until(async () => (await s.api("GET", `/api/v1/conversations/${id}`)).status === "snoozed", { what: "snoozed" });
  await p.locator('[data-testid="timeline-item"][data-event-type="conversation.snoozed"]').waitFor();

  await s.contactWrites(contact, "Here they are, earlier than planned.");
  await row(page, id).waitFor();
  assert.equal((await s.api("GET", `/api/v1/conversations/${id}`)).status, "open");
  await p.locator('[data-testid="timeline-item"][data-event-type="conversation.unsnoozed"]').waitFor();
  await p.locator('[data-testid="timeline-item"][data-kind="message"]', { hasText: "earlier than planned" }).waitFor();
  u.assertClean();
  await u.close();
});
