// Notification mails, against a node that mails through a local SMTP sink
// and waits two seconds (--notification-mail-after 2s): an agent assigned
// a conversation and mentioned in it, away from the inbox, gets one mail
// for each, the mention's quoting the comment; the mailed link, opened
// signed in, shows the conversation, and reading it clears the bell.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { newUser, signIn, until } from "./harness.mjs";
import { mailingFixture } from "./smtp-sink.mjs";

const mailing = mailingFixture(before, after, ["--notification-mail-after", "2s"]);
const f = mailing.f;

test("an agent away is mailed what they were not there to see, and the link opens it", async () => {
  const s = f.server;
  const sink = mailing.sink;
  const agent = await s.createAgent({ name: "Moana Mailed" });
  const { conversation_id: conv } = await s.contactWrites(s.newContact("Rey", "Refund"), "I was charged twice for one order");
  await s.api("POST", `/api/v1/conversations/${conv}/assign`, { user_id: agent.id });
  await s.api("POST", `/api/v1/conversations/${conv}/comments`, { text: "Can you call Rey back?\nThe bank confirmed the double charge.", mentions: [agent.id] },
    { expect: 201 });

  const toAgent = (m) => m.to.includes(agent.email);
  await until(() => sink.mails.filter(toAgent).length === 2, { what: "two mails to the agent" });
  const mails = sink.mails.filter(toAgent);
  const assigned = mails.find((m) => /^Subject: The conversation with Rey Refund is assigned to you\r$/m.test(m.raw));
  const mentioned = mails.find((m) => /^Subject: .* mentioned you in the conversation with Rey Refund\r$/m.test(m.raw));
  assert.ok(assigned && mentioned, `the two mails' subjects:\n${mails.map((m) => m.raw.match(/^Subject: .*$/m)?.[0]).join("\n")}`);
  assert.match(mentioned.text, /> Can you call Rey back\?\r?\n> The bank confirmed the double charge\./);
  const link = `${s.url}/inbox/all/${conv}`;
  assert.ok(mentioned.text.includes(link), `the mail links to the conversation:\n${mentioned.text}`);
  assert.ok(mentioned.text.includes(`${s.url}/account`), "the mail says where to choose the mails");

  // Both unread until then (an API session of the agent's own says so).
  const login = await s.api("POST", "/api/v1/auth/login", { email: agent.email, password: agent.password });
  assert.equal((await s.api("GET", "/api/v1/me/notifications/count", undefined, { token: login.token })).unread, 2);

  // The link, signed in: the conversation, read, and the bell cleared.
  const u = await newUser(f.browser, { name: "the agent" });
  await signIn(u.page, s.url, agent.email, agent.password, `/inbox/all/${conv}`);
  await u.page.locator(`[data-testid="conversation"][data-conversation-id="${conv}"]`).getByText("I was charged twice").waitFor();
  await until(async () => !/\d/.test(await u.page.getByTestId("bell").innerText()), { what: "the bell cleared by reading the conversation" });
  assert.equal((await s.api("GET", "/api/v1/me/notifications/count", undefined, { token: login.token })).unread, 0);
  u.assertClean();
  await u.close();
});
