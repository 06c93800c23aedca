// The screenshots of issue 9, light and dark, at 1440×900, to
// docs/screenshots/: the inbox, a conversation, and the contact panel. The
// workspace is filled as a real one would be: contacts writing through the
// custom channel, the demo workflow's welcome and question, answers that
// route, an owner's reply the integrator delivered and the contact read,
// an internal comment, the contact's fields and tags.
import { test, before, after } from "node:test";
import { fixture, newUser, owner, pane, row, screenshot, signIn, until } from "./harness.mjs";

const f = fixture(before, after);

async function seed(s) {
  const ow = owner(s);
  const login = await s.api("POST", "/api/v1/auth/login", { email: ow.email, password: ow.password });
  const as = { token: login.token };
  const me = login.user;

  const people = [
    ["Tom", "Becker", "Do you offer volume discounts for 50 seats?", "Sales"],
    ["Aiko", "Sato", "I was charged twice for November, can you refund one?", "Billing"],
    ["Chloé", "Martin", "Bonjour, je voudrais changer mon adresse de livraison.", null],
    ["Marco", "Rossi", "Can I change the email address on my account?", "Support"],
    ["Jonas", "Weber", "Hello?", null],
  ];
  for (const [first, last, text, answer] of people) {
    const c = s.newContact(first, last);
    await s.contactWrites(c, text);
    if (answer) {
      await s.asked(c);
      await s.contactWrites(c, answer);
    }
  }

  // The conversation the screenshots open: Lena's, assigned to the owner.
  const lena = s.newContact("Lena", "Fischer");
  const { conversation_id: id, contact_id: contactID } = await s.contactWrites(
    lena,
    "Hi! My order #4471 hasn't arrived yet, it's been 9 days.",
  );
  await s.asked(lena);
  await s.contactWrites(lena, "Support");
  // The workflow routes her to Support (nobody online: she waits in its queue).
  await until(async () => {
    const ev = await s.api("GET", `/api/v1/conversations/${id}/events?limit=200`);
    return ev.data.some((e) => e.type === "conversation.queued");
  }, { what: "Lena's conversation to be queued for Support" });
  await s.api("POST", `/api/v1/conversations/${id}/assign`, { user_id: me.id, force: true }, as);
  const reply = "Sorry about that, Lena. I'm checking the tracking with the carrier right now.";
  await s.api("POST", `/api/v1/conversations/${id}/messages`, { text: reply }, as);
  const sent = await s.integrator.waitFor((m) => m.body?.message?.text === reply);
  await s.messageStatus(lena, sent.mId, "delivered");
  await s.messageStatus(lena, sent.mId, "read");
  await s.contactWrites(lena, "Thanks! The tracking page has said 'label created' since Monday.");
  await s.api("POST", `/api/v1/conversations/${id}/comments`, { text: "Warehouse says #4471 left on Tuesday; carrier delay." }, as);
  await s.api(
    "PATCH",
    `/api/v1/contacts/${contactID}`,
    { email: "lena.fischer@example.com", fields: { need: "support", order_number: "4471", company_size: 12 } },
    as,
  );
  await s.api("POST", `/api/v1/contacts/${contactID}/tags`, { tag: "vip" }, as);
  await s.api("POST", `/api/v1/contacts/${contactID}/tags`, { tag: "eu" }, as);
  return { id, lena, count: people.length + 1 };
}

test("screenshots of the inbox, a conversation and the contact panel, light and dark", async () => {
  const s = f.server;
  const { id, count } = await seed(s);
  for (const theme of ["light", "dark"]) {
    const u = await newUser(f.browser, { theme });
    const { page } = u;
    const ow = owner(s);
    await signIn(page, s.url, ow.email, ow.password);
    await until(async () => (await page.locator('[data-testid="conversation-row"]').count()) >= count, {
      what: `${count} rows in the list`,
    });
    await screenshot(page, "inbox", theme);

    await row(page, id).click();
    const p = pane(page, id);
    await p.locator('[data-testid="timeline-item"]', { hasText: "label created" }).waitFor();
    await p.locator('[data-testid="timeline-item"][data-kind="comment"]').first().waitFor();
    await p.locator('[data-testid="composer"]').waitFor();
    const panel = page.locator('[data-testid="contact-panel"]');
    await panel.waitFor();
    await panel.getByText("lena.fischer@example.com").first().waitFor();
    await screenshot(page, "conversation", theme);
    await screenshot(page, "contact-panel", theme, { locator: panel });
    u.assertClean();
    await u.close();
  }
});
