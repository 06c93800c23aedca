// AI agents (issue 15 §3), in retrieval mode (no model configured): an
// owner adds knowledge articles and an AI agent in Settings → AI agents; a
// workflow assigns every new conversation to it; a contact asks a covered
// question through the custom channel and receives the passage, quoted
// with its title; then asks for a human and is handed to the Support team
// with a summary comment, the reason shown in the conversation's timeline.
// Screenshots of the AI agent settings and the handed-over conversation.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describedText, fixture, newUser, owner, pane, screenshot, signIn, timelineItem, until } from "./harness.mjs";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

// No demo workflow: the only one that runs is the one made here.
const f = fixture(before, after, { workflows: false });

async function ownerToken(s) {
  const ow = owner(s);
  return (await s.api("POST", "/api/v1/auth/login", { email: ow.email, password: ow.password })).token;
}

test("an AI agent answers from the knowledge, then hands a contact who asks for a human to Support", async () => {
  const s = f.server;
  const token = await ownerToken(s);
  const support = await s.teamID("Support");
  const ow = owner(s);
  const u = await newUser(f.browser, { name: "owner" });
  const { page } = u;
  await signIn(page, s.url, ow.email, ow.password, "/knowledge");

  // Articles: one written in the app, two through the API.
  await page.getByTestId("knowledge-page").waitFor();
  await page.getByTestId("article-new").click();
  const editor = page.getByTestId("article-editor");
  await editor.getByTestId("article-title").fill("Shipping times");
  await editor
    .getByTestId("article-body")
    .fill("Standard delivery takes 2 to 4 working days. Express delivery arrives the next working day when ordered before 2 pm.");
  await editor.getByTestId("article-save").click();
  await page.locator('[data-testid="article-row"]', { hasText: "Shipping times" }).waitFor();
  await s.api("POST", "/api/v1/knowledge/articles", { title: "Returns", body: "You can return any item within 30 days for a full refund." }, { token });
  await s.api(
    "POST",
    "/api/v1/knowledge/articles",
    { title: "Opening hours", body: "Our support team answers Monday to Friday, 9 am to 6 pm." },
    { token },
  );

  // The AI agent, made in Settings → AI agents.
  await page.goto(s.url + "/settings/ai-agents");
  await page.getByTestId("settings-ai-agents").waitFor();
  await page.getByTestId("ai-agent-new").click();
  const form = page.getByTestId("ai-agent-form");
  await form.getByTestId("ai-agent-name").fill("Ava");
  await form.getByTestId("ai-agent-tone").fill("Friendly and brief");
  await form.getByTestId("ai-agent-instructions").fill("Answer questions about delivery, returns and opening hours. Never promise refunds outside the policy.");
  await form.getByTestId("ai-agent-action-tags").check();
  await form.getByTestId("ai-agent-handover-team").selectOption(String(support));
  await form.getByTestId("ai-agent-save").click();
  const agentRow = page.locator('[data-testid="ai-agent-row"][data-agent-name="Ava"]');
  await agentRow.waitFor();
  const agents = await s.api("GET", "/api/v1/ai/agents", undefined, { token });
  const ava = agents.data.find((a) => a.name === "Ava");
  assert.ok(ava, "the agent is saved");
  assert.deepEqual(ava.actions, ["reply", "tags"]);
  assert.equal(ava.handover_team_id, support);
  assert.equal(ava.tone, "Friendly and brief");
  // The edit form, for the screenshot: every setting in view.
  await agentRow.getByTestId("ai-agent-edit").click();
  await page.getByTestId("ai-agent-form").waitFor();
  await screenshot(page, "ai-agent-settings", "light");
  await page.getByRole("button", { name: "Cancel" }).click();

  // A workflow assigns every conversation a contact opens to the agent.
  const wf = await s.api(
    "POST",
    "/api/v1/workflows",
    {
      name: "To the AI agent",
      trigger: { type: "conversation_opened", conditions: { sources: ["contact"] } },
      steps: [{ id: "assign", type: "assign_to", settings: { target: "user", user_id: ava.id } }],
    },
    { token, expect: 201 },
  );
  await s.api("POST", `/api/v1/workflows/${wf.id}/publish`, undefined, { token });
  await s.api("POST", `/api/v1/workflows/${wf.id}/start`, undefined, { token });

  // A covered question: the passage, quoted with its title.
  const contact = s.newContact("Nora", "Question");
  const first = await s.contactWrites(contact, "How fast is express delivery?");
  const answer = await s.asked(contact, /^Shipping times:\n“Standard delivery takes 2 to 4 working days\. Express delivery arrives/);
  assert.ok(answer, "the passage reached the contact");
  const conv = await s.api("GET", `/api/v1/conversations/${first.conversation_id}`, undefined, { token });
  assert.equal(conv.assignee_id, ava.id, "still the agent's after answering");

  // Then a human, please: handed to Support, with a summary comment.
  await s.contactWrites(contact, "Thanks. Can I talk to a human please?");
  const handed = await until(
    async () => {
      const c = await s.api("GET", `/api/v1/conversations/${first.conversation_id}`, undefined, { token });
      return c.assignee_id !== ava.id && c.team_id === support && c;
    },
    { what: "the conversation handed to Support" },
  );
  assert.equal(handed.status, "open");
  const comments = await s.api("GET", `/api/v1/conversations/${first.conversation_id}/comments`, undefined, { token });
  const note = comments.data.find((c) => c.user_id === ava.id);
  assert.ok(note, "a comment by the agent");
  assert.match(note.text, /^Handed over by Ava \(AI agent\): the contact asked for a person \("human"\)\./);
  assert.match(note.text, /Summary: The contact wrote “How fast is express delivery\?”, then “Thanks\. Can I talk to a human please\?”\. The AI agent answered once from “Shipping times”\./);
  const turns = await s.api("GET", `/api/v1/ai/agents/${ava.id}/turns?conversation_id=${first.conversation_id}`, undefined, { token });
  assert.deepEqual(
    turns.data.map((t) => t.outcome),
    ["handed_over", "answered"],
  );
  assert.equal(turns.data[0].result.handover.rule, "human_requested");

  // The person sees why, in the conversation.
  await page.goto(`${s.url}/inbox/all/${first.conversation_id}`);
  const p = pane(page, first.conversation_id);
  await p.waitFor();
  await timelineItem(page, first.conversation_id, "Ava (AI agent) answered from “Shipping times”").waitFor();
  await timelineItem(page, first.conversation_id, 'Ava (AI agent) handed over: the contact asked for a person ("human")').waitFor();
  await timelineItem(page, first.conversation_id, "Handed over by Ava (AI agent)").waitFor();
  await until(async () => (await page.locator(".animate-pulse").count()) === 0, { what: "the pane loaded" });
  await screenshot(page, "ai-handed-over", "light");

  // The AI agent is offered where conversations are assigned, always online.
  await p.locator('[data-testid="action-assign"]').click();
  const option = page.locator(`[data-testid="assign-user-${ava.id}"]`);
  await option.waitFor();
  assert.match(await option.innerText(), /Ava\s*\(AI agent\)[\s\S]*Online/);
  await page.keyboard.press("Escape");
  u.assertClean();
  await u.close();
});

