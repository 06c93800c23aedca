// The website chat widget of issue 10: the owner creates a widget channel
// in Settings → Channels; a page served from another origin embeds it with one
// <script> tag; a visitor fills the pre-chat form and writes; the demo
// workflow's question shows its choices as buttons; the visitor answers
// with a button; an agent of Sales goes online, is assigned, types and
// replies from the inbox; the visitor sees the typing and the reply live,
// and an unread badge while the panel is closed; both see the other's
// reads, the visitor who is online and when the conversation is closed. A
// page of an origin the channel does not allow gets no widget; an
// oversized message is refused with a clear error in the widget. (How the
// text of messages is shown: widget-text.test.mjs.)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fixture, goOnline, newUser, owner, pane, row, screenshot, signIn, until } from "./harness.mjs";
import { hostSite, visitorPage, widgetSite } from "./widget-site.mjs";

const f = fixture(before, after);
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

test("a visitor on another site chats through the widget with an agent", async (t) => {
  const s = f.server;
  // The shop's site, on another origin than Switchboard's.
  const shop = await hostSite(s.url);
  t.after(() => shop.close()); // closed even when the test fails, so the file's process can end
  // The owner configures the widget in Settings → Channels.
  const o = await newUser(f.browser, { name: "the owner" });
  const me = owner(s);
  await signIn(o.page, s.url, me.email, me.password, "/settings/channels");
  const form = o.page.locator("section", { has: o.page.getByRole("heading", { name: "New website widget" }) });
  await form.getByLabel("Name", { exact: true }).fill("Acme Shoes");
  await form.getByLabel("Allowed origins").fill(shop.url);
  await form.getByLabel("Colour", { exact: true }).fill("#0f766e");
  await form.getByLabel("Greeting").fill("Hi there! Questions about sizes or an order? We answer within minutes.");
  await form.getByLabel("Ask the visitor's name and email before the first message").check();
  await form.getByTestId("widget-save").click();
  // Listed with its settings and its embed code.
  const card = o.page.locator('[data-testid="channel-card"][data-channel-type="widget"][data-channel-name="Acme Shoes"]');
  await card.waitFor();
  const channel = await until(
    async () => (await s.api("GET", "/api/v1/channels?limit=200")).data.find((c) => c.type === "widget" && c.name === "Acme Shoes"),
    { what: "the widget channel made in settings" },
  );
  assert.deepEqual(channel.config.allowed_origins, [shop.url]);
  assert.equal(channel.config.color, "#0f766e");
  assert.equal(channel.config.pre_chat_form, true);
  // The owner steps away: nobody of the team is online when the visitor comes.
  const ownerSwitch = o.page.getByTestId("availability-switch");
  if ((await ownerSwitch.getAttribute("aria-checked")) === "true") await ownerSwitch.click();
  await o.page.locator('[data-testid="availability-switch"][aria-checked="false"]').waitFor();
  await o.context.close();
  shop.channelID = channel.id;
  assert.notEqual(new URL(shop.url).origin, new URL(s.url).origin, "the shop is another origin");

  // The script: JavaScript, cacheable.
  const js = await fetch(`${s.url}/widget.js?channel=${channel.id}`);
  assert.match(js.headers.get("content-type"), /javascript/);
  assert.match(js.headers.get("cache-control"), /max-age/);

  // The visitor opens the shop's page: the launcher appears in the channel's colour.
  const v = await newUser(f.browser, { name: "the visitor" });
  await v.page.goto(shop.url);
  const launcher = v.page.locator('[data-testid="sb-launcher"]');
  await launcher.waitFor();
  assert.equal(await launcher.evaluate((el) => getComputedStyle(el).backgroundColor), "rgb(15, 118, 110)");
  await launcher.click();
  const panel = v.page.locator('[data-testid="sb-panel"]');
  await panel.waitFor();
  await panel.locator('[data-testid="sb-greeting"]', { hasText: "Questions about sizes" }).waitFor();
  // Nobody online: the widget says when to expect an answer.
  const status = panel.locator('[data-testid="sb-status"]');
  await status.and(v.page.locator('[data-online="false"]')).waitFor();
  assert.equal(await status.innerText(), "We'll reply as soon as we can");
  // A second tab of the shop, opened before the visitor's first message:
  // the same visitor (their browser's storage), nothing to follow yet.
  const tab2 = await v.context.newPage();
  await tab2.goto(shop.url);
  await tab2.locator('[data-testid="sb-launcher"]').waitFor();

  // The pre-chat form, then the first message.
  await panel.locator('[data-testid="sb-name"]').fill("Wendy Walker");
  await panel.locator('[data-testid="sb-email"]').fill("wendy@example.com");
  await panel.locator('[data-testid="sb-prechat"] button[type="submit"]').click();
  const input = panel.locator('[data-testid="sb-input"]');
  await input.fill("Hello! Do you ship to Canada?");
  await panel.locator('[data-testid="sb-send"]').click();
  const msg = (dir, text) => panel.locator(`[data-testid="sb-message"][data-direction="${dir}"]`, { hasText: text });
  await msg("in", "Hello! Do you ship to Canada?").waitFor();

  // The demo workflow welcomes Wendy by name and asks its question, with buttons.
  await msg("out", "Hi Wendy, thanks for getting in touch!").waitFor();
  await msg("out", "What can we help you with?").waitFor();
  // The second tab follows the conversation live from the first message on.
  await tab2.locator('[data-testid="sb-launcher"]').click();
  const panel2 = tab2.locator('[data-testid="sb-panel"]');
  await panel2.locator('[data-testid="sb-message"][data-direction="in"]', { hasText: "Hello! Do you ship to Canada?" }).waitFor();
  await panel2.locator('[data-testid="sb-message"][data-direction="out"]', { hasText: "What can we help you with?" }).waitFor();
  const buttons = panel.locator('[data-testid="sb-reply"]');
  await until(async () => (await buttons.count()) === 3, { what: "three answer buttons" });
  assert.deepEqual(await buttons.allInnerTexts(), ["Sales", "Support", "Billing"]);
  await screenshot(v.page, "widget-question", "light", { locator: panel });

  // The conversation opened with source contact, and the contact is Wendy.
  const opened = await s.api("GET", "/api/v1/events?types=conversation.opened&limit=200");
  const ev = opened.data.findLast((e) => e.payload?.channel_id === channel.id);
  assert.ok(ev, "a conversation.opened event on the widget channel");
  assert.equal(ev.payload.source, "contact");
  const id = ev.conversation_id;
  const contact = await s.api("GET", `/api/v1/contacts/${ev.contact_id}`);
  assert.equal(contact.email, "wendy@example.com");

  // An agent of Sales signs in and goes online.
  const agent = await s.createAgent({ name: "Sol Seller", teams: ["Sales"] });
  const a = await newUser(f.browser, { name: "the agent" });
  await signIn(a.page, s.url, agent.email, agent.password, "/inbox/mine");
  await a.page.getByRole("listbox").waitFor({ state: "attached" });
  await goOnline(a.page);
  await status.and(v.page.locator('[data-online="true"]')).waitFor();
  assert.equal(await status.innerText(), "Online");

  // The visitor answers with a button: routed to Sales, assigned to the agent.
  await buttons.filter({ hasText: "Sales" }).click();
  await msg("in", "Sales").waitFor();
  await until(async () => (await buttons.count()) === 0, { what: "the buttons to go once answered" });
  await row(a.page, id).waitFor({ timeout: 15_000 });
  const conv = await s.api("GET", `/api/v1/conversations/${id}`);
  assert.equal(conv.assignee_id, agent.id, "assigned to the online agent of Sales");

  // The agent types: the visitor sees it; then replies: the visitor sees it live.
  await row(a.page, id).click();
  await pane(a.page, id).waitFor();
  const composer = pane(a.page, id).locator('[data-testid="composer"]');
  const modeReply = composer.locator('[data-testid="mode-reply"]');
  if (await modeReply.count()) await modeReply.click();
  // The visitor types: the agent sees it in the conversation.
  await input.pressSequentially("And to", { delay: 20 });
  await pane(a.page, id).getByText("Wendy Walker is typing…").waitFor();
  // Emptied, the box says the visitor stopped (at once: no notice runs out).
  await input.fill("");
  await pane(a.page, id).getByText("Wendy Walker is typing…").waitFor({ state: "hidden" });
  const reply = "Hi Wendy, yes: we ship to Canada in 5 to 7 days.";
  await composer.locator("textarea").pressSequentially("Hi Wendy", { delay: 20 });
  await panel.locator('[data-testid="sb-typing"]', { hasText: "Sol Seller is typing…" }).waitFor({ state: "visible" });
  await composer.locator("textarea").fill(reply);
  await composer.locator('[data-testid="send"]').click();
  await msg("out", reply).waitFor();
  // Signed with the agent's name, above their reply; the workflow's messages are not.
  await panel.locator('[data-testid="sb-sender"]:text-is("Sol Seller") + [data-testid="sb-message"]', { hasText: reply }).waitFor();
  assert.equal(await panel.locator('[data-testid="sb-sender"]').count(), 1, "only the agent's reply is signed");
  await panel2.locator('[data-testid="sb-message"][data-direction="out"]', { hasText: reply }).waitFor();
  // Shown in the visitor's open panel, the reply is read: the agent sees so.
  const sent = pane(a.page, id).locator('[data-testid="timeline-item"][data-direction="out"]', { hasText: reply });
  await sent.and(a.page.locator('[data-status="read"]')).waitFor();
  assert.equal(await sent.getByTestId("delivery-status").innerText(), "Read");
  await screenshot(a.page, "widget-reply-read", "light", { locator: pane(a.page, id) });
  await tab2.close();

  await until(async () => (await panel.locator('[data-testid="sb-typing"]').isHidden()), { what: "the typing line to go" });

  // The visitor writes again while the agent has the conversation open:
  // the inbox reads it, and the visitor is told so under their message.
  const seen = panel.locator('[data-testid="sb-seen"]');
  await input.fill("Great, thank you!");
  await panel.locator('[data-testid="sb-send"]').click();
  await pane(a.page, id).getByText("Great, thank you!").waitFor();
  await panel
    .locator('[data-testid="sb-message"][data-message-id]:has(+ [data-testid="sb-seen"])', { hasText: "Great, thank you!" })
    .waitFor();
  assert.equal(await seen.innerText(), "Seen");

  // The screenshot: the shop's page with the widget open.
  await v.page.setViewportSize({ width: 1280, height: 800 });
  await screenshot(v.page, "widget", "light");

  // axe-core finds nothing serious in the open widget (its shadow root included).
  await v.page.evaluate(axeSource);
  const violations = await v.page.evaluate((sel) =>
    window.axe.run({ include: [[sel]] }, { resultTypes: ["violations"] }).then((r) =>
      r.violations.map((x) => ({ id: x.id, impact: x.impact, help: x.help, targets: x.nodes.map((n) => n.target) })),
    ),
  `#switchboard-widget-${channel.id}`);
  const serious = violations.filter((x) => x.impact === "serious" || x.impact === "critical");
  assert.deepEqual(serious, [], `axe found serious violations in the widget: ${JSON.stringify(serious)}`);

  // An oversized message: a clear error in the widget, nothing sent.
  await input.fill("x".repeat(4001));
  await panel.locator('[data-testid="sb-send"]').click();
  await panel.locator('[data-testid="sb-error"]', { hasText: "too long" }).waitFor();
  await input.fill("");

  // Closed panel: the next reply shows an unread badge on the launcher.
  await launcher.click();
  await panel.waitFor({ state: "hidden" });
  await s.api("POST", `/api/v1/conversations/${id}/messages`, { text: "Anything else I can help with?" }, { expect: 202 });
  await v.page.locator('[data-testid="sb-unread"]', { hasText: "1" }).waitFor();
  const statusOf = async (text) =>
    (await s.api("GET", `/api/v1/conversations/${id}/messages?limit=200`)).data.find((m) => m.text === text)?.status;
  // The widget has it (closed): delivered for the agent, not read.
  const later = pane(a.page, id).locator('[data-testid="timeline-item"][data-direction="out"]', { hasText: "Anything else I can help with?" });
  await later.and(a.page.locator('[data-status="delivered"]')).waitFor();
  assert.equal(await later.getByTestId("delivery-status").innerText(), "Delivered");
  assert.equal(await statusOf("Anything else I can help with?"), "delivered", "a reply to a closed widget is delivered, not read");
  await launcher.click();
  await v.page.locator('[data-testid="sb-unread"]').waitFor({ state: "hidden" });
  await msg("out", "Anything else I can help with?").waitFor();
  await until(async () => (await statusOf("Anything else I can help with?")) === "read", { what: "the reply read once the panel opened" });
  assert.equal(await seen.count(), 0, "a reply after the visitor's message says more than Seen");

  // Reloaded, the visitor is the same: their conversation is still there.
  await v.page.reload();
  await launcher.click();
  await msg("out", reply).waitFor();
  await panel.locator('[data-testid="sb-sender"]:text-is("Sol Seller") + [data-testid="sb-message"]', { hasText: reply }).waitFor();
  await msg("in", "Hello! Do you ship to Canada?").waitFor();

  // Closed by the team: the visitor sees the conversation end, live and after a reload.
  const categories = (await s.api("GET", "/api/v1/closing-categories?limit=100")).data;
  await s.api("POST", `/api/v1/conversations/${id}/close`, categories.length ? { category: categories[0].name } : {});
  const ended = panel.locator(`[data-testid="sb-closed"][data-conversation-id="${id}"]`);
  await ended.waitFor();
  assert.equal(await ended.innerText(), "Conversation closed");
  await v.page.reload();
  await launcher.click();
  await ended.waitFor();

  v.assertClean();
  a.assertClean();
  await a.close();
  await v.close();
});

