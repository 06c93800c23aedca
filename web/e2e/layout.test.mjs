// Usable from 1024 px wide: with a conversation open at 1024×768, its
// actions, its reply box and the send button are on screen and can be
// clicked (nothing covers them), and the contact's name shows in the
// conversation's header.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { fixture, newUser, owner, pane, row, signIn } from "./harness.mjs";

const f = fixture(before, after, { workflows: false });

for (const width of [1024, 1440]) {
  test(`a conversation is usable at ${width} px wide`, async () => {
    const s = f.server;
    const contact = s.newContact("Wendy", `Width${width}`);
    const { conversation_id: id } = await s.contactWrites(contact, "Is this usable on a small laptop?");
    const u = await newUser(f.browser, { viewport: { width, height: 768 } });
    const { page } = u;
    const ow = owner(s);
    await signIn(page, s.url, ow.email, ow.password);
    await row(page, id).click();
    const p = pane(page, id);
    await p.locator('[data-testid="timeline-item"]', { hasText: "small laptop" }).waitFor();
    const problems = [];
    for (const [what, loc] of [
      ["the close action", p.locator('[data-testid="action-close"]')],
      ["the assign action", p.locator('[data-testid="action-assign"]')],
      ["the snooze action", p.locator('[data-testid="action-snooze"]')],
      ["the reply box", p.locator('[data-testid="composer"] textarea')],
      ["the send button", p.locator('[data-testid="send"]')],
    ]) {
      const box = await loc.boundingBox();
      if (!box || box.x < 0 || box.x + box.width > width + 0.5 || box.width < 8) {
        problems.push(`${what} is not on screen (${JSON.stringify(box)})`);
        continue;
      }
      // A trial click checks what a click would: visible, stable, enabled
      // (the send button is disabled while the box is empty: skip that) and
      // not covered by another element.
      await loc.click({ trial: true, timeout: 2_000, force: what === "the send button" }).catch((e) => {
        problems.push(`${what} cannot be clicked: ${e.message.split("\n")[0]}`);
      });
    }
    const box = await p.boundingBox();
    if (box && box.width < 480) problems.push(`the conversation pane is ${Math.round(box.width)} px wide`);
    const name = await p.getByText(`Wendy Width${width}`, { exact: true }).first().isVisible().catch(() => false);
    if (!name) problems.push("the contact's full name is not shown in the conversation");
    assert.deepEqual(problems, [], `at ${width} px`);
    u.assertClean();
    await u.close();
  });
}
