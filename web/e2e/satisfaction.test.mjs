// Satisfaction surveys, end to end: the owner turns the survey on in
// Settings › Workspace; an agent's close of a conversation sends the
// contact a link (the integrator receives it as the custom channel's real
// outbound payload); the contact opens it signed out on a phone, rates 4
// with a comment, and may change it; the rating shows in the
// conversation's timeline and in Reports › Satisfaction. A website
// widget's visitor rates in the chat itself. Screenshots of the rating
// page (phone, both themes), the settings section, the report and the
// widget's survey.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { fixture, newUser, owner, pane, row, screenshot, signIn, until } from "./harness.mjs";
import { visitorPage, widgetSite } from "./widget-site.mjs";

const f = fixture(before, after, { workflows: false, extraArgs: (url) => ["--public-url", url] });
const phone = { width: 390, height: 800 };

test("a closed conversation's contact rates it, and the team sees the rating", async () => {
  const s = f.server;
  const ow = owner(s);
  const o = await newUser(f.browser, { name: "owner" });
  await signIn(o.page, s.url, ow.email, ow.password, "/settings/workspace");

  // The owner turns the survey on, in words of the workspace's own that
  // greet the contact by name (a workflow's variable).
  const form = o.page.getByTestId("survey-form");
  await form.scrollIntoViewIfNeeded();
  assert.equal(await form.getByTestId("survey-unavailable").count(), 0, "the server has a public URL: surveys are available");
  await form.getByTestId("survey-enabled").click();
  await form.getByTestId("survey-message").fill("Thanks for writing to us, {{contact.first_name}}! How did we do? {{link}}");
  await form.getByTestId("survey-save").click();
  await form.getByTestId("survey-saved").waitFor();
  await screenshot(o.page, "settings-survey", "light", { locator: form });
  const ws = await s.api("GET", "/api/v1/workspace");
  assert.deepEqual(ws.satisfaction_survey, { enabled: true, message: "Thanks for writing to us, {{contact.first_name}}! How did we do? {{link}}", available: true });

  // A contact writes; the owner replies and closes the conversation.
  const contact = s.newContact("Rita", "Rating");
  const { conversation_id: id } = await s.contactWrites(contact, "Where is my order?");
  await o.page.goto(`${s.url}/inbox/all`);
  await row(o.page, id).click();
  const p = pane(o.page, id);
  await p.getByTestId("timeline").getByText("Where is my order?").waitFor();
  const token = await ownerToken(s);
  const me = await s.api("GET", "/api/v1/me", undefined, { token });
  await s.api("POST", `/api/v1/conversations/${id}/assign`, { user_id: me.user.id }, { token });
  await s.api("POST", `/api/v1/conversations/${id}/messages`, { text: "It ships today, Rita." }, { token, expect: 202 });
  await p.locator('[data-testid="action-close"]').click();
  await o.page.locator('[data-testid="close-confirm"]').click();

  // The survey reaches the contact through the channel, once.
  const sent = await s.integrator.waitFor((m) => m.body?.message?.text?.includes("/rate/"));
  const link = /(http:\/\/127\.0\.0\.1:\d+\/rate\/[A-Za-z0-9_-]+)$/.exec(sent.body.message.text)?.[1];
  assert.ok(sent.body.message.text.startsWith("Thanks for writing to us, Rita! How did we do? ") && link, sent.body.message.text);
  assert.equal(s.integrator.received.filter((m) => m.body?.message?.text?.includes("/rate/")).length, 1);

  // The contact, signed out on a phone, rates 4 with a comment.
  const c = await newUser(f.browser, { name: "contact", viewport: phone });
  await c.page.goto(link);
  const page = c.page.getByTestId("rate-page");
  await page.and(c.page.locator('[data-state="form"]')).waitFor();
  assert.ok((await c.page.getByTestId("rate-workspace").innerText()).toLowerCase().includes(ws.name.toLowerCase()));
  await screenshot(c.page, "survey-rate", "light");
  await c.page.getByRole("button", { name: "Satisfied", exact: true }).click();
  await c.page.getByTestId("rate-comment").fill("Quick and kind");
  await c.page.getByTestId("rate-send").click();
  await c.page.getByTestId("rate-thanks").waitFor();
  assert.match(await c.page.getByTestId("rate-your-rating").innerText(), /4\/5/);
  await screenshot(c.page, "survey-thanks", "light");
  // They think again: 5.
  await c.page.getByTestId("rate-change").click();
  await c.page.getByTestId("rate-5").click();
  await c.page.getByTestId("rate-send").click();
  await until(async () => /5\/5/.test(await c.page.getByTestId("rate-your-rating").innerText()), { what: "the changed rating" });
  c.assertClean();
  await c.close();

  // The owner sees the rating in the closed conversation's timeline.
  await p.getByTestId("timeline").getByText(/rated the conversation 4\/5/).waitFor();
  await p.getByTestId("timeline").getByText(/5\/5/).waitFor();
  // The header says the latest rating, as the contact's past conversations
  // do, with the comment: the socket's event refreshed both.
  const badge = p.locator('header [data-testid="conversation-rating"]');
  await badge.and(o.page.locator('[data-rating="5"]')).waitFor();
  assert.equal(await badge.getByText("Rated Very satisfied (5/5)").count(), 1);
  const past = o.page.getByTestId("contact-panel").getByRole("link", { name: new RegExp(`#${id}`) });
  await past.locator('[data-testid="conversation-rating"][data-rating="5"]').waitFor();
  assert.equal(await past.getByTestId("past-rating-comment").innerText(), "“Quick and kind”");
  await screenshot(o.page, "conversation-rated", "light", { locator: p });

  // And in Reports › Satisfaction, once the projection has the close.
  await until(async () => (await s.api("GET", "/api/v1/reports/satisfaction")).current.responses === 1, {
    what: "the report to count the response",
  });
  await o.page.goto(`${s.url}/reports`);
  await o.page.getByTestId("tab-satisfaction").click();
  const report = o.page.getByTestId("report-satisfaction");
  await report.getByTestId("csat-response").filter({ hasText: "Quick and kind" }).waitFor();
  assert.match(await report.getByTestId("figure-csat-score").innerText(), /100/);
  await screenshot(o.page, "reports-satisfaction", "light");
  // The low ratings alone: none here; then every rating again.
  await report.getByRole("button", { name: "1 – Very dissatisfied" }).click();
  await report.getByTestId("csat-no-response").waitFor();
  await report.getByRole("button", { name: "1 – Very dissatisfied" }).click();
  await report.getByTestId("csat-response").filter({ hasText: "Quick and kind" }).waitFor();
  o.assertClean();
  await o.close();

  // The rating page in the dark, on a phone: a link of another close.
  const other = s.newContact("Dora", "Dark");
  const { conversation_id: id2 } = await s.contactWrites(other, "Hello?");
  await s.api("POST", `/api/v1/conversations/${id2}/close`, {}, { token });
  const darkSent = await s.integrator.waitFor((m) => m.body?.message?.text?.includes("/rate/") && m !== sent);
  const d = await newUser(f.browser, { name: "contact-dark", theme: "dark", viewport: phone });
  await d.page.goto(/(http\S+\/rate\/\S+)$/.exec(darkSent.body.message.text)[1]);
  await d.page.locator('[data-testid="rate-page"][data-state="form"]').waitFor();
  await screenshot(d.page, "survey-rate", "dark");
  d.assertClean();
  await d.close();
});

