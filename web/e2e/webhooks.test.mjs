// Settings → Webhooks (owners and managers): an endpoint pointing at a
// local receiver (the server allows 127.0.0.1 with
// --allow-private-networks) gets a signed test delivery, which shows in
// the endpoint's delivery log and can be resent; a private address the
// operator did not allow is refused with the reason; an agent has no
// Webhooks section and the API answers 403.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fixture, newUser, owner, screenshot, signIn, startIntegrator, until } from "./harness.mjs";

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

const f = fixture(before, after);

test("a manager adds an endpoint, sends a test, sees it in the log and resends it", async () => {
  const s = f.server;
  const receiver = await startIntegrator(); // records every POST to <url>/message and answers 200
  try {
    const m = await s.createAgent({ name: "Mona Manager", role: "manager", busy: false });
    const u = await newUser(f.browser, { name: "the manager" });
    const { page } = u;
    await signIn(page, s.url, m.email, m.password, "/settings/webhooks");
    await page.getByTestId("settings-webhooks").waitFor();
    await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Webhooks" }).waitFor();

    // A private address the operator did not allow is refused, saying why.
    u.allow(422, /^\/api\/v1\/webhooks$/);
    await page.getByTestId("webhook-add").click();
    await page.getByTestId("webhook-url").fill("http://10.20.30.40/hook");
    await page.getByTestId("webhook-type-message.received").check();
    await page.getByTestId("webhook-save").click();
    await page.getByText(/--allow-private-networks/).waitFor();

    await page.getByTestId("webhook-url").fill(receiver.url + "/message");
    await page.getByTestId("webhook-description").fill("CRM sync");
    await page.getByTestId("webhook-type-conversation.opened").check();
    await page.getByTestId("webhook-save").click();
    const secret = await page.getByTestId("webhook-secret").inputValue();
    assert.match(secret, /^whsec_[0-9a-f]{64}$/);
    const row = page.getByTestId("webhook-row").filter({ hasText: "CRM sync" });
    await row.waitFor();
    assert.match(await row.getByTestId("webhook-status").innerText(), /Enabled/);

    // Send test: the receiver gets a signed webhook.test and the row shows the answer.
    await row.getByTestId("webhook-test").click();
    const result = row.getByTestId("webhook-test-result");
    await result.waitFor();
    assert.equal(await result.getAttribute("data-state"), "delivered");
    assert.match(await result.innerText(), /HTTP 200/);
    const got = await receiver.waitFor((r) => r.body?.type === "webhook.test");
    assert.equal(got.body.id, 0);

    // The delivery log shows it; Resend sends it again.
    await row.getByTestId("webhook-log").click();
    const delivery = page.getByTestId("webhook-delivery").first();
    await delivery.waitFor();
    assert.equal(await delivery.getAttribute("data-state"), "delivered");
    assert.equal((await delivery.getByTestId("webhook-delivery-status").innerText()).trim(), "200");
    assert.equal((await delivery.getByTestId("webhook-delivery-attempts").innerText()).trim(), "1");
    await screenshot(page, "settings-webhooks", "light");

    // A resend counts its attempts afresh (its retries start again at
    // about 10 s): the log shows it delivered by a first attempt, once
    // the resent attempt's time replaces the first one's.
    const deliveryID = await delivery.getAttribute("data-delivery-id");
    const lastAttempt = async () => {
      const endpoints = await s.api("GET", "/api/v1/webhooks");
      const hook = endpoints.data.find((w) => w.description === "CRM sync");
      const list = await s.api("GET", `/api/v1/webhooks/${hook.id}/deliveries`);
      return list.data.find((d) => String(d.id) === deliveryID);
    };
    const before = await lastAttempt();
    await delivery.getByTestId("webhook-resend").click();
    await until(() => receiver.received.filter((r) => r.body?.type === "webhook.test").length === 2, { what: "the resent delivery", timeout: 15_000 });
    await until(
      async () => {
        const d = await lastAttempt();
        return d.state === "delivered" && d.last_attempt_at !== before.last_attempt_at;
      },
      { what: "the resent attempt recorded", timeout: 15_000, every: 250 },
    );
    await page.getByTestId("webhook-log-refresh").click();
    await until(async () => (await delivery.getAttribute("data-state")) === "delivered", { what: "the log refreshed", timeout: 15_000, every: 250 });
    assert.equal((await delivery.getByTestId("webhook-delivery-attempts").innerText()).trim(), "1");

    // A real event: a contact writes in, the endpoint gets message.received.
    await s.contactWrites(s.newContact("Wendy", "Webhook"), "Hello from a webhook test");
    const event = await receiver.waitFor((r) => r.body?.type === "message.received");
    assert.ok(event.body.id > 0);
    u.assertClean();
    await u.close();

    const dark = await newUser(f.browser, { theme: "dark" });
    const ow = owner(s);
    await signIn(dark.page, s.url, ow.email, ow.password, "/settings/webhooks");
    const darkRow = dark.page.getByTestId("webhook-row").filter({ hasText: "CRM sync" });
    await darkRow.waitFor();
    await darkRow.getByTestId("webhook-test").click();
    await darkRow.getByTestId("webhook-test-result").waitFor();
    await darkRow.getByTestId("webhook-log").click();
    await dark.page.getByTestId("webhook-delivery").first().waitFor();
    await screenshot(dark.page, "settings-webhooks", "dark");
    dark.assertClean();
    await dark.close();
  } finally {
    await receiver.close();
  }
});

