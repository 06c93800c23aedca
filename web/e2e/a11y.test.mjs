// An accessibility scan (axe-core) of the inbox with a conversation open,
// in the light and the dark theme: no violation of impact serious or
// critical. axe is run through page.evaluate, which the page's CSP does
// not govern, so the app keeps its real CSP during the scan.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fixture, newUser, owner, pane, row, signIn } from "./harness.mjs";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const f = fixture(before, after);

function describe(v) {
  const nodes = v.nodes
    .slice(0, 5)
    .map((n) => `      ${n.target.join(" ")} ${n.html.slice(0, 160)}\n        ${n.failureSummary?.replace(/\s+/g, " ")}`)
    .join("\n");
  return `  [${v.impact}] ${v.id}: ${v.help} (${v.nodes.length} nodes)\n${nodes}`;
}

for (const theme of ["light", "dark"]) {
  test(`the inbox with a conversation open has no serious accessibility violation (${theme})`, async () => {
    const s = f.server;
    const contact = s.newContact("Ada", theme === "light" ? "Lightfoot" : "Darkwood");
    const { conversation_id: id } = await s.contactWrites(contact, "Hello, I need help with my order");
    const u = await newUser(f.browser, { theme });
    const { page } = u;
    const ow = owner(s);
    await signIn(page, s.url, ow.email, ow.password);
    await row(page, id).click();
    await pane(page, id).locator('[data-testid="timeline-item"]', { hasText: "What can we help you with?" }).waitFor();
    await page.locator('[data-testid="contact-panel"]').waitFor();
    await page.locator('[data-testid="composer"]').waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.classList.contains("dark")), theme === "dark");

    await page.evaluate(axeSource);
    const result = await page.evaluate(() =>
      window.axe.run(document, { resultTypes: ["violations"] }).then((r) =>
        r.violations.map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, failureSummary: n.failureSummary })),
        })),
      ),
    );
    const serious = result.filter((v) => v.impact === "serious" || v.impact === "critical");
    const minor = result.filter((v) => !serious.includes(v));
    if (minor.length) console.log(`# axe (${theme}), minor or moderate:\n${minor.map(describe).join("\n")}`);
    assert.equal(serious.length, 0, `axe found serious violations (${theme}):\n${serious.map(describe).join("\n")}`);
    u.assertClean();
    await u.close();
  });
}
