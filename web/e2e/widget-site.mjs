// The website widget's browser tests' helpers: a shop's site on another
// origin that embeds a widget channel, and a visitor's page of it whose
// socket the test can cut.
import { createServer } from "node:http";
import { newUser, until } from "./harness.mjs";

/** hostSite serves a shop's page that embeds the widget of site.channelID. */
export async function hostSite(switchboardURL, channelID = 0) {
  const site = { channelID };
  const page = () => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Acme Shoes</title>
<style>body{font-family:Georgia,serif;margin:0;background:#fdf8f0;color:#3b2f2f}
header{padding:24px 48px;background:#3b2f2f;color:#fdf8f0;font-size:28px}
main{padding:32px 48px;max-width:640px;line-height:1.6}
button{all:unset}</style></head>
<body><header>Acme Shoes</header>
<main><h1>Handmade leather shoes</h1>
<p>Every pair is cut and stitched in our workshop. Questions about sizes, shipping or an order? Chat with us: the button in the corner.</p></main>
<script src="${switchboardURL}/widget.js?channel=${site.channelID}" async></script>
</body></html>`;
  const server = createServer((req, res) => {
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(page());
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  site.url = `http://127.0.0.1:${server.address().port}`;
  site.close = () => new Promise((ok) => server.close(() => ok()));
  return site;
}

/**
 * widgetSite makes, on fixture f's server, a widget channel named name and a shop's site that
 * embeds it, the only origin the channel allows; the site closes when the
 * test ends.
 */
export async function widgetSite(f, t, name) {
  const s = f.server;
  const channel = await s.api("POST", "/api/v1/channels", { type: "widget", name, config: { allowed_origins: ["http://127.0.0.1"] } });
  const site = await hostSite(s.url, channel.id);
  t.after(() => site.close());
  await s.api("PATCH", `/api/v1/channels/${channel.id}`, { config: { allowed_origins: [site.url] } });
  return { channel, site };
}

/**
 * visitorPage opens site's page as a new visitor whose widget socket goes
 * through a route the test controls: route.cut = "before" makes it drop the
 * next message frame the widget sends and close the connection, as a
 * network that fails mid-send does; "after" passes the frame on first, so
 * the message is stored and only its ack is lost. Answers the visitor,
 * their panel and helpers.
 */
export async function visitorPage(f, site, channelID) {
  const v = await newUser(f.browser, { name: "a visitor" });
  const route = { cut: "", readies: 0 };
  await v.page.routeWebSocket(/\/widget\/\d+\/socket$/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((m) => {
      const fr = JSON.parse(m);
      if (fr.type === "message" && route.cut) {
        if (route.cut === "after") server.send(m);
        route.cut = "";
        ws.close({ code: 1011, reason: "cut" });
        server.close();
        return;
      }
      server.send(m);
    });
    server.onMessage((m) => {
      if (JSON.parse(m).type === "ready") route.readies++;
      ws.send(m);
    });
  });
  await v.page.goto(site.url);
  await v.page.locator('[data-testid="sb-launcher"]').click();
  const panel = v.page.locator('[data-testid="sb-panel"]');
  await panel.waitFor();
  await until(() => route.readies > 0, { what: "the widget's socket to be ready" });
  const storeKey = `switchboard-widget-${channelID}`;
  /** history reads the visitor's messages as the server stores them. */
  const history = async () => {
    const saved = JSON.parse(await v.page.evaluate((k) => localStorage.getItem(k), storeKey));
    const r = await fetch(`${f.server.url}/widget/${channelID}/messages`, {
      headers: { Origin: site.url, Authorization: `Visitor ${saved.visitor_id}:${saved.secret}` },
    });
    return (await r.json()).messages;
  };
  return { v, panel, route, history, input: panel.locator('[data-testid="sb-input"]') };
}
