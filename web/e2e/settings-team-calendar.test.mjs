// A team's own business calendar (issue 13), as an owner sets it in
// Settings → Teams: the hours of two days and a holiday, saved by the
// server; a bad holiday shows the server's error under the field and
// changes nothing; unticked, the team goes back to the workspace's
// calendar. A screenshot of the form.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { fixture, newUser, owner, screenshot, signIn, until } from "./harness.mjs";

const f = fixture(before, after);

test("an owner gives a team its own business hours and holidays", async () => {
  const s = f.server;
  const ow = owner(s);
  const as = { token: (await s.api("POST", "/api/v1/auth/login", { email: ow.email, password: ow.password })).token };
  const team = await s.api("POST", "/api/v1/teams", { name: "Night shift" }, as);
  const u = await newUser(f.browser, { name: "owner" });
  const { page } = u;
  u.allow(422, new RegExp(`^/api/v1/teams/${team.id}$`));
  await signIn(page, s.url, ow.email, ow.password, "/settings/teams");

  const row = page.locator('[data-testid="team-row"][data-team-name="Night shift"]');
  await row.getByRole("button", { name: /member/ }).click();
  const form = row.getByTestId("team-calendar");
  await form.getByLabel(/Own business hours/).check();
  // Only Monday and Tuesday, 20:00–23:59.
  for (const day of ["Wednesday", "Thursday", "Friday"]) await form.getByLabel(day, { exact: true }).uncheck();
  for (const day of ["Monday", "Tuesday"]) {
    await form.getByLabel(`${day} opens at`).fill("20:00");
    await form.getByLabel(`${day} closes at`).fill("23:59");
  }
  // A holiday the server refuses: its message under the field, nothing saved.
  await form.getByRole("textbox", { name: "Holidays" }).fill("2026-12-25, christmas");
  await form.getByRole("button", { name: "Save calendar" }).click();
  await form.getByText(/"christmas" is not a YYYY-MM-DD date/).waitFor();
  const stored = await s.api("GET", `/api/v1/teams/${team.id}`, undefined, as);
  assert.deepEqual(stored.business_hours, {}, "nothing saved");

  await form.getByRole("textbox", { name: "Holidays" }).fill("2026-12-25, 2026-12-24");
  await form.getByRole("button", { name: "Save calendar" }).click();
  await until(
    async () => {
      const t = await s.api("GET", `/api/v1/teams/${team.id}`, undefined, as);
      return (
        JSON.stringify(t.business_hours) === JSON.stringify({ mon: [{ open: "20:00", close: "23:59" }], tue: [{ open: "20:00", close: "23:59" }] }) &&
        JSON.stringify(t.holidays) === JSON.stringify(["2026-12-24", "2026-12-25"])
      );
    },
    { what: "the team's calendar stored" },
  );
  await row.getByTestId("team-calendar").getByRole("status").waitFor();
  await screenshot(page, "settings-team-calendar", "light", { locator: row });

  // Unticked: the workspace's calendar again.
  const again = row.getByTestId("team-calendar");
  await again.getByLabel(/Own business hours/).uncheck();
  await again.getByRole("button", { name: "Save calendar" }).click();
  await until(async () => Object.keys((await s.api("GET", `/api/v1/teams/${team.id}`, undefined, as)).business_hours).length === 0, {
    what: "the team back on the workspace's calendar",
  });
});
