// A snippet in the composer: an owner types / and part of its name, picks
// it, and its variables come filled from the conversation (the contact's
// first name and a custom field, the writer's first name, the
// conversation's number); a variable nobody can fill stays for the agent
// to see and edit. The reply reaches the integrator as shown.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { fixture, newUser, owner, pane, row, signIn, until } from "./harness.mjs";

const f = fixture(before, after, { workflows: false });

test("a snippet's variables are filled in when it is inserted", async () => {
  const s = f.server;
  await s.api("POST", "/api/v1/custom-fields", { key: "order_ref", name: "Order ref", type: "text" }, { expect: 201 });
  await s.api("POST", "/api/v1/snippets", {
    name: "greet-order",
    text: "Hi {{contact.first_name}}, {{agent.first_name}} here about order {{contact.order_ref}} (case #{{conversation.id}}). {{var.eta}}",
  }, { expect: 201 });
  const contact = s.newContact("Nadia", "Snippet");
  const { conversation_id: id, contact_id: contactID } = await s.contactWrites(contact, "Any news on my order?");
  await s.api("PATCH", `/api/v1/contacts/${contactID}`, { fields: { order_ref: "A-1042" } });

  const u = await newUser(f.browser);
  const { page } = u;
  const ow = owner(s);
  const me = (await s.api("GET", "/api/v1/users")).data.find((x) => x.email === ow.email);
  await signIn(page, s.url, ow.email, ow.password, "/inbox/all");
  await row(page, id).click();
  const composer = pane(page, id).locator('[data-testid="composer"]');
  const box = composer.locator("textarea");
  await box.click();
  await box.pressSequentially("/greet");
  await page.getByRole("option", { name: /greet-order/ }).waitFor();
  await box.press("Enter");
  const first = me.name.split(/\s+/)[0];
  const want = `Hi Nadia, ${first} here about order A-1042 (case #${id}). {{var.eta}}`;
  await until(async () => (await box.inputValue()) === want, { what: "the snippet filled in" });

  await box.fill(want.replace(" {{var.eta}}", " It ships tomorrow."));
  await composer.locator('[data-testid="send"]').click();
  const got = await s.integrator.waitFor((m) => m.body?.message?.text?.startsWith("Hi Nadia"));
  assert.equal(got.body.message.text, `Hi Nadia, ${first} here about order A-1042 (case #${id}). It ships tomorrow.`);
  u.assertClean();
  await u.close();
});