test("a page of an origin the channel does not allow gets no widget", async (t) => {
  const s = f.server;
  const channel = await s.api("POST", "/api/v1/channels", {
    type: "widget",
    name: "Elsewhere",
    config: { allowed_origins: ["https://only.example"] },
  });
  const site = await hostSite(s.url, channel.id);
  t.after(() => site.close());
  const v = await newUser(f.browser, { name: "a stranger" });
  // The browser blocks the refused answer (it has no CORS headers): the
  // script's request for the settings fails.
  const settings = (r) => r.url().includes(`/widget/${channel.id}/settings`);
  const refused = Promise.race([
    v.page.waitForEvent("requestfailed", settings).then(() => "failed"),
    v.page.waitForResponse(settings).then((r) => r.status()),
  ]);
  await v.page.goto(site.url);
  assert.ok(["failed", 403].includes(await refused), "the settings were refused");
  // The script gave up: no launcher is drawn.
  assert.equal(await v.page.locator('[data-testid="sb-launcher"]').count(), 0);
  // And the API refuses that origin's visitor too.
  const r = await fetch(`${s.url}/widget/${channel.id}/visitors`, { method: "POST", headers: { Origin: site.url } });
  assert.equal(r.status, 403);
  await v.close();
});

test("a message sent as the connection drops reaches the team once", async (t) => {
  const { channel, site } = await widgetSite(f, t, "Dropping");
  const { v, panel, route, history, input } = await visitorPage(f, site, channel.id);
  // The visitor's first message is lost with the connection: the widget
  // reconnects and sends it again, and it is stored once.
  route.cut = "before";
  await input.fill("Is the blue pair in stock?");
  await panel.locator('[data-testid="sb-send"]').click();
  await panel.locator('[data-testid="sb-message"][data-message-id]', { hasText: "Is the blue pair in stock?" }).waitFor();
  assert.ok(route.readies >= 2, "the widget reconnected");
  // The next one reaches the server but its ack is lost: sent again, it
  // is still stored once.
  route.cut = "after";
  await input.fill("And in size 42?");
  await panel.locator('[data-testid="sb-send"]').click();
  await panel.locator('[data-testid="sb-message"][data-message-id]', { hasText: "And in size 42?" }).waitFor();
  const texts = (await history()).filter((m) => m.direction === "in").map((m) => m.text);
  assert.deepEqual(texts, ["Is the blue pair in stock?", "And in size 42?"]);
  await until(async () => (await panel.locator(".pending").count()) === 0, { what: "nothing left pending" });
  assert.ok(route.readies >= 3, "the widget reconnected twice");
  for (const text of texts) {
    assert.equal(await panel.locator('[data-testid="sb-message"]', { hasText: text }).count(), 1, `${text} shown once`);
  }
  v.assertClean();
  await v.close();
});

