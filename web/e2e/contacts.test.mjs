// The contacts proofs of issue 10 in the browser: a CSV of 1,000 rows with
// 3 bad ones imports with exactly those 3 reported (line and reason); two
// contacts are merged from the contact page and their conversations appear
// under the one kept; a merge suggestion dismissed as "Not a duplicate"
// stays gone, is listed under "Not duplicates" and comes back with
// "Suggest again"; an agent starts an SMS conversation with an imported
// contact who never wrote, and the first message reaches Twilio's API for
// their phone; a contact deleted from their page goes with their
// conversation and words; and the screenshots of the list and a contact's
// page.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { fixture, newUser, owner, screenshot, signIn, until } from "./harness.mjs";

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** axeSerious answers axe-core's serious or critical violations on the page, described. */
async function axeSerious(page) {
  await page.evaluate(axeSource);
  const found = await page.evaluate(() =>
    window.axe.run(document, { resultTypes: ["violations"] }).then((r) =>
      r.violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => `[${v.impact}] ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.html.slice(0, 120)).join(" | ")}`),
    ),
  );
  return found;
}

const f = fixture(before, after, { workflows: false });

/** csv is 1,000 contacts; lines 101, 501 and 901 (rows 100, 500, 900) are bad. */
function csv() {
  const lines = ["First name,Last name,Phone,E-mail,What they need,Company size"];
  const needs = ["sales", "support", "billing"];
  for (let i = 1; i <= 1000; i++) {
    let phone = `+3361${String(i).padStart(7, "0")}`;
    let email = `imported${i}@example.com`;
    let size = String(i % 40);
    if (i === 100) phone = "call me maybe";
    if (i === 500) email = "not-an-email@";
    if (i === 900) size = "lots";
    lines.push(`Imported${i},Person,${phone},${email},${needs[i % 3]},${size}`);
  }
  return lines.join("\n") + "\n";
}

