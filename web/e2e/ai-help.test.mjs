// AI help in the inbox (issue 15 §4): the workspace's model is a node http
// server of this test on 127.0.0.1 speaking the OpenAI chat-completions
// format, streamed ("data: {chunk}" lines up to "data: [DONE]") and not,
// with scripted answers (the harness's --allow-private-networks 127.0.0.1/32
// lets the node reach it). A contact writes in French; their agent
// translates the message inline, drafts a reply (streamed into the
// composer), edits it, translates it to the contact's language and sends
// it: the integrator receives the French text, and the message carries the
// AI mark in the timeline and in the API. Screenshots ai-help-draft (the
// streamed draft in the composer), ai-help-menu (the menu over the edited
// draft) and ai-help-sent (the reply with its AI mark).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { fixture, newUser, pane, screenshot, signIn, timelineItem, until } from "./harness.mjs";

const f = fixture(before, after, { workflows: false });

const DRAFT = "Hello Nadia, your parcel left our warehouse on Monday and should reach you within two days.";
const EDITED = DRAFT + " Tracking: PK-2291.";
const FRENCH = "Bonjour Nadia, votre colis a quitté notre entrepôt lundi et devrait arriver d'ici deux jours. Suivi : PK-2291.";
const INBOUND_EN = "Hello, where is my parcel? I have been waiting for a week.";
const SUMMARY = "Nadia asked where her parcel was; it left the warehouse on Monday (tracking PK-2291). Nothing is left to do.";

