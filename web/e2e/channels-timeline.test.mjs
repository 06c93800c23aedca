// What the channel core shows in a conversation, through the providers'
// real webhooks (their documented payloads, from the providers' testdata):
// a WhatsApp contact's message with their reaction on it, a message type
// Switchboard does not show ("Unsupported message (…)"), an image pending
// while the provider's media is fetched; a Telegram message the contact
// edited ("edited"). Screenshot `channel-timeline`, light and dark.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fixture, newUser, owner, repoRoot, screenshot, signIn, until } from "./harness.mjs";

const f = fixture(before, after);

const fixtureOf = (provider, name) => readFileSync(join(repoRoot, "internal", "channel", provider, "testdata", name), "utf8");

async function ownerAPI(s) {
  const ow = owner(s);
  const login = await s.api("POST", "/api/v1/auth/login", { email: ow.email, password: ow.password });
  return { token: login.token };
}

async function post(url, body, headers) {
  const r = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body });
  assert.equal(r.status, 200, `${url}: ${r.status} ${await r.text()}`);
}

test("reactions, edits, unsupported messages and pending media in the timeline", async () => {
  const s = f.server;
  const as = await ownerAPI(s);
  const types = (await s.api("GET", "/api/v1/channel-types", undefined, as)).items.map((t) => t.type);
  if (!types.includes("whatsapp") || !types.includes("telegram")) return; // a build without them

  // WhatsApp: the Graph API on a closed port, so the image stays pending.
  const wa = await s.api("POST", "/api/v1/channels", {
    type: "whatsapp",
    name: "WhatsApp",
    config: { phone_number_id: "106540352242922", business_account_id: "102290129340398", access_token: "EAAG-e2e", app_secret: "e2e-app-secret", api_base_url: "http://127.0.0.1:9" },
  }, as);
  const waHook = `${s.url}/webhooks/whatsapp/${wa.id}`;
  const sign = (body) => ({ "X-Hub-Signature-256": "sha256=" + createHmac("sha256", "e2e-app-secret").update(body).digest("hex") });
  const text = fixtureOf("whatsapp", "text.json");
  const textID = JSON.parse(text).entry[0].changes[0].value.messages[0].id;
  const reaction = fixtureOf("whatsapp", "reaction.json").replace("wamid.outbound1", textID);
  for (const body of [text, reaction, fixtureOf("whatsapp", "unsupported.json"), fixtureOf("whatsapp", "image.json")]) {
    await post(waHook, body, sign(body));
  }
  // Telegram: a message, then its edit.
  const tg = await s.api("POST", "/api/v1/channels", { type: "telegram", name: "Telegram", config: { bot_token: "123456:e2e", api_base_url: "http://127.0.0.1:9" } }, as);
  const tgHook = `${s.url}/webhooks/telegram/${tg.id}`;
  for (const name of ["message_text.json", "edited_message.json"]) {
    await post(tgHook, fixtureOf("telegram", join("updates", name)), { "X-Telegram-Bot-Api-Secret-Token": tg.token });
  }

  const convs = (await s.api("GET", "/api/v1/conversations?limit=100", undefined, as)).data;
  const waConv = convs.find((c) => c.channel_id === wa.id);
  const tgConv = convs.find((c) => c.channel_id === tg.id);
  assert.ok(waConv && tgConv, "a conversation on each channel");

  for (const theme of ["light", "dark"]) {
    const u = await newUser(f.browser, { theme });
    const { page } = u;
    const ow = owner(s);
    await signIn(page, s.url, ow.email, ow.password, `/inbox/all/${waConv.id}`);
    const pane = page.locator(`[data-testid="conversation"][data-conversation-id="${waConv.id}"]`);
    await pane.getByTestId("message-reaction").filter({ hasText: "👍" }).waitFor();
    await pane.getByTestId("message-unsupported").filter({ hasText: "Unsupported message (" }).waitFor();
    await pane.getByTestId("attachment-pending").waitFor();
    await pane.getByTestId("message-reaction").scrollIntoViewIfNeeded();
    await screenshot(page, "channel-timeline", theme);
    await page.goto(`${s.url}/inbox/all/${tgConv.id}`);
    const tgPane = page.locator(`[data-testid="conversation"][data-conversation-id="${tgConv.id}"]`);
    await tgPane.getByTestId("message-edited").waitFor();
    await until(async () => (await tgPane.getByTestId("message-text").first().textContent()).includes("invoice"), { what: "the edited text" });
    u.assertClean();
    await u.close();
  }
});
