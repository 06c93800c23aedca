// The settings screens of issue 10, as an owner uses them: the workspace's
// name (and the server's error for a bad time zone, shown under the
// field), a tag made and recoloured, a lifecycle stage moved, a snippet
// edited, the custom channel's token rotated and its connection tested
// against the local integrator. Screenshots of the workspace and channels
// pages.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fixture, newUser, owner, screenshot, signIn, until } from "./harness.mjs";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const f = fixture(before, after);

async function ownerAPI(s) {
  const ow = owner(s);
  const login = await s.api("POST", "/api/v1/auth/login", { email: ow.email, password: ow.password });
  return { token: login.token };
}

test("an owner edits the workspace, a tag, a stage, a snippet and the custom channel", async () => {
  const s = f.server;
  const as = await ownerAPI(s);
  const tzBefore = (await s.api("GET", "/api/v1/workspace", undefined, as)).timezone;
  const u = await newUser(f.browser, { name: "owner" });
  const { page } = u;
  u.allow(422, /^\/api\/v1\/workspace$/);
  const ow = owner(s);
  await signIn(page, s.url, ow.email, ow.password, "/settings/workspace");

  // Workspace name, saved by the server.
  await page.getByTestId("settings-workspace").waitFor();
  await page.getByTestId("workspace-name").fill("Acme Support");
  await page.getByTestId("workspace-save").click();
  await page.getByTestId("workspace-saved").waitFor();
  await until(async () => (await s.api("GET", "/api/v1/workspace", undefined, as)).name === "Acme Support", { what: "the new name stored" });

  // A time zone the server does not know: its error under the field.
  const tz = page.getByTestId("workspace-timezone");
  await tz.evaluate((sel) => {
    const o = document.createElement("option");
    o.value = o.textContent = "Mars/Olympus";
    sel.appendChild(o);
  });
  await tz.selectOption("Mars/Olympus");
  await page.getByTestId("workspace-save").click();
  const tzError = page.locator("form").getByRole("alert").filter({ hasText: /time zone/ });
  await tzError.waitFor();
  assert.equal(await tz.getAttribute("aria-invalid"), "true");
  const describedBy = await tz.getAttribute("aria-describedby");
  assert.ok(describedBy && (await tzError.getAttribute("id")) && describedBy.includes(await tzError.getAttribute("id")), "the error describes the select");
  assert.equal((await s.api("GET", "/api/v1/workspace", undefined, as)).timezone, tzBefore, "the time zone is unchanged");

  // A tag, made and recoloured.
  await page.goto(s.url + "/settings/tags");
  await page.getByTestId("tag-new-name").fill("renewal");
  await page.getByTestId("tag-create").click();
  const tagRow = page.locator('[data-testid="tag-row"][data-tag-name="renewal"]');
  await tagRow.waitFor();
  await tagRow.getByRole("radio", { name: "Pink" }).click();
  await page.locator('[data-testid="tag-row"][data-tag-name="renewal"][data-tag-color="#ec4899"]').waitFor();
  await until(
    async () => (await s.api("GET", "/api/v1/tags?limit=200", undefined, as)).data.find((t) => t.name === "renewal")?.color === "#ec4899",
    { what: "the tag's new colour stored" },
  );

  // A lifecycle stage moved down one place.
  await page.goto(s.url + "/settings/stages");
  const rows = page.locator('[data-testid="stage-row"]');
  await rows.first().waitFor();
  const first = await rows.nth(0).getAttribute("data-stage-name");
  const second = await rows.nth(1).getAttribute("data-stage-name");
  await page.getByRole("button", { name: `Move ${first} down` }).click();
  await until(async () => (await rows.nth(0).getAttribute("data-stage-name")) === second, { what: "the list reordered" });
  await until(
    async () => {
      const list = (await s.api("GET", "/api/v1/lifecycle-stages", undefined, as)).data;
      return list[0].name === second && list[1].name === first;
    },
    { what: "the new order stored" },
  );
  await page.reload();
  await until(async () => (await rows.nth(1).getAttribute("data-stage-name")) === first, { what: "the order after a reload" });

  // A snippet edited.
  await s.api("POST", "/api/v1/snippets", { name: "thanks", text: "Thanks for writing!" }, as);
  await page.goto(s.url + "/settings/snippets");
  const snippet = page.locator('[data-testid="snippet-row"][data-snippet-name="thanks"]');
  await snippet.getByTestId("snippet-edit").click();
  await snippet.getByLabel("Text").fill("Thanks for writing — we answer within the hour.");
  await snippet.getByTestId("snippet-save").click();
  await snippet.getByTestId("snippet-text").filter({ hasText: "within the hour" }).waitFor();

  // A custom field a workflow uses: deleting it first names the workflow.
  await s.api("POST", "/api/v1/custom-fields", { key: "renewal_date", name: "Renewal date", type: "date" }, as);
  await s.api(
    "POST",
    "/api/v1/workflows",
    { name: "Renewal reminder", trigger: { type: "manual" }, steps: [{ id: "s", type: "send_message", settings: { text: "Your plan renews on {{contact.fields.renewal_date}}" } }] },
    as,
  );
  await page.goto(s.url + "/settings/fields");
  const fieldRow = page.locator('[data-testid="field-row"][data-field-key="renewal_date"]');
  await fieldRow.getByRole("button", { name: "Delete the field Renewal date" }).click();
  await fieldRow.getByTestId("field-usage").filter({ hasText: "Renewal reminder" }).waitFor();
  await fieldRow.getByRole("button", { name: "Cancel" }).click();

  // The custom channel: rotate its token, then test the connection.
  await page.goto(s.url + "/settings/channels");
  const custom = page.locator('[data-testid="custom-channel"]').first();
  await custom.waitFor();
  const channelID = await custom.getAttribute("data-channel-id");
  const oldHint = await custom.getByTestId("channel-token").getAttribute("data-token-hint");
  await custom.getByTestId("rotate-token").click();
  await custom.getByTestId("rotate-confirm").click();
  await until(async () => (await custom.getByTestId("channel-token").getAttribute("data-token-hint")) !== oldHint, { what: "a new token" });
  await custom.getByRole("button", { name: "Show the token" }).click();
  const token = (await custom.getByTestId("channel-token").textContent()).trim();
  assert.ok(token.length >= 20 && !token.includes("•"), `the new token is shown once: ${token}`);
  // The new token is the one the webhook takes.
  const hook = await fetch(`${s.url}/channels/custom/${channelID}/webhook`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ channelId: channelID, contactId: "+15550009999", events: [{ type: "message", mId: "e2e-rotated-1", timestamp: Date.now(), message: { type: "text", text: "after rotation" } }] }),
  });
  assert.equal(hook.status, 200, "the rotated token works");

  await custom.getByTestId("test-connection").click();
  const result = custom.getByTestId("probe-result");
  await result.waitFor();
  assert.equal(await result.getAttribute("data-ok"), "true");
  assert.equal((await custom.getByTestId("probe-status").textContent()).trim(), "200");
  await custom.getByTestId("probe-body").filter({ hasText: "mId" }).waitFor();
  const probe = await s.integrator.waitFor((m) => m.body?.type === "probe");
  assert.equal(probe.body.channelId, channelID);
  assert.equal(probe.authorization, `Bearer ${token}`);
  // The screenshot shows the token masked, as anyone looking over a
  // shoulder would see it.
  await custom.getByRole("button", { name: "Hide the token" }).click();
  await screenshot(page, "settings-channels", "light");

  u.assertClean();
  await u.close();
});

