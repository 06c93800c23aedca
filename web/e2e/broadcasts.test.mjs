// Broadcasts: an owner writes one from the Broadcasts page — the demo's
// custom channel, the contacts tagged spring-vip (the estimate says 2 of
// the 3 who wrote), a text with the contact's first name — and sends it
// now after the dialog names the 2 contacts. The integrator gets it for
// those two only; one reports it delivered, the other read, and one
// answers: the broadcast's page counts 2 recipients, 2 delivered, 1 read,
// 1 replied, and lists them by status. On WhatsApp a text skips the
// contacts outside its 24-hour window, and a template reaches them. A
// draft is edited, scheduled and cancelled back to a draft. An agent has
// no Broadcasts. Screenshots of the list, the form (a text, and a
// WhatsApp template) and the broadcast's page.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { businessAccountID, phoneNumberID, startCloudAPI } from "./cloud-api.mjs";
import { fixture, newUser, owner, screenshot, signIn, until } from "./harness.mjs";

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** axe scans the page and fails on serious or critical violations. */
async function axe(page, what) {
  await page.evaluate(axeSource);
  const found = await page.evaluate(() =>
    window.axe.run(document, { resultTypes: ["violations"] }).then((r) =>
      r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) })),
    ),
  );
  const serious = found.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.equal(serious.length, 0, `axe found serious violations on ${what}:\n${JSON.stringify(serious, null, 1)}`);
}

const f = fixture(before, after, { workflows: false });

// Its variable is filled for each contact by the server.
/** A WhatsApp business account's template, as the Graph API lists it. */
const waTemplates = [
  { name: "order_update", language: "en_US", status: "APPROVED", category: "UTILITY", id: "2",
    components: [
      { type: "HEADER", format: "TEXT", text: "Order {{1}}", example: { header_text: ["#1042"] } },
      { type: "BODY", text: "Hi {{1}}, your order {{2}} has shipped.", example: { body_text: [["Ada", "#1042"]] } },
    ] },
];

const TEXT = "Hi {{contact.first_name}}, our spring sale is on: 20 % off everything until Sunday.";
const textFor = (c) => TEXT.replace("{{contact.first_name}}", c.firstName);

/** stat reads a stat card's number on the broadcast's page. */
async function stat(page, id) {
  const el = page.locator(`[data-testid="stat-${id}"]`);
  return (await el.count()) ? Number(await el.getAttribute("data-value")) : -1;
}

