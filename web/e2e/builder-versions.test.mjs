// The Workflow Builder's versions (issue 11, item 4): a workflow published
// as version 1 with a run waiting on it; in the browser the draft is edited
// (a step's text in the drawer, a step added) and saved while v1 keeps
// running; the versions panel lists v1 with its run and the draft with its
// unsaved changes; comparing marks the changed and the added step on the
// canvas and lists both with the text before and after; publishing makes
// version 2, and the runs panel shows each run with the version it used.
// Restoring v1 puts it on the canvas and saves it as the draft; restoring
// it again after someone else saved the draft through the API changes
// nothing (the editor's conflict says so), until "Restore version 1 over
// theirs". Screenshots of compare mode, light and dark.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { fixture, newUser, owner, screenshot, signIn, until } from "./harness.mjs";

const f = fixture(before, after, { workflows: false });

const node = (page, id) => page.locator(`[data-testid="builder-node"][data-step-id="${id}"]`);
const versionRow = (page, v) => page.locator(`[data-testid="version-row"][data-version="${v}"]`);
const entry = (page, kind, id) => page.locator(`[data-testid="diff-entry"][data-kind="${kind}"][data-step-id="${id}"]`);

// A manual workflow whose runs wait an hour before saying hello: a run
// started through the API stays waiting on its version.
const v1 = {
  name: "Follow-up",
  description: "Says hello an hour later",
  trigger: { type: "manual" },
  steps: [
    { id: "pause", type: "wait", settings: { seconds: 3600 }, exits: { next: "hello" } },
    { id: "hello", type: "send_message", settings: { text: "Hello from v1" } },
  ],
};

async function ownerToken(s) {
  const ow = owner(s);
  return (await s.api("POST", "/api/v1/auth/login", { email: ow.email, password: ow.password })).token;
}

async function openVersions(page) {
  if ((await page.getByTestId("builder-versions").getAttribute("aria-pressed")) !== "true") await page.getByTestId("builder-versions").click();
  await page.getByTestId("builder-versions-panel").waitFor();
}

async function closeDrawer(page) {
  await page.getByTestId("step-drawer").getByRole("button", { name: "Close the panel" }).click();
  await page.getByTestId("step-drawer").waitFor({ state: "detached" });
}

async function marks(page) {
  return page.locator("[data-testid=builder-node][data-diff]").evaluateAll((els) => els.map((e) => `${e.dataset.stepId}:${e.dataset.diff}`).sort());
}