// The widget's socket between the close that begins and its close event
// (the server closing it: a sign-out, a token rotation): what the
// visitor types or sends meanwhile is not written on the closing socket,
// which the browser reports as an error; the message goes on the next one.
test("a visitor typing and sending as the socket closes writes nothing on it", async (t) => {
  const s = f.server;
  const { channel, site } = await widgetSite(f, t, "Closing");
  // The browser's own socket (a routed one is Playwright's stand-in,
  // which reports nothing), each kept for the test to act on.
  const v = await newUser(f.browser, { name: "a visitor" });
  await v.page.addInitScript(() => {
    const Native = window.WebSocket;
    window.__sockets = [];
    window.WebSocket = class extends Native {
      constructor(...args) {
        super(...args);
        window.__sockets.push(this);
      }
    };
  });
  await v.page.goto(site.url);
  await v.page.locator('[data-testid="sb-launcher"]').click();
  const panel = v.page.locator('[data-testid="sb-panel"]');
  const input = panel.locator('[data-testid="sb-input"]');
  // A first message acknowledged: the socket is ready.
  await input.fill("Hello");
  await panel.locator('[data-testid="sb-send"]').click();
  await panel.locator('[data-testid="sb-message"][data-message-id]', { hasText: "Hello" }).waitFor();
  const state = await v.page.evaluate((id) => {
    const ws = window.__sockets.at(-1);
    ws.close(); // CLOSING at once; its close event comes in a later task
    const root = document.getElementById("switchboard-widget-" + id).shadowRoot;
    const box = root.querySelector('[data-testid="sb-input"]');
    box.value = "Still";
    box.dispatchEvent(new Event("input")); // a typing notice
    box.value = "Still there?";
    root.querySelector('[data-testid="sb-send"]').click();
    return { readyState: ws.readyState, sockets: window.__sockets.length };
  }, channel.id);
  assert.equal(state.readyState, 2, "the socket was closing (CLOSING) while the visitor typed and sent");
  await panel.locator('[data-testid="sb-message"][data-message-id]', { hasText: "Still there?" }).waitFor();
  assert.ok((await v.page.evaluate(() => window.__sockets.length)) > state.sockets, "the message went on the next socket");
  const contact = await until(async () => (await s.api("GET", "/api/v1/conversations?limit=200")).data.find((c) => c.channel_id === channel.id), {
    what: "the visitor's conversation",
  });
  const msgs = await s.api("GET", `/api/v1/conversations/${contact.id}/messages?limit=50`);
  assert.deepEqual(msgs.data.filter((m) => m.direction === "in").map((m) => m.text).sort(), ["Hello", "Still there?"]);
  v.assertClean();
  await v.close();
});