test("an agent has no Webhooks section and the API refuses them", async () => {
  const s = f.server;
  const a = await s.createAgent({ name: "Arthur Agent", busy: false });
  const u = await newUser(f.browser, { name: "the agent" });
  await signIn(u.page, s.url, a.email, a.password, "/inbox/all");
  await u.page.goto(s.url + "/settings/webhooks");
  await u.page.getByTestId("not-found").waitFor();
  const login = await fetch(s.url + "/api/v1/auth/login", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: a.email, password: a.password }),
  });
  const { token } = await login.json();
  const refused = await fetch(s.url + "/api/v1/webhooks", { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(refused.status, 403);
  u.assertClean();
  await u.close();
});

// In French and dark, with an endpoint, its test result, its form and its
// log open: every string translated and no serious axe violation.
test("the webhooks section in French has every string and no serious accessibility violation", async () => {
  const s = f.server;
  const receiver = await startIntegrator();
  try {
    await s.api("POST", "/api/v1/webhooks", { url: receiver.url + "/message", description: "Entrepôt", event_types: ["contact.created"] });
    const u = await newUser(f.browser, { theme: "dark", lang: "fr" });
    const { page } = u;
    const ow = owner(s);
    await signIn(page, s.url, ow.email, ow.password, "/settings/webhooks");
    const row = page.getByTestId("webhook-row").filter({ hasText: "Entrepôt" });
    await row.waitFor();
    await row.getByTestId("webhook-test").click();
    await row.getByTestId("webhook-test-result").waitFor();
    await row.getByTestId("webhook-log").click();
    await page.getByTestId("webhook-delivery").first().waitFor();
    await page.getByTestId("webhook-add").click();
    await page.getByTestId("webhook-form").waitFor();
    const missing = await page.evaluate(() => window.__missingKeys ?? []);
    assert.deepEqual(missing, [], "missing French keys");
    await page.evaluate(axeSource);
    const serious = await page.evaluate(() =>
      window.axe
        .run(document, { resultTypes: ["violations"] })
        .then((r) => r.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.html.slice(0, 120)).join(" | ")}`)),
    );
    assert.deepEqual(serious, [], "axe");
    u.assertClean();
    await u.close();
  } finally {
    await receiver.close();
  }
});
