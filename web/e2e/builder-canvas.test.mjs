// The Workflow Builder's canvas (issue 11): the demo's inbound workflow
// opens with every step and edge; a step added on a free exit with the
// step picker is refused while its settings are missing (the problem is
// listed, a click selects the step, the step is marked), deleted again
// with undo bringing it back; a step that needs no settings is saved as
// the draft and is there after a reload; an agent gets the 404 page.
// Screenshots of the canvas, light and dark.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { fixture, newUser, owner, screenshot, signIn, until } from "./harness.mjs";

const f = fixture(before, after);

async function ownerToken(s) {
  const ow = owner(s);
  return (await s.api("POST", "/api/v1/auth/login", { email: ow.email, password: ow.password })).token;
}

async function demoWorkflow(s, token) {
  const list = await s.api("GET", "/api/v1/workflows", undefined, { token });
  const items = list.items ?? list.data ?? list;
  return s.api("GET", `/api/v1/workflows/${items[0].id}`, undefined, { token });
}

const nodes = (page) => page.getByTestId("builder-node");
const node = (page, id) => page.locator(`[data-testid="builder-node"][data-step-id="${id}"]`);

test("the demo workflow on the canvas; add, refuse, undo, save, reload", async () => {
  const s = f.server;
  const token = await ownerToken(s);
  const wf = await demoWorkflow(s, token);
  const def = wf.draft ?? wf.published;
  const wired = def.steps.reduce((n, st) => n + Object.keys(st.exits ?? {}).length, 0);

  for (const theme of ["light", "dark"]) {
    const u = await newUser(f.browser, { name: `owner ${theme}`, theme });
    const ow = owner(s);
    await signIn(u.page, s.url, ow.email, ow.password, `/builder/${wf.id}`);
    await until(async () => (await nodes(u.page).count()) === def.steps.length + 1, { what: "every step and the trigger" });
    await until(async () => (await u.page.locator(".react-flow__edge").count()) === wired + 1, { what: "one edge per wired exit" });
    await screenshot(u.page, "builder-canvas", theme);
    // The step drawer: the Ask a Question step's form, generated from the schema.
    await node(u.page, "ask_need").click();
    await u.page.getByTestId("step-drawer").waitFor();
    await u.page.locator('[data-testid="step-drawer"] [data-schema-path]').first().waitFor();
    await screenshot(u.page, "builder-drawer", theme);
    u.assertClean();
    await u.context.close();
  }

  const u = await newUser(f.browser, { name: "owner" });
  const { page } = u;
  u.allow(422, new RegExp(`^/api/v1/workflows/${wf.id}$`));
  const ow = owner(s);
  await signIn(page, s.url, ow.email, ow.password, `/builder/${wf.id}`);
  await node(page, "busy").waitFor();

  // A Send a Message on the last step's free exit: its text is missing, so the server refuses the draft.
  await page.getByTestId("add-step-busy-next").click();
  await page.getByTestId("pick-send_message").click();
  await node(page, "send_message").waitFor();
  assert.equal(await nodes(page).count(), def.steps.length + 2);
  await page.getByTestId("builder-save").click();
  const problem = page.locator('[data-testid="builder-problem"][data-step-id="send_message"]');
  await problem.waitFor();
  await until(async () => (await node(page, "send_message").getAttribute("data-problem")) === "true", { what: "the step marked" });
  await problem.click();
  await until(async () => (await page.locator(".react-flow__node.selected").getAttribute("data-id")) === "send_message", {
    what: "the problem's step selected",
  });

  // Delete it (its branch is itself), then undo brings it back, redo removes it again.
  // The problem's click pans the canvas to the step (300 ms): a click on the
  // moving node may land on the pane, which unselects it, so it is clicked
  // until it is the selected one.
  await until(
    async () => {
      await node(page, "send_message").click();
      return (await page.locator(".react-flow__node.selected").getAttribute("data-id")) === "send_message";
    },
    { what: "the step selected by a click" },
  );
  await page.keyboard.press("Delete");
  await page.getByTestId("builder-delete-confirm").click();
  await until(async () => (await node(page, "send_message").count()) === 0, { what: "the step deleted" });
  await page.keyboard.press("Control+z");
  await node(page, "send_message").waitFor();
  await page.keyboard.press("Control+Shift+z");
  await until(async () => (await node(page, "send_message").count()) === 0, { what: "the step deleted again" });

  // A Close Conversation needs no settings: the draft saves, and a reload shows it.
  await page.getByTestId("add-step-busy-next").click();
  await page.getByTestId("pick-close_conversation").click();
  await node(page, "close_conversation").waitFor();
  await page.getByTestId("builder-save").click();
  await until(async () => (await page.getByTestId("workflow-editor").getAttribute("data-dirty")) === null, { what: "the draft saved" });
  const after = await s.api("GET", `/api/v1/workflows/${wf.id}`, undefined, { token });
  assert.equal(after.draft.steps.find((st) => st.id === "busy").exits.next, "close_conversation");
  await page.reload();
  await node(page, "close_conversation").waitFor();
  assert.equal(await nodes(page).count(), def.steps.length + 2);

  // Keyboard: a focused node opens the drawer with Enter; copy and paste it onto its own free exit.
  await page.locator('.react-flow__node[data-id="close_conversation"]').focus();
  await page.keyboard.press("Enter");
  await until(async () => (await page.locator(".react-flow__node.selected").getAttribute("data-id")) === "close_conversation", {
    what: "Enter selects the focused node",
  });
  await page.getByTestId("step-drawer").waitFor({ state: "attached" });
  await page.keyboard.press("Control+c");
  await page.keyboard.press("Control+v");
  await node(page, "close_conversation_2").waitFor();
  assert.equal(await nodes(page).count(), def.steps.length + 3);
  await until(async () => (await page.locator('.react-flow__edge[data-id="close_conversation:next"]').count()) === 1, {
    what: "the copy wired on the free exit",
  });
  await page.getByTestId("builder-save").click();
  await until(async () => (await page.getByTestId("workflow-editor").getAttribute("data-dirty")) === null, { what: "the paste saved" });

  // Drag a node: its place is kept after a reload (in this browser's storage, per workflow).
  const busy = page.locator('.react-flow__node[data-id="busy"]');
  const before = await busy.evaluate((el) => el.style.transform);
  const box = await busy.boundingBox();
  await page.mouse.move(box.x + 40, box.y + 12);
  await page.mouse.down();
  await page.mouse.move(box.x + 140, box.y + 52, { steps: 8 });
  await page.mouse.up();
  const moved = await busy.evaluate((el) => el.style.transform);
  assert.notEqual(moved, before, "the node moved");
  await page.reload();
  await node(page, "busy").waitFor();
  assert.equal(await page.locator('.react-flow__node[data-id="busy"]').evaluate((el) => el.style.transform), moved, "the dragged place is kept");
  u.assertClean();
});