test("a message the widget refuses stays in the box, not lost", async (t) => {
  const { channel, site } = await widgetSite(f, t, "Refusing");
  const { v, panel, input } = await visitorPage(f, site, channel.id);
  const long = "My order number is 1234. ".repeat(170); // over 4,000 characters
  await input.fill(long);
  await panel.locator('[data-testid="sb-send"]').click();
  await panel.locator('[data-testid="sb-error"]', { hasText: "too long" }).waitFor();
  assert.ok((await input.inputValue()) === long, "the visitor's text is still in the box, to shorten");
  v.assertClean();
  await v.close();
});

test("two tabs opened at once are one visitor", async (t) => {
  const s = f.server;
  const { channel, site } = await widgetSite(f, t, "Two tabs");
  const v = await newUser(f.browser, { name: "a visitor in two tabs" });
  const tabs = [v.page, await v.context.newPage()];
  const storeKey = `switchboard-widget-${channel.id}`;
  const stored = async (page) => JSON.parse((await page.evaluate((k) => localStorage.getItem(k), storeKey)) || "{}");
  // Both tabs ask for a visitor at once (a restored session); the first
  // request is answered only once the other tab has stored its visitor.
  let early = null, held = null;
  await v.context.route(`**/widget/${channel.id}/visitors`, async (route) => {
    if (route.request().method() !== "POST") return route.continue();
    const page = route.request().frame().page();
    if (!held) {
      held = page;
      await until(async () => early && (await stored(early)).visitor_id, { what: "the other tab's visitor" });
    } else {
      early = page;
    }
    await route.fulfill({ response: await route.fetch() });
  });
  await Promise.all(tabs.map((p) => p.goto(site.url)));
  await until(async () => held && (await stored(held)).visitor_id, { what: "both tabs' visitors" });
  // The tab whose visitor came first writes.
  await early.locator('[data-testid="sb-launcher"]').click();
  const panel = early.locator('[data-testid="sb-panel"]');
  await panel.locator('[data-testid="sb-input"]').fill("Hello from the first tab");
  await panel.locator('[data-testid="sb-send"]').click();
  await panel.locator('[data-testid="sb-message"][data-message-id]', { hasText: "Hello from the first tab" }).waitFor();
  // The browser's one visitor (what a reload reads) has that message.
  const saved = await stored(held);
  const r = await fetch(`${s.url}/widget/${channel.id}/messages`, {
    headers: { Origin: site.url, Authorization: `Visitor ${saved.visitor_id}:${saved.secret}` },
  });
  const texts = (await r.json()).messages.filter((m) => m.direction === "in").map((m) => m.text);
  assert.deepEqual(texts, ["Hello from the first tab"], "the message is the stored visitor's");
  v.assertClean();
  await v.close();
});

