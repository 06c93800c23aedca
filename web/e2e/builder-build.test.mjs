// Issue 11's main proof: a manager builds the seed's inbound flow from a
// blank workflow by clicking — trigger Conversation Opened with source
// Contact, a welcome message, a question with three options saved to a
// contact field, a branch with three branches and three Assign To steps,
// a Jump To whose step and an Assign To whose user are picked from lists —
// and publishes it. A contact then writes through the custom channel's
// webhook and answers; the branch and the assignment happen for real (an
// online Billing agent gets the conversation); the run is in the history
// with its path highlighted on the canvas; the test panel then completes
// the same flow as a test contact.
//
// The server starts without the demo's own inbound workflow, so the only
// workflow that runs is the one built here.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { fixture, goOnline, newUser, owner, row, screenshot, signIn, until } from "./harness.mjs";

const f = fixture(before, after, { workflows: false });

const node = (page, id) => page.locator(`[data-testid="builder-node"][data-step-id="${id}"]`);

/** form answers helpers bound to the open step drawer. */
function form(page) {
  const drawer = page.getByTestId("step-drawer");
  const at = (path, nth = 0) => drawer.locator(`[data-schema-path="${path}"]`).nth(nth);
  return {
    drawer,
    at,
    meta: (path) => drawer.locator(`[data-meta-path="${path}"]`),
    /** add clicks a list's "Add" button (the list's own, not a nested list's). */
    add: (path, nth = 0) => drawer.locator(`fieldset[data-schema-path="${path}"]`).nth(nth).locator(':scope > button[aria-label^="Add to"]').click(),
    /** opened waits for the drawer of the step id. */
    opened: (id) => page.locator(`[data-testid="step-drawer"][data-node-id="${id}"]`).waitFor(),
  };
}

/** addStep clicks the "+" on a step's free exit and picks a type; answers the new step's id. */
async function addStep(page, source, exit, type) {
  const before = new Set(await page.getByTestId("builder-node").evaluateAll((els) => els.map((e) => e.getAttribute("data-step-id"))));
  const plus = page.getByTestId(`add-step-${source}-${exit}`);
  // Off screen, the way a user finds it: fit the whole flow in view.
  if (!(await plus.evaluate((el) => { const r = el.getBoundingClientRect(); return r.bottom < innerHeight && r.top > 0 && r.left > 0 && r.right < innerWidth; }))) {
    await page.locator(".react-flow__controls-fitview").click();
  }
  await plus.click();
  await page.getByTestId(`pick-${type}`).click();
  return until(
    async () => (await page.getByTestId("builder-node").evaluateAll((els) => els.map((e) => e.getAttribute("data-step-id")))).find((id) => !before.has(id)),
    { what: `the new ${type} step on ${source}'s ${exit}` },
  );
}

/** newBlankWorkflow signs in as the owner, makes a blank workflow from the list and answers its id. */
async function newBlankWorkflow(page, s, ow) {
  await signIn(page, s.url, ow.email, ow.password, "/builder");
  await page.getByTestId("workflow-new").click();
  await page.getByTestId("template-blank").click();
  await page.waitForURL(/\/builder\/\d+$/);
  return Number(new URL(page.url()).pathname.split("/").pop());
}