test("an agent opening the builder gets the 404 page", async () => {
  const s = f.server;
  const agent = await s.createAgent({ name: "Ana Agent", teams: ["Sales"] });
  const u = await newUser(f.browser, { name: "agent" });
  await signIn(u.page, s.url, agent.email, agent.password, "/builder");
  await u.page.getByTestId("not-found").waitFor();
  await u.page.goto(s.url + "/builder/1");
  await u.page.getByTestId("not-found").waitFor();
  u.assertClean();
});

test("a run's path on the canvas, and the week's counts on the exits", async () => {
  const s = f.server;
  const token = await ownerToken(s);
  const wf = await demoWorkflow(s, token);
  // A contact writes and answers Billing: the run goes welcome → ask → route → to_billing (nobody online: it waits).
  const contact = s.newContact("Rosa", "Runs");
  await s.contactWrites(contact, "Hello");
  await s.asked(contact);
  await s.contactWrites(contact, "Billing");
  const runID = await until(
    async () => (await s.api("GET", `/api/v1/workflows/${wf.id}/runs?limit=50`)).data.find((r) => r.step === "to_billing")?.id,
    { what: "the run waiting at to_billing" },
  );

  const u = await newUser(f.browser, { name: "owner runs" });
  const ow = owner(s);
  await signIn(u.page, s.url, ow.email, ow.password, `/builder/${wf.id}`);
  await u.page.getByTestId("builder-runs").click();
  const panel = u.page.getByTestId("builder-runs-panel");
  await panel.waitFor();
  await panel.locator(`[data-run-id="${runID}"], button:has-text("#${runID}")`).first().click();
  await u.page.locator(`[data-testid="builder-open-run"][data-run-id="${runID}"]`).waitFor();
  // Visited steps are marked with the exit they took; the path's edges stand out.
  await until(async () => (await node(u.page, "route").getByTestId("node-visit").textContent())?.includes("took Billing"), {
    what: "the branch marked with the exit it took",
  });
  await node(u.page, "welcome").getByTestId("node-visit").waitFor();
  await node(u.page, "to_billing").getByTestId("node-visit").waitFor();
  assert.equal(await node(u.page, "to_sales").getByTestId("node-visit").count(), 0, "a step the run did not visit is not marked");
  await until(async () => (await u.page.locator(".react-flow__edge.run-path").count()) >= 4, { what: "the path's edges highlighted" });
  // The week's counts: the branch's Billing exit was taken once.
  await until(async () => (await node(u.page, "route").locator('[data-exit="branch[2]"]').textContent())?.replace(/\s+/g, "") === "Billing·1", {
    what: "the Billing exit's count",
  });
  await screenshot(u.page, "builder-run", "light");
  u.assertClean();
  await u.context.close();
});