test("a pre-chat email the server refuses is asked again, not sent with every message", async (t) => {
  const s = f.server;
  const channel = await s.api("POST", "/api/v1/channels", {
    type: "widget", name: "Pre-chat", config: { allowed_origins: ["http://127.0.0.1"], pre_chat_form: true },
  });
  const site = await hostSite(s.url, channel.id);
  t.after(() => site.close());
  await s.api("PATCH", `/api/v1/channels/${channel.id}`, { config: { allowed_origins: [site.url], pre_chat_form: true } });
  const { v, panel, history } = await visitorPage(f, site, channel.id);
  // A slip the form's own checks let through (a dot before the @), which the
  // server refuses as no email address.
  await panel.locator('[data-testid="sb-name"]').fill("Wendy West");
  await panel.locator('[data-testid="sb-email"]').fill("wendy.w.@example.com");
  await panel.locator('[data-testid="sb-prechat"] button[type="submit"]').click();
  const input = panel.locator('[data-testid="sb-input"]');
  await input.fill("Do you ship to Canada?");
  await panel.locator('[data-testid="sb-send"]').click();
  // The form is back with the email to correct, and the message is kept.
  const email = panel.locator('[data-testid="sb-email"]');
  await email.waitFor();
  await panel.locator('[data-testid="sb-error"]', { hasText: "not valid" }).waitFor();
  await email.fill("wendy.w@example.com");
  await panel.locator('[data-testid="sb-prechat"] button[type="submit"]').click();
  assert.equal(await input.inputValue(), "Do you ship to Canada?");
  await panel.locator('[data-testid="sb-send"]').click();
  await panel.locator('[data-testid="sb-message"][data-message-id]', { hasText: "Do you ship to Canada?" }).waitFor();
  const sent = (await history()).filter((m) => m.direction === "in");
  assert.deepEqual(sent.map((m) => m.text), ["Do you ship to Canada?"]);
  const conv = await s.api("GET", `/api/v1/conversations/${sent[0].conversation_id}`);
  const contact = await s.api("GET", `/api/v1/contacts/${conv.contact_id}`);
  assert.equal(contact.email, "wendy.w@example.com");
  assert.equal(contact.first_name, "Wendy");
  v.assertClean();
  await v.close();
});