test("a CSV of 1,000 rows with 3 bad ones imports with those 3 reported", async () => {
  const s = f.server;
  const me = await newUser(f.browser, { name: "owner" });
  const { page } = me;
  const ow = owner(s);
  await signIn(page, s.url, ow.email, ow.password, "/contacts/import");
  await page.getByTestId("import-file").setInputFiles({ name: "contacts.csv", mimeType: "text/csv", buffer: Buffer.from(csv()) });

  // The mapping is prefilled from the header names, the custom fields'
  // columns once the fields have loaded (the file may be picked before).
  await until(async () => (await page.getByTestId("import-map-2").inputValue()) === "phone", { what: "the phone column mapped" });
  await until(async () => (await page.getByTestId("import-map-5").inputValue()) === "fields.company_size", { what: "a custom field's column mapped" });
  assert.equal(await page.getByTestId("import-map-0").inputValue(), "first_name");
  assert.equal(await page.getByTestId("import-map-3").inputValue(), "email");
  assert.equal(await page.getByTestId("import-map-4").inputValue(), "fields.need");
  assert.equal(await page.getByTestId("import-map-5").inputValue(), "fields.company_size");

  // A dry run reports without writing.
  await page.getByTestId("import-dry-run").click();
  await page.locator('[data-testid="import-report"][data-dry-run="true"]').waitFor();
  assert.equal(await page.getByTestId("import-rejected").textContent(), "3");
  assert.equal(await page.getByTestId("import-created").textContent(), "997");
  const before = await s.api("GET", "/api/v1/contacts?q=Imported&limit=5");
  assert.equal(before.data.length, 0, "the dry run wrote contacts");

  await page.getByTestId("import-run").click();
  await page.locator('[data-testid="import-report"][data-dry-run="false"]').waitFor();
  assert.equal(await page.getByTestId("import-rows").textContent(), "1000");
  assert.equal(await page.getByTestId("import-created").textContent(), "997");
  assert.equal(await page.getByTestId("import-rejected").textContent(), "3");
  const rows = page.getByTestId("import-error-row");
  assert.equal(await rows.count(), 3);
  const reported = [];
  for (let i = 0; i < 3; i++) reported.push([await rows.nth(i).getAttribute("data-line"), await rows.nth(i).textContent()]);
  assert.deepEqual(
    reported.map(([line]) => line),
    ["101", "501", "901"],
  );
  assert.match(reported[0][1], /invalid phone/);
  assert.match(reported[1][1], /invalid email/);
  assert.match(reported[2][1], /bad number/);

  // The list shows them, searched.
  await page.goto(s.url + "/contacts?q=Imported99");
  await page.locator('[data-testid="contact-row"]').first().waitFor();
  const names = await page.locator('[data-testid="contact-row"]').allTextContents();
  assert.ok(names.length >= 10 && names.every((n) => n.includes("Imported99")), `rows: ${names.join(" | ")}`);

  // Two of them checked and tagged at once; the list shows the tag.
  const ids = [];
  for (const i of [0, 1]) {
    await page.getByTestId("contact-check").nth(i).check();
    ids.push(Number(await page.getByTestId("contact-row").nth(i).getAttribute("data-contact-id")));
  }
  const bar = page.getByTestId("contacts-bulk");
  assert.equal(await bar.getByTestId("contacts-bulk-count").innerText(), "2 contacts checked");
  await bar.getByTestId("contacts-bulk-tag").fill("spring-fair");
  await screenshot(page, "contacts-bulk", "light");
  await bar.getByTestId("contacts-bulk-add").click();
  await page.getByText("Tag “spring-fair” added to 2 contacts").waitFor();
  await bar.waitFor({ state: "detached" });
  for (const id of ids) {
    const c = await s.api("GET", `/api/v1/contacts/${id}`);
    assert.deepEqual(c.tags, ["spring-fair"], `contact ${id}'s tags`);
    await page.locator(`[data-testid="contact-row"][data-contact-id="${id}"]`, { hasText: "spring-fair" }).waitFor();
  }
  // Every listed one checked, then the tag taken off them all.
  await page.getByTestId("contacts-check-all").check();
  const listed = await page.getByTestId("contact-row").count();
  assert.equal(await bar.getByTestId("contacts-bulk-count").innerText(), `${listed} contacts checked`);
  await bar.getByTestId("contacts-bulk-tag").fill("spring-fair");
  await bar.getByTestId("contacts-bulk-remove").click();
  await page.getByText(`Tag “spring-fair” removed from ${listed} contacts`).waitFor();
  for (const id of ids) assert.deepEqual((await s.api("GET", `/api/v1/contacts/${id}`)).tags, [], `contact ${id}'s tags after the removal`);
  // The two first ones moved to another lifecycle stage at once.
  const stages = (await s.api("GET", "/api/v1/lifecycle-stages?limit=100")).data.map((x) => x.name);
  const target = stages.find((n) => n !== "New Lead");
  assert.ok(target, `a stage other than New Lead among ${stages.join(", ")}`);
  for (const i of [0, 1]) await page.getByTestId("contact-check").nth(i).check();
  await bar.getByTestId("contacts-bulk-stage").selectOption({ label: target });
  await bar.getByTestId("contacts-bulk-set-stage").click();
  await page.getByText(`Stage “${target}” set on 2 contacts`).waitFor();
  for (const id of ids) assert.equal((await s.api("GET", `/api/v1/contacts/${id}`)).lifecycle_stage, target, `contact ${id}'s stage`);

  // Every contact the search keeps, beyond the first page listed, tagged
  // at once: the server goes through them 250 a request.
  await page.goto(s.url + "/contacts?q=Imported");
  await page.getByTestId("contact-row").first().waitFor();
  const matching = (await s.api("GET", "/api/v1/contacts/count?q=Imported")).count;
  assert.equal(matching, 997);
  await page.getByTestId("contacts-check-all").check();
  const offer = page.getByTestId("contacts-every-match");
  await offer.getByText(`Check all ${matching} contacts that match`).waitFor();
  await screenshot(page, "contacts-bulk-all", "light");
  await offer.getByText(`Check all ${matching} contacts that match`).click();
  assert.equal(await bar.getByTestId("contacts-bulk-count").innerText(), `${matching} contacts checked`);
  assert.equal(await offer.innerText(), `All ${matching} contacts that match are checked, those not listed yet too.`);
  await bar.getByTestId("contacts-bulk-tag").fill("fair-2027");
  await bar.getByTestId("contacts-bulk-add").click();
  await page.getByText(`Tag “fair-2027” added to ${matching} contacts`).waitFor();
  assert.equal((await s.api("GET", "/api/v1/contacts/count?tag=fair-2027")).count, matching);

  // Those the search "Imported99" keeps, deleted once confirmed.
  await page.goto(s.url + "/contacts?q=Imported99");
  await page.getByTestId("contact-row").first().waitFor();
  const doomed = (await s.api("GET", "/api/v1/contacts/count?q=Imported99")).count;
  assert.equal(await page.getByTestId("contact-row").count(), doomed);
  await page.getByTestId("contacts-check-all").check();
  assert.equal(await offer.count(), 0, "every match offered while every one is listed");
  await bar.getByTestId("contacts-bulk-delete").click();
  const dialog = page.getByTestId("contacts-bulk-delete-dialog");
  await dialog.getByText(`Delete ${doomed} contacts?`).waitFor();
  await dialog.getByTestId("contacts-bulk-delete-confirm").click();
  await page.getByText(`${doomed} contacts deleted`).waitFor();
  await page.getByTestId("contacts-empty").waitFor();
  assert.equal((await s.api("GET", "/api/v1/contacts/count?q=Imported99")).count, 0);
  me.assertClean();
  await me.close();
});