test("a saved draft whose text names a variable nothing sets says so", async () => {
  const s = f.server;
  const token = await ownerToken(s);
  const wf = await s.api("POST", "/api/v1/workflows", { blank: true }, { token });
  const step = wf.draft.steps[0].id;
  const u = await newUser(f.browser, { name: "owner warnings" });
  const { page } = u;
  const ow = owner(s);
  await signIn(page, s.url, ow.email, ow.password, `/builder/${wf.id}`);
  await node(page, step).click();
  const text = page.locator('[data-testid="step-drawer"] [data-schema-path="text"]');
  await text.fill("Your order {{var.order_numbre}} is on its way");
  await page.getByTestId("builder-save").click();
  // Saved (a warning does not refuse the draft), and the warning is on screen: the text would go out with a hole in it.
  await until(async () => (await page.getByTestId("workflow-editor").getAttribute("data-dirty")) === null, { what: "the draft saved" });
  const warnings = page.getByTestId("builder-warnings");
  await warnings.waitFor();
  assert.match((await warnings.textContent()) ?? "", /var\.order_numbre.*not set by any step/);
  assert.equal(await page.getByTestId("builder-problems").count(), 0, "a warning is not a problem");
  // Fixed and saved again with the keyboard, still in the field (Ctrl+S, as the Save button's tooltip says): the warning goes.
  await node(page, step).click();
  await text.fill("Your order is on its way");
  assert.match((await page.getByTestId("builder-save").getAttribute("title")) ?? "", /Ctrl\+S/);
  await page.keyboard.press("Control+s");
  await until(async () => (await page.getByTestId("builder-warnings").count()) === 0, { what: "the warning gone once fixed" });
  await until(async () => (await page.getByTestId("workflow-editor").getAttribute("data-dirty")) === null, { what: "saved by Ctrl+S" });
  const saved = await s.api("GET", `/api/v1/workflows/${wf.id}`, undefined, { token });
  assert.equal(saved.draft.steps[0].settings.text, "Your order is on its way", "the last keystrokes saved");
  assert.equal(await text.evaluate((el) => el === document.activeElement), true, "the field keeps the focus");
  u.assertClean();
});