test("a visitor signed out by a token rotation keeps the name they gave", async (t) => {
  const s = f.server;
  const channel = await s.api("POST", "/api/v1/channels", {
    type: "widget", name: "Rotated", config: { allowed_origins: ["http://127.0.0.1"], pre_chat_form: true },
  });
  const site = await hostSite(s.url, channel.id);
  t.after(() => site.close());
  await s.api("PATCH", `/api/v1/channels/${channel.id}`, { config: { allowed_origins: [site.url], pre_chat_form: true } });
  const { v, panel, history, input } = await visitorPage(f, site, channel.id);
  await panel.locator('[data-testid="sb-name"]').fill("Pat Doe");
  await panel.locator('[data-testid="sb-email"]').fill("pat.doe@example.com");
  await panel.locator('[data-testid="sb-prechat"] button[type="submit"]').click();
  await input.fill("Hello, I am Pat");
  await panel.locator('[data-testid="sb-send"]').click();
  await panel.locator('[data-testid="sb-message"][data-message-id]', { hasText: "Hello, I am Pat" }).waitFor();
  // The owner rotates the token: Pat is signed out and starts again as a
  // new visitor, without being asked again who they are.
  await s.api("POST", `/api/v1/channels/${channel.id}/rotate-token`);
  await input.fill("Are you still there?");
  await panel.locator('[data-testid="sb-send"]').click();
  await panel.locator('[data-testid="sb-message"][data-message-id]', { hasText: "Are you still there?" }).waitFor();
  const m = (await history()).find((x) => x.text === "Are you still there?");
  assert.ok(m, "the message is the new visitor's");
  const conv = await s.api("GET", `/api/v1/conversations/${m.conversation_id}`);
  const contact = await s.api("GET", `/api/v1/contacts/${conv.contact_id}`);
  assert.equal(`${contact.first_name} ${contact.last_name}`, "Pat Doe", "the new visitor's contact has the name of the pre-chat form");
  v.assertClean();
  await v.close();
});