test("two contacts merged in the UI: their conversations appear under one", async () => {
  const s = f.server;
  const a = s.newContact("Dana", "Scully");
  const b = s.newContact("Dana", "Scully-Mulder");
  const ra = await s.contactWrites(a, "Hello from my work phone");
  const rb = await s.contactWrites(b, "Hello from my personal phone");
  assert.notEqual(ra.contact_id, rb.contact_id);

  const me = await newUser(f.browser, { name: "owner" });
  const { page } = me;
  const ow = owner(s);
  await signIn(page, s.url, ow.email, ow.password, `/contacts/${ra.contact_id}`);
  await page.getByTestId("contact-name").filter({ hasText: "Dana Scully" }).waitFor();
  await page.getByTestId("merge-open").click();
  await page.getByLabel("Or find a contact").fill("Scully-Mulder");
  await page.getByTestId(`merge-candidate-${rb.contact_id}`).click();
  // Side by side: the last names differ, the older contact's is chosen; keep the other's.
  await page.getByTestId("keep-last_name-into").waitFor();
  assert.equal(await page.getByTestId("keep-last_name-into").isChecked(), true);
  await page.getByTestId("keep-last_name-from").check();
  await page.getByTestId("merge-confirm").click();
  await page.getByTestId("merge-dialog").waitFor({ state: "detached" });

  // Both conversations are listed under the kept contact; one stays open.
  const convs = page.locator('[data-testid="contact-conversation"]');
  await until(async () => (await convs.count()) === 2, { what: "two conversations under the kept contact" });
  const ids = (await convs.evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-conversation-id"))))).sort();
  assert.deepEqual(ids, [ra.conversation_id, rb.conversation_id].sort());
  await page.getByTestId("contact-name").filter({ hasText: "Dana Scully-Mulder" }).waitFor();
  // The timeline says who was merged in, by whom, and what moved.
  const merged = page.locator('[data-testid="contact-event"][data-event-type="contact.merged"]');
  await merged.filter({ hasText: `Contact #${rb.contact_id} merged in by ` }).waitFor();
  await merged.filter({ hasText: "1 conversation moved here" }).waitFor();
  const kept = await s.api("GET", `/api/v1/contacts/${ra.contact_id}/conversations`);
  assert.equal(kept.data.filter((c) => c.status !== "closed").length, 1);
  await s.api("GET", `/api/v1/contacts/${rb.contact_id}`, undefined, { expect: 404 });

  // A conversation opens in the inbox. The kept contact has both phones
  // on the one channel: the panel marks the one replies go to, the phone
  // the contact last wrote from in the conversation that stayed open.
  const open = kept.data.find((c) => c.status !== "closed");
  await page.locator(`[data-testid="contact-conversation"][data-conversation-id="${open.id}"]`).click();
  await page.waitForURL(new RegExp(`/inbox/all/${open.id}$`));
  const wroteFrom = open.id === ra.conversation_id ? a.id : b.id;
  const marked = page.getByTestId("reply-identity");
  await marked.filter({ hasText: wroteFrom }).waitFor();
  assert.equal(await marked.count(), 1, "one identity marked");
  await screenshot(page, "contact-panel-reply-identity", "light", { locator: page.getByTestId("contact-panel") });
  // A message from the other phone moves the mark there.
  const other = open.id === ra.conversation_id ? b : a;
  const r = await s.contactWrites(other, "Same person, other phone");
  assert.equal(r.conversation_id, open.id);
  await marked.filter({ hasText: other.id }).waitFor();
  me.assertClean();
  await me.close();
});

test("a contact deleted from their page goes with their conversation; the log keeps no word of theirs", async () => {
  const s = f.server;
  const gone = s.newContact("Gina", "Gone");
  const r = await s.contactWrites(gone, "Please delete my data, order 7731");
  const me = await newUser(f.browser, { name: "owner" });
  const { page } = me;
  const ow = owner(s);
  await signIn(page, s.url, ow.email, ow.password, `/contacts/${r.contact_id}`);
  await page.getByTestId("contact-name").filter({ hasText: "Gina Gone" }).waitFor();
  await page.locator('[data-testid="contact-conversation"]').waitFor();
  // The socket's contact.deleted may come before the DELETE's answer, while
  // the page still shows the contact: its refetch then finds nothing.
  me.allow(404, new RegExp(`^/api/v1/contacts/${r.contact_id}(/|$)`));
  await page.getByTestId("contact-delete").click();
  const dialog = page.getByTestId("contact-delete-dialog");
  await dialog.filter({ hasText: "their conversations (1)" }).waitFor();
  await screenshot(page, "contact-delete", "light");
  await dialog.getByTestId("contact-delete-confirm").click();
  await page.waitForURL(new RegExp("/contacts$"));
  await page.getByText("Gina Gone deleted").waitFor();
  await s.api("GET", `/api/v1/contacts/${r.contact_id}`, undefined, { expect: 404 });
  await s.api("GET", `/api/v1/conversations/${r.conversation_id}`, undefined, { expect: 404 });
  // The whole log, page by page (the bulk actions above wrote a thousand events).
  const theirs = [];
  for (let after = 0, chunk = null; !chunk || chunk.data.length > 0; after = Number(chunk.next_cursor)) {
    chunk = await s.api("GET", `/api/v1/events?limit=200&after=${after}`);
    theirs.push(...chunk.data.filter((e) => e.contact_id === r.contact_id));
  }
  const said = JSON.stringify(theirs);
  assert.ok(!said.includes("7731") && !said.includes("Gina"), `the contact's words and name are erased from the log: ${said}`);
  assert.match(said, /contact.deleted/);
  me.assertClean();
  await me.close();
});

test("a spammer blocked from the inbox's contact panel: their messages open nothing until unblocked on their page", async () => {
  const s = f.server;
  const spam = s.newContact("Cheap", "Pills");
  const r = await s.contactWrites(spam, "BUY CHEAP PILLS NOW");
  const me = await newUser(f.browser, { name: "owner" });
  const { page } = me;
  const ow = owner(s);
  await signIn(page, s.url, ow.email, ow.password, `/inbox/all/${r.conversation_id}`);
  const panel = page.getByTestId("contact-panel");
  await panel.getByTestId("contact-block").click();
  const dialog = page.getByTestId("contact-block-dialog");
  await dialog.filter({ hasText: "Block Cheap Pills?" }).waitFor();
  await dialog.getByTestId("contact-block-confirm").click();
  // Closed, with the block's note, and the panel says so.
  await panel.getByTestId("contact-blocked").filter({ hasText: "Blocked by" }).waitFor();
  await until(async () => (await s.api("GET", `/api/v1/conversations/${r.conversation_id}`)).status === "closed", { what: "the conversation closed" });
  await screenshot(page, "contact-panel-blocked", "light", { locator: panel });

  // What they write now is kept, in no conversation: nothing opens.
  const again = await s.contactWrites(spam, "LAST CHANCE: CHEAP PILLS");
  assert.equal(again.blocked, true);
  assert.ok(!again.conversation_id, `no conversation: ${JSON.stringify(again)}`);
  const theirs = await s.api("GET", `/api/v1/contacts/${r.contact_id}/conversations`);
  assert.deepEqual(theirs.data.map((c) => c.status), ["closed"]);

  // The contacts list marks them; their page says it too; Unblock there,
  // and their next message opens a conversation.
  await page.goto(`${s.url}/contacts?q=Pills`);
  const row = page.locator(`[data-testid="contact-row"][data-contact-id="${r.contact_id}"]`);
  await row.getByTestId("contact-row-blocked").waitFor();
  // The list's Blocked filter keeps them alone, or leaves them out.
  const blockedFilter = page.getByRole("combobox", { name: "Blocked", exact: true });
  await blockedFilter.selectOption("only");
  await until(() => page.url().includes("blocked=only"), { what: "the filter in the URL" });
  await row.waitFor();
  await blockedFilter.selectOption("exclude");
  await row.waitFor({ state: "detached" });
  await page.goto(`${s.url}/contacts/${r.contact_id}`);
  const notice = page.getByTestId("contact-blocked");
  await notice.waitFor();
  await screenshot(page, "contact-blocked", "light");
  await notice.getByTestId("contact-unblock").click();
  await page.getByTestId("contact-block").waitFor();
  const back = await s.contactWrites(spam, "Sorry, a real question about my order");
  assert.equal(back.opened, true);
  me.assertClean();
  await me.close();
});

test("a merge suggestion dismissed as Not a duplicate leaves the list for good", async () => {
  const s = f.server;
  // The same number twice: a contact's phone, and the national form another
  // wrote from (an identity, not a phone the store would link silently).
  const walter = await s.api("POST", "/api/v1/contacts", { first_name: "Walter", last_name: "Skinner", phone: "+33612345678" });
  const walt = await s.contactWrites({ id: "0612345678", firstName: "Walt", lastName: "S." }, "Is this the right number?");
  const pair = (list) => list.data.filter((m) => [m.a.id, m.b.id].sort().join() === [walter.id, walt.contact_id].sort().join());
  assert.equal(pair(await s.api("GET", "/api/v1/contacts/merge-suggestions")).length, 1, "the pair is not suggested");

  const me = await newUser(f.browser, { name: "owner" });
  const { page } = me;
  const ow = owner(s);
  await signIn(page, s.url, ow.email, ow.password, "/contacts/merge");
  const row = page.getByTestId("merge-suggestion").filter({ hasText: "Walter Skinner" });
  await row.waitFor();
  await screenshot(page, "contacts-merge-suggestions", "light");
  assert.deepEqual(await axeSerious(page), [], "the merge suggestions");
  await row.getByRole("button", { name: /^Not a duplicate/ }).click();
  await row.waitFor({ state: "detached" });

  // Read again from the server: still gone, and for every reader of the API.
  await page.reload();
  await page.locator('[data-testid="merge-suggestions"], [data-testid="merge-suggestions-empty"]').first().waitFor();
  assert.equal(await row.count(), 0, "the dismissed pair is listed again");
  assert.equal(pair(await s.api("GET", "/api/v1/contacts/merge-suggestions")).length, 0);

  // Listed under "Not duplicates" with who decided, and taken back.
  await page.getByTestId("merge-dismissals-toggle").click();
  const gone = page.getByTestId("merge-dismissal").filter({ hasText: "Walter Skinner" });
  await gone.waitFor();
  const ownerName = (await s.api("GET", "/api/v1/users")).data.find((u) => u.email === ow.email).name;
  await gone.filter({ hasText: ownerName }).waitFor();
  await screenshot(page, "contacts-merge-dismissed", "light");
  assert.deepEqual(await axeSerious(page), [], "the dismissed pairs");
  await gone.getByRole("button", { name: /^Suggest again/ }).click();
  await row.waitFor();
  await gone.waitFor({ state: "detached" });
  assert.equal(pair(await s.api("GET", "/api/v1/contacts/merge-suggestions")).length, 1, "the pair is not suggested again");
  // Walter's timeline has both decisions, naming Walt and who decided.
  await page.goto(`${s.url}/contacts/${walter.id}`);
  const timeline = page.getByTestId("contact-timeline");
  await timeline.getByText(`Marked as not a duplicate of contact #${walt.contact_id} by ${ownerName}`).waitFor();
  await timeline.getByText(`Suggested again as a duplicate of contact #${walt.contact_id} by ${ownerName}`).waitFor();
  me.assertClean();
  await me.close();
});

/** fakeTwilio is a local Messages API: it keeps each form posted and answers a message sid. */
async function fakeTwilio() {
  const got = [];
  const srv = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      got.push(Object.fromEntries(new URLSearchParams(body)));
      res.writeHead(201, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ sid: `SM${String(got.length).padStart(32, "0")}`, status: "queued" }));
    });
  });
  await new Promise((resolve) => srv.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${srv.address().port}`, got, close: () => srv.close() };
}

test("an agent starts an SMS conversation with an imported contact; the first message reaches their phone", async () => {
  const s = f.server;
  const twilio = await fakeTwilio();
  const sms = await s.api("POST", "/api/v1/channels", {
    type: "twilio", name: "SMS",
    config: { account_sid: "AC" + "a".repeat(32), auth_token: "secret", from: "+14155550100", api_base_url: twilio.url },
  });
  // Imported: on no channel, a phone but no email.
  const imported = await s.api("POST", "/api/v1/contacts", { first_name: "Ingrid", last_name: "Imported", phone: "+33698765432" });

  const me = await newUser(f.browser, { name: "owner" });
  const { page } = me;
  const ow = owner(s);
  await signIn(page, s.url, ow.email, ow.password, `/contacts/${imported.id}`);
  const start = page.getByTestId("start-conversation");
  await start.waitFor();
  // The SMS channel is offered, by the contact's phone.
  await until(async () => (await start.getByTestId("start-channel").locator("option", { hasText: "SMS — to +33698765432" }).count()) === 1,
    { what: "the SMS channel offered by phone" });
  await start.getByTestId("start-channel").selectOption(String(sms.id));
  await start.getByTestId("start-submit").click();
  await page.waitForURL(/\/inbox\/all\/\d+$/);
  const id = Number(page.url().split("/").pop());
  const conv = await s.api("GET", `/api/v1/conversations/${id}`);
  assert.equal(conv.channel_id, sms.id);
  assert.equal(conv.contact_id, imported.id);

  const composer = page.locator(`[data-testid="conversation"][data-conversation-id="${id}"] [data-testid="composer"]`);
  await composer.waitFor();
  const modeReply = composer.locator('[data-testid="mode-reply"]');
  if (await modeReply.count()) await modeReply.click();
  await composer.locator("textarea").fill("Hello Ingrid, your order has shipped.");
  await composer.locator('[data-testid="send"]').click();
  await until(async () => twilio.got.length > 0, { what: "the message at Twilio's API" });
  assert.equal(twilio.got[0].To, "+33698765432");
  assert.equal(twilio.got[0].Body, "Hello Ingrid, your order has shipped.");
  // Her page says the SMS channel reached her, from her phone, by whom.
  await page.goto(`${s.url}/contacts/${imported.id}`);
  const reached = page.locator('[data-testid="contact-event"]').filter({ hasText: "Reached on SMS as +33698765432 by " });
  await reached.waitFor();
  assert.match(await reached.innerText(), /From their phone number/);
  await screenshot(page, "contact-identity-reached", "light", { locator: page.getByTestId("contact-timeline") });
  me.assertClean();
  await me.close();
  twilio.close();
});

test("screenshots of the contacts list and a contact's page; no serious accessibility violation", async () => {
  const s = f.server;
  const ow = owner(s);
  const login = await s.api("POST", "/api/v1/auth/login", { email: ow.email, password: ow.password });
  const people = [
    ["Tom", "Becker", "Do you offer volume discounts?"],
    ["Aiko", "Sato", "I was charged twice."],
    ["Chloé", "Martin", "Bonjour !"],
  ];
  let lena;
  for (const [first, last, text] of people) await s.contactWrites(s.newContact(first, last), text);
  lena = await s.contactWrites(s.newContact("Lena", "Fischer"), "Hi! My order #4471 hasn't arrived yet.");
  await s.api(
    "PATCH",
    `/api/v1/contacts/${lena.contact_id}`,
    { email: "lena.fischer@example.com", fields: { need: "support", order_number: "4471", company_size: 12 } },
    { token: login.token },
  );
  await s.api("POST", `/api/v1/contacts/${lena.contact_id}/tags`, { tag: "vip" }, { token: login.token });
  for (const theme of ["light", "dark"]) {
    const me = await newUser(f.browser, { name: `owner-${theme}`, theme });
    const { page } = me;
    // The contacts who wrote through the demo channel: names, last messages, a tag.
    await signIn(page, s.url, ow.email, ow.password, `/contacts?channel_id=${s.demo.channel_id}`);
    await page.locator('[data-testid="contact-row"]').first().waitFor();
    await screenshot(page, "contacts-list", theme);
    assert.deepEqual(await axeSerious(page), [], `the contacts list (${theme})`);
    await page.goto(`${s.url}/contacts/${lena.contact_id}`);
    await page.locator('[data-testid="contact-event"]').first().waitFor();
    await page.locator('[data-testid="contact-conversation"]').first().waitFor();
    if (theme === "light") await screenshot(page, "contact-detail", theme);
    assert.deepEqual(await axeSerious(page), [], `a contact's page (${theme})`);
    me.assertClean();
    await me.close();
  }
});