test("a connection is removed by selecting it and pressing Delete: the exit is free again", async () => {
  const s = f.server;
  const token = await ownerToken(s);
  const wf = await demoWorkflow(s, token);
  const u = await newUser(f.browser, { name: "owner unwires" });
  const { page } = u;
  const ow = owner(s);
  await signIn(page, s.url, ow.email, ow.password, `/builder/${wf.id}`);
  await node(page, "ask_need").waitFor();
  // The question's timeout should end the run rather than go to Support: its connection goes.
  const edge = page.locator('.react-flow__edge[data-id="ask_need:timeout"]');
  await edge.focus();
  await page.keyboard.press("Enter");
  await until(async () => (await edge.getAttribute("class"))?.includes("selected"), { what: "the connection selected" });
  await page.keyboard.press("Delete");
  await until(async () => (await edge.count()) === 0, { what: "the connection removed" });
  await page.getByTestId("add-step-ask_need-timeout").waitFor(); // a free exit, with its "+"
  await page.keyboard.press("Control+z");
  await edge.waitFor({ state: "attached" });
  await page.keyboard.press("Control+Shift+z");
  await until(async () => (await edge.count()) === 0, { what: "removed again" });
  await page.getByTestId("builder-save").click();
  await until(async () => (await page.getByTestId("workflow-editor").getAttribute("data-dirty")) === null, { what: "the draft saved" });
  const after = await s.api("GET", `/api/v1/workflows/${wf.id}`, undefined, { token });
  assert.equal(after.draft.steps.find((st) => st.id === "ask_need").exits.timeout, undefined);
  assert.ok(after.draft.steps.find((st) => st.id === "ask_need").exits.next, "the other exits kept");
  // A click selects a connection too.
  const welcome = page.locator('.react-flow__edge[data-id="welcome:next"]');
  const box = await welcome.locator(".react-flow__edge-interaction").boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await until(async () => (await welcome.getAttribute("class"))?.includes("selected"), { what: "the clicked connection selected" });
  // The trigger's start is not a connection that can go.
  assert.equal(await page.locator('.react-flow__edge[data-id="@trigger:start"]').getAttribute("tabindex"), null, "the start is not focusable");
  u.assertClean();
});

test("an exit is wired from the step drawer with the keyboard alone, and saved", async () => {
  const s = f.server;
  const token = await ownerToken(s);
  const wf = await demoWorkflow(s, token);
  const u = await newUser(f.browser, { name: "owner wires by keyboard" });
  const { page } = u;
  const ow = owner(s);
  await signIn(page, s.url, ow.email, ow.password, `/builder/${wf.id}`);
  await node(page, "ask_need").waitFor();
  /** tabTo presses Tab until the focus is on what matches (at most max times): the way a keyboard user gets there. */
  const tabTo = async (matches, what, max = 200) => {
    for (let i = 0; i < max; i++) {
      if (await page.evaluate(matches)) return;
      await page.keyboard.press("Tab");
    }
    assert.fail(`Tab never reached ${what}`);
  };

  // Tab to the question's node, Enter opens its drawer.
  await tabTo(() => document.activeElement?.matches('.react-flow__node[data-id="ask_need"]'), "the question's node");
  await page.keyboard.press("Enter");
  const drawer = page.locator('[data-testid="step-drawer"][data-node-id="ask_need"]');
  await drawer.waitFor();
  const exits = drawer.getByTestId("drawer-exits");
  // Its timeout should lead to the "busy" message: Tab to the Timeout exit, arrows pick the step.
  const timeout = exits.getByLabel("Timeout", { exact: true });
  await tabTo(() => document.activeElement?.matches('[data-testid="drawer-exits"] select[data-exit="timeout"]'), "the Timeout exit");
  const options = await timeout.locator("option").evaluateAll((os) => os.map((o) => o.value));
  const key = options.indexOf("busy") > options.indexOf(await timeout.inputValue()) ? "ArrowDown" : "ArrowUp";
  for (let i = 0; i < options.length && (await timeout.inputValue()) !== "busy"; i++) await page.keyboard.press(key);
  assert.equal(await timeout.inputValue(), "busy");
  await until(async () => (await page.locator('.react-flow__edge[data-id="ask_need:timeout"]').count()) === 1, { what: "the connection on the canvas" });
  assert.equal(await page.locator('.react-flow__edge[data-id="ask_need:timeout"]').getAttribute("aria-label"), "ask_need, exit timeout, to busy");
  await screenshot(page, "builder-drawer-exits", "light", { locator: exits });

  // Saved from the keyboard, still in the select.
  await page.keyboard.press("Control+s");
  await until(async () => (await page.getByTestId("workflow-editor").getAttribute("data-dirty")) === null, { what: "the draft saved" });
  const saved = await s.api("GET", `/api/v1/workflows/${wf.id}`, undefined, { token });
  assert.equal(saved.draft.steps.find((st) => st.id === "ask_need").exits.timeout, "busy");
  assert.equal(await timeout.evaluate((el) => el === document.activeElement), true, "the select keeps the focus");
  u.assertClean();
});