test("screenshots of the workspace settings, light and dark", async () => {
  const s = f.server;
  const as = await ownerAPI(s);
  const week = { open: "09:00", close: "17:30" };
  await s.api("PATCH", "/api/v1/workspace", { business_hours: { mon: [week], tue: [week], wed: [week], thu: [week], fri: [{ open: "09:00", close: "16:00" }] } }, as);
  for (const theme of ["light", "dark"]) {
    const u = await newUser(f.browser, { theme });
    const { page } = u;
    const ow = owner(s);
    await signIn(page, s.url, ow.email, ow.password, "/settings/workspace");
    await page.getByTestId("workspace-name").waitFor();
    await page.getByRole("form", { name: "Routing" }).waitFor();
    await screenshot(page, "settings-workspace", theme);
    u.assertClean();
    await u.close();
  }
});

// Each section of this file's pages, in French and dark: every string
// translated (window.__missingKeys stays empty) and no serious or critical
// axe violation.
test("the settings pages in French have every string and no serious accessibility violation", async () => {
  const s = f.server;
  const u = await newUser(f.browser, { theme: "dark", lang: "fr" });
  const { page } = u;
  const ow = owner(s);
  await signIn(page, s.url, ow.email, ow.password, "/settings/workspace");
  for (const section of ["workspace", "teams", "tags", "fields", "stages", "snippets", "channels"]) {
    await page.goto(`${s.url}/settings/${section}`);
    await page.getByTestId(`settings-${section}`).waitFor();
    await page.locator(".animate-pulse").first().waitFor({ state: "detached" }).catch(() => {});
    await until(async () => (await page.locator(".animate-pulse").count()) === 0, { what: `${section} loaded` });
    const missing = await page.evaluate(() => window.__missingKeys ?? []);
    assert.deepEqual(missing, [], `missing French keys on ${section}`);
    await page.evaluate(axeSource);
    const serious = await page.evaluate(() =>
      window.axe
        .run(document, { resultTypes: ["violations"] })
        .then((r) => r.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.html.slice(0, 120)).join(" | ")}`)),
    );
    assert.deepEqual(serious, [], `axe on ${section}`);
  }
  u.assertClean();
  await u.close();
});
