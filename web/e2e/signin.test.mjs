// An owner signs in with the form and sees the inbox; signing out returns
// to the sign-in page; a wrong password shows an error; the app's page
// carries the strict Content-Security-Policy.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { fixture, newUser, owner, signIn } from "./harness.mjs";

const f = fixture(before, after);

test("an owner signs in and sees the inbox", async () => {
  const u = await newUser(f.browser);
  const { page } = u;
  const o = owner(f.server);
  await signIn(page, f.server.url, o.email, o.password);
  // The inbox: its views with their counts, the conversation list.
  await page.waitForURL(/\/inbox\/all$/);
  await page.getByRole("navigation").first().waitFor();
  await page.locator('[data-testid="view-count-all"]').waitFor();
  await page.getByRole("listbox").waitFor({ state: "attached" });
  u.assertClean();
  await u.close();
});

test("signing out returns to the sign-in page", async () => {
  const u = await newUser(f.browser);
  const { page } = u;
  const o = owner(f.server);
  await signIn(page, f.server.url, o.email, o.password);

  await page.getByRole("button", { name: "Your account" }).click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await page.getByRole("heading", { name: "Sign in to Switchboard" }).waitFor();
  await page.locator('button[type="submit"]').waitFor();
  // The cookie is gone for good: a reload still shows the sign-in page.
  await page.reload();
  await page.getByRole("heading", { name: "Sign in to Switchboard" }).waitFor();
  assert.equal(await page.getByTestId("availability-switch").count(), 0);
  u.assertClean();
  await u.close();
});

test("a wrong password shows an error", async () => {
  const u = await newUser(f.browser);
  const { page } = u;
  u.allow(401, /^\/api\/v1\/auth\/session$/);
  await page.goto(f.server.url + "/");
  await page.getByLabel("Email").fill(owner(f.server).email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.locator('button[type="submit"]').click();
  const alert = page.getByRole("alert");
  await alert.waitFor();
  assert.match(await alert.innerText(), /Wrong email or password/);
  assert.equal(await page.getByTestId("availability-switch").count(), 0);
  u.assertClean();
  await u.close();
});

test("the app's page has the strict Content-Security-Policy", async () => {
  const u = await newUser(f.browser);
  const res = await u.page.goto(f.server.url + "/inbox/all");
  assert.ok(res, "the document answered");
  assert.equal(res.status(), 200);
  const h = await res.allHeaders();
  const csp = h["content-security-policy"] ?? "";
  const directives = Object.fromEntries(
    csp
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([k, ...v]) => [k, v.join(" ")]),
  );
  assert.equal(directives["default-src"], "'self'", csp);
  assert.equal(directives["script-src"], "'self'", csp);
  // style-src is 'self', plus at most a nonce for the <style> Radix's
  // scroll lock injects (a fresh one for every page served).
  const style = /^'self'(?: 'nonce-([A-Za-z0-9+/_=-]{16,})')?$/.exec(directives["style-src"] ?? "");
  assert.ok(style, `style-src: ${csp}`);
  if (style[1]) {
    const again = await fetch(f.server.url + "/inbox/all");
    const nonce2 = /'nonce-([^']+)'/.exec(again.headers.get("content-security-policy") ?? "")?.[1];
    assert.ok(nonce2 && nonce2 !== style[1], "a new nonce for every page");
    // The page hands the app the same nonce (for the <style> it may add).
    const meta = await u.page.locator('meta[name="csp-nonce"]').getAttribute("content");
    assert.equal(meta, style[1], "the page's csp-nonce meta is the header's nonce");
  }
  assert.equal(directives["object-src"], "'none'", csp);
  assert.equal(directives["frame-ancestors"], "'none'", csp);
  assert.equal(directives["base-uri"], "'none'", csp);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.equal(h["x-frame-options"], "DENY");
  assert.equal(h["x-content-type-options"], "nosniff");
  // The app ran under it: the sign-in form is there, and nothing was refused.
  await u.page.locator('button[type="submit"]').waitFor();
  u.assertClean();
  await u.close();
});