test("a website widget's visitor rates the conversation in the chat", async (t) => {
  const s = f.server;
  await s.api("PATCH", "/api/v1/workspace", { satisfaction_survey: { enabled: true, message: "How did we do? {{link}}" } });
  const { channel, site } = await widgetSite(f, t, "Survey shop");
  const { v, panel, history, input } = await visitorPage(f, site, channel.id);
  await input.fill("My shoes are too small");
  await panel.locator('[data-testid="sb-send"]').click();
  await panel.locator('[data-testid="sb-message"][data-message-id]', { hasText: "too small" }).waitFor();
  const id = (await history()).find((m) => m.text === "My shoes are too small").conversation_id;
  const token = await ownerToken(s);
  await s.api("POST", `/api/v1/conversations/${id}/messages`, { text: "A size up is on its way." }, { token, expect: 202 });
  await s.api("POST", `/api/v1/conversations/${id}/close`, {}, { token });

  // The survey's message keeps its link; the faces follow it, read from
  // Switchboard's origin by the shop's page.
  const survey = panel.locator('[data-testid="sb-message"][data-direction="out"]', { hasText: "How did we do?" });
  await survey.locator('a[href*="/rate/"]').waitFor();
  const card = panel.getByTestId("sb-survey");
  const faces = card.getByRole("group", { name: "How was this conversation?" });
  await faces.waitFor();
  assert.equal(await faces.getByRole("button").count(), 5);
  await screenshot(v.page, "widget-survey", "light", { locator: panel });
  await faces.getByRole("button", { name: "Satisfied", exact: true }).click();
  await panel.locator('[data-testid="sb-survey"][data-rating="4"]').waitFor();
  assert.equal(await card.getByTestId("sb-survey-rated").innerText(), "Thank you! Your rating: Satisfied (4/5).");
  await card.getByTestId("sb-survey-comment").fill("Swapped in a day");
  await card.getByTestId("sb-survey-send").click();
  await card.getByTestId("sb-survey-said").waitFor();
  await screenshot(v.page, "widget-survey-rated", "light", { locator: panel });
  let c = await s.api("GET", `/api/v1/conversations/${id}`);
  assert.deepEqual([c.satisfaction?.rating, c.satisfaction?.comment], [4, "Swapped in a day"]);

  // A change keeps the comment; the page opened again shows the answer.
  await card.getByTestId("sb-survey-change").click();
  await faces.getByRole("button", { name: "Satisfied", exact: true }).and(v.page.locator('[aria-pressed="true"]')).waitFor();
  await faces.getByRole("button", { name: "Very satisfied" }).click();
  await panel.locator('[data-testid="sb-survey"][data-rating="5"]').waitFor();
  c = await s.api("GET", `/api/v1/conversations/${id}`);
  assert.deepEqual([c.satisfaction?.rating, c.satisfaction?.comment], [5, "Swapped in a day"]);
  await v.page.reload();
  await v.page.locator('[data-testid="sb-launcher"]').click();
  await v.page.locator('[data-testid="sb-survey"][data-rating="5"]').waitFor();
  assert.equal(await v.page.getByTestId("sb-survey-rated").innerText(), "Your rating: Very satisfied (5/5).");
  assert.equal(await v.page.getByTestId("sb-survey-said").innerText(), "“Swapped in a day”");
  v.assertClean();
  await v.close();
});

// ownerToken signs the demo's owner in over the API: a close by a person
// (a workspace token's close is the API's, which sends no survey).
async function ownerToken(s) {
  const ow = owner(s);
  return (await s.api("POST", "/api/v1/auth/login", { email: ow.email, password: ow.password })).token;
}