test("an owner sends a broadcast to a tag now and sees it delivered, read and answered", async () => {
  const s = f.server;
  await s.api("POST", "/api/v1/tags", { name: "spring-vip" }, { expect: 201 });
  const ada = s.newContact("Ada", "Broadcast");
  const ben = s.newContact("Ben", "Broadcast");
  const cy = s.newContact("Cy", "Untagged");
  const ids = {};
  for (const c of [ada, ben, cy]) ids[c.id] = (await s.contactWrites(c, `Hello from ${c.firstName}`)).contact_id;
  for (const c of [ada, ben]) await s.api("POST", `/api/v1/contacts/${ids[c.id]}/tags`, { tag: "spring-vip" });
  // An older draft, so the list has more than the one sent here.
  await s.api("POST", "/api/v1/broadcasts", {
    name: "Summer preview", channel_id: s.demo.channel_id, audience: { tag: "spring-vip" }, message: { type: "text", text: "Soon!" },
  }, { expect: 201 });

  const u = await newUser(f.browser, { name: "the owner" });
  const { page } = u;
  const ow = owner(s);
  await signIn(page, s.url, ow.email, ow.password);
  await page.getByRole("navigation").getByRole("link", { name: "Broadcasts" }).click();
  await page.locator('[data-testid="broadcast-row"]', { hasText: "Summer preview" }).waitFor();
  await page.getByTestId("broadcast-new").click();

  // The form: the channel, the tag, the estimate, the text.
  const form = page.getByTestId("broadcast-form");
  await form.waitFor();
  await page.getByTestId("broadcast-name").fill("Spring sale");
  await page.getByTestId("broadcast-channel").selectOption(String(s.demo.channel_id));
  await page.locator('[data-testid="audience-tag"] option[value="spring-vip"]').waitFor({ state: "attached" });
  await page.getByTestId("audience-tag").selectOption("spring-vip");
  await until(async () => (await page.getByTestId("broadcast-estimate").getAttribute("data-count")) === "2", { what: "the estimate of 2 contacts" });
  assert.equal(await page.getByTestId("broadcast-estimate").innerText(), "2 contacts right now");
  await page.getByTestId("message-text").fill(TEXT);
  await screenshot(page, "broadcasts-new", "light");
  await axe(page, "the broadcast form");

  // Send now: the dialog names the contacts it goes to.
  await page.getByTestId("broadcast-send-now").click();
  const dialog = page.getByTestId("broadcast-send-dialog");
  await dialog.waitFor();
  assert.equal(await dialog.getByTestId("broadcast-send-count").innerText(), "“Spring sale” goes now to 2 contacts.");
  await dialog.getByRole("button", { name: "Send to 2 contacts" }).click();
  await page.waitForURL(/\/broadcasts\/\d+$/);
  const id = Number(page.url().split("/").pop());
  await page.getByTestId("broadcast-detail").waitFor();

  // The integrator gets it for the two tagged contacts, and not the third.
  const toAda = await s.integrator.waitFor((m) => m.body?.contactId === ada.id && m.body?.message?.text === textFor(ada));
  const toBen = await s.integrator.waitFor((m) => m.body?.contactId === ben.id && m.body?.message?.text === textFor(ben));
  // Sent before any receipt: from here the page no longer polls, and the
  // numbers move by the socket's message events.
  await until(async () => (await page.getByTestId("broadcast-detail").getAttribute("data-status")) === "sent", { what: "the broadcast to be sent" });
  await until(async () => (await stat(page, "recipients")) === 2 && (await stat(page, "delivered")) === 0, { what: "2 recipients, none delivered yet" });
  await s.messageStatus(ada, toAda.mId, "delivered");
  await s.messageStatus(ben, toBen.mId, "read");
  const answer = await s.contactWrites(ada, "Yes please, I'll take two!");

  // The page's numbers move by themselves until they are the truth.
  const want = { recipients: 2, delivered: 2, read: 1, replied: 1, failed: 0, skipped: 0 };
  await until(
    async () => {
      const got = {};
      for (const k of Object.keys(want)) got[k] = await stat(page, k);
      return JSON.stringify(got) === JSON.stringify(want) && got;
    },
    { what: `the stat cards to show ${JSON.stringify(want)}`, timeout: 30_000, every: 250 },
  );
  assert.equal(await page.locator('[data-testid="stat-read"] [data-testid="stat-percent"]').innerText(), "50 %");
  assert.equal(s.integrator.received.filter((m) => m.body?.contactId === cy.id && /spring sale/.test(m.body?.message?.text ?? "")).length, 0);
  const api = await s.api("GET", `/api/v1/broadcasts/${id}`);
  assert.equal(api.status, "sent");
  assert.equal(api.stats.recipients, 2);

  // The recipients, then only those who read it; each opens the contact.
  const rows = page.locator('[data-testid="recipient-row"]');
  await until(async () => (await rows.count()) === 2, { what: "two recipient rows" });
  await page.getByTestId("recipients-status").selectOption("read");
  await until(async () => (await rows.count()) === 1 && (await rows.first().getAttribute("data-contact-id")) === String(ids[ben.id]), { what: "only Ben under Read" });
  await page.getByTestId("recipients-status").selectOption("");
  // Both again, each with what became of its message, Ada's answer too.
  const row = (c) => page.locator(`[data-testid="recipient-row"][data-contact-id="${ids[c.id]}"]`);
  await until(async () => (await row(ada).getAttribute("data-status")) === "delivered" && (await row(ben).getAttribute("data-status")) === "read", {
    what: "Ada's delivered and Ben's read in the list",
  });
  assert.match(await row(ada).innerText(), /Delivered[\s\S]*\d{4}/); // replied, with when
  assert.equal(await rows.count(), 2);
  await screenshot(page, "broadcast-detail", "light");
  await axe(page, "the broadcast's page");
  await rows.filter({ hasText: "Ada" }).getByRole("link").click();
  await page.waitForURL(new RegExp(`/contacts/${ids[ada.id]}$`));
  // Her message is in no conversation: her timeline tells it, and the
  // inbox's contact panel lists it beside the conversation her answer is in.
  await page.getByTestId("contact-timeline").getByText(`Broadcast #${id} sent`).waitFor();
  await page.goto(`${s.url}/inbox/all/${answer.conversation_id}`);
  const received = page.getByTestId("contact-panel").getByTestId("contact-broadcasts");
  await received.getByText("Spring sale", { exact: true }).waitFor();
  assert.ok((await received.innerText()).includes(textFor(ada)), "the panel shows what the broadcast said");
  await screenshot(page, "contact-panel-broadcasts", "light", { locator: page.getByTestId("contact-panel") });

  // The list: the sent one with its summary, the draft.
  await page.getByRole("navigation").getByRole("link", { name: "Broadcasts" }).click();
  const sent = page.locator(`[data-testid="broadcast-row"][data-broadcast-id="${id}"]`);
  await sent.waitFor();
  assert.equal(await sent.getByTestId("broadcast-status").innerText(), "Sent");
  assert.equal(await sent.getByTestId("broadcast-recipients").innerText(), "2");
  assert.equal(await sent.getByTestId("broadcast-summary").innerText(), "100 % delivered · 50 % read · 50 % replied");
  await screenshot(page, "broadcasts-list", "light");
  await axe(page, "the broadcasts list");
  u.assertClean();
  await u.close();
});