test("an open tab follows the visitor another tab stored", async (t) => {
  const s = f.server;
  const { channel, site } = await widgetSite(f, t, "Follow");
  const { v, panel, route, history, input } = await visitorPage(f, site, channel.id);
  await input.fill("Hello from tab one");
  await panel.locator('[data-testid="sb-send"]').click();
  await panel.locator('[data-testid="sb-message"][data-message-id]', { hasText: "Hello from tab one" }).waitFor();
  // Another tab replaces the browser's visitor (as a tab signed out by a
  // token rotation does, or one whose new visitor won a race): this tab's
  // open socket must not go on as the old one, which no reload finds.
  const other = await (await fetch(`${s.url}/widget/${channel.id}/visitors`, { method: "POST", headers: { Origin: site.url } })).json();
  const tab2 = await v.context.newPage();
  await tab2.goto(site.url);
  const readies = route.readies;
  await tab2.evaluate(([k, val]) => localStorage.setItem(k, val), [`switchboard-widget-${channel.id}`, JSON.stringify(other)]);
  await until(() => route.readies > readies, { what: "the first tab to reconnect" });
  await input.fill("Still me");
  await panel.locator('[data-testid="sb-send"]').click();
  await until(async () => (await history()).some((m) => m.text === "Still me"), { what: "the message under the browser's stored visitor" });
  v.assertClean();
  await v.close();
});
