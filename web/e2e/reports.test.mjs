// Reports: a manager opens the reports from the header, sees the API's
// figures, switches to Responses, filters by team and a date preset and
// exports the CSV behind a chart; an agent has no Reports menu, gets the
// 404 page at /reports and a 403 from the API. Screenshots of the
// Overview and Conversations reports in both themes.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fixture, newUser, owner, screenshot, signIn, until } from "./harness.mjs";

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** axe scans the page and fails on serious or critical violations. */
async function axe(page, what) {
  await page.evaluate(axeSource);
  const found = await page.evaluate(() =>
    window.axe.run(document, { resultTypes: ["violations"] }).then((r) =>
      r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) })),
    ),
  );
  const serious = found.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.equal(serious.length, 0, `axe found serious violations on ${what}:\n${JSON.stringify(serious, null, 1)}`);
}

const f = fixture(before, after, { workflows: false });

let agent;
let agentToken;

async function seed(s) {
  agent = await s.createAgent({ name: "Rita Reports", teams: ["Sales"] });
  agentToken = (await s.api("POST", "/api/v1/auth/login", { email: agent.email, password: agent.password })).token;
  const ids = [];
  for (const [first, last, text] of [
    ["Ada", "Opened", "Where is my parcel?"],
    ["Ben", "Waiting", "Can I change my address?"],
    ["Cy", "Asking", "Do you ship to Canada?"],
  ]) {
    ids.push((await s.contactWrites(s.newContact(first, last), text)).conversation_id);
  }
  await s.api("POST", `/api/v1/conversations/${ids[0]}/assign`, { user_id: agent.id, force: true });
  await s.api("POST", `/api/v1/conversations/${ids[0]}/messages`, { text: "It left our warehouse this morning." }, { token: agentToken });
  await s.api("POST", `/api/v1/conversations/${ids[0]}/close`, {}, { token: agentToken });
  // The reports are a projection of the event log: wait until it caught up.
  await until(
    async () => {
      const c = await s.api("GET", "/api/v1/reports/conversations");
      const r = await s.api("GET", "/api/v1/reports/responses");
      return c.current.opened >= 3 && c.current.closed >= 1 && r.current.first_response.count >= 1;
    },
    { what: "the reports to count the seeded conversations", timeout: 15_000 },
  );
  return ids;
}

async function figure(page, id) {
  const el = page.locator(`[data-testid="figure-${id}"]`);
  await el.waitFor();
  return Number(await el.getAttribute("data-value"));
}