test("on WhatsApp a text skips those outside the window, and a template reaches them", async () => {
  const s = f.server;
  const types = (await s.api("GET", "/api/v1/channel-types")).items.map((t) => t.type);
  if (!types.includes("whatsapp")) return; // a build without it
  const graph = await startCloudAPI({ templates: waTemplates });
  try {
    const wa = await s.api("POST", "/api/v1/channels", {
      type: "whatsapp",
      name: "WhatsApp",
      config: { phone_number_id: phoneNumberID, business_account_id: businessAccountID, access_token: "EAAG-e2e", app_secret: "e2e-app-secret", api_base_url: graph.url },
    });
    await s.api("POST", `/api/v1/channels/${wa.id}/templates/sync`);
    // Two contacts known on WhatsApp who never wrote there: outside its window.
    for (const [first, phone] of [["Sheena", "+16505551234"], ["Tomas", "+16505551235"]]) {
      const c = await s.api("POST", "/api/v1/contacts", { first_name: first, phone });
      await s.api("POST", "/api/v1/conversations", { contact_id: c.id, channel_id: wa.id });
    }
    const u = await newUser(f.browser, { name: "the owner" });
    const { page } = u;
    const ow = owner(s);
    await signIn(page, s.url, ow.email, ow.password, "/broadcasts/new");

    // A text: the form says what the window does; both are skipped, saying why.
    await page.getByTestId("broadcast-name").fill("WhatsApp text");
    await page.getByTestId("broadcast-channel").selectOption(String(wa.id));
    await page.getByTestId("broadcast-window-note").filter({ hasText: "only contacts who wrote in the last 24 hours" }).waitFor();
    await until(async () => (await page.getByTestId("broadcast-estimate").getAttribute("data-count")) === "2", { what: "the estimate of 2 WhatsApp contacts" });
    await page.getByTestId("message-text").fill("Hello from the shop");
    await page.getByTestId("broadcast-send-now").click();
    await page.getByTestId("broadcast-send-dialog").getByRole("button", { name: "Send to 2 contacts" }).click();
    await page.waitForURL(/\/broadcasts\/\d+$/);
    await until(async () => (await stat(page, "skipped")) === 2 && (await stat(page, "recipients")) === 2, { what: "both skipped" });
    const skipped = page.locator('[data-testid="recipient-row"][data-status="skipped"]');
    await until(async () => (await skipped.count()) === 2, { what: "two skipped rows" });
    assert.match(await skipped.first().innerText(), /window/i, "the reason names the window");
    assert.equal(graph.posts.filter((m) => m.type === "text").length, 0);

    // A template, its header's and body's parameters filled: it reaches both.
    await page.getByRole("navigation").getByRole("link", { name: "Broadcasts" }).click();
    await page.getByTestId("broadcast-new").click();
    await page.getByTestId("broadcast-name").fill("WhatsApp template");
    await page.getByTestId("broadcast-channel").selectOption(String(wa.id));
    await page.getByTestId("message-kind-template").check();
    await page.getByTestId("broadcast-window-note").filter({ hasText: "A template reaches every contact" }).waitFor();
    await page.locator('[data-testid="message-template"] option[value="order_update/en_US"]').waitFor({ state: "attached" });
    await page.getByTestId("message-template").selectOption("order_update/en_US");
    await page.getByTestId("message-template-header").fill("#1042");
    const params = page.getByTestId("message-template-param");
    await params.nth(0).fill("friend");
    await params.nth(1).fill("#1042");
    assert.equal(await page.getByTestId("message-template-header-preview").innerText(), "Order #1042");
    assert.equal(await page.getByTestId("message-template-preview").innerText(), "Hi friend, your order #1042 has shipped.");
    await until(async () => (await page.getByTestId("broadcast-estimate").getAttribute("data-count")) === "2", { what: "the estimate of 2 WhatsApp contacts" });
    await screenshot(page, "broadcasts-template", "light");
    await page.getByTestId("broadcast-send-now").click();
    await page.getByTestId("broadcast-send-dialog").getByRole("button", { name: "Send to 2 contacts" }).click();
    await page.waitForURL(/\/broadcasts\/\d+$/);
    await until(() => graph.posts.filter((m) => m.type === "template").length === 2, { what: "the template sent to both" });
    const sent = graph.posts.filter((m) => m.type === "template");
    assert.deepEqual(sent.map((m) => m.to).sort(), ["16505551234", "16505551235"]);
    assert.deepEqual(
      sent[0].template?.components?.map((c) => [c.type, c.parameters.map((x) => x.text)]),
      [["header", ["#1042"]], ["body", ["friend", "#1042"]]],
    );
    await until(async () => (await stat(page, "recipients")) === 2 && (await stat(page, "skipped")) === 0, { what: "both reached" });
    await page.getByTestId("broadcast-summary-template").filter({ hasText: "order_update" }).waitFor();
    u.assertClean();
    await u.close();
  } finally {
    graph.close();
  }
});

