// Invitations: an owner invites an agent through Settings → Users and
// copies the link from the page; the agent opens it signed out in another
// browser context, chooses a name and password, and lands in the inbox;
// the link used again shows the "already used" error; the agent cannot
// open any settings page (the 404 page, and no Settings entry in the
// header). Screenshots: settings-users-{light,dark}, invite-light.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describedText, fixture, newUser, owner, screenshot, signIn, until } from "./harness.mjs";

const f = fixture(before, after);

/** openUsers goes to Settings → Users the way a person does: the header's link, then the menu. */
async function openUsers(page) {
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Users" }).click();
  await page.locator('[data-testid="users-table"] [data-testid="user-row"]').first().waitFor();
}

test("an owner invites an agent who signs up through the link", async () => {
  const s = f.server;
  const ow = owner(s);
  const o = await newUser(f.browser, { name: "the owner" });
  await o.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: s.url });
  await signIn(o.page, s.url, ow.email, ow.password);
  await openUsers(o.page);

  // Invite by link: email, role, a team.
  const email = `ivy.invited.${process.pid}@e2e.test`;
  await o.page.getByTestId("invite-open").click();
  const dialog = o.page.getByTestId("invite-dialog");
  await dialog.getByLabel("Email").fill(email);
  await dialog.getByLabel("Role").selectOption("agent");
  await dialog.getByLabel("Sales").check();
  await dialog.getByTestId("invite-submit").click();
  const linkBox = dialog.getByTestId("invite-link");
  await linkBox.waitFor();
  const link = await linkBox.inputValue();
  assert.match(link, new RegExp(`^${s.url.replace(/[.]/g, "\\.")}/invite/inv_[A-Za-z0-9_-]{20,}$`), "the link is this server's /invite/<token>");
  // Copy puts the same link on the clipboard.
  await dialog.getByTestId("invite-link-copy").click();
  await dialog.getByTestId("invite-link-copy").filter({ hasText: "Copied" }).waitFor();
  assert.equal(await o.page.evaluate(() => navigator.clipboard.readText()), link);
  await dialog.getByTestId("invite-done").click();
  await o.page.getByTestId("invitation-row").filter({ hasText: email }).waitFor();
  await screenshot(o.page, "settings-users", "light");

  // The invitee, signed out, in another browser context.
  const a = await newUser(f.browser, { name: "the invitee" });
  await a.page.goto(link);
  await a.page.getByTestId("invite-workspace").filter({ hasText: s.demo.workspace_name ?? "" }).waitFor();
  assert.equal(await a.page.getByTestId("invite-email").inputValue(), email);
  await a.page.getByTestId("invite-name").fill("Ivy Invited");
  await a.page.getByTestId("invite-password").fill("ivy-password-1");
  await screenshot(a.page, "invite", "light");
  await a.page.getByTestId("invite-submit").click();
  await a.page.getByTestId("availability-switch").waitFor({ timeout: 15_000 });
  await until(() => new URL(a.page.url()).pathname.startsWith("/inbox/"), { what: "the inbox after signing up" });
  await a.page.getByRole("listbox").waitFor({ state: "attached" });

  // The owner sees the new member (with the team) and no pending invitation.
  await o.page.reload();
  const newRow = o.page.getByTestId("user-row").filter({ hasText: email });
  await newRow.waitFor();
  assert.match(await newRow.innerText(), /Sales/);
  await o.page.getByTestId("invitations-empty").waitFor();

  // The link again, in a fresh signed-out context: the "already used" error.
  const again = await newUser(f.browser, { name: "the second opener" });
  again.allow(410, /^\/api\/v1\/invitations\/preview$/);
  await again.page.goto(link);
  const err = again.page.getByTestId("invite-error");
  await err.waitFor();
  assert.equal(await err.getAttribute("data-code"), "invitation_used");
  assert.match(await err.innerText(), /already used/);

  // The agent has no Settings entry and every settings page is the 404 page.
  assert.equal(await a.page.getByRole("link", { name: "Settings" }).count(), 0, "an agent sees no Settings entry");
  for (const path of ["/settings", "/settings/users", "/settings/tokens", "/settings/workspace", "/settings/teams", "/settings/channels"]) {
    await a.page.goto(s.url + path);
    await a.page.getByTestId("not-found").waitFor();
    assert.equal(await a.page.getByTestId("settings-users").count(), 0, `${path} showed settings`);
  }

  o.assertClean();
  a.assertClean();
  again.assertClean();
  await Promise.all([o.close(), a.close(), again.close()]);
});

test("settings → users in the dark theme", async () => {
  const s = f.server;
  const ow = owner(s);
  const o = await newUser(f.browser, { name: "the owner (dark)", theme: "dark" });
  await signIn(o.page, s.url, ow.email, ow.password);
  await openUsers(o.page);
  await s.api("POST", "/api/v1/invitations", { email: `pending.${process.pid}@e2e.test`, role: "manager" });
  await o.page.reload();
  await o.page.getByTestId("invitation-row").first().waitFor();
  await screenshot(o.page, "settings-users", "dark");
  o.assertClean();
  await o.close();
});

