// WhatsApp's 24-hour window, as an agent meets it: an owner syncs the
// channel's templates in Settings › Channels (every one listed with its
// status), then opens a conversation with an imported contact who never
// wrote; the composer
// says only approved templates may be sent and offers the channel's
// (synced from the Graph API, a local server answering in its format);
// the picker asks for its header's parameter (from the template's
// components, as the API lists them) and the body's, and sends; the Graph
// API receives the template addressed to the contact's number, and the
// timeline shows the text the contact reads. Screenshots
// `channel-templates` and `template-picker` (light).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { businessAccountID, phoneNumberID, startCloudAPI } from "./cloud-api.mjs";
import { fixture, newUser, owner, pane, screenshot, signIn, until } from "./harness.mjs";

const f = fixture(before, after, { workflows: false });

/** The business account's templates, as the Graph API lists them. */
const templates = [
  { name: "order_update", language: "en_US", status: "APPROVED", category: "UTILITY", id: "2",
    components: [
      { type: "HEADER", format: "TEXT", text: "Order {{1}}", example: { header_text: ["#1042"] } },
      { type: "BODY", text: "Hi {{1}}, your order {{2}} has shipped.", example: { body_text: [["Ada", "#1042"]] } },
    ] },
  { name: "draft_offer", language: "en_US", status: "PENDING", category: "MARKETING", id: "3", components: [{ type: "BODY", text: "Not yet approved" }] },
];

test("outside the window an agent sends an approved template, filled in, to the contact's number", async () => {
  const s = f.server;
  const types = (await s.api("GET", "/api/v1/channel-types")).items.map((t) => t.type);
  if (!types.includes("whatsapp")) return; // a build without it
  const graph = await startCloudAPI({ templates });
  try {
    const wa = await s.api("POST", "/api/v1/channels", {
      type: "whatsapp",
      name: "WhatsApp",
      config: { phone_number_id: phoneNumberID, business_account_id: businessAccountID, access_token: "EAAG-e2e", app_secret: "e2e-app-secret", api_base_url: graph.url },
    });
    const sheena = await s.api("POST", "/api/v1/contacts", { first_name: "Sheena", phone: "+16505551234" });
    const conv = await s.api("POST", "/api/v1/conversations", { contact_id: sheena.id, channel_id: wa.id });

    // The owner syncs the channel's templates where the composer's refusal sends them.
    const o = await newUser(f.browser, { name: "the owner" });
    const ow = owner(s);
    await signIn(o.page, s.url, ow.email, ow.password, "/settings/channels");
    const card = o.page.locator('[data-testid="channel-card"][data-channel-type="whatsapp"]');
    await card.getByTestId("templates-none").waitFor();
    await card.getByTestId("templates-sync").click();
    await card.getByRole("status").filter({ hasText: "2 templates synced." }).waitFor();
    const rows = card.getByTestId("template-row");
    assert.deepEqual(await rows.evaluateAll((els) => els.map((e) => [e.dataset.template, e.children[3].textContent])), [
      ["draft_offer", "pending"],
      ["order_update", "approved"],
    ]);
    await screenshot(o.page, "channel-templates", "light", { locator: card.getByTestId("channel-templates") });
    await o.page.goto(`${s.url}/inbox/all/${conv.id}`);
    const p = pane(o.page, conv.id);
    await p.locator('[data-testid="reply-window-closed"]').waitFor();
    assert.match(await p.locator('[data-testid="reply-window-closed"]').innerText(), /only approved templates/);

    await p.locator('[data-testid="template-picker"]').click();
    const options = o.page.locator('[data-testid="template-option"]');
    await options.first().waitFor();
    assert.equal(await options.count(), 1, "only the approved template is offered");
    await options.first().click();
    await o.page.getByLabel("Header {{1}}", { exact: true }).fill("#1042");
    await o.page.getByLabel("Parameter 1", { exact: true }).fill("Sheena");
    await o.page.getByLabel("Parameter 2", { exact: true }).fill("#1042");
    await screenshot(o.page, "template-picker", "light");
    await o.page.locator('[data-testid="template-send"]').click();

    await until(() => graph.posts.length === 1, { what: "the template sent to the Graph API" });
    const m = graph.posts[0];
    assert.equal(m.to, "16505551234", "addressed to the contact's number, without +");
    assert.equal(m.type, "template");
    assert.equal(m.template?.name, "order_update");
    assert.deepEqual(
      m.template?.components?.map((c) => [c.type, c.parameters.map((x) => x.text)]),
      [["header", ["#1042"]], ["body", ["Sheena", "#1042"]]],
    );
    await p.locator('[data-testid="timeline-item"][data-kind="message"]', { hasText: "Hi Sheena, your order #1042 has shipped." }).waitFor();
    o.assertClean();
    await o.close();
  } finally {
    graph.close();
  }
});
