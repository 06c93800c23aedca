// A member's own account, as an agent meets it: signed in on two
// browsers, they open Your account from the avatar's menu, change the
// name their teammates see, see both sessions (this one marked), sign the
// other browser out (it is back at sign-in on its next request), choose
// which notifications are mailed to them (kept across a reload), change
// their password (a wrong current one is said under its field), and sign
// out everywhere; the new password signs them in. Screenshot `account`
// (light).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { fixture, newUser, screenshot, signIn, until } from "./harness.mjs";

const f = fixture(before, after, { workflows: false });

test("an agent signs another browser out, changes their password and signs out everywhere", async () => {
  const s = f.server;
  const agent = await s.createAgent({ name: "Ayla Account", teams: ["Support"] });
  const laptop = await newUser(f.browser, { name: "the agent's laptop", viewport: { width: 1440, height: 1160 } });
  const phone = await newUser(f.browser, { name: "the agent's other browser" });
  await signIn(phone.page, s.url, agent.email, agent.password);
  await signIn(laptop.page, s.url, agent.email, agent.password);

  // Your account, from the avatar's menu.
  await laptop.page.getByTestId("user-menu").click();
  await laptop.page.getByTestId("user-menu-account").click();
  await laptop.page.waitForURL(/\/account$/);
  const sessions = laptop.page.getByTestId("session");
  await until(async () => (await sessions.count()) === 2, { what: "both sessions listed" });
  const here = laptop.page.locator('[data-testid="session"][data-current="true"]');
  await here.filter({ hasText: "This browser" }).waitFor();
  assert.match(await here.innerText(), /Chrome on Linux/);
  await screenshot(laptop.page, "account", "light");

  // Their name, as teammates see it.
  await laptop.page.getByTestId("profile-name").fill("Ayla Renamed");
  await laptop.page.getByTestId("profile-save").click();
  await laptop.page.getByTestId("profile-saved").waitFor();
  assert.equal((await s.api("GET", `/api/v1/users/${agent.id}`)).name, "Ayla Renamed");

  // Mails of assignments off, in French: saved at once, still so after a
  // reload; the browser's own chime on.
  const assignments = laptop.page.getByTestId("mail-assignments");
  assert.equal(await assignments.isChecked(), true);
  await assignments.uncheck();
  await laptop.page.getByTestId("notifications-saved").waitFor();
  await laptop.page.getByTestId("mail-language").selectOption("fr");
  await laptop.page.getByTestId("notification-sound").check();
  await until(async () => (await laptop.page.getByTestId("mail-language").inputValue()) === "fr", { what: "the language saved" });
  await laptop.page.reload();
  await laptop.page.getByTestId("notifications-section").waitFor();
  await until(async () => !(await laptop.page.getByTestId("mail-assignments").isChecked()), { what: "assignments' mails still off" });
  assert.equal(await laptop.page.getByTestId("mail-mentions").isChecked(), true);
  assert.equal(await laptop.page.getByTestId("mail-language").inputValue(), "fr");
  assert.equal(await laptop.page.getByTestId("notification-sound").isChecked(), true);

  // The other browser signed out: its next request finds no session.
  phone.allow(401, /^\/api\/v1\//);
  await laptop.page.locator('[data-testid="session"][data-current="false"]').getByTestId("session-end").click();
  await until(async () => (await sessions.count()) === 1, { what: "the other session gone from the list" });
  await phone.page.reload();
  await phone.page.getByLabel("Email", { exact: true }).waitFor(); // the sign-in form
  assert.equal(await phone.page.getByTestId("availability-switch").count(), 0, "the other browser is signed out");

  // The password: a wrong current one is said under its field.
  laptop.allow(422, /^\/api\/v1\/me\/password$/);
  await laptop.page.getByTestId("password-current").fill("not-my-password");
  await laptop.page.getByTestId("password-new").fill("a-new-long-password");
  await laptop.page.getByTestId("password-again").fill("a-new-long-password");
  await laptop.page.getByTestId("password-save").click();
  await laptop.page.getByTestId("password-form").getByText("is wrong").waitFor();
  await laptop.page.getByTestId("password-current").fill(agent.password);
  await laptop.page.getByTestId("password-save").click();
  await laptop.page.getByTestId("password-changed").filter({ hasText: "Password changed. 0 other sessions were signed out." }).waitFor();

  // Everywhere, this browser too; the new password signs in. A request
  // this page has in flight as its own session ends (a read of the
  // presence list, seen once in a full run) finds no session: the browser
  // logs that 401, and the app is signed out either way.
  laptop.allow(401, /^\/api\/v1\/presence$/);
  await laptop.page.getByTestId("sign-out-everywhere").click();
  await laptop.page.getByTestId("sign-out-everywhere-confirm").click();
  await laptop.page.getByLabel("Email", { exact: true }).waitFor(); // the sign-in form
  await signIn(laptop.page, s.url, agent.email, "a-new-long-password", "/account");
  await until(async () => (await sessions.count()) === 1, { what: "one session, the new one" });

  laptop.assertClean();
  phone.assertClean();
  await laptop.close();
  await phone.close();
});