test("a draft is edited, scheduled, and cancelled back to a draft", async () => {
  const s = f.server;
  const draft = await s.api("POST", "/api/v1/broadcasts", {
    name: "Autumn preview", channel_id: s.demo.channel_id, audience: {}, message: { type: "text", text: "Autumn is coming" },
  }, { expect: 201 });
  const u = await newUser(f.browser, { name: "the owner" });
  const { page } = u;
  const ow = owner(s);
  await signIn(page, s.url, ow.email, ow.password, `/broadcasts/${draft.id}`);
  await page.getByTestId("broadcast-edit").click();
  await page.getByTestId("broadcast-form").waitFor();
  assert.equal(await page.getByTestId("message-text").inputValue(), "Autumn is coming");
  await page.getByTestId("broadcast-name").fill("Autumn preview, second take");
  await page.getByTestId("broadcast-schedule").click();
  const dialog = page.getByTestId("broadcast-send-dialog");
  // Two days ahead at 09:30 on the workspace's clock, whatever its zone.
  const day = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
  await dialog.getByTestId("broadcast-schedule-at").fill(`${day}T09:30`);
  await dialog.getByTestId("broadcast-send-confirm").click();
  const detail = page.getByTestId("broadcast-detail");
  await until(async () => (await detail.getAttribute("data-status")) === "scheduled", { what: "the broadcast to be scheduled" });
  assert.match(await page.getByTestId("broadcast-when").innerText(), /^Goes /);
  const scheduled = await s.api("GET", `/api/v1/broadcasts/${draft.id}`);
  assert.equal(scheduled.name, "Autumn preview, second take");
  assert.equal(scheduled.status, "scheduled");
  assert.ok(Date.parse(scheduled.scheduled_at) > Date.now() + 86_400_000, scheduled.scheduled_at);

  await page.getByTestId("broadcast-cancel").click();
  await page.getByTestId("broadcast-confirm").getByTestId("broadcast-confirm-yes").click();
  await until(async () => (await detail.getAttribute("data-status")) === "draft", { what: "the broadcast back to a draft" });
  await page.getByTestId("broadcast-edit").waitFor();
  assert.equal((await s.api("GET", `/api/v1/broadcasts/${draft.id}`)).status, "draft");
  u.assertClean();
  await u.close();
});

test("an agent has no broadcasts", async () => {
  const s = f.server;
  const agent = await s.createAgent({ name: "Bea Broadcast" });
  const token = (await s.api("POST", "/api/v1/auth/login", { email: agent.email, password: agent.password })).token;
  await s.api("GET", "/api/v1/broadcasts", undefined, { token, expect: 403 });
  const u = await newUser(f.browser, { name: "the agent" });
  const { page } = u;
  await signIn(page, s.url, agent.email, agent.password);
  await page.getByRole("navigation").first().getByRole("link", { name: "Contacts" }).waitFor();
  assert.equal(await page.getByRole("link", { name: "Broadcasts" }).count(), 0);
  await page.goto(s.url + "/broadcasts");
  await page.locator('[data-testid="not-found"]').waitFor();
  u.assertClean();
  await u.close();
});