test("a manager builds the inbound flow by clicking, publishes it, and a contact goes through it", async () => {
  const s = f.server;
  // Billing has nobody in the demo: an agent who will be online when the contact answers.
  const agent = await s.createAgent({ name: "Bea Billing", teams: ["Billing"] });
  const ag = await newUser(f.browser, { name: "billing agent" });
  await signIn(ag.page, s.url, agent.email, agent.password);
  await goOnline(ag.page);

  const u = await newUser(f.browser, { name: "manager builds" });
  const { page } = u;
  const ow = owner(s);
  const workflowID = await newBlankWorkflow(page, s, ow);
  const fm = form(page);
  u.allow(422, new RegExp(`^/api/v1/workflows/${workflowID}$`)); // the draft with an Assign To naming no user, refused

  // The trigger: Conversation Opened, by the contact; the workflow named.
  await page.locator('[data-testid="builder-node"][data-kind="trigger"]').click();
  await fm.opened("trigger");
  await fm.meta("trigger.type").selectOption("manual");
  await fm.meta("trigger.type").selectOption("conversation_opened");
  await fm.drawer.locator('fieldset[data-schema-path="sources"] label', { hasText: /^Contact$/ }).locator("input").check();
  await fm.drawer.getByText("Workflow name, description and options").click();
  await fm.meta("name").fill("Inbound, built by clicking");
  await fm.meta("options.end_on_assignment").check();

  // The welcome message the blank workflow starts with, rewritten.
  await node(page, "welcome").click();
  await fm.opened("welcome");
  await fm.at("text").fill("Hi {{contact.first_name}}, welcome to Acme!");

  // Ask what they need: three options, saved to the contact field "need".
  const ask = await addStep(page, "welcome", "next", "ask_question");
  await fm.opened(ask);
  await fm.at("question").fill("What do you need today?");
  await fm.at("answer_type").selectOption("multiple_choice");
  for (const [i, option] of ["Sales", "Support", "Billing"].entries()) {
    await fm.add("options");
    await fm.at("options[]", i).fill(option);
  }
  await fm.at("save_to.kind").selectOption("field");
  await fm.at("save_to.name").fill("need");

  // Branch on the field: one branch per option.
  const route = await addStep(page, ask, "next", "branch");
  await fm.opened(route);
  for (const [i, name] of ["Sales", "Support", "Billing"].entries()) {
    await fm.add("branches");
    await fm.at("branches[].name", i).fill(name);
    await fm.add("branches[].conditions", i);
    await fm.at("branches[].conditions[].subject", i).selectOption("field");
    await fm.at("branches[].conditions[].name", i).fill("need");
    await fm.at("branches[].conditions[].operator", i).selectOption("equals");
    await fm.at("branches[].conditions[].value", i).fill(name.toLowerCase());
  }

  // Each branch assigns to its team, round robin among online agents.
  const assigns = [];
  for (const [i, team] of ["Sales", "Support", "Billing"].entries()) {
    await node(page, route).click();
    await fm.opened(route);
    const id = await addStep(page, route, `branch[${i}]`, "assign_to");
    await fm.opened(id);
    await fm.at("target").selectOption("team");
    await fm.at("team").fill(team);
    await fm.at("strategy").selectOption("round_robin");
    await fm.at("only_online").check();
    assigns.push(id);
  }

  // On Sales' timeout, a Jump To back to the question: the step is picked
  // from the workflow's other steps, titled as the canvas titles them.
  const jump = await addStep(page, assigns[0], "timeout", "jump_to");
  await fm.opened(jump);
  const steps = await fm.at("step").locator("option").allTextContents();
  assert.ok(steps.includes(`Ask a question (${ask})`), `the question among ${steps}`);
  assert.ok(!steps.some((x) => x.includes(`(${jump})`)), "not the jump itself");
  await fm.at("step").selectOption(ask);

  // On Support's timeout, an Assign To a user, none picked yet: publishing
  // is refused, the problem is listed, and a click on it selects the
  // marked step, whose drawer then picks the user by name.
  const direct = await addStep(page, assigns[1], "timeout", "assign_to");
  await fm.opened(direct);
  await fm.at("target").selectOption("user");
  await fm.drawer.getByRole("button", { name: "Close the panel" }).click(); // closing flushes the form's last edit
  await page.getByTestId("builder-publish").click();
  const problem = page.locator(`[data-testid="builder-problem"][data-step-id="${direct}"]`);
  await problem.waitFor();
  assert.match((await problem.textContent()) ?? "", /user_id.*is required for target user/);
  assert.equal(await node(page, direct).getAttribute("data-problem"), "true");
  assert.match((await page.getByTestId("builder-status").textContent()) ?? "", /draft/i, "nothing was published");
  await problem.click();
  await until(async () => (await page.locator(".react-flow__node.selected").getAttribute("data-id")) === direct, { what: "the problem's step selected" });
  await page.keyboard.press("Delete"); // the focus is on the problem's link, not in a form: the step is offered for deletion
  await page.getByRole("dialog").getByText(`Delete step ${direct}?`).waitFor();
  await page.keyboard.press("Escape"); // kept: it is fixed instead
  await fm.opened(direct);
  await fm.at("user_id").selectOption({ label: `Bea Billing <${agent.email}>` });
  await page.getByTestId("builder-save").click(); // at once: the pick is saved; the drawer stays open, its problem goes with the save
  await until(async () => (await page.getByTestId("builder-problems").count()) === 0, { what: "the problem gone" });
  // The canvas names the user, as the picker does (not by id).
  await until(async () => ((await node(page, direct).textContent()) ?? "").includes("user · Bea Billing"), { what: "the user by name on the canvas" });
  await until(async () => (await page.locator('[role="status"] > div').count()) === 0, { timeout: 15_000, what: "the toasts gone" });
  await screenshot(page, "builder-drawer-user-picker", "light", { locator: fm.drawer });
  await fm.drawer.getByRole("button", { name: "Close the panel" }).click();

  await page.getByTestId("builder-publish").click();
  await until(async () => /v1/.test((await page.getByTestId("builder-status").textContent()) ?? ""), { what: "version 1 published" });
  assert.equal(await page.getByTestId("builder-problems").count(), 0, "no problems left");
  if (await page.getByTestId("builder-start").count()) await page.getByTestId("builder-start").click();
  await page.getByTestId("builder-stop").waitFor();

  // What was published is the seed's flow, as clicked.
  const wf = await s.api("GET", `/api/v1/workflows/${workflowID}`);
  const def = wf.published;
  assert.equal(def.name, "Inbound, built by clicking");
  assert.deepEqual(def.trigger, { type: "conversation_opened", conditions: { sources: ["contact"] } });
  assert.deepEqual(def.steps.map((st) => st.type).sort(), ["ask_question", "assign_to", "assign_to", "assign_to", "assign_to", "branch", "jump_to", "send_message"]);
  const byID = Object.fromEntries(def.steps.map((st) => [st.id, st]));
  assert.deepEqual(byID[ask].settings.options, ["Sales", "Support", "Billing"]);
  assert.deepEqual(byID[ask].settings.save_to, { kind: "field", name: "need" });
  assert.deepEqual(byID[route].settings.branches.map((b) => b.name), ["Sales", "Support", "Billing"]);
  assert.deepEqual(byID[route].exits, { "branch[0]": assigns[0], "branch[1]": assigns[1], "branch[2]": assigns[2] });
  assert.deepEqual(assigns.map((id) => byID[id].settings.team), ["Sales", "Support", "Billing"]);
  assert.deepEqual(byID[jump].settings, { step: ask });
  assert.deepEqual(byID[direct].settings, { target: "user", user_id: agent.id });
  assert.deepEqual([byID[assigns[0]].exits.timeout, byID[assigns[1]].exits.timeout], [jump, direct]);

  // A contact writes through the custom channel's webhook and answers Billing.
  const contact = s.newContact("Carla", "Clicks");
  const first = await s.contactWrites(contact, "Hello there");
  await s.asked(contact, /Hi Carla, welcome to Acme!/);
  await s.asked(contact, /What do you need today\?/);
  await s.contactWrites(contact, "Billing");
  const conv = await until(
    async () => {
      const c = await s.api("GET", `/api/v1/conversations/${first.conversation_id}`);
      return c.assignee_id === agent.id && c;
    },
    { what: "the conversation assigned to the Billing agent" },
  );
  assert.equal(conv.id, first.conversation_id);
  const saved = await s.api("GET", `/api/v1/contacts/${first.contact_id}`);
  assert.equal(saved.fields?.need, "billing", "the answer saved to the field");

  // The run is in the history; opened, its path is highlighted.
  await page.getByTestId("builder-runs").click();
  const runRow = page.locator('[data-testid="run-row"]').first();
  await until(async () => (await runRow.getAttribute("data-status")) === "finished", { what: "the run finished" });
  assert.match((await runRow.textContent()) ?? "", /Carla Clicks/);
  await runRow.click();
  await until(async () => (await node(page, route).getByTestId("node-visit").textContent())?.includes("Billing"), { what: "the branch marked with Billing" });
  for (const id of ["welcome", ask, assigns[2]]) await node(page, id).getByTestId("node-visit").waitFor();
  assert.equal(await node(page, assigns[0]).getByTestId("node-visit").count(), 0, "Sales was not visited");
  await until(async () => (await page.locator(".react-flow__edge.run-path").count()) === 4, { what: "the path's four edges highlighted" });
  await page.locator(".react-flow__controls-fitview").click();
  await until(async () => (await page.locator('[role="status"] > div').count()) === 0, { timeout: 15_000, what: "the toasts gone" });
  await screenshot(page, "builder-built-run", "light");

  // The agent sees it in their inbox.
  await row(ag.page, conv.id).waitFor();

  // The test panel completes the same flow as a test contact, live on the canvas.
  await page.getByTestId("builder-test").click();
  const testPanel = page.getByTestId("builder-test-panel");
  await testPanel.getByTestId("test-contact").getByText(/Test contact \(/).waitFor();
  await testPanel.getByLabel("Message as the test contact").fill("Hi, a question");
  await testPanel.getByTestId("test-send").click();
  const options = testPanel.getByTestId("test-quick-reply");
  await until(async () => (await options.count()) === 3 && (await options.first().isEnabled()), { what: "the question's three options as buttons" });
  assert.deepEqual(await options.allInnerTexts(), ["Sales", "Support", "Billing"]);
  await options.filter({ hasText: "Billing" }).click();
  await testPanel.getByTestId("test-assignment").getByText("Assigned to Bea Billing (Billing)").waitFor({ timeout: 15_000 });
  await testPanel.getByTestId("test-status").getByText("Finished").waitFor();
  await node(page, assigns[2]).getByTestId("node-visit").waitFor();
  assert.equal(await node(page, assigns[0]).getByTestId("node-visit").count(), 0, "the test run did not visit Sales");
  u.assertClean();
  ag.assertClean();
});

// A Date & Time step's date range: from and to are each a date input and
// an optional time input (no free text to type YYYY-MM-DD HH:MM into), and
// what is picked is saved in the step's settings.
test("a date range is picked as dates and times of day", async () => {
  const s = f.server;
  const u = await newUser(f.browser, { name: "manager date range" });
  const { page } = u;
  const ow = owner(s);
  const workflowID = await newBlankWorkflow(page, s, ow);
  const fm = form(page);
  await node(page, "welcome").waitFor(); // the canvas drawn: addStep tells the new step from the ones before
  const id = await addStep(page, "welcome", "next", "date_time");
  await fm.opened(id);
  await fm.at("mode").selectOption("date_range");
  assert.equal(await fm.at("from").getAttribute("type"), "date");
  assert.equal(await fm.at("from.time").getAttribute("type"), "time");
  await fm.at("from").fill("2026-12-24");
  await fm.at("from.time").fill("18:00");
  await fm.at("to").fill("2026-12-26");
  await fm.drawer.getByText("Without a time of day, the whole day counts.").first().waitFor();
  await screenshot(page, "builder-drawer-date-range", "light", { locator: fm.drawer });
  await fm.drawer.getByRole("button", { name: "Close the panel" }).click(); // closing flushes the form's last edit
  await page.getByTestId("builder-save").click();
  await until(async () => (await page.getByTestId("workflow-editor").getAttribute("data-dirty")) === null, { what: "the draft saved" });
  const settings = await until(
    async () => {
      const wf = await s.api("GET", `/api/v1/workflows/${workflowID}`);
      const step = wf.draft.steps.find((x) => x.id === id);
      return step?.settings?.to ? step.settings : undefined;
    },
    { what: "the date range saved in the draft" },
  );
  assert.deepEqual({ mode: settings.mode, from: settings.from, to: settings.to }, { mode: "date_range", from: "2026-12-24 18:00", to: "2026-12-26" });
  u.assertClean();
  await u.close();
});
