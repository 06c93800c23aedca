// The knowledge base (issue 15): an owner writes two articles in the app,
// previews one, asks a question in the "what the AI would retrieve" box
// and sees the right passage first with its score. Screenshots of the
// page, light and dark, with a few more articles from the evaluation set.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
import { fixture, newUser, owner, repoRoot, screenshot, signIn, until } from "./harness.mjs";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const f = fixture(before, after);

async function addArticle(page, title, body) {
  await page.getByTestId("article-new").click();
  const editor = page.getByTestId("article-editor");
  await editor.getByTestId("article-title").fill(title);
  await editor.getByTestId("article-body").fill(body);
  await editor.getByTestId("article-save").click();
  await page.locator('[data-testid="article-row"]', { hasText: title }).waitFor();
}

test("an owner adds two articles and finds the right passage first, with its score", async () => {
  const s = f.server;
  const ow = owner(s);
  const u = await newUser(f.browser, { name: "owner" });
  const { page } = u;
  await signIn(page, s.url, ow.email, ow.password, "/inbox/all");
  await page.getByRole("navigation").getByRole("link", { name: "Knowledge" }).click();
  await page.getByTestId("knowledge-page").waitFor();

  await addArticle(
    page,
    "Shipping times",
    "# Delivery\n\nStandard delivery takes 2 to 4 working days. Express delivery arrives the next working day when ordered before 2 pm.",
  );
  // the preview renders the Markdown as text
  await page.getByTestId("article-new").click();
  const editor = page.getByTestId("article-editor");
  await editor.getByTestId("article-title").fill("Refunds");
  await editor.getByTestId("article-body").fill("# When is my refund paid?\n\nWe refund your card within **5 working days** after your return reaches our warehouse.\n\n<script>alert(1)</script>");
  await editor.getByTestId("article-preview-tab").click();
  await editor.getByTestId("article-preview").getByRole("heading", { name: "When is my refund paid?" }).waitFor();
  assert.equal(await editor.locator("strong").textContent(), "5 working days");
  assert.ok((await editor.getByTestId("article-preview").textContent()).includes("<script>alert(1)</script>"), "markup stays text");
  await editor.getByRole("tab", { name: "Write" }).click();
  await editor.getByTestId("article-body").fill("# When is my refund paid?\n\nWe refund your card within **5 working days** after your return reaches our warehouse.");
  await editor.getByTestId("article-save").click();
  await page.locator('[data-testid="article-row"]', { hasText: "Refunds" }).waitFor();

  await page.getByTestId("knowledge-search").fill("how long until I get my refnud?");
  const first = page.getByTestId("knowledge-hit").first();
  await first.getByTestId("hit-title").filter({ hasText: "Refunds" }).waitFor();
  assert.match(await first.getByTestId("hit-passage").textContent(), /We refund your card within/);
  assert.match(await first.getByTestId("hit-score").textContent(), /^score \d+\.\d+$/);
  assert.match(await first.getByTestId("hit-match").textContent(), /% of the question's words/);
  await page.locator('[data-testid="knowledge-confidence"]').waitFor();

  await page.getByTestId("knowledge-search").fill("express delivery");
  await page.getByTestId("knowledge-hit").first().getByTestId("hit-title").filter({ hasText: "Shipping times" }).waitFor();
  assert.equal(await page.locator('[data-testid="knowledge-confidence"]').getAttribute("data-mode"), "answer");

  // an uploaded Markdown file becomes a source and is searched
  await page.getByTestId("source-upload").setInputFiles({
    name: "boot-care.md",
    mimeType: "text/markdown",
    buffer: Buffer.from("# Boot care\n\nWax full-grain leather boots when water stops beading on them."),
  });
  await page.locator('[data-testid="source-row"][data-status="ready"]', { hasText: "boot-care.md" }).waitFor();
  await page.getByTestId("knowledge-search").fill("wax my leather boots");
  const top = page.getByTestId("knowledge-hit").first();
  await top.getByTestId("hit-title").filter({ hasText: "Boot care" }).waitFor();
  assert.match(await top.textContent(), /File/);
  u.assertClean();
  await u.close();
});

test("screenshots of the knowledge page", async () => {
  const s = f.server;
  const ow = owner(s);
  for (const name of ["en-returns-policy", "en-refund-timing", "en-warranty", "fr-point-relais", "en-care-down-jacket"]) {
    const text = readFileSync(join(repoRoot, "internal/ai/testdata/kb", name + ".md"), "utf8");
    const [head, ...rest] = text.split("\n");
    await s.api("POST", "/api/v1/knowledge/articles", { title: head.replace(/^# /, ""), body: rest.join("\n"), language: name.slice(0, 2) });
  }
  await s.api("POST", "/api/v1/knowledge/sources", { kind: "url", url: "http://127.0.0.1:9/help" });
  for (const theme of ["light", "dark"]) {
    const u = await newUser(f.browser, { name: "owner-" + theme, theme });
    const { page } = u;
    await signIn(page, s.url, ow.email, ow.password, "/knowledge");
    await page.getByTestId("knowledge-page").waitFor();
    await page.getByTestId("knowledge-search").fill("how long does a refund take to reach my card?");
    await page.getByTestId("knowledge-hit").nth(2).waitFor();
    await page.locator('[data-testid="source-row"]').first().waitFor();
    await screenshot(page, "knowledge", theme);
    u.assertClean();
    await u.close();
  }
});

// In French and dark, with a search shown: every string translated and no
// serious or critical axe violation; an agent sees the search but not the
// editing controls nor the sources.
test("the knowledge page in French has every string, no serious accessibility violation, and agents only search", async () => {
  const s = f.server;
  const ow = owner(s);
  const u = await newUser(f.browser, { name: "owner-fr", theme: "dark", lang: "fr" });
  const { page } = u;
  await signIn(page, s.url, ow.email, ow.password, "/knowledge");
  await page.getByTestId("knowledge-page").waitFor();
  await page.getByTestId("knowledge-search").fill("point relais");
  await page.getByTestId("knowledge-hit").first().waitFor();
  await page.getByTestId("article-new").click();
  await page.getByTestId("article-editor").waitFor();
  await until(async () => (await page.locator(".animate-pulse").count()) === 0, { what: "lists loaded" });
  assert.deepEqual(await page.evaluate(() => window.__missingKeys ?? []), [], "missing French keys");
  await page.evaluate(axeSource);
  const serious = await page.evaluate(() =>
    window.axe
      .run(document, { resultTypes: ["violations"] })
      .then((r) => r.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.html.slice(0, 120)).join(" | ")}`)),
  );
  assert.deepEqual(serious, [], "axe on /knowledge");
  u.assertClean();
  await u.close();

  const agent = await s.createAgent({ name: "Kim Agent", busy: false });
  const a = await newUser(f.browser, { name: "agent" });
  await signIn(a.page, s.url, agent.email, agent.password, "/knowledge");
  await a.page.getByTestId("knowledge-page").waitFor();
  await a.page.locator('[data-testid="article-row"]').first().waitFor();
  assert.equal(await a.page.getByTestId("article-new").count(), 0, "no New article for an agent");
  assert.equal(await a.page.locator('[data-testid="source-row"]').count(), 0, "no sources for an agent");
  assert.equal(await a.page.getByRole("navigation").getByRole("link", { name: "Knowledge" }).count(), 0, "no menu entry for an agent");
  await a.page.getByTestId("knowledge-search").fill("express delivery");
  await a.page.getByTestId("knowledge-hit").first().getByTestId("hit-title").filter({ hasText: "Shipping times" }).waitFor();
  a.assertClean();
  await a.close();
});
