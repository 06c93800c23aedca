// Settings › Channels as an owner adds a channel through the form drawn
// from its type's schema (GET /api/v1/channel-types): every field the
// schema names is filled by its kind, the channel is made, its card shows
// the webhook URL to paste into the provider and Test connection reaches
// the provider. The type is the custom channel today (its provider is the
// local integrator); E2E_CHANNEL_TYPE picks another, since nothing here
// knows a type. Screenshots `channel-settings`, light and dark.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { fixture, newUser, owner, screenshot, signIn, until } from "./harness.mjs";

const f = fixture(before, after);
const TYPE = process.env.E2E_CHANNEL_TYPE ?? "custom";

async function ownerAPI(s) {
  const ow = owner(s);
  const login = await s.api("POST", "/api/v1/auth/login", { email: ow.email, password: ow.password });
  return { token: login.token };
}

/** valueFor is what the test types into a schema field, by its kind. */
function valueFor(field, s) {
  switch (field.type) {
    case "url":
      return s.integrator.url;
    case "integer":
      return "1";
    case "string_list":
      return "e2e";
    default:
      return field.secret ? "e2e-secret-value" : "e2e-value";
  }
}

test("an owner adds a channel from its schema, sees its webhook URL and tests its connection", async () => {
  const s = f.server;
  const as = await ownerAPI(s);
  const types = (await s.api("GET", "/api/v1/channel-types", undefined, as)).items;
  const type = types.find((t) => t.type === TYPE);
  assert.ok(type, `the server knows no ${TYPE} channel`);
  const before = (await s.api("GET", "/api/v1/channels", undefined, as)).data.length;

  const u = await newUser(f.browser, { name: "owner" });
  const { page } = u;
  const ow = owner(s);
  await signIn(page, s.url, ow.email, ow.password, "/settings/channels");
  const form = page.getByTestId("new-channel");
  await form.waitFor();
  await form.getByTestId("new-channel-type").selectOption(TYPE);
  await form.getByTestId("new-channel-name").fill("E2E channel");
  for (const field of type.schema.fields.filter((x) => !x.generated)) {
    const input = form.getByTestId(`field-${field.name}`);
    if (field.type === "boolean") continue;
    await input.fill(valueFor(field, s));
  }
  await form.getByTestId("new-channel-create").click();

  // Made, and listed with its settings.
  let made;
  await until(
    async () => {
      const list = (await s.api("GET", "/api/v1/channels", undefined, as)).data;
      made = list.find((c) => c.name === "E2E channel");
      return list.length === before + 1 && made;
    },
    { what: "the channel stored" },
  );
  assert.equal(made.type, TYPE);
  for (const field of type.schema.fields.filter((x) => x.secret && !x.generated)) {
    assert.equal(made.secrets[field.name], "set", `secret ${field.name} is set`);
    assert.equal(made.config[field.name], undefined, `secret ${field.name} is not in config`);
  }
  const card = page.locator(`[data-testid="channel-card"][data-channel-name="E2E channel"]`);
  await card.waitFor();
  if (made.webhook_url) {
    const shown = (await card.getByTestId("webhook-url").textContent()).trim();
    assert.ok(shown.endsWith(made.webhook_url.replace(/^https?:\/\/[^/]+/, "")), `webhook URL ${shown} names ${made.webhook_url}`);
  }
  if (type.connects) await form.getByTestId("connection-result").waitFor();

  // Test connection: the provider (here the local integrator) answers.
  if (type.testable) {
    await card.getByTestId("test-connection").click();
    const result = card.getByTestId("probe-result");
    await result.waitFor();
    if (TYPE === "custom") {
      assert.equal(await result.getAttribute("data-ok"), "true");
      const probe = await s.integrator.waitFor((m) => m.body?.type === "probe" && m.body?.channelId === String(made.id));
      assert.ok(probe, "the integrator received the probe");
    }
  }
  u.assertClean();
  await u.close();
});

test("screenshots of the channel settings, light and dark", async () => {
  const s = f.server;
  // The Add a channel form of the type with the most settings: the form
  // as the schema draws it, whichever types this build has.
  const types = (await s.api("GET", "/api/v1/channel-types", undefined, await ownerAPI(s))).items.filter((t) => t.type !== "widget");
  const count = (t) => t.schema.fields.filter((x) => !x.generated).length;
  const shown = types.reduce((a, b) => (count(b) > count(a) ? b : a)).type;
  for (const theme of ["light", "dark"]) {
    const u = await newUser(f.browser, { theme });
    const { page } = u;
    const ow = owner(s);
    await signIn(page, s.url, ow.email, ow.password, "/settings/channels");
    const form = page.getByTestId("new-channel");
    await form.waitFor();
    await form.getByTestId("new-channel-type").selectOption(shown);
    await page.locator('[data-testid="channel-card"]').first().waitFor();
    await form.evaluate((el) => (el.closest("section") ?? el).scrollIntoView({ block: "start" }));
    await screenshot(page, "channel-settings", theme);
    u.assertClean();
    await u.close();
  }
});
