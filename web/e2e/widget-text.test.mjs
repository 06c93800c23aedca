// How the website widget shows the team's messages' text: links found in
// it (without the full stop that ends a sentence), and a question's
// numbered choices left to its buttons while the author's own numbered
// lines stay.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { fixture, until } from "./harness.mjs";
import { visitorPage, widgetSite } from "./widget-site.mjs";

const f = fixture(before, after);

test("a link that ends a sentence leaves the full stop out of the link", async (t) => {
  const s = f.server;
  const { channel, site } = await widgetSite(f, t, "Links");
  const { v, panel, history, input } = await visitorPage(f, site, channel.id);
  await input.fill("Where is my parcel?");
  await panel.locator('[data-testid="sb-send"]').click();
  await panel.locator('[data-testid="sb-message"][data-message-id]', { hasText: "Where is my parcel?" }).waitFor();
  const conv = (await history()).find((m) => m.text === "Where is my parcel?").conversation_id;
  const reply = "Track it at https://shop.example/track/42. (Our FAQ: https://shop.example/faq) Or https://en.wikipedia.org/wiki/Shoe_(disambiguation)!";
  await s.api("POST", `/api/v1/conversations/${conv}/messages`, { text: reply }, { expect: 202 });
  const bubble = panel.locator('[data-testid="sb-message"][data-direction="out"]', { hasText: "Track it at" });
  await bubble.waitFor();
  assert.deepEqual(await bubble.locator("a").evaluateAll((as) => as.map((a) => a.getAttribute("href"))), [
    "https://shop.example/track/42",
    "https://shop.example/faq",
    "https://en.wikipedia.org/wiki/Shoe_(disambiguation)",
  ]);
  assert.equal(await bubble.textContent(), reply, "the text is shown whole");
  v.assertClean();
  await v.close();
});

test("a message with quick replies keeps its own numbered lines", async (t) => {
  const s = f.server;
  const { channel, site } = await widgetSite(f, t, "Numbered");
  const { v, panel, history, input } = await visitorPage(f, site, channel.id);
  await input.fill("When are you open?");
  await panel.locator('[data-testid="sb-send"]').click();
  await panel.locator('[data-testid="sb-message"][data-message-id]', { hasText: "When are you open?" }).waitFor();
  const conv = (await history()).find((m) => m.text === "When are you open?").conversation_id;
  const send = (text, replies) =>
    s.api("POST", `/api/v1/conversations/${conv}/messages`, { type: "quick_reply", text, content: { replies } }, { expect: 202 });
  // A question's choices, listed after its text (as Ask a Question does): the buttons say them.
  await send("Which shop?\n1. Paris\n2. Lyon", ["Paris", "Lyon"]);
  const question = panel.locator('[data-testid="sb-message"][data-direction="out"]', { hasText: "Which shop?" });
  await question.waitFor();
  assert.equal(await question.textContent(), "Which shop?");
  // The author's own numbered lines are the message, not its choices.
  await send("Our hours:\n1. Monday to Friday, 9:00 to 18:00\n2. Saturday, 10:00 to 14:00\nAnything else?", ["Yes", "No"]);
  const hours = panel.locator('[data-testid="sb-message"][data-direction="out"]', { hasText: "Our hours:" });
  await hours.waitFor();
  assert.equal(await hours.textContent(), "Our hours:\n1. Monday to Friday, 9:00 to 18:00\n2. Saturday, 10:00 to 14:00\nAnything else?");
  await until(async () => (await panel.locator('[data-testid="sb-reply"]').allInnerTexts()).join() === "Yes,No", { what: "the buttons" });
  v.assertClean();
  await v.close();
});
