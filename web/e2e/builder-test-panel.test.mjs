// The Workflow Builder's test panel (issue 11, item 6): the seed's inbound
// flow (Conversation Opened from a contact → welcome → ask the need, three
// options saved to a field → branch → three Assign To) is built and
// published through the API and left stopped; a manager opens the test
// panel, writes as the test contact, clicks an option button, and sees
// the branch and the assignment happen for real (an online agent of the
// team is assigned), the run's path highlighted on the canvas as it goes;
// the test contact is in neither the contacts list nor the inbox. Restart
// frees the agent and the flow runs again. Screenshots of the test panel,
// light and dark.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fixture, newUser, owner, PASSWORD, screenshot, signIn, until } from "./harness.mjs";

const f = fixture(before, after, { workflows: false });
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** axeSerious answers the serious or critical axe violations inside the test panel. */
async function axeSerious(page) {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(() =>
    window.axe
      .run({ include: [['[data-testid="builder-test-panel"]']] }, { resultTypes: ["violations"] })
      .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.html) }))),
  );
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

/** The seed's inbound flow, saving the answer to the contact field "need". */
function seedFlow() {
  const assign = (id, team) => ({
    id,
    type: "assign_to",
    settings: { target: "team", team, strategy: "round_robin", only_online: true, queue: true, timeout_seconds: 900 },
  });
  const when = (name) => ({ name, conditions: [{ subject: "field", name: "need", operator: "equals", value: name }] });
  return {
    name: "Inbound (test panel)",
    description: "The seed's inbound flow, tested from the builder",
    trigger: { type: "conversation_opened", conditions: { sources: ["contact"] } },
    options: { end_on_assignment: true },
    steps: [
      { id: "welcome", type: "send_message", settings: { text: "Hi {{contact.first_name}}, thanks for getting in touch!" }, exits: { next: "ask_need" } },
      {
        id: "ask_need",
        type: "ask_question",
        settings: {
          question: "What can we help you with?",
          answer_type: "multiple_choice",
          options: ["Sales", "Support", "Billing"],
          save_to: { kind: "field", name: "need" },
        },
        exits: { next: "route" },
      },
      {
        id: "route",
        type: "branch",
        settings: { branches: [when("Sales"), when("Support"), when("Billing")] },
        exits: { "branch[0]": "to_sales", "branch[1]": "to_support", "branch[2]": "to_billing", else: "to_support" },
      },
      assign("to_sales", "Sales"),
      assign("to_support", "Support"),
      assign("to_billing", "Billing"),
    ],
  };
}

/** online makes a person online through the API, as their browser would. */
async function online(s, email) {
  const login = await s.api("POST", "/api/v1/auth/login", { email, password: PASSWORD });
  await s.api("PUT", "/api/v1/presence", { status: "online" }, { token: login.token });
  await s.api("POST", "/api/v1/presence/heartbeat", { device_id: "e2e-test-panel" }, { token: login.token });
}

const panel = (page) => page.getByTestId("builder-test-panel");
const node = (page, id) => page.locator(`.react-flow__node[data-id="${id}"]`);