test("a manager reads the reports, filters them and exports a CSV", async () => {
  const s = f.server;
  await seed(s);
  const u = await newUser(f.browser, { name: "the owner" });
  const { page } = u;
  const ow = owner(s);
  await signIn(page, s.url, ow.email, ow.password);
  await page.getByRole("navigation").getByRole("link", { name: "Reports" }).click();
  await page.locator('[data-testid="report-overview"]').waitFor();

  // Overview: the figures are the API's (the default range is the last 30 days).
  const conv = await s.api("GET", "/api/v1/reports/conversations");
  const now = await s.api("GET", "/api/v1/reports/now");
  await until(async () => (await figure(page, "opened")) === conv.current.opened, { what: "opened to match the API" });
  assert.equal(await figure(page, "closed"), conv.current.closed);
  assert.equal(await figure(page, "now-open"), now.open);
  assert.equal(await figure(page, "now-unassigned"), now.unassigned);
  // The Now figures follow the socket: a new conversation counts at once.
  await s.contactWrites(s.newContact("Dee", "Live"), "Hello, anyone there?");
  await until(async () => (await figure(page, "now-open")) === now.open + 1, { what: "the live open count" });
  await until(async () => (await figure(page, "opened")) === conv.current.opened + 1, { what: "the period's opened count, live", timeout: 10_000 });
  await screenshot(page, "reports-overview", "light");

  // Conversations: the heatmap and the bars.
  await page.locator('[data-testid="tab-conversations"]').click();
  await page.locator('[data-testid="heatmap"]').waitFor();
  await page.locator('[data-testid="section-by-channel"] [data-testid="bar"]').first().waitFor();
  await screenshot(page, "reports-conversations", "light");
  await axe(page, "the conversations report (light)");

  // Compare with the previous period: each figure shows the previous value.
  // (A controlled box whose state is the URL: it reads checked once the URL changed.)
  await page.locator('[data-testid="filter-compare"]').click();
  await until(() => page.locator('[data-testid="filter-compare"]').isChecked(), { what: "compare to be on" });
  await page.locator('[data-testid="figure-opened"] [data-testid="figure-previous"]').waitFor();
  assert.match(page.url(), /compare=previous/);
  assert.match(await page.locator('[data-testid="figure-opened"] [data-testid="figure-previous"]').innerText(), /was 0/);

  // Responses, then a team and a date preset, kept in the URL.
  await page.locator('[data-testid="tab-responses"]').click();
  await page.locator('[data-testid="section-first-response"]').waitFor();
  const resp = await s.api("GET", "/api/v1/reports/responses");
  await until(async () => (await figure(page, "first-response-count")) === resp.current.first_response.count, { what: "first responses to match" });
  assert.equal(await figure(page, "response-time-median"), resp.current.response_time.median_ms);

  const sales = (await s.api("GET", "/api/v1/teams?limit=200")).data.find((t) => t.name === "Sales");
  await page.locator('[data-testid="filter-team"]').selectOption(String(sales.id));
  await page.locator('[data-testid="filter-preset"]').selectOption("today");
  await until(() => /preset=today/.test(page.url()) && new RegExp(`team_id=${sales.id}`).test(page.url()), { what: "the filters in the URL" });
  assert.match(page.url(), /\/reports\/responses\?/);
  const link = page.locator('[data-testid="section-response-time"] [data-testid="export-csv"]');
  // The export link follows the filters.
  const href = await until(async () => {
    const h = await link.getAttribute("href");
    const p = new URL(h, s.url).searchParams;
    return p.get("team_id") === String(sales.id) && p.get("from") === p.get("to") && h;
  }, { what: "the export link to carry the filters" });
  const q = new URL(href, s.url).searchParams;
  assert.equal(q.get("team_id"), String(sales.id));
  assert.equal(q.get("from"), q.get("to"));
  const filtered = await s.api("GET", `/api/v1/reports/responses?${q}`);
  await until(async () => (await figure(page, "response-time-count")) === filtered.current.response_time.count, { what: "the filtered figures" });

  // The export: fetched as the page would (the session cookie), its rows are the chart's.
  const csv = await page.evaluate(async (url) => {
    const r = await fetch(url);
    return { status: r.status, type: r.headers.get("content-type"), text: await r.text() };
  }, href);
  assert.equal(csv.status, 200);
  assert.match(csv.type, /text\/csv/);
  const lines = csv.text.trim().split(/\r?\n/);
  assert.match(lines[0], /^event_id,conversation_id,user_id,at,day,response_ms/);
  assert.equal(lines.length - 1, filtered.current.response_time.count);

  // Reloading keeps the filters.
  await page.reload();
  await page.locator('[data-testid="section-response-time"]').waitFor();
  assert.equal(await page.locator('[data-testid="filter-team"]').inputValue(), String(sales.id));
  assert.equal(await page.locator('[data-testid="filter-preset"]').inputValue(), "today");
  u.assertClean();
  await u.close();

  // Dark theme screenshots.
  const d = await newUser(f.browser, { name: "the owner (dark)", theme: "dark" });
  await signIn(d.page, s.url, ow.email, ow.password, "/reports");
  await d.page.locator('[data-testid="figure-opened"]').waitFor();
  await d.page.locator('[data-testid="figure-now-open"]').waitFor();
  await screenshot(d.page, "reports-overview", "dark");
  await axe(d.page, "the overview (dark)");
  await d.page.locator('[data-testid="tab-conversations"]').click();
  await d.page.locator('[data-testid="section-by-channel"] [data-testid="bar"]').first().waitFor();
  await screenshot(d.page, "reports-conversations", "dark");
  await axe(d.page, "the conversations report (dark)");
  d.assertClean();
  await d.close();
});

test("an agent has no reports", async () => {
  const s = f.server;
  if (!agent) {
    agent = await s.createAgent({ name: "Rita Reports", teams: ["Sales"] });
    agentToken = (await s.api("POST", "/api/v1/auth/login", { email: agent.email, password: agent.password })).token;
  }
  await s.api("GET", "/api/v1/reports/conversations", undefined, { token: agentToken, expect: 403 });
  const u = await newUser(f.browser, { name: "the agent" });
  u.allow(403, /^\/api\/v1\/reports/);
  const { page } = u;
  await signIn(page, s.url, agent.email, agent.password);
  const nav = page.getByRole("navigation").first();
  await nav.getByRole("link", { name: "Contacts" }).waitFor();
  assert.equal(await page.getByRole("link", { name: "Reports" }).count(), 0);
  await page.goto(s.url + "/reports");
  await page.locator('[data-testid="not-found"]').waitFor();
  const status = await page.evaluate(async () => (await fetch("/api/v1/reports/conversations")).status);
  assert.equal(status, 403);
  u.assertClean();
  await u.close();
});
