// The browser tests' harness: the real switchboard binary on a free
// loopback port with a fresh data folder (the demo workspace loaded by the
// CLI), a local integrator for the custom channel, contacts played through
// the channel's real inbound webhook, and Debian's Chromium driven by
// playwright-core with a fresh profile.
//
// It builds nothing: `make build` from the repository root makes
// bin/switchboard (and web/dist, which the binary embeds) first.
//
// Every wait here is on a real condition (a port answers, a row appears),
// polled in short steps under a deadline; nothing sleeps to synchronise.
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as delay } from "node:timers/promises";
import { afterEach } from "node:test";
import { chromium } from "playwright-core";
import { reportFailure, traceOf } from "./trace.mjs";

const here = dirname(fileURLToPath(import.meta.url));
export const webRoot = resolve(here, "..");
export const repoRoot = resolve(webRoot, "..");
export const binary = process.env.SWITCHBOARD_BIN ?? join(repoRoot, "bin", "switchboard");
export const screenshotDir = join(repoRoot, "docs", "screenshots");

/** The agents' password in every test: long enough for the server's rules. */
export const PASSWORD = "e2e-password-1";

// ---------------------------------------------------------------- waiting

/**
 * until polls fn (sync or async) every `every` ms until it returns a truthy
 * value, which it answers; past `timeout` ms it throws with `what` and the
 * last value or error seen.
 */