test("edit a published workflow's draft, compare it with v1, publish v2; each run keeps its version", async () => {
  const s = f.server;
  const token = await ownerToken(s);
  const wf = await s.api("POST", "/api/v1/workflows", v1, { token, expect: 201 });
  await s.api("POST", `/api/v1/workflows/${wf.id}/publish`, undefined, { token });
  await s.api("POST", `/api/v1/workflows/${wf.id}/start`, undefined, { token });
  const contact = await s.api("POST", "/api/v1/contacts", { first_name: "Vera", last_name: "Version" }, { token, expect: 201 });
  const run1 = await s.api("POST", `/api/v1/workflows/${wf.id}/runs`, { contact_id: contact.id }, { token, expect: 201 });
  assert.equal(run1.version, 1);

  const u = await newUser(f.browser, { name: "owner" });
  const { page } = u;
  const ow = owner(s);
  await signIn(page, s.url, ow.email, ow.password, `/builder/${wf.id}`);
  await node(page, "hello").waitFor();

  // Edit the hello step's text in the drawer, and add a step on its free exit.
  await node(page, "hello").click();
  const text = page.locator('[data-testid="step-drawer"] [data-schema-path="text"]');
  await text.fill("Hello from v2");
  await closeDrawer(page);
  await page.getByTestId("add-step-hello-next").click();
  await page.getByTestId("pick-close_conversation").click();
  await node(page, "close_conversation").waitFor();
  await closeDrawer(page);

  // The versions panel: v1 running with its waiting run; the draft has unsaved changes until saved.
  await openVersions(page);
  const v1row = versionRow(page, 1);
  await v1row.waitFor();
  assert.match(await v1row.getByTestId("version-runs").innerText(), /1 run · 1 waiting now/);
  assert.equal(await v1row.getByTestId("version-badge").innerText(), "running");
  await page.getByTestId("version-unsaved").waitFor();
  await page.getByTestId("builder-save").click();
  await until(async () => (await page.getByTestId("workflow-editor").getAttribute("data-dirty")) === null, { what: "the draft saved" });
  await page.getByTestId("version-unsaved").waitFor({ state: "detached" });
  assert.match(await page.getByTestId("version-draft").innerText(), /2 differences from version 1/);
  // The published version keeps running while the draft is edited.
  const saved = await s.api("GET", `/api/v1/workflows/${wf.id}`, undefined, { token });
  assert.equal(saved.published_version, 1);
  assert.equal(saved.published.steps[1].settings.text, "Hello from v1");
  assert.equal(saved.draft.steps[1].settings.text, "Hello from v2");

  // Compare the draft with v1: the changed and the added step are marked on the canvas and listed.
  await v1row.getByTestId("version-compare").click();
  await page.getByTestId("version-compare-panel").waitFor();
  await until(async () => (await marks(page)).join() === "close_conversation:added,hello:changed", { what: "the canvas marks" });
  assert.equal(await node(page, "hello").getByTestId("node-diff").innerText(), "CHANGED");
  assert.equal(await node(page, "close_conversation").getByTestId("node-diff").innerText(), "ADDED");
  const changed = entry(page, "changed", "hello");
  const change = changed.locator('[data-testid="diff-change"][data-path="settings.text"]');
  assert.match(await change.innerText(), /Hello from v1[\s\S]*→[\s\S]*Hello from v2/);
  await entry(page, "added", "close_conversation").waitFor();
  assert.match(await changed.innerText(), /exits\.next|next/);
  assert.match(await page.getByTestId("version-compare-summary").innerText(), /^1 step added · 1 changed · 0 removed$/);
  await page.locator(".react-flow__controls-fitview").click();
  await screenshot(page, "builder-versions", "light");

  // The same in the dark theme (a second person, the same saved draft).
  const dark = await newUser(f.browser, { name: "owner dark", theme: "dark" });
  await signIn(dark.page, s.url, ow.email, ow.password, `/builder/${wf.id}`);
  await node(dark.page, "close_conversation").waitFor();
  await openVersions(dark.page);
  await versionRow(dark.page, 1).getByTestId("version-compare").click();
  await until(async () => (await marks(dark.page)).join() === "close_conversation:added,hello:changed", { what: "the canvas marks (dark)" });
  await dark.page.locator(".react-flow__controls-fitview").click();
  await screenshot(dark.page, "builder-versions", "dark");
  dark.assertClean();
  await dark.context.close();

  // A click on a difference selects its step (its drawer opens); closing the
  // drawer brings the panel back, still comparing.
  await changed.locator("button").first().click();
  await until(async () => (await page.locator(".react-flow__node.selected").getAttribute("data-id")) === "hello", { what: "the changed step selected" });
  await page.locator('[data-testid="step-drawer"][data-node-id="hello"]').waitFor();
  await closeDrawer(page);
  await page.getByTestId("version-compare-panel").waitFor();
  assert.equal((await marks(page)).join(), "close_conversation:added,hello:changed");

  // Closing the comparison clears the marks.
  await page.getByTestId("version-compare-close").click();
  await until(async () => (await marks(page)).length === 0, { what: "the marks cleared" });

  // Publish: version 2 appears, published and running; v1 keeps its run.
  await page.getByTestId("builder-publish").click();
  const v2row = versionRow(page, 2);
  await v2row.waitFor();
  assert.equal(await v2row.getByTestId("version-badge").innerText(), "running");
  assert.equal(await v1row.getByTestId("version-badge").count(), 0);
  await page.getByTestId("version-draft").waitFor({ state: "detached" });
  // Version 1 read-only: its steps as they were.
  await v1row.getByTestId("version-view").click();
  const view = page.getByTestId("version-view-dialog");
  assert.match(await view.locator('[data-step-id="hello"]').innerText(), /Hello from v1/);
  assert.equal(await view.locator('[data-step-id="close_conversation"]').count(), 0);
  await page.keyboard.press("Escape");
  await view.waitFor({ state: "detached" });

  // A run started now uses v2; the runs panel shows each run with its version.
  const run2 = await s.api("POST", `/api/v1/workflows/${wf.id}/runs`, { contact_id: contact.id }, { token, expect: 201 });
  assert.equal(run2.version, 2);
  await page.getByTestId("builder-runs").click();
  const runRow = (id) => page.locator(`[data-testid="run-row"][data-run-id="${id}"]`);
  await runRow(run2.id).waitFor();
  assert.match(await runRow(run1.id).innerText(), /\bv1\b/);
  assert.match(await runRow(run2.id).innerText(), /\bv2\b/);
  // Back in the versions panel, v2 counts its run.
  await openVersions(page);
  await until(async () => /1 run · 1 waiting now/.test(await versionRow(page, 2).getByTestId("version-runs").innerText()), {
    what: "v2's run counted",
  });

  // Restore version 1 as the draft: the canvas shows v1 again and the draft
  // is saved as it; Undo brings the canvas back.
  await versionRow(page, 1).getByTestId("version-restore").click();
  await page.getByTestId("version-restore-confirm").click();
  await until(async () => (await node(page, "close_conversation").count()) === 0, { what: "v1's steps on the canvas" });
  const restored = await s.api("GET", `/api/v1/workflows/${wf.id}`, undefined, { token });
  assert.equal(restored.draft.steps.find((st) => st.id === "hello").settings.text, "Hello from v1");
  assert.equal(restored.published_version, 2, "restoring does not publish");
  assert.equal(await page.getByTestId("workflow-editor").getAttribute("data-dirty"), null, "the restored draft is saved");
  await page.keyboard.press("Control+z");
  await node(page, "close_conversation").waitFor();

  // The draft is saved meanwhile through the API (a script, or this owner
  // in another tab): restoring v1 again is refused rather than overwrite it; the
  // dialog closes, the editor says the restore did not happen, and nothing
  // changed, on the canvas or on the server.
  u.allow(409, new RegExp(`^/api/v1/workflows/${wf.id}$`));
  const theirs = { ...v1, steps: [v1.steps[0], { ...v1.steps[1], settings: { text: "Hello from the API" } }] };
  await s.api("PUT", `/api/v1/workflows/${wf.id}`, theirs, { token });
  await versionRow(page, 1).getByTestId("version-restore").click();
  await page.getByTestId("version-restore-confirm").click();
  const banner = page.getByTestId("builder-conflict");
  await banner.waitFor();
  await page.getByTestId("version-restore-dialog").waitFor({ state: "detached" });
  assert.match(await banner.innerText(), /Someone else saved this workflow/);
  assert.match(await page.getByTestId("builder-conflict-who").innerText(), /Version 1 was not restored/);
  assert.equal(await node(page, "close_conversation").count(), 1, "the canvas is unchanged");
  assert.equal((await s.api("GET", `/api/v1/workflows/${wf.id}`, undefined, { token })).draft.steps[1].settings.text, "Hello from the API");

  // Restoring it over theirs, chosen: v1 is the draft and on the canvas.
  await page.getByTestId("builder-conflict-overwrite").click();
  await banner.waitFor({ state: "detached" });
  await until(async () => (await node(page, "close_conversation").count()) === 0, { what: "v1's steps on the canvas again" });
  await until(async () => (await page.getByTestId("workflow-editor").getAttribute("data-dirty")) === null, { what: "the restore saved" });
  const over = await s.api("GET", `/api/v1/workflows/${wf.id}`, undefined, { token });
  assert.equal(over.draft.steps[1].settings.text, "Hello from v1");
  assert.equal(over.draft.steps.length, 2);
  u.assertClean();
});
