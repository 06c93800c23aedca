// Scope: an agent of another team never sees a conversation of Sales —
// not in their list, not by typing its URL (the 404 page), not on the live
// socket while the contact writes and the conversation is worked on.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { fixture, goOnline, newUser, owner, PASSWORD, row, signIn, until } from "./harness.mjs";

const f = fixture(before, after);

/** openSocket opens a live socket from the page (its session cookie) and records its frames. */
async function openSocket(page, name) {
  await page.evaluate(
    (name) =>
      new Promise((ok, fail) => {
        const frames = [];
        window.__e2eFrames = window.__e2eFrames ?? {};
        window.__e2eFrames[name] = frames;
        const ws = new WebSocket(`ws://${location.host}/api/v1/live`);
        ws.onmessage = (m) => frames.push(String(m.data));
        ws.onopen = () => ok();
        ws.onerror = () => fail(new Error("the live socket did not open"));
      }),
    name,
  );
  await until(() => frames(page, name).then((fs) => fs.some((x) => x.type === "hello")), { what: `${name}'s hello frame` });
}

async function frames(page, name) {
  const raw = await page.evaluate((name) => window.__e2eFrames[name].slice(), name);
  return raw.map((r) => ({ raw: r, ...JSON.parse(r) }));
}

function namesConversation(frame, id) {
  const ev = frame.event;
  return (
    frame.conversation_id === id ||
    ev?.conversation_id === id ||
    new RegExp(`"conversation_id"\\s*:\\s*${id}\\b`).test(frame.raw)
  );
}

test("an agent of another team never sees the conversation", async () => {
  const s = f.server;
  const other = await s.createAgent({ name: "Otto Other", teams: ["Escalations"] });
  const x = await newUser(f.browser, { name: "the other agent" });
  await signIn(x.page, s.url, other.email, other.password);
  await x.page.getByRole("listbox").waitFor({ state: "attached" });
  await openSocket(x.page, "other");

  // The control: the owner's socket sees everything.
  const o = await newUser(f.browser, { name: "the owner" });
  const ow = owner(s);
  await signIn(o.page, s.url, ow.email, ow.password, "/");
  await openSocket(o.page, "owner");

  // The contact writes and answers; the conversation goes to Sales.
  const contact = s.newContact("Priya", "Private");
  const { conversation_id: id } = await s.contactWrites(contact, "Hello, this is private");
  await s.asked(contact);
  await s.contactWrites(contact, "Sales");
  const sales = await s.teamID("Sales");
  await s.api("POST", `/api/v1/conversations/${id}/assign`, { team_id: sales });
  await s.contactWrites(contact, "Are you there?");

  // A barrier in the log: the other agent goes online; once their own
  // presence event reaches their socket, every earlier event has been
  // delivered to it or withheld.
  await goOnline(x.page);
  await until(
    async () =>
      (await frames(x.page, "other")).some(
        (fr) => fr.type === "event" && fr.event.type === "user.presence.updated" && fr.event.payload?.user_id === other.id,
      ),
    { what: "the other agent's presence event on their socket" },
  );
  await until(async () => (await frames(o.page, "owner")).some((fr) => namesConversation(fr, id)), {
    what: "the owner's socket to carry the conversation's events (the control)",
  });
  const seen = (await frames(x.page, "other")).filter((fr) => namesConversation(fr, id));
  assert.deepEqual(seen.map((fr) => fr.raw), [], "the other agent's socket named the conversation");

  // Not in their list (once it has loaded: not busy).
  await x.page.locator('[role="listbox"]:not([aria-busy="true"])').waitFor({ state: "attached" });
  assert.equal(await row(x.page, id).count(), 0, "the row is not in the other agent's list");
  assert.equal(await x.page.locator(`[data-conversation-id="${id}"]`).count(), 0);
  // Nor in their counts: they see no conversation at all.
  assert.equal((await x.page.locator('[data-testid="view-count-all"]').innerText()).trim(), "0");

  // Not by URL: the 404 page, and nothing of the conversation.
  x.allow(404, new RegExp(`^/api/v1/(conversations/${id}(/.*)?|contacts/\\d+(/.*)?)$`));
  await x.page.goto(`${s.url}/inbox/all/${id}`);
  await x.page
    .locator('[data-testid="not-found"]')
    .waitFor()
    .catch(async (e) => {
      const shown = (await x.page.locator("body").innerText()).replace(/\s+/g, " ").slice(-300);
      throw new Error(`the 404 page (data-testid="not-found") did not appear at /inbox/all/${id}; the page shows: …${shown}\n${e.message}`);
    });
  // No conversation loaded (a refetch may show the empty loading frame,
  // aria-busy, which holds nothing of it).
  assert.equal(await x.page.locator('[data-testid="conversation"]:not([aria-busy="true"])').count(), 0);
  assert.doesNotMatch(await x.page.locator("body").innerText(), /Hello, this is private|Priya/);

  // And the API agrees.
  const login = await s.api("POST", "/api/v1/auth/login", { email: other.email, password: PASSWORD });
  await s.api("GET", `/api/v1/conversations/${id}`, undefined, { token: login.token, expect: 404 });

  x.assertClean();
  o.assertClean();
  await x.close();
  await o.close();
});
