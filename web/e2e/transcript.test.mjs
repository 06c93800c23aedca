// A conversation's transcript: an owner replies and leaves an internal
// note, then downloads the transcript from the conversation's header. The
// file holds the contact's messages, the note and the reply, in order,
// with the conversation's opening.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { fixture, newUser, owner, pane, row, signIn } from "./harness.mjs";

const f = fixture(before, after, { workflows: false });

test("the transcript downloaded from the header holds the whole conversation", async () => {
  const s = f.server;
  const contact = s.newContact("Tara", "Transcript");
  const { conversation_id: id } = await s.contactWrites(contact, "My parcel never came");
  await s.contactWrites(contact, "Order A-77, sent last week");
  await s.api("POST", `/api/v1/conversations/${id}/comments`, { text: "Carrier lost it, refund approved" }, { expect: 201 });
  await s.api("POST", `/api/v1/conversations/${id}/messages`, { text: "Sorry Tara, your refund is on its way." }, { expect: 202 });

  const u = await newUser(f.browser);
  const { page } = u;
  const ow = owner(s);
  await signIn(page, s.url, ow.email, ow.password, "/inbox/all");
  await row(page, id).click();
  const header = pane(page, id);
  await header.getByTestId("timeline").getByText("Sorry Tara, your refund is on its way.").waitFor();
  const [download] = await Promise.all([page.waitForEvent("download"), header.getByTestId("action-transcript").click()]);
  assert.equal(download.suggestedFilename(), `conversation-${id}.txt`);
  const text = await readFile(await download.path(), "utf8");
  const lines = text.split("\n");
  assert.equal(lines[0], `Conversation #${id} with Tara Transcript`);
  const order = ["Tara Transcript: My parcel never came", "Tara Transcript: Order A-77, sent last week",
    "Internal note by", "Sorry Tara, your refund is on its way."];
  const at = order.map((words) => lines.findIndex((l) => l.includes(words)));
  assert.ok(at.every((i, n) => i > 0 && (n === 0 || i > at[n - 1])), `the transcript's lines in order:\n${text}`);
  assert.ok(lines.some((l) => l.includes("— Tara Transcript opened the conversation")), `the opening told:\n${text}`);
  u.assertClean();
  await u.close();
});
