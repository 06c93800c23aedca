// Two managers on one workflow draft: the owner edits it in the builder
// while Mona Manager saves it through the API (If-Match on the revision she
// read, as an integrator does). The owner's save is refused rather than
// overwrite hers: the editor says who saved and when, and keeps the
// owner's edits. "Keep mine and overwrite" saves them over hers; after a
// second save of hers, "Reload their version" (confirmed) puts hers on the
// canvas, and the next save goes through on her revision.
// Screenshot of the conflict, light.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { PASSWORD, fixture, newUser, owner, screenshot, signIn, until } from "./harness.mjs";

const f = fixture(before, after, { workflows: false });

const node = (page, id) => page.locator(`[data-testid="builder-node"][data-step-id="${id}"]`);

const flow = (text) => ({
  name: "Greeting",
  trigger: { type: "manual" },
  steps: [{ id: "hello", type: "send_message", settings: { text } }],
});

async function login(s, email, password) {
  return (await s.api("POST", "/api/v1/auth/login", { email, password })).token;
}

/** saveAs saves the draft through the API on the revision its ETag says, as an integrator does. */
async function saveAs(s, token, id, def) {
  const got = await fetch(`${s.url}/api/v1/workflows/${id}`, { headers: { Authorization: `Bearer ${token}` } });
  const etag = got.headers.get("ETag");
  assert.match(etag ?? "", /^"\d+"$/);
  const r = await fetch(`${s.url}/api/v1/workflows/${id}`, {
    method: "PUT",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", "If-Match": etag },
    body: JSON.stringify(def),
  });
  assert.equal(r.status, 200, await r.text());
}

async function editText(page, text) {
  await node(page, "hello").click();
  await page.locator('[data-testid="step-drawer"] [data-schema-path="text"]').fill(text);
  await page.getByTestId("step-drawer").getByRole("button", { name: "Close the panel" }).click();
  await page.getByTestId("step-drawer").waitFor({ state: "detached" });
  await until(async () => (await page.getByTestId("workflow-editor").getAttribute("data-dirty")) === "true", { what: "unsaved changes" });
}

test("a save someone else's landed before is shown, then kept over theirs, or dropped for theirs", async () => {
  const s = f.server;
  const ow = owner(s);
  const ownerToken = await login(s, ow.email, ow.password);
  await s.api("POST", "/api/v1/users", { email: "mona@example.test", name: "Mona Manager", role: "manager", password: PASSWORD }, { token: ownerToken, expect: 201 });
  const mona = await login(s, "mona@example.test", PASSWORD);
  const wf = await s.api("POST", "/api/v1/workflows", flow("Hello"), { token: ownerToken, expect: 201 });

  const u = await newUser(f.browser, { name: "owner" });
  const { page } = u;
  // The refused saves: the browser logs their 409 as a console error.
  u.allow(409, new RegExp(`^/api/v1/workflows/${wf.id}$`));
  await signIn(page, s.url, ow.email, ow.password, `/builder/${wf.id}`);
  await node(page, "hello").waitFor();

  // Mona saves while the owner edits: the owner's save is refused, the edit kept.
  await editText(page, "Hello from the owner");
  await saveAs(s, mona, wf.id, flow("Hello from Mona"));
  await page.getByTestId("builder-save").click();
  const banner = page.getByTestId("builder-conflict");
  await banner.waitFor();
  assert.match(await banner.innerText(), /Someone else saved this workflow/);
  assert.match(await page.getByTestId("builder-conflict-who").innerText(), /Mona Manager/);
  assert.equal(await page.getByTestId("workflow-editor").getAttribute("data-dirty"), "true");
  assert.match(await node(page, "hello").innerText(), /Hello from the owner/);
  let got = await s.api("GET", `/api/v1/workflows/${wf.id}`, undefined, { token: ownerToken });
  assert.equal(got.draft.steps[0].settings.text, "Hello from Mona");
  await screenshot(page, "builder-conflict", "light");

  // Keep mine: saved over hers.
  await page.getByTestId("builder-conflict-overwrite").click();
  await banner.waitFor({ state: "detached" });
  await until(async () => (await page.getByTestId("workflow-editor").getAttribute("data-dirty")) === null, { what: "saved" });
  got = await s.api("GET", `/api/v1/workflows/${wf.id}`, undefined, { token: ownerToken });
  assert.equal(got.draft.steps[0].settings.text, "Hello from the owner");
  assert.notEqual(got.draft_saved_by?.name, "Mona Manager");

  // Mona saves again; the owner's next save is refused; reloading hers (confirmed) drops the owner's edit.
  await saveAs(s, mona, wf.id, flow("Mona's second greeting"));
  await editText(page, "The owner's second try");
  await page.getByTestId("builder-save").click();
  await banner.waitFor();
  await page.getByTestId("builder-conflict-reload").click();
  await page.getByTestId("builder-conflict-discard").click();
  await banner.waitFor({ state: "detached" });
  await until(async () => /Mona's second greeting/.test(await node(page, "hello").innerText()), { what: "her version on the canvas" });
  assert.equal(await page.getByTestId("workflow-editor").getAttribute("data-dirty"), null);

  // The canvas is now on her revision: the next save goes through.
  await editText(page, "Built on Mona's");
  await page.getByTestId("builder-save").click();
  await until(async () => (await page.getByTestId("workflow-editor").getAttribute("data-dirty")) === null, { what: "saved" });
  got = await s.api("GET", `/api/v1/workflows/${wf.id}`, undefined, { token: ownerToken });
  assert.equal(got.draft.steps[0].settings.text, "Built on Mona's");
  assert.equal(await banner.count(), 0);
  u.assertClean();
  await u.context.close();
});
