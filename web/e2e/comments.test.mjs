// An agent's internal comment, taken back: the agent writes it, rewrites
// it in place, mentioning a teammate picked after @ (the owner, on the
// same conversation in another browser, sees the new words, "edited" and
// the mention live), and the owner deletes it (it leaves the agent's
// timeline live, and its words leave the event log). Screenshot
// `comment-edit` (light): a comment being rewritten, the @ list open.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { fixture, newUser, owner, pane, screenshot, signIn, until } from "./harness.mjs";

const f = fixture(before, after, { workflows: false });

test("an agent rewrites their comment and an owner deletes it, each seen live by the other", async () => {
  const s = f.server;
  const agent = await s.createAgent({ name: "Cora Commenter", teams: ["Support"] });
  const billing = await s.createAgent({ name: "Dana Billing", teams: ["Support"] });
  const contact = s.newContact("Erin", "Example");
  const { conversation_id: id } = await s.contactWrites(contact, "I was charged twice");
  await s.api("POST", `/api/v1/conversations/${id}/assign`, { user_id: agent.id });

  const a = await newUser(f.browser, { name: "the agent" });
  await signIn(a.page, s.url, agent.email, agent.password, `/inbox/mine/${id}`);
  const o = await newUser(f.browser, { name: "the owner" });
  const ow = owner(s);
  await signIn(o.page, s.url, ow.email, ow.password, `/inbox/all/${id}`);
  const comment = (page) => pane(page, id).locator('[data-testid="timeline-item"][data-kind="comment"]');

  // The agent writes a comment.
  const composer = pane(a.page, id).locator('[data-testid="composer"]');
  await composer.locator('[data-testid="mode-comment"]').click();
  await composer.locator("textarea").fill("Card 4242 charged twice");
  await composer.locator('[data-testid="send"]').click();
  await comment(o.page).filter({ hasText: "Card 4242 charged twice" }).waitFor();

  // The owner may delete it, not rewrite it.
  await comment(o.page).hover();
  assert.equal(await comment(o.page).locator('[data-testid="comment-edit"]').count(), 0, "the owner is offered no edit of the agent's comment");

  // The agent rewrites it in place: ↑ in the empty internal comment
  // opens their last comment's editor (the pencil, on hover, does too).
  const mine = comment(a.page);
  await until(async () => (await mine.getAttribute("data-status")) === null, { what: "the comment stored" });
  await mine.hover();
  await mine.locator('[data-testid="comment-edit"]').waitFor();
  await composer.locator("textarea").press("ArrowUp");
  const box = mine.locator('[data-testid="comment-edit-text"]');
  await box.fill("Charged twice: refund asked for");
  // @ offers the teammates; Enter takes the one the arrows are on.
  await box.press("End");
  await box.pressSequentially(", @dan");
  const list = a.page.locator("#comment-edit-picker");
  await list.getByRole("option", { name: /Dana Billing/ }).waitFor();
  await screenshot(a.page, "comment-edit", "light");
  await box.press("Enter");
  await until(async () => (await box.inputValue()) === "Charged twice: refund asked for, @Dana Billing ", { what: "the teammate put in the text" });
  await mine.locator('[data-testid="comment-save"]').click();
  await mine.filter({ hasText: "Charged twice: refund asked for, @Dana Billing" }).waitFor();
  // Saved, the composer has the focus back.
  await until(async () => await composer.locator("textarea").evaluate((el) => el === document.activeElement), { what: "the composer focused again" });

  // The owner sees the new words, marked edited, live.
  const theirs = comment(o.page);
  await theirs.filter({ hasText: "Charged twice: refund asked for" }).waitFor();
  await theirs.locator('[data-testid="comment-edited"]').waitFor();
  assert.equal(await theirs.filter({ hasText: "4242" }).count(), 0, "the old words are gone from the owner's timeline");
  await theirs.filter({ hasText: "Mentioned: Dana Billing" }).waitFor();
  const stored = await s.api("GET", `/api/v1/conversations/${id}/comments`);
  assert.deepEqual(stored.data[0].mentions, [billing.id], "the teammate chosen is mentioned by id");

  // The owner deletes it, once asked twice; it leaves the agent's timeline.
  await theirs.hover();
  await theirs.locator('[data-testid="comment-delete"]').click();
  await theirs.locator('[data-testid="comment-delete-confirm"]').click();
  await theirs.waitFor({ state: "detached" });
  await comment(a.page).waitFor({ state: "detached" });

  const left = await s.api("GET", `/api/v1/conversations/${id}/comments`);
  assert.equal(left.data.length, 0, "no comment left");
  const log = await s.api("GET", `/api/v1/events?limit=200`);
  const said = log.data.filter((e) => e.type.startsWith("comment.")).map((e) => JSON.stringify(e.payload));
  assert.equal(said.length, 3, "written, edited and deleted are in the log");
  assert.ok(!said.some((p) => p.includes("4242") || p.includes("refund")), `the comment's words are erased from the log: ${said}`);

  a.assertClean();
  o.assertClean();
  await a.close();
  await o.close();
});
