// Settings → AI: an owner points the workspace at an OpenAI-compatible
// server (a node http server of this test on 127.0.0.1, which the harness's
// --allow-private-networks 127.0.0.1/32 lets the node reach), saves a key
// that is then only shown as set, tests the connection (the scripted
// completion comes back and is counted in this month's usage), adds intents
// with examples and tries a phrase. Screenshots settings-ai light and dark.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fixture, newUser, owner, screenshot, signIn, until } from "./harness.mjs";

const f = fixture(before, after);
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** startModel answers /v1/chat/completions with a scripted completion and records the requests. */
async function startModel() {
  const requests = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      requests.push({ path: req.url, auth: req.headers.authorization, body: body ? JSON.parse(body) : null });
      if (req.url !== "/v1/chat/completions") {
        res.writeHead(404, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ error: { message: "not found" } }));
        return;
      }
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(
        JSON.stringify({
          choices: [{ message: { role: "assistant", content: "Hello from the test model!" }, finish_reason: "stop" }],
          usage: { prompt_tokens: 1200, completion_tokens: 34 },
        }),
      );
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${server.address().port}/v1`, requests, close: () => new Promise((r) => server.close(r)) };
}

test("an owner sets up a model provider and intents", async (t) => {
  const s = f.server;
  const model = await startModel();
  t.after(() => model.close()); // closed even when the test fails, so the file's process can end
  const ow = owner(s);
  const o = await newUser(f.browser, { name: "the owner" });
  await signIn(o.page, s.url, ow.email, ow.password, "/settings/ai");
  const page = o.page;
  await page.getByTestId("settings-ai").waitFor();

  await page.getByTestId("ai-base-url").fill(model.url);
  await page.getByTestId("ai-api-key").fill("sk-e2e-secret-key-7f3a");
  await page.getByTestId("ai-chat-model").fill("test-model");
  await page.getByTestId("ai-budget").fill("100000");
  await page.getByTestId("ai-redact").check();
  await page.getByTestId("ai-save").click();
  // The key is only shown as set, with its last four characters.
  await page.getByTestId("ai-key-status").waitFor();
  assert.match(await page.getByTestId("ai-key-status").innerText(), /7f3a/);
  assert.equal(await page.getByTestId("ai-api-key").count(), 0);
  const settings = await s.api("GET", "/api/v1/ai/settings");
  assert.equal(settings.api_key_set, true);
  assert.ok(!JSON.stringify(settings).includes("sk-e2e"), "the key came back from the API");

  // The test call reaches the model server with the key and its answer shows.
  await page.getByTestId("ai-test").click();
  const result = page.getByTestId("ai-test-result");
  await result.waitFor();
  assert.equal(await result.getAttribute("data-ok"), "true");
  assert.match(await result.innerText(), /Hello from the test model!/);
  assert.equal(model.requests.at(-1).auth, "Bearer sk-e2e-secret-key-7f3a");
  assert.equal(model.requests.at(-1).body.model, "test-model");
  // This month's usage counts the call's tokens.
  await until(async () => (await page.getByTestId("ai-usage-total").innerText()).replace(/\D/g, "") === "1234", { what: "usage to show 1,234 tokens" });

  // The saved key goes only where it was saved for: a new address alone
  // is refused under the key, and the key was not sent anywhere.
  o.allow(422, /\/api\/v1\/ai\/settings$/);
  const calls = model.requests.length;
  await page.getByTestId("ai-base-url").fill("https://api.example.com/v1");
  await page.getByTestId("ai-save").click();
  await page.getByText(/enter the key again/i).first().waitFor();
  assert.equal((await s.api("GET", "/api/v1/ai/settings")).base_url, model.url);
  assert.equal(model.requests.length, calls);
  // Its own address again saves, and the error goes.
  await page.getByTestId("ai-base-url").fill(model.url);
  await page.getByTestId("ai-save").click();
  await page.getByText(/enter the key again/i).first().waitFor({ state: "detached" });

  // Intents with examples, then try a phrase.
  const intents = {
    order_status: ["Where is my order?", "My package has not arrived", "Où est ma commande ?", "Mon colis n'est pas arrivé"],
    refund: ["I want a refund", "Give me my money back", "Je veux être remboursé", "Remboursez-moi"],
    human_agent: ["I want to talk to a human", "A real person please", "Je veux parler à quelqu'un", "Passez-moi un conseiller"],
  };
  for (const [name, examples] of Object.entries(intents)) {
    await page.getByTestId("intent-name").fill(name);
    await page.getByTestId("intent-examples").fill(examples.join("\n"));
    await page.getByTestId("intent-save").click();
    await page.locator(`[data-testid="intent-row"][data-intent-name="${name}"]`).waitFor();
  }
  await page.getByTestId("intent-try").fill("Bonjour, je voudrais être remboursé svp");
  await page.getByTestId("intent-try-submit").click();
  const tried = page.getByTestId("intent-try-result");
  await tried.waitFor();
  assert.equal(await tried.getAttribute("data-intent"), "refund");
  assert.match(await tried.innerText(), /fr/);
  await page.getByTestId("settings-ai").getByRole("heading", { level: 1 }).scrollIntoViewIfNeeded();
  await screenshot(page, "settings-ai", "light");
  // A bad name is refused under its field.
  o.allow(422, /\/api\/v1\/intents$/);
  await page.getByTestId("intent-name").fill("Not Valid");
  await page.getByTestId("intent-examples").fill("x");
  await page.getByTestId("intent-save").click();
  await page.getByText(/lowercase letters/i).first().waitFor();
  await page.getByTestId("intent-name").fill("");
  await page.getByTestId("intent-examples").fill("");

  o.assertClean();
  await o.close();

  const d = await newUser(f.browser, { name: "the owner, dark", theme: "dark" });
  await signIn(d.page, s.url, ow.email, ow.password, "/settings/ai");
  await d.page.getByTestId("ai-key-status").waitFor();
  await d.page.getByTestId("intent-try").fill("where is my parcel?");
  await d.page.getByTestId("intent-try-submit").click();
  await d.page.getByTestId("intent-try-result").waitFor();
  await d.page.getByTestId("settings-ai").getByRole("heading", { level: 1 }).scrollIntoViewIfNeeded();
  assert.equal(await d.page.getByTestId("intent-try-result").getAttribute("data-intent"), "order_status");
  await screenshot(d.page, "settings-ai", "dark");
  d.assertClean();
  await d.close();
});

test("the AI settings in French have every string and no serious accessibility violation", async () => {
  const s = f.server;
  const u = await newUser(f.browser, { theme: "dark", lang: "fr" });
  const ow = owner(s);
  await signIn(u.page, s.url, ow.email, ow.password, "/settings/ai");
  await u.page.getByTestId("settings-ai").waitFor();
  await until(async () => (await u.page.locator(".animate-pulse").count()) === 0, { what: "the AI settings loaded" });
  assert.deepEqual(await u.page.evaluate(() => window.__missingKeys ?? []), [], "missing French keys");
  await u.page.evaluate(axeSource);
  const serious = await u.page.evaluate(() =>
    window.axe
      .run(document, { resultTypes: ["violations"] })
      .then((r) => r.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.html.slice(0, 120)).join(" | ")}`)),
  );
  assert.deepEqual(serious, [], "axe on the AI settings");
  u.assertClean();
  await u.close();
});
