// The inbox's select mode: an owner picks conversations in the list (a
// click picks, it does not open), assigns three to an agent at once (the
// one above the agent's capacity is refused and stays picked, the toast
// says why), then closes two with a category, then picks every one shown
// and snoozes them; x picks a row from the keyboard. Screenshot
// `inbox-bulk` (light).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { fixture, newUser, owner, row, screenshot, signIn, until } from "./harness.mjs";

const f = fixture(before, after, { workflows: false });

test("an owner assigns and closes several conversations at once from the list", async () => {
  const s = f.server;
  const ids = [];
  for (const [first, text] of [["Bea", "My parcel never came"], ["Cal", "Wrong size delivered"], ["Dot", "Can I change my address?"]]) {
    ids.push((await s.contactWrites(s.newContact(first, "Bulk"), text)).conversation_id);
  }
  const agent = await s.createAgent({ name: "Ada Bulk", teams: ["Support"] });
  await s.api("PUT", `/api/v1/users/${agent.id}/capacity`, { capacity: 2 });
  await s.api("POST", "/api/v1/closing-categories", { name: "Bulk closed" }, { expect: 201 });
  const u = await newUser(f.browser, { name: "the owner" });
  const { page } = u;
  const ow = owner(s);
  await signIn(page, s.url, ow.email, ow.password, "/inbox/all");
  for (const id of ids) await row(page, id).waitFor();

  // Select mode: a click picks the row and opens nothing.
  await page.getByTestId("bulk-select").click();
  const bar = page.getByTestId("bulk-bar");
  for (const id of ids) await row(page, id).click();
  assert.equal(await bar.getByTestId("bulk-count").innerText(), "3 picked");
  assert.match(page.url(), /\/inbox\/all$/, "a click in select mode opens nothing");
  for (const id of ids) assert.equal(await row(page, id).getAttribute("aria-selected"), "true");
  assert.equal(await page.getByRole("listbox").getAttribute("aria-multiselectable"), "true");
  await bar.getByTestId("bulk-assignee").selectOption({ label: "Ada Bulk" });
  await screenshot(page, "inbox-bulk", "light");

  // Three to an agent of capacity two: two assigned, the third refused and left picked.
  await bar.getByTestId("bulk-assign").click();
  await page.getByText(/^2 conversations assigned; 1 left as it was: /).waitFor();
  const assigned = [];
  for (const id of ids) assigned.push((await s.api("GET", `/api/v1/conversations/${id}`)).assignee_id === agent.id);
  assert.deepEqual(assigned, [true, true, false]);
  await until(async () => (await bar.getByTestId("bulk-count").innerText()) === "1 picked", { what: "the refused one left picked" });
  assert.equal(await row(page, ids[2]).getAttribute("data-picked"), "true");

  // Two closed with a category.
  await row(page, ids[2]).click(); // unpicked
  await row(page, ids[0]).click();
  await row(page, ids[1]).click();
  await bar.getByTestId("bulk-close").click();
  const form = page.getByTestId("bulk-close-form");
  await form.getByTestId("bulk-close-category").selectOption({ label: "Bulk closed" });
  await form.getByTestId("bulk-close-confirm").click();
  await page.getByText("2 conversations closed").waitFor();
  for (const id of ids.slice(0, 2)) {
    const c = await s.api("GET", `/api/v1/conversations/${id}`);
    assert.equal(c.status, "closed");
    assert.equal(c.close_category, "Bulk closed");
  }
  await row(page, ids[0]).waitFor({ state: "detached" }); // the open list lets them go, live
  assert.equal((await s.api("GET", `/api/v1/conversations/${ids[2]}`)).status, "open");

  // Every conversation shown picked at once, then snoozed for an hour.
  await bar.getByTestId("bulk-pick-all").click();
  assert.equal(await row(page, ids[2]).getAttribute("data-picked"), "true");
  await bar.getByTestId("bulk-snooze").click();
  await page.getByTestId("bulk-snooze-form").getByTestId("snooze-hour").click();
  await page.getByText(/conversations? snoozed/).waitFor();
  const snoozed = await s.api("GET", `/api/v1/conversations/${ids[2]}`);
  assert.equal(snoozed.status, "snoozed");
  const ahead = Date.parse(snoozed.snoozed_until) - Date.now();
  assert.ok(ahead > 3_000_000 && ahead <= 3_600_000, `snoozed ${ahead} ms ahead, want about an hour`);
  await row(page, ids[2]).waitFor({ state: "detached" });

  // Out of select mode, a click opens again.
  await bar.getByTestId("bulk-exit").click();
  await page.getByTestId("sort-menu").click();
  await page.getByRole("menuitemradio", { name: "Snoozed" }).click();
  await row(page, ids[2]).click();
  await page.waitForURL(new RegExp(`/inbox/all/${ids[2]}\\?status=snoozed$`));
  // From the keyboard: x on the selected row starts select mode with it.
  await page.keyboard.press("Escape");
  await page.keyboard.press("x");
  assert.equal(await page.getByTestId("bulk-count").innerText(), "1 picked");
  assert.equal(await row(page, ids[2]).getAttribute("data-picked"), "true");
  u.assertClean();
  await u.close();
});