test("the test panel completes the seed's flow as a test contact, live on the canvas", async () => {
  const s = f.server;
  // The demo has the field "need"; made if not.
  const fields = await s.api("GET", "/api/v1/custom-fields");
  if (!(fields.data ?? fields).some((x) => x.key === "need")) await s.api("POST", "/api/v1/custom-fields", { key: "need", name: "Need", type: "text" });
  const created = await s.api("POST", "/api/v1/workflows", seedFlow());
  await s.api("POST", `/api/v1/workflows/${created.id}/publish`);
  await s.api("POST", `/api/v1/workflows/${created.id}/stop`);
  const wf = await s.api("GET", `/api/v1/workflows/${created.id}`);
  assert.equal(wf.active, false, "the workflow under test is stopped");
  const agent = await s.createAgent({ name: "Bea Billing", teams: ["Billing"], busy: false });
  await online(s, agent.email);
  const ow = owner(s);

  for (const theme of ["light", "dark"]) {
    const u = await newUser(f.browser, { name: `owner ${theme}`, theme });
    const { page } = u;
    await signIn(page, s.url, ow.email, ow.password, `/builder/${wf.id}`);
    await node(page, "to_billing").waitFor();
    await page.getByTestId("builder-test").click();
    await panel(page).getByTestId("test-contact").getByText(/Test contact \(/).waitFor();
    // The first run (light) leaves the conversation assigned: restart frees the agent.
    if (theme === "dark") {
      await panel(page).getByTestId("test-restart").click();
      await until(async () => (await panel(page).getByTestId("test-message").count()) === 0, { what: "the chat emptied by restart" });
      const pres = await s.api("GET", "/api/v1/presence");
      const bea = (pres.data ?? pres).find((p) => p.user_id === agent.id);
      assert.equal(bea.open, 0, "restart freed the agent");
    }

    await panel(page).getByLabel("Message as the test contact").fill("Hello, I have a question");
    await panel(page).getByTestId("test-send").click();
    // The welcome and the question come back, the options as buttons.
    const options = panel(page).getByTestId("test-quick-reply");
    await until(async () => (await options.count()) === 3 && (await options.first().isEnabled()), { what: "three option buttons" });
    await panel(page).getByTestId("test-status").getByText("Waiting for the answer at ask_need").waitFor();
    await until(async () => (await page.locator(".react-flow__edge.run-path").count()) >= 2, { what: "the path so far highlighted" });
    await node(page, "ask_need").getByTestId("node-visit").waitFor();

    await options.filter({ hasText: "Billing" }).click();
    await panel(page).getByTestId("test-assignment").getByText("Assigned to Bea Billing (Billing)").waitFor({ timeout: 15_000 });
    await panel(page).getByTestId("test-status").getByText("Finished").waitFor();
    // The path follows live: the branch took Billing, the assignment step is visited.
    await node(page, "to_billing").getByTestId("node-visit").waitFor();
    await node(page, "route").getByTestId("node-visit").getByText(/Billing/).waitFor();
    assert.equal(await node(page, "to_sales").getByTestId("node-visit").count(), 0);
    await until(async () => (await page.locator('.react-flow__edge.run-path[data-id="route:branch[2]"]').count()) === 1, {
      what: "the Billing branch edge highlighted",
    });
    // The whole path in view for the screenshot.
    await page.locator(".react-flow__controls-fitview").click();
    await until(
      async () => {
        const b = await node(page, "to_billing").boundingBox();
        return b && b.y + b.height < 880;
      },
      { what: "the assignment step in view" },
    );
    await screenshot(page, "builder-test-panel", theme);
    const serious = await axeSerious(page);
    assert.equal(serious.length, 0, `axe (${theme}): ${JSON.stringify(serious)}`);
    u.assertClean();
    await u.close();
  }

  // The test contact is flagged and kept out of the lists.
  const sess = await s.api("GET", `/api/v1/workflows/${wf.id}/test`, undefined, {
    token: (await s.api("POST", "/api/v1/auth/login", { email: ow.email, password: ow.password })).token,
  });
  const convID = sess.conversation.id;
  const runs = await s.api("GET", `/api/v1/workflows/${wf.id}/runs`);
  assert.ok(runs.data.length >= 2 && runs.data.every((r) => r.test === true), "the runs list marks test runs");
  const contacts = await s.api("GET", "/api/v1/contacts?limit=200");
  assert.equal(contacts.data.filter((c) => c.id === sess.contact_id).length, 0, "not in the contacts list");
  const included = await s.api("GET", "/api/v1/contacts?limit=200&test=include");
  assert.equal(included.data.filter((c) => c.id === sess.contact_id).length, 1, "listed with test=include");
  const list = await s.api("GET", "/api/v1/conversations?limit=200");
  assert.equal(list.data.filter((c) => c.id === convID).length, 0, "not in the conversations list");

  const u = await newUser(f.browser, { name: "owner lists" });
  await signIn(u.page, s.url, ow.email, ow.password, "/contacts");
  await u.page.getByText(/Casey|Contact|contacts/i).first().waitFor();
  assert.equal(await u.page.getByText(/Test contact \(/).count(), 0, "the contacts page does not show the test contact");
  await u.page.goto(s.url + "/inbox/all");
  await u.page.getByTestId("view-count-all").waitFor();
  assert.equal(await u.page.locator(`[data-testid="conversation-row"][data-conversation-id="${convID}"]`).count(), 0, "not in the inbox");
  u.assertClean();
  await u.close();
});