test("an owner edits a person: capacity, team, permissions, deactivate and reactivate", async () => {
  const s = f.server;
  const ow = owner(s);
  const agent = await s.createAgent({ name: "Eddie Edited", teams: ["Support"], busy: false });
  const o = await newUser(f.browser, { name: "the owner (edit)" });
  o.allow(422, /^\/api\/v1\/users\/\d+\/capacity$/);
  await signIn(o.page, s.url, ow.email, ow.password);
  await openUsers(o.page);
  const userRow = o.page.locator(`[data-testid="user-row"][data-user-id="${agent.id}"]`);
  await userRow.getByTestId("user-edit").click();
  const dialog = o.page.getByTestId("edit-user-dialog");

  // A capacity the server refuses shows its error under the field.
  await dialog.getByTestId("edit-capacity").fill("99999");
  await dialog.getByTestId("edit-save").click();
  await until(async () => /must be 0/i.test(await describedText(dialog.getByTestId("edit-capacity"))), {
    what: "the capacity's own error",
  });
  assert.equal(await dialog.getByTestId("edit-capacity").getAttribute("aria-invalid"), "true");

  // Then a good one, another team and a permissions override.
  await dialog.getByTestId("edit-capacity").fill("3");
  await dialog.getByLabel("Billing").check();
  await dialog.getByTestId("edit-override").check();
  await dialog.getByLabel(/See every conversation/).check();
  await screenshot(o.page, "settings-user-edit", "light");
  await dialog.getByTestId("edit-save").click();
  await dialog.waitFor({ state: "detached" });
  await until(async () => /Billing/.test(await userRow.innerText()) && /\b3\b/.test(await userRow.innerText()), {
    what: "the row to show the new team and capacity",
  });
  const user = await s.api("GET", `/api/v1/users/${agent.id}`);
  assert.equal(user.permissions?.see_all_conversations, true);
  const presence = await s.api("GET", "/api/v1/presence?limit=200");
  assert.equal(presence.data.find((p) => p.user_id === agent.id)?.capacity_override, 3);

  // Deactivate, then reactivate.
  await userRow.getByTestId("user-edit").click();
  await dialog.getByTestId("user-deactivate").click();
  await userRow.filter({ hasText: "Deactivated" }).waitFor();
  await userRow.getByTestId("user-edit").click();
  await dialog.getByTestId("user-reactivate").click();
  await until(async () => !/Deactivated/.test(await userRow.innerText()), { what: "the row to be active again" });
  o.assertClean();
  await o.close();
});

// The pages of this file, scanned by axe-core (no serious or critical
// violation, light and dark) and rendered in French with no missing key.
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

async function serious(page) {
  await page.evaluate(axeSource);
  const found = await page.evaluate(() =>
    window.axe
      .run(document, { resultTypes: ["violations"] })
      .then((r) => r.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")})`)),
  );
  return found;
}

for (const theme of ["light", "dark"]) {
  test(`users, invite dialog, tokens and the invite page: no serious accessibility violation, French complete (${theme})`, async () => {
    const s = f.server;
    const ow = owner(s);
    const u = await newUser(f.browser, { name: `the owner (${theme}, fr)`, theme, lang: "fr" });
    const { page } = u;
    await signIn(page, s.url, ow.email, ow.password, "/settings/users");
    await page.getByTestId("users-table").waitFor();
    assert.deepEqual(await serious(page), [], "settings → users");
    await page.getByTestId("invite-open").click();
    const dialog = page.getByTestId("invite-dialog");
    await dialog.getByLabel("E-mail").fill(`axe.${theme}.${process.pid}@e2e.test`);
    await dialog.getByTestId("invite-submit").click();
    const link = await dialog.getByTestId("invite-link").inputValue();
    assert.deepEqual(await serious(page), [], "the invite dialog with its link");
    await dialog.getByTestId("invite-done").click();
    await page.goto(s.url + "/settings/tokens");
    await page.getByTestId("settings-tokens").waitFor();
    assert.deepEqual(await serious(page), [], "settings → API tokens");
    assert.deepEqual(await page.evaluate(() => window.__missingKeys ?? []), [], "missing French keys in settings");

    const v = await newUser(f.browser, { name: `the invitee (${theme}, fr)`, theme, lang: "fr" });
    await v.page.goto(link);
    await v.page.getByTestId("invite-workspace").waitFor();
    assert.match(await v.page.getByTestId("invite-workspace").innerText(), /^Rejoindre /);
    assert.deepEqual(await serious(v.page), [], "the invite page");
    assert.deepEqual(await v.page.evaluate(() => window.__missingKeys ?? []), [], "missing French keys on the invite page");
    u.assertClean();
    v.assertClean();
    await Promise.all([u.close(), v.close()]);
  });
}
