// Two people on one inbox: an owner assigns a conversation by hand and the
// agent sees it arrive in Mine, live; while the owner writes, the agent
// sees "… is replying"; assigning above the agent's capacity asks first.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { fixture, goOnline, newUser, owner, pane, row, signIn, until } from "./harness.mjs";

const f = fixture(before, after, { workflows: false });

test("an owner assigns by hand; the agent gets it live and sees the owner replying", async () => {
  const s = f.server;
  const agent = await s.createAgent({ name: "Tara Teammate", teams: ["Support"] });
  const a = await newUser(f.browser, { name: "the agent" });
  await signIn(a.page, s.url, agent.email, agent.password, "/inbox/mine");
  await goOnline(a.page);

  const contact = s.newContact("Hugo", "Handoff");
  const { conversation_id: id } = await s.contactWrites(contact, "Can someone look at my invoice?");
  const o = await newUser(f.browser, { name: "the owner" });
  const ow = owner(s);
  await signIn(o.page, s.url, ow.email, ow.password, `/inbox/all/${id}`);
  const p = pane(o.page, id);
  await p.locator('[data-testid="action-assign"]').click();
  await o.page.locator(`[data-testid="assign-user-${agent.id}"]`).click();

  // The agent's Mine, live.
  await row(a.page, id).waitFor();
  assert.equal((await s.api("GET", `/api/v1/conversations/${id}`)).assignee_id, agent.id);
  // The assignment is in the timeline, saying who did it.
  await p.locator('[data-testid="timeline-item"][data-kind="event"][data-event-type="conversation.assigned"]').first().waitFor();

  // The agent opens it; the owner starts writing: "Olivia Owner is replying…".
  await row(a.page, id).click();
  await pane(a.page, id).waitFor();
  await p.locator('[data-testid="composer"] textarea').fill("Tara, I added a note on the invoice");
  await pane(a.page, id).getByText(/Olivia Owner is replying/).waitFor();
  // Never one's own: the owner does not see themself replying.
  assert.equal(await p.getByText(/is replying/).count(), 0);

  o.assertClean();
  a.assertClean();
  await o.close();
  await a.close();
});

test("assigning above an agent's capacity asks first", async () => {
  const s = f.server;
  const agent = await s.createAgent({ name: "Cap Acity", teams: ["Support"] });
  await s.api("PUT", `/api/v1/users/${agent.id}/capacity`, { capacity: 1 });
  const first = await s.contactWrites(s.newContact("Una", "First"), "One");
  await s.api("POST", `/api/v1/conversations/${first.conversation_id}/assign`, { user_id: agent.id, force: true });
  const { conversation_id: id } = await s.contactWrites(s.newContact("Dos", "Second"), "Two");

  const o = await newUser(f.browser, { name: "the owner" });
  const ow = owner(s);
  await signIn(o.page, s.url, ow.email, ow.password, `/inbox/all/${id}`);
  const p = pane(o.page, id);
  await p.locator('[data-testid="action-assign"]').click();
  await o.page.locator(`[data-testid="assign-user-${agent.id}"]`).click();
  const ask = o.page.getByRole("alertdialog");
  await ask.waitFor();
  assert.match(await ask.innerText(), /Cap Acity is at capacity \(1\/1 open\)/);
  // Nothing changed yet.
  assert.equal((await s.api("GET", `/api/v1/conversations/${id}`)).assignee_id ?? null, null);
  await o.page.locator('[data-testid="assign-force"]').click();
  await until(async () => (await s.api("GET", `/api/v1/conversations/${id}`)).assignee_id === agent.id, {
    what: "the conversation to be assigned anyway",
  });
  o.assertClean();
  await o.close();
});
