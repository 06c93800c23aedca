// An expired session returns to the sign-in page without losing the
// composer's draft: the session ends behind the page's back, the next
// request answers 401, the sign-in page says so, and after signing in
// again the draft is still in the composer.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { fixture, newUser, owner, pane, row, signIn, until } from "./harness.mjs";

const f = fixture(before, after);

test("an ended session returns to sign-in and keeps the composer's draft", async () => {
  const s = f.server;
  const contact = s.newContact("Dora", "Draft");
  const { conversation_id: id } = await s.contactWrites(contact, "Can you call me back?");
  const u = await newUser(f.browser, { name: "the owner" });
  const { page, context } = u;
  u.allow(401, /^\/api\//); // the requests the ended session makes
  const ow = owner(s);
  await signIn(page, s.url, ow.email, ow.password);
  await row(page, id).click();
  const textarea = pane(page, id).locator('[data-testid="composer"] textarea');
  await textarea.waitFor();
  const draft = "Sure, Dora: what number and what time suit you?";
  await textarea.fill(draft);
  // The draft is kept (per conversation, in sessionStorage).
  await until(() => page.evaluate((d) => Object.values(sessionStorage).some((v) => v.includes(d)), draft), {
    what: "the draft to be kept",
  });

  // The session ends elsewhere (as "sign out everywhere" would).
  const cookie = (await context.cookies(s.url)).find((c) => c.name === "switchboard_session");
  assert.ok(cookie, "the session cookie");
  assert.equal(cookie.httpOnly, true, "the session cookie is HttpOnly");
  assert.equal(cookie.sameSite, "Lax");
  await s.api("POST", "/api/v1/auth/logout", undefined, { token: cookie.value, expect: 204 });

  // The next request meets a 401: back to sign-in, saying why. The sign-out
  // also takes the session's device offline, and the presence event of it
  // may make the app refetch (and meet the 401) first; otherwise a click
  // on the availability switch makes that request.
  const ended = page.getByRole("alert").filter({ hasText: "Your session ended" });
  await page.getByTestId("availability-switch").or(ended).first().waitFor();
  if (!(await ended.isVisible())) await page.getByTestId("availability-switch").click({ timeout: 3000 }).catch(() => {});
  await ended.waitFor();
  const form = page.locator("form");
  await form.getByLabel("Email").fill(ow.email);
  await form.getByLabel("Password").fill(ow.password);
  await form.locator('button[type="submit"]').click();

  // Signed in again, on the same conversation, with the draft.
  await pane(page, id).waitFor();
  await until(async () => (await pane(page, id).locator('[data-testid="composer"] textarea').inputValue()) === draft, {
    what: "the draft back in the composer",
  });
  u.assertClean();
  await u.close();
});