/** startModel answers chat completions from the system message's task, and records the requests. */
async function startModel() {
  const requests = [];
  const server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      const body = raw ? JSON.parse(raw) : {};
      requests.push(body);
      const system = body.messages?.[0]?.content ?? "";
      let text = "I cannot help with that.";
      if (system.includes("write their next reply")) text = DRAFT;
      else if (system.includes("into French")) text = FRENCH;
      else if (system.includes("into English")) text = INBOUND_EN;
      else if (system.includes("summarise a customer support conversation")) text = SUMMARY;
      const usage = { prompt_tokens: 300, completion_tokens: 40, total_tokens: 340 };
      if (!body.stream) {
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ id: "chatcmpl-e2e", object: "chat.completion", model: body.model,
          choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }], usage }));
        return;
      }
      res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" });
      const chunk = (choices, extra = {}) =>
        res.write(`data: ${JSON.stringify({ id: "chatcmpl-e2e", object: "chat.completion.chunk", model: body.model, choices, ...extra })}\n\n`);
      chunk([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }]);
      const words = text.split(/(?<= )/);
      // Each piece in its own turn of the event loop, as a model's tokens come.
      const next = (i) => {
        if (i < words.length) {
          chunk([{ index: 0, delta: { content: words[i] }, finish_reason: null }]);
          setImmediate(() => next(i + 1));
          return;
        }
        chunk([{ index: 0, delta: {}, finish_reason: "stop" }]);
        chunk([], { usage });
        res.end("data: [DONE]\n\n");
      };
      next(0);
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${server.address().port}/v1`, requests, close: () => new Promise((r) => server.close(r)) };
}

test("an agent drafts, edits, translates and sends a reply with AI help", async (t) => {
  const s = f.server;
  const model = await startModel();
  t.after(() => model.close()); // a listener left open keeps the file's process, and the run, alive
  await s.api("PUT", "/api/v1/ai/settings", { base_url: model.url, chat_model: "e2e-model", monthly_budget: 100000 });

  const contact = s.newContact("Nadia", "Novak");
  const inbound = "Bonjour, où est mon colis ? Je l'attends depuis une semaine et je n'ai aucune nouvelle.";
  const first = await s.contactWrites(contact, inbound);
  const id = first.conversation_id;
  const agent = await s.createAgent({ name: "Ada Agent", busy: false });
  await s.api("POST", `/api/v1/conversations/${id}/assign`, { user_id: agent.id, force: true });

  const a = await newUser(f.browser, { name: "the agent" });
  await signIn(a.page, s.url, agent.email, agent.password, `/inbox/mine/${id}`);
  const p = pane(a.page, id);
  await p.waitFor();
  const message = p.locator('[data-testid="timeline-item"][data-kind="message"][data-direction="in"]', { hasText: "où est mon colis" });
  await message.waitFor();

  // The contact's message, translated inline into the agent's language.
  await message.getByTestId("message-translate").click();
  const translation = message.getByTestId("message-translation");
  await translation.waitFor();
  assert.match(await translation.innerText(), /where is my parcel\?/);
  assert.match(model.requests.at(-1).messages[0].content, /into English/);

  // Draft a reply: it streams into the composer and is not sent.
  const composer = p.getByTestId("composer");
  const box = composer.locator("textarea");
  await composer.getByTestId("ai-menu").click();
  await a.page.getByTestId("ai-draft").click();
  await until(async () => (await box.inputValue()) === DRAFT, { what: "the streamed draft in the composer" });
  const draftRequest = model.requests.find((r) => r.stream);
  assert.ok(draftRequest, "the draft was asked for as a stream");
  assert.match(draftRequest.messages[1].content, /<<<CONVERSATION [a-p]{12}>>>[\s\S]*où est mon colis/);
  assert.match(draftRequest.messages[0].content, /in French/, "the draft is asked in the contact's language");
  await composer.getByTestId("ai-assisted").waitFor();
  await screenshot(a.page, "ai-help-draft", "light");
  assert.equal(s.integrator.received.filter((m) => m.body?.contactId === contact.id).length, 0, "nothing was sent by itself");

  // The agent edits it, then translates it to the contact's language.
  await box.fill(EDITED);
  await composer.getByTestId("ai-menu").click();
  const toFrench = a.page.getByTestId("ai-translate");
  assert.match(await toFrench.innerText(), /French/);
  await a.page.getByTestId("ai-rewrite").hover();
  await a.page.getByTestId("ai-rewrite-friendlier").waitFor();
  await screenshot(a.page, "ai-help-menu", "light");
  await toFrench.hover();
  await toFrench.click();
  await until(async () => (await box.inputValue()) === FRENCH, { what: "the French translation in the composer" });
  const asked = model.requests.at(-1);
  assert.match(asked.messages[0].content, /into French/);
  assert.match(asked.messages[1].content, /Tracking: PK-2291/, "the edited text was translated");
  await composer.getByTestId("ai-assisted").waitFor();

  // Sent by the agent: the integrator receives it; it carries the AI mark.
  await composer.getByTestId("send").click();
  const got = await s.integrator.waitFor((m) => m.body?.message?.text === FRENCH);
  assert.equal(got.body.contactId, contact.id);
  const sent = timelineItem(a.page, id, "votre colis a quitté");
  await sent.waitFor();
  await until(async () => (await sent.getAttribute("data-message-id")) !== null, { what: "the server's copy of the reply" });
  await sent.getByTestId("message-ai").waitFor();
  await screenshot(a.page, "ai-help-sent", "light");
  const stored = await s.api("GET", `/api/v1/conversations/${id}/messages`);
  const out = stored.data.find((m) => m.direction === "out");
  assert.equal(out.ai, "draft");
  assert.equal(out.text, FRENCH);

  // Closing: Fill with AI writes the summary, which the agent keeps.
  await p.locator('[data-testid="action-close"]').click();
  await a.page.getByTestId("close-summary-ai").click();
  await until(async () => (await a.page.getByTestId("close-summary").inputValue()) === SUMMARY, { what: "the AI summary in the close dialog" });
  assert.match(model.requests.at(-1).messages[1].content, /votre colis a quitté/, "the summary read the conversation");
  await a.page.locator('[data-testid="close-confirm"]').click();
  await until(async () => (await s.api("GET", `/api/v1/conversations/${id}`)).close_summary === SUMMARY, { what: "the conversation closed with the summary" });

  a.assertClean();
  await a.close();
});

test("without a model, rewrite and translate say why they are off", async () => {
  const s = f.server;
  await s.api("PUT", "/api/v1/ai/settings", { base_url: "", chat_model: "" });
  const contact = s.newContact("Omar", "Odell");
  const first = await s.contactWrites(contact, "Can I change the colour of my sofa order?");
  const id = first.conversation_id;
  const agent = await s.createAgent({ name: "Bea Agent", busy: false });
  await s.api("POST", `/api/v1/conversations/${id}/assign`, { user_id: agent.id, force: true });
  const a = await newUser(f.browser, { name: "the agent without a model", lang: "fr" });
  await signIn(a.page, s.url, agent.email, agent.password, `/inbox/mine/${id}`);
  const p = pane(a.page, id);
  await p.waitFor();
  await p.getByTestId("composer").getByTestId("ai-menu").click();
  await a.page.getByTestId("ai-no-model").waitFor();
  assert.match(await a.page.getByTestId("ai-no-model").innerText(), /Paramètres → IA/);
  assert.notEqual(await a.page.getByTestId("ai-translate").getAttribute("data-disabled"), null);
  assert.notEqual(await a.page.getByTestId("ai-rewrite").getAttribute("data-disabled"), null);
  // No article answers: the draft is refused with a reason, shown in the composer.
  a.allow(409, new RegExp(`/api/v1/conversations/${id}/ai/draft$`));
  await a.page.getByTestId("ai-draft").click();
  await p.getByTestId("ai-error").waitFor();
  assert.match(await p.getByTestId("ai-error").innerText(), /Settings → AI/);
  assert.equal(await p.locator('[data-testid="message-translate"]').count(), 0, "no Translate without a model");
  assert.deepEqual(await a.page.evaluate(() => window.__missingKeys ?? []), [], "missing French keys");
  a.assertClean();
  await a.close();
});
