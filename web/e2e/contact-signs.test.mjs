// What a WhatsApp contact sees of the agent, through the Cloud API (a
// local server answering in its format): a contact writes (a webhook
// signed with the app secret); the owner opens the conversation and the
// contact's message is marked read; the owner writes a reply and the
// contact is shown the typing indicator on that message; a comment being
// written shows them nothing; the reply sent reaches them.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { businessAccountID, phoneNumberID, startCloudAPI } from "./cloud-api.mjs";
import { fixture, newUser, owner, pane, signIn, until } from "./harness.mjs";

const f = fixture(before, after, { workflows: false });
const appSecret = "e2e-app-secret";

test("the contact sees their message read when the conversation is opened, and the agent typing", async () => {
  const s = f.server;
  const types = (await s.api("GET", "/api/v1/channel-types")).items.map((t) => t.type);
  if (!types.includes("whatsapp")) return; // a build without it
  const cloud = await startCloudAPI();
  try {
    const wa = await s.api("POST", "/api/v1/channels", {
      type: "whatsapp",
      name: "WhatsApp",
      config: { phone_number_id: phoneNumberID, business_account_id: businessAccountID, access_token: "EAAG-e2e", app_secret: appSecret, api_base_url: cloud.url },
    });
    // Sheena writes in, as Meta delivers it.
    const wamid = "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQUU2";
    const body = JSON.stringify({
      object: "whatsapp_business_account",
      entry: [{ id: businessAccountID, changes: [{ field: "messages", value: {
        messaging_product: "whatsapp",
        metadata: { display_phone_number: "15550783881", phone_number_id: phoneNumberID },
        contacts: [{ profile: { name: "Sheena Nelson" }, wa_id: "16505551234" }],
        messages: [{ from: "16505551234", id: wamid, timestamp: String(Math.floor(Date.now() / 1000)), type: "text", text: { body: "Is my order on its way?" } }],
      } }] }],
    });
    const res = await fetch(`${s.url}/webhooks/whatsapp/${wa.id}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Hub-Signature-256": "sha256=" + createHmac("sha256", appSecret).update(body).digest("hex") },
      body,
    });
    const answer = await res.text();
    assert.equal(res.status, 200, answer);
    const { results } = JSON.parse(answer);
    const id = results[0].conversation_id;

    const o = await newUser(f.browser, { name: "the owner" });
    const ow = owner(s);
    await signIn(o.page, s.url, ow.email, ow.password, `/inbox/all/${id}`);
    const p = pane(o.page, id);
    await p.locator('[data-testid="timeline-item"][data-kind="message"]', { hasText: "Is my order on its way?" }).waitFor();
    await until(() => cloud.posts.some((m) => m.status === "read" && !m.typing_indicator), { what: "the read receipt" });
    assert.deepEqual(cloud.posts[0], { messaging_product: "whatsapp", status: "read", message_id: wamid });

    const composer = p.locator('[data-testid="composer"]');
    const modeComment = composer.locator('[data-testid="mode-comment"]');
    if (await modeComment.count()) {
      await modeComment.click();
      await composer.locator("textarea").fill("Checking the carrier first");
      await composer.locator('[data-testid="send"]').click();
      await p.locator('[data-testid="timeline-item"][data-kind="comment"]', { hasText: "Checking the carrier first" }).waitFor();
      assert.ok(!cloud.posts.some((m) => m.typing_indicator), "a comment being written shows the contact nothing");
      await composer.locator('[data-testid="mode-reply"]').click();
    }
    await composer.locator("textarea").fill("Yes, Sheena: it left the warehouse this morning.");
    await until(() => cloud.posts.some((m) => m.typing_indicator), { what: "the typing indicator" });
    const typing = cloud.posts.filter((m) => m.typing_indicator);
    assert.equal(typing.length, 1, "one typing indicator");
    assert.deepEqual(typing[0], { messaging_product: "whatsapp", status: "read", message_id: wamid, typing_indicator: { type: "text" } });

    await composer.locator('[data-testid="send"]').click();
    await until(() => cloud.posts.some((m) => m.type === "text"), { what: "the reply sent" });
    assert.equal(cloud.posts.find((m) => m.type === "text").text.body, "Yes, Sheena: it left the warehouse this morning.");
    o.assertClean();
    await o.close();
  } finally {
    cloud.close();
  }
});