// In French and dark, with the form open: every string translated and no
// serious or critical axe violation; a bad value is shown next to its field.
test("the AI agents page in French has every string, no serious accessibility violation, and field errors", async () => {
  const s = f.server;
  const ow = owner(s);
  const u = await newUser(f.browser, { name: "owner-fr", theme: "dark", lang: "fr" });
  const { page } = u;
  u.allow(422, /^\/api\/v1\/ai\/agents$/);
  await signIn(page, s.url, ow.email, ow.password, "/settings/ai-agents");
  await page.getByTestId("settings-ai-agents").waitFor();
  await page.getByTestId("ai-agent-new").click();
  const form = page.getByTestId("ai-agent-form");
  await form.getByTestId("ai-agent-all-sources").uncheck();
  await form.getByTestId("ai-agent-save").click(); // no name
  // Under the name field: the error the field is described by.
  await until(async () => /required/i.test(await describedText(form.getByTestId("ai-agent-name"))), {
    what: "the name's own error",
  });
  await until(async () => (await page.locator(".animate-pulse").count()) === 0, { what: "lists loaded" });
  assert.deepEqual(await page.evaluate(() => window.__missingKeys ?? []), [], "missing French keys");
  await page.evaluate(axeSource);
  const serious = await page.evaluate(() =>
    window.axe
      .run(document, { resultTypes: ["violations"] })
      .then((r) => r.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.html.slice(0, 120)).join(" | ")}`)),
  );
  assert.deepEqual(serious, [], "axe on /settings/ai-agents");
  u.assertClean();
  await u.close();
});