export async function until(fn, { timeout = 30_000, every = 50, what = "condition" } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeout} ms waiting for ${what} (last: ${detail})`);
    }
    await delay(every);
  }
}

async function freePort() {
  return new Promise((ok, fail) => {
    const s = createNetServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

// ---------------------------------------------------------------- integrator

/**
 * startIntegrator runs the custom channel's integrator: Switchboard POSTs
 * {"channelId", "contactId", "message": {"type", "text", …}} to
 * <base URL>/message with the channel's token as bearer and an
 * Idempotency-Key, and expects 200 {"mId": "…"}. Each call is recorded.
 */
export async function startIntegrator() {
  const received = [];
  let n = 0;
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      if (req.method !== "POST" || req.url !== "/message") {
        res.writeHead(404, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ error: { message: `no ${req.method} ${req.url} here` } }));
        return;
      }
      let json = null;
      try {
        json = JSON.parse(body);
      } catch {
        // recorded as null: a test can see the body was not JSON
      }
      const mId = `int-${++n}`;
      received.push({
        mId,
        authorization: req.headers.authorization ?? "",
        idempotencyKey: req.headers["idempotency-key"] ?? "",
        body: json,
        at: Date.now(),
      });
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ mId }));
    });
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    /** waitFor answers the first recorded call pred accepts. */
    waitFor(pred, opts = {}) {
      return until(() => received.find(pred), { what: "the integrator to receive a message", timeout: 15_000, ...opts });
    },
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}

// ---------------------------------------------------------------- the server

/**
 * startServer makes a fresh data folder, loads the demo into it with
 * `switchboard demo --json` (its channel pointed at a local integrator),
 * serves it on a free loopback port and waits until /readyz says ready.
 * extraArgs go to `serve` (a function of the server's URL, when an
 * argument needs it: --public-url); workflows: false leaves the demo's
 * inbound workflow out (the contact's message stays the newest).
 */
export async function startServer({ extraArgs = [], workflows = true } = {}) {
  if (!existsSync(binary)) {
    throw new Error(
      `${binary} is missing: run \`make build\` in ${repoRoot} first (it builds web/dist and the binary that embeds it)`,
    );
  }
  const integrator = await startIntegrator();
  const dataDir = mkdtempSync(join(tmpdir(), "switchboard-e2e-"));
  const out = execFileSync(
    binary,
    [
      "demo",
      "--json",
      "--data",
      dataDir,
      "--channel-url",
      integrator.url,
      "--log-level",
      "warn",
      `--workflows=${workflows}`,
    ],
    { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
  );
  const demo = JSON.parse(out);
  // E2E_LOG_LEVEL=debug logs every request: a failed test prints the log.
  const logLevel = process.env.E2E_LOG_LEVEL ?? "warn";
  const log = [];
  const keep = (c) => {
    log.push(String(c));
    if (log.length > 500) log.shift();
  };
  // A free port can be taken between asking and listening: try another.
  let child, port, url;
  let exited = null;
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    url = `http://127.0.0.1:${port}`;
    exited = null;
    child = spawn(
      binary,
      [
        "serve",
        "--addr",
        `127.0.0.1:${port}`,
        "--data",
        dataDir,
        "--allow-private-networks",
        "127.0.0.1/32",
        "--log-level",
        logLevel,
        ...(typeof extraArgs === "function" ? extraArgs(url) : extraArgs),
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const me = child;
    me.on("exit", (code, signal) => {
      if (child === me) exited = { code, signal };
    });
    const state = await until(
      async () => {
        if (exited) return "exited";
        const r = await fetch(`${url}/readyz`);
        return r.ok && "ready";
      },
      { timeout: 20_000, every: 50, what: `${url}/readyz` },
    );
    if (state === "ready") break;
    if (attempt >= 3) throw new Error(`switchboard serve exited (${JSON.stringify(exited)}): ${log.join("")}`);
  }
  let contactSeq = 0;
  const server = {
    url,
    port,
    dataDir,
    logLevel,
    demo,
    integrator,
    log,
    /** api calls the API with the demo's workspace token (or `token`). */
    async api(method, path, body, { token = demo.api_token, expect } = {}) {
      const r = await fetch(url + path, {
        method,
        headers: {
          Authorization: `Bearer ${token}`,
          ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
      const text = await r.text();
      const json = text ? JSON.parse(text) : null;
      const ok = expect ? r.status === expect : r.ok;
      if (!ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
      return json;
    },
    /**
     * contactWrites plays a contact writing through the custom channel's
     * inbound webhook (its real payload) and answers the webhook's
     * result: {message_id, conversation_id, contact_id, opened?}.
     */
    async contactWrites(contact, text) {
      return server.webhook(contact, {
        type: "message",
        mId: `e2e-${process.pid}-${++contactSeq}-${Date.now()}`,
        timestamp: Date.now(),
        message: { type: "text", text },
      });
    },
    /** messageStatus reports, as the integrator, an outbound message's status (sent, delivered, read, failed). */
    async messageStatus(contact, mId, status) {
      return server.webhook(contact, { type: "message_status", mId, status, timestamp: Date.now() });
    },
    /** webhook posts one event of the custom channel's inbound webhook. */
    async webhook(contact, event) {
      const body = {
        channelId: String(demo.channel_id),
        contactId: contact.id,
        contact: { firstName: contact.firstName, lastName: contact.lastName },
        events: [event],
      };
      const r = await fetch(url + demo.webhook_path, {
        method: "POST",
        headers: { Authorization: `Bearer ${demo.channel_token}`, "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      const answer = await r.text();
      if (r.status !== 200) throw new Error(`webhook: ${r.status} ${answer}`);
      return JSON.parse(answer).results[0];
    },
    /**
     * asked waits until the integrator has delivered to the contact a
     * message matching re (e.g. the demo workflow's question): a contact
     * answers only what they were asked.
     */
    asked(contact, re = /What can we help you with/) {
      return integrator.waitFor((m) => m.body?.contactId === contact.id && re.test(m.body?.message?.text ?? ""), {
        what: `the contact ${contact.id} to be asked ${re}`,
      });
    },
    /** teamID answers the id of the demo team named name. */
    async teamID(name) {
      const teams = await server.api("GET", "/api/v1/teams?limit=200");
      const t = teams.data.find((x) => x.name === name);
      if (!t) throw new Error(`no team ${name}`);
      return t.id;
    },
    /**
     * createAgent makes an agent with PASSWORD through the API, adds them to
     * the named teams (made if missing), and leaves them busy (so the
     * availability switch has something to do). Answers {id, email, name}.
     */
    async createAgent({ name, teams = [], role = "agent", busy = true }) {
      const email = `${name.toLowerCase().replace(/[^a-z0-9]+/g, ".")}.${++contactSeq}@e2e.test`;
      const user = await server.api("POST", "/api/v1/users", { email, name, role, password: PASSWORD });
      for (const teamName of teams) {
        const all = await server.api("GET", "/api/v1/teams?limit=200");
        const team = all.data.find((x) => x.name === teamName);
        if (team) {
          await server.api("PATCH", `/api/v1/teams/${team.id}`, { member_ids: [...team.member_ids, user.id] });
        } else {
          await server.api("POST", "/api/v1/teams", { name: teamName, member_ids: [user.id] });
        }
      }
      if (busy) {
        // A session of their own says they are busy, then ends: the
        // browser's sign-in is theirs to make.
        const login = await server.api("POST", "/api/v1/auth/login", { email, password: PASSWORD });
        await server.api("PUT", "/api/v1/presence", { status: "busy" }, { token: login.token });
        await server.api("POST", "/api/v1/auth/logout", undefined, { token: login.token, expect: 204 });
      }
      return { id: user.id, email, name, password: PASSWORD };
    },
    /** A new contact of the custom channel, unique in this server (a fresh one per file). */
    newContact(firstName = "Casey", lastName = "Contact") {
      return { id: `+1555010${String(++contactSeq).padStart(4, "0")}`, firstName, lastName };
    },
    async stop() {
      if (process.env.E2E_SERVER_LOG) process.stderr.write(`--- switchboard serve (${url}) ---\n${log.join("")}`);
      if (!exited) {
        child.kill("SIGTERM");
        await until(() => exited, { timeout: 10_000, what: "switchboard to exit" }).catch(() => child.kill("SIGKILL"));
      }
      await integrator.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}

// ---------------------------------------------------------------- the browser

export const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
export const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * launchBrowser starts headless Chromium. playwright makes a fresh
 * temporary profile (user-data-dir) for every launch and deletes it at
 * close, so no state survives from one file to the next.
 */
export async function launchBrowser() {
  if (!existsSync(chromiumPath)) throw new Error(`no Chromium at ${chromiumPath} (set CHROMIUM)`);
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
}

// Console errors the browser itself prints for an API answer the app
// expects and handles: the signed-out probe of /api/v1/me and the CSRF
// token before sign-in.
const alwaysAllowed = [{ status: 401, path: /^\/api\/v1\/(me|auth\/csrf)$/ }];

/**
 * newUser opens a new browser context (one per person) and a page in it,
 * at 1440×900 unless told, with the theme and language set in
 * localStorage before the app loads. Every page error, console error, CSP
 * violation, dialog and 5xx answer is recorded in `problems`;
 * `allow(status, pathRegex)` accepts an expected failed request (the
 * browser logs those as console errors). Call `assertClean()` at the end.
 */
export async function newUser(
  browser,
  { name = "user", theme = "light", lang = "en", viewport = { width: 1440, height: 900 }, bypassCSP = false } = {},
) {
  const context = await browser.newContext({ viewport, bypassCSP, locale: lang === "fr" ? "fr-FR" : "en-US" });
  await context.addInitScript(
    ({ theme, lang }) => {
      try {
        localStorage.setItem("switchboard.theme", theme);
        localStorage.setItem("switchboard.lang", lang);
      } catch {
        // about:blank has no storage
      }
      document.addEventListener("securitypolicyviolation", (e) => {
        console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "(inline)"} at ${e.sourceFile}:${e.lineNumber}`);
      });
    },
    { theme, lang },
  );
  // What a person would wait for appears within seconds; a missing part
  // fails fast rather than at playwright's 30 s default.
  // A bound against a condition that never comes, not a speed check: beside
  // the Go tests on two cores a live update took over 10 s to show.
  context.setDefaultTimeout(Number(process.env.E2E_TIMEOUT ?? 30_000));
  const page = await context.newPage();
  const problems = [];
  const allowed = [...alwaysAllowed];
  const failed = []; // {status, path} of API answers >= 400
  const requests = []; // {method, path} of every request the page made
  page.on("request", (r) => {
    try {
      requests.push({ method: r.method(), path: new URL(r.url()).pathname });
    } catch {
      // data: and blob: URLs have no path worth keeping
    }
  });
  page.on("response", (r) => {
    const status = r.status();
    if (status < 400) return;
    const u = new URL(r.url());
    failed.push({ status, path: u.pathname });
    if (status >= 500) problems.push(`${status} from ${r.request().method()} ${u.pathname}`);
  });
  traceOf(context, page, name);
  page.on("pageerror", (e) => problems.push(`page error: ${e.stack || e.message}`));
  page.on("dialog", (d) => {
    problems.push(`dialog (${d.type()}): ${d.message()}`);
    void d.dismiss().catch(() => {});
  });
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    const text = m.text();
    const res = /Failed to load resource: the server responded with a status of (\d+)/.exec(text);
    if (res) {
      const status = Number(res[1]);
      let path = "";
      try {
        path = new URL(m.location().url).pathname;
      } catch {
        // no location: match on status alone
      }
      if (allowed.some((a) => a.status === status && (!path || a.path.test(path)))) return;
      problems.push(`console error: ${text} (${path})`);
      return;
    }
    problems.push(`console error: ${text}`);
  });
  return {
    context,
    page,
    problems,
    failed,
    requests,
    allow(status, path) {
      allowed.push({ status, path });
    },
    assertClean() {
      if (problems.length) throw new Error(`${name}'s page reported problems:\n  ${problems.join("\n  ")}`);
    },
    close: () => context.close(),
  };
}

/** The sign-in form, as a person fills it. */
export async function signIn(page, baseURL, email, password, path = "/inbox/all") {
  await page.goto(baseURL + path);
  const form = page.locator("form").filter({ has: page.locator('button[type="submit"]') });
  await form.getByLabel(/^(Email|E-mail)$/).fill(email);
  await form.getByLabel(/^(Password|Mot de passe)$/).fill(password);
  await form.locator('button[type="submit"]').click();
  // Signed in: the header's availability switch is there.
  await page.getByTestId("availability-switch").waitFor({ timeout: 15_000 });
}

/** The owner of the demo workspace. */
/**
 * describedText is the text of the elements a control's aria-describedby
 * names, read in one go: a locator on an id would wait its 30 s for an
 * element the page has just replaced (a field's hint by its error).
 */
export async function describedText(control) {
  return control.evaluate((el) =>
    (el.getAttribute("aria-describedby") ?? "")
      .split(" ")
      .filter(Boolean)
      .map((id) => document.getElementById(id)?.textContent ?? "")
      .join(" "),
  );
}

export function owner(server) {
  return { email: server.demo.owner_email, password: server.demo.owner_password ?? "switchboard" };
}

// ---------------------------------------------------------------- the inbox

/** row is the list's row of a conversation. */
export function row(page, conversationID) {
  return page.locator(`[role="listbox"] [data-testid="conversation-row"][data-conversation-id="${conversationID}"]`);
}

/** pane is the open conversation's pane. */
export function pane(page, conversationID) {
  return page.locator(`[data-testid="conversation"][data-conversation-id="${conversationID}"]`);
}

/** timelineItem is the timeline's item holding text. */
export function timelineItem(page, conversationID, text) {
  return pane(page, conversationID).locator('[data-testid="timeline"] [data-testid="timeline-item"]', { hasText: text });
}

/** goOnline flips the header's availability switch to online. */
export async function goOnline(page) {
  const sw = page.getByTestId("availability-switch");
  await sw.waitFor();
  if ((await sw.getAttribute("aria-checked")) !== "true") await sw.click();
  await page.locator('[role="switch"][aria-checked="true"]').waitFor();
}

// ---------------------------------------------------------------- screenshots

/** screenshot writes docs/screenshots/<name>-<theme>.png and answers its path. */
export async function screenshot(page, name, theme, { locator } = {}) {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}-${theme}.png`);
  await page.evaluate(() => document.fonts.ready.then(() => true));
  if (locator) await locator.screenshot({ path, animations: "disabled" });
  else await page.screenshot({ path, animations: "disabled" });
  return path;
}

// ---------------------------------------------------------------- a file's fixture

/**
 * fixture starts one server and one browser for a test file and stops
 * them after it: `const f = fixture(); … f.server, f.browser`.
 */
export function fixture(before, after, opts = {}) {
  const f = { server: null, browser: null };
  before(async () => {
    // Both started at once; when one fails the other is stopped here, or
    // a server whose browser could not start (no Chromium) outlived the run.
    const [server, browser] = await Promise.allSettled([startServer(opts), launchBrowser()]);
    f.server = server.status === "fulfilled" ? server.value : null;
    f.browser = browser.status === "fulfilled" ? browser.value : null;
    const failed = [server, browser].find((r) => r.status === "rejected");
    if (failed) {
      await f.browser?.close();
      await f.server?.stop();
      f.server = f.browser = null;
      throw failed.reason;
    }
  });
  afterEach((t) => {
    if (!t.passed) reportFailure(t.name, f.server);
  });
  after(async () => {
    await f.browser?.close();
    await f.server?.stop();
  });
  return f;
}
