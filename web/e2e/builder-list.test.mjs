// The builder's workflows list: an owner creates a workflow from the
// inbound template, sees it as a draft, duplicates it, exports the copy
// (a JSON download of its definition), imports a broken definition and
// sees every problem listed, and deletes the copy; an agent gets the 404
// page at /builder. docs/screenshots/builder-list-light.png.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fixture, newUser, owner, PASSWORD, screenshot, signIn } from "./harness.mjs";

const f = fixture(before, after);

test("an owner creates, duplicates, exports, imports and deletes workflows", async () => {
  const s = f.server;
  const ow = owner(s);
  const o = await newUser(f.browser, { name: "the owner" });
  await signIn(o.page, s.url, ow.email, ow.password);
  await o.page.goto(s.url + "/builder");
  await o.page.getByTestId("workflows-table").waitFor();

  // New, from the inbound template: the editor opens; back in the list it is a draft.
  await o.page.getByTestId("workflow-new").click();
  await o.page.getByTestId("workflow-new-dialog").waitFor();
  await o.page.getByTestId("template-inbound_conversation").click();
  await o.page.waitForURL(/\/builder\/\d+$/);
  const id = o.page.url().match(/\/builder\/(\d+)$/)[1];
  await o.page.goto(s.url + "/builder");
  const created = o.page.locator(`[data-testid="workflow-row"][data-workflow-id="${id}"]`);
  await created.waitFor();
  assert.equal(await created.getAttribute("data-status"), "draft");
  assert.equal(await created.getByTestId("workflow-status").textContent(), "Draft");
  assert.match(await created.textContent(), /Inbound conversations.*Conversation opened/);

  // Duplicate: "… (copy)", a draft.
  await created.getByTestId("workflow-duplicate").click();
  const copy = o.page.getByTestId("workflow-row").filter({ hasText: "Inbound conversations (copy)" });
  await copy.waitFor();
  assert.equal(await copy.getAttribute("data-status"), "draft");

  // Export the copy: its definition as JSON.
  const [download] = await Promise.all([o.page.waitForEvent("download"), copy.getByTestId("workflow-export").click()]);
  assert.equal(download.suggestedFilename(), "Inbound-conversations-copy.json");
  const exported = JSON.parse(readFileSync(await download.path(), "utf8"));
  assert.equal(exported.name, "Inbound conversations (copy)");
  assert.equal(exported.trigger.type, "conversation_opened");
  assert.equal(exported.steps.length, 7);

  // Import a broken definition: every problem is listed, nothing is created.
  o.allow(422, /\/api\/v1\/workflows\/import$/);
  const rowsBefore = await o.page.getByTestId("workflow-row").count();
  const broken = {
    name: "Broken",
    trigger: { type: "conversation_opened" },
    steps: [
      { id: "a", type: "send_message", settings: { text: "x" }, exits: { next: "ghost" } },
      { id: "b", type: "teleport" },
    ],
  };
  await o.page.getByTestId("workflow-import-file").setInputFiles({
    name: "broken.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify(broken)),
  });
  const problems = o.page.getByTestId("import-problems");
  await problems.waitFor();
  assert.match(await problems.textContent(), /broken\.json was not imported/);
  const items = await problems.getByTestId("import-problem").allTextContents();
  assert.ok(items.some((x) => /step a · exits\.next: .*ghost/.test(x)), `the exit to nowhere is listed: ${items}`);
  assert.ok(items.some((x) => /step b · type: .*teleport/.test(x)), `the unknown type is listed: ${items}`);
  assert.equal(await o.page.getByTestId("workflow-row").count(), rowsBefore);

  // A good import is a new draft.
  exported.name = "Imported inbound";
  await o.page.getByTestId("workflow-import-file").setInputFiles({
    name: "good.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify(exported)),
  });
  await o.page.getByTestId("workflow-row").filter({ hasText: "Imported inbound" }).waitFor();
  await screenshot(o.page, "builder-list", "light");

  // Delete the copy, after confirming. The row leaves at once (the list
  // is optimistic): the reload waits for the server's answer, which it
  // would otherwise abort.
  const copyID = await copy.getAttribute("data-workflow-id");
  await copy.getByTestId("workflow-delete").click();
  await o.page.getByTestId("workflow-delete-dialog").waitFor();
  const deleted = o.page.waitForResponse((r) => r.request().method() === "DELETE" && r.url().endsWith(`/api/v1/workflows/${copyID}`));
  await o.page.getByTestId("workflow-delete-confirm").click();
  await copy.waitFor({ state: "detached" });
  assert.equal((await deleted).status(), 204);
  await o.page.reload();
  await created.waitFor();
  assert.equal(await o.page.getByTestId("workflow-row").filter({ hasText: "Inbound conversations (copy)" }).count(), 0);
  o.assertClean();
});

test("an agent gets the 404 page at /builder", async () => {
  const s = f.server;
  const agent = await s.createAgent({ name: "Builder Agent", teams: ["Sales"] });
  const a = await newUser(f.browser, { name: "the agent" });
  await signIn(a.page, s.url, agent.email, PASSWORD);
  await a.page.goto(s.url + "/builder");
  await a.page.getByTestId("not-found").waitFor();
  assert.equal(await a.page.getByTestId("workflows-list").count(), 0);
  a.assertClean();
});
