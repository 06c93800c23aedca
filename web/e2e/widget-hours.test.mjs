// The website widget outside business hours: nobody of the team online and
// the workspace closed, the visitor reads when the team is back; inside
// the hours, only the away message.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { fixture, screenshot } from "./harness.mjs";
import { visitorPage, widgetSite } from "./widget-site.mjs";

const f = fixture(before, after, { workflows: false });

const days = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

test("outside business hours the widget says when the team is back", async (t) => {
  const s = f.server;
  const { channel, site } = await widgetSite(f, t, "After hours");
  // Open 09:00–17:00 (UTC) only on the weekday three days from now: closed
  // now, back that day at nine.
  const back = new Date();
  back.setUTCDate(back.getUTCDate() + 3);
  back.setUTCHours(9, 0, 0, 0);
  await s.api("PATCH", "/api/v1/workspace", { timezone: "UTC", business_hours: { [days[back.getUTCDay()]]: [{ open: "09:00", close: "17:00" }] } });

  const { v, panel } = await visitorPage(f, site, channel.id);
  const status = panel.locator('[data-testid="sb-status"]');
  await status.and(v.page.locator('[data-online="false"]')).waitFor();
  assert.equal(Date.parse(await status.getAttribute("data-opens-at")), back.getTime(), "the next opening told");
  const weekday = await v.page.evaluate((at) => new Date(at).toLocaleDateString(navigator.language, { weekday: "long" }), back.getTime());
  assert.match(await status.innerText(), new RegExp(`^We'll reply as soon as we can\\nBack ${weekday} at \\d{1,2}:\\d\\d`));
  await screenshot(v.page, "widget-after-hours", "light", { locator: panel });
  v.assertClean();
  await v.close();

  // Open around the clock: nobody online, but no "back" to tell.
  const all = Object.fromEntries(days.map((d) => [d, [{ open: "00:00", close: "24:00" }]]));
  await s.api("PATCH", "/api/v1/workspace", { business_hours: all });
  const later = await visitorPage(f, site, channel.id);
  const status2 = later.panel.locator('[data-testid="sb-status"]');
  await status2.and(later.v.page.locator('[data-online="false"]')).waitFor();
  assert.equal(await status2.innerText(), "We'll reply as soon as we can");
  assert.equal(await status2.getAttribute("data-opens-at"), "");
  later.v.assertClean();
  await later.v.close();
});
