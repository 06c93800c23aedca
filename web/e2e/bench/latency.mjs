#!/usr/bin/env node
// The browser benchmark of issue 9 ("Speed"): webhook acknowledged →
// message visible in an open inbox in Chromium, with 50 agent sockets
// open; the inbox's first render; the JavaScript the inbox route loads,
// gzipped. A script, not a test (node --test does not pick it up):
//
//   make build && cd web && node e2e/bench/latency.mjs [--messages 200] [--out ../docs/benchmarks.md]
//
// It prints a Markdown section "## Web app in Chromium"; with --out it
// replaces that section of the file (or appends it), leaving the other
// benchmarks' sections alone, as bench/harness.WriteSection does.
//
// One Chromium page (the owner's inbox) is the 50th socket; the other 49
// are plain WebSocket clients in this process, each signed in as its own
// agent with a session token. Agents are given see_all_conversations, so
// every socket carries every event (the heaviest fan-out). Both ends of
// each measurement are taken inside the page on one clock: the page posts
// the inbound webhook itself (same origin, the channel's token as bearer),
// notes performance.now() when the answer arrives (acknowledged), and a
// MutationObserver notes when the message's preview is in the list, then
// the next animation frame (painted).
import { execFileSync, spawn } from "node:child_process";
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { cpus, loadavg, release } from "node:os";
import { basename, join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { parseArgs } from "node:util";
import { ms, pct, replaceSection } from "./report.mjs";


async function main() {
  const { values: args } = parseArgs({
    options: {
      messages: { type: "string", default: "200" },
      sockets: { type: "string", default: "50" },
      conversations: { type: "string", default: "10" },
      loads: { type: "string", default: "10" },
      out: { type: "string" },
    },
  });
  const N = Number(args.messages);
  const SOCKETS = Number(args.sockets);
  const CONVS = Number(args.conversations);
  const LOADS = Number(args.loads);
  const { startServer, launchBrowser, newUser, owner, signIn, until, webRoot, repoRoot, chromiumPath } = await import(
    "../harness.mjs"
  );
  const heading = "## Web app in Chromium";
  const startedAt = new Date();
  const load0 = loadavg()[0];

  const s = await startServer({
    workflows: false,
    extraArgs: ["--api-rate-limit", "0", "--login-limit-per-address", "off", "--login-limit-per-email", "off"],
  });
  const browser = await launchBrowser();
  const cleanup = async () => {
    await browser.close().catch(() => {});
    await s.stop().catch(() => {});
  };
  try {
    // Every agent sees every conversation: each socket carries each event.
    await s.api("PATCH", "/api/v1/workspace", {
      permissions: { agent: { see_all_conversations: true, export_contacts: false, delete_contacts: false } },
    });

    // The conversations whose previews the page watches: all on screen.
    const contacts = [];
    for (let i = 0; i < CONVS; i++) {
      const c = s.newContact("Bench", `Contact ${String(i + 1).padStart(2, "0")}`);
      await s.contactWrites(c, `Opening message ${i + 1}`);
      contacts.push(c);
    }

    // 49 agents, each with a session token and a socket from this process.
    const sockets = [];
    let framesIn = 0;
    for (let i = 0; i < SOCKETS - 1; i++) {
      const a = await s.createAgent({ name: `Bench Agent ${i + 1}`, busy: false });
      const login = await s.api("POST", "/api/v1/auth/login", { email: a.email, password: a.password });
      const ws = new WebSocket(s.url.replace(/^http/, "ws") + "/api/v1/live", {
        headers: { Authorization: `Bearer ${login.token}` },
      });
      ws.onmessage = () => framesIn++;
      sockets.push(
        new Promise((ok, fail) => {
          ws.onopen = () => ok(ws);
          ws.onerror = () => fail(new Error(`agent socket ${i + 1} did not open`));
        }),
      );
    }
    const open = await Promise.all(sockets);

    // The owner's inbox in Chromium: the 50th socket.
    const u = await newUser(browser);
    const { page } = u;
    const ow = owner(s);
    await signIn(page, s.url, ow.email, ow.password);

    // First render: navigation start → first conversation row in the DOM
    // (and its next frame), over fresh loads of /inbox/all; the JS the
    // route requested, gzipped from web/dist.
    await page.addInitScript(() => {
      const seen = () => document.querySelector('[data-testid="conversation-row"]');
      const mark = () => {
        if (window.__benchFirstRow !== undefined) return;
        window.__benchFirstRow = performance.now();
        requestAnimationFrame(() => (window.__benchFirstRowPainted = performance.now()));
      };
      new MutationObserver(() => seen() && mark()).observe(document, { childList: true, subtree: true });
    });
    const firstRender = [];
    const firstPaint = [];
    const scripts = new Set(); // every script any load of the route asked for
    for (let i = 0; i < LOADS; i++) {
      const js = new Set();
      const onResponse = (r) => {
        const p = new URL(r.url()).pathname;
        if (r.request().resourceType() === "script" || p.endsWith(".js")) js.add(p);
      };
      page.on("response", onResponse);
      await page.goto(s.url + "/inbox/all");
      const t = await until(
        () => page.evaluate(() => window.__benchFirstRowPainted !== undefined && [window.__benchFirstRow, window.__benchFirstRowPainted]),
        { timeout: 15_000, what: "the first conversation row" },
      ).catch(() => null);
      page.off("response", onResponse);
      if (t) {
        firstRender.push(t[0]);
        firstPaint.push(t[1]);
      }
      for (const p of js) scripts.add(p);
    }
    let gzipBytes = 0;
    let rawBytes = 0;
    const files = [];
    for (const p of scripts) {
      const f = join(webRoot, "dist", p.replace(/^\//, ""));
      if (!existsSync(f)) continue;
      const buf = readFileSync(f);
      const gz = gzipSync(buf, { level: 9 }).length;
      rawBytes += buf.length;
      gzipBytes += gz;
      files.push({ name: basename(f), raw: buf.length, gz });
    }

    // Latency: the page posts each message and watches for its preview;
    // one evaluate per message resolves when the preview is painted (or
    // after 5 s), so nothing polls the page while it works.
    await page.evaluate(() => {
      let want = null;
      let done = null;
      const check = () => {
        if (!want) return;
        for (const el of document.querySelectorAll('[data-testid="row-preview"]')) {
          if (el.textContent && el.textContent.includes(want)) {
            const dom = performance.now();
            const finish = done;
            want = null;
            requestAnimationFrame(() => finish({ dom, painted: performance.now() }));
            return;
          }
        }
      };
      new MutationObserver(check).observe(document.body, { childList: true, subtree: true, characterData: true });
      window.__benchWatch = (word) =>
        new Promise((ok) => {
          want = word;
          done = ok;
          setTimeout(() => {
            if (want === word) {
              want = null;
              ok(null);
            }
          }, 5_000);
        });
      window.__benchCheck = check;
    });
    const channel = { path: s.demo.webhook_path, token: s.demo.channel_token, id: String(s.demo.channel_id) };
    const samples = [];
    let missed = 0;
    let posted = 0;
    const framesBefore = framesIn;
    for (let i = 0; i < N; i++) {
      const c = contacts[i % contacts.length];
      const word = `bench-${i}-${Date.now().toString(36)}`;
      const sample = await page.evaluate(
        async ({ channel, c, word, i }) => {
          const seen = window.__benchWatch(word);
          const body = {
            channelId: channel.id,
            contactId: c.id,
            contact: { firstName: c.firstName, lastName: c.lastName },
            events: [{ type: "message", mId: word, timestamp: Date.now(), message: { type: "text", text: `Message ${i}: ${word}` } }],
          };
          const sent = performance.now();
          const r = await fetch(channel.path, {
            method: "POST",
            credentials: "omit",
            headers: { Authorization: `Bearer ${channel.token}`, "Content-Type": "application/json" },
            body: JSON.stringify(body),
          });
          const acked = performance.now();
          if (r.status !== 200) return { error: `webhook ${r.status}` };
          window.__benchCheck();
          const at = await seen;
          return at ? { sent, acked, ...at } : { sent, acked, missed: true };
        },
        { channel, c, word, i },
      );
      if (sample.error) throw new Error(sample.error);
      posted++;
      if (sample.missed) {
        missed++;
        if (missed >= 3 && samples.length === 0) break; // the list is not there: stop early
        continue;
      }
      samples.push(sample);
    }
    // Let the last message's frames reach the Node clients before counting.
    await until(() => framesIn - framesBefore >= posted * (SOCKETS - 1), { timeout: 2_000, what: "the last frames" }).catch(() => {});
    const framesPerMessage = posted ? (framesIn - framesBefore) / posted : 0;
    for (const ws of open) ws.close(1000);
    u.assertClean();
    await u.close();

    // The report.
    const ackToPaint = samples.map((x) => x.painted - x.acked).sort((a, b) => a - b);
    const ackToDom = samples.map((x) => x.dom - x.acked).sort((a, b) => a - b);
    const sentToPaint = samples.map((x) => x.painted - x.sent).sort((a, b) => a - b);
    const sentToAck = samples.map((x) => x.acked - x.sent).sort((a, b) => a - b);
    const fr = [...firstRender].sort((a, b) => a - b);
    const fp = [...firstPaint].sort((a, b) => a - b);
    let commit = "unknown";
    try {
      commit = execFileSync("git", ["describe", "--always", "--dirty"], { cwd: repoRoot, encoding: "utf8" }).trim();
    } catch {
      // not a checkout
    }
    const chromeVersion = browser.version();
    const aim = (v, lim) => (Number.isFinite(v) ? (v < lim ? "met" : "**not met**") : "**not measured**");
    const row = (name, a) => `| ${name} | ${ms(pct(a, 50))} | ${ms(pct(a, 95))} | ${ms(pct(a, 99))} | ${ms(a[a.length - 1])} |`;
    const lines = [
      heading,
      "",
      "Written by `node e2e/bench/latency.mjs` in `web/` (after `make build`); every number below comes from one run.",
      "",
      `- Date: ${startedAt.toISOString().slice(0, 16).replace("T", " ")} UTC; commit ${commit}`,
      `- Machine: ${cpus().length} CPUs, ${process.platform}/${process.arch}, Linux ${release()}; load average ${load0.toFixed(2)} when the run started`,
      `- Chromium ${chromeVersion} (${chromiumPath}), headless, driven by playwright-core; Node ${process.version}; the server on SQLite, on the same machine`,
      "",
      "### Method",
      "",
      `The real binary serves a fresh demo workspace without its inbound workflow (so the contact's message stays the newest). ${CONVS} conversations are opened through the custom channel's webhook and all fit on screen. ${SOCKETS} sockets are open on \`/api/v1/live\`: the owner's inbox page in Chromium (1440×900) and ${SOCKETS - 1} WebSocket clients in Node, each a different agent signed in with a session token; agents are given \`see_all_conversations\`, so every socket carries every event (${framesPerMessage.toFixed(1)} frames per message reached the Node clients). Then ${N} messages, one after another, each to the next conversation in turn: the page itself POSTs the webhook (same origin, the channel's token as bearer) and notes \`performance.now()\` when the answer arrives (**acknowledged**); a MutationObserver notes when the list's \`row-preview\` holds the message's text (**in the DOM**) and the next animation frame (**painted**). Both ends are on the page's clock. **First render** is navigation start → the first \`conversation-row\` in the DOM (and painted), over ${LOADS} loads of \`/inbox/all\` with the session signed in. **JavaScript** is every script the inbox route requested, read from \`web/dist\` and gzipped at level 9.`,
      "",
      "### Results",
      "",
      `Messages measured: ${samples.length} of ${N}${missed ? ` (${missed} previews never appeared within 5 s)` : ""}.`,
      "",
      "| interval | p50 | p95 | p99 | max |",
      "|---|---:|---:|---:|---:|",
      row("webhook acknowledged → preview painted", ackToPaint),
      row("webhook acknowledged → preview in the DOM", ackToDom),
      row("webhook sent → preview painted", sentToPaint),
      row("webhook sent → acknowledged", sentToAck),
      row(`first render: navigation → first row in the DOM (${fr.length} loads)`, fr),
      row(`first render: navigation → first row painted (${fp.length} loads)`, fp),
      "",
      "| JavaScript of the inbox route | raw | gzip -9 |",
      "|---|---:|---:|",
      ...files.map((f) => `| \`${f.name}\` | ${(f.raw / 1024).toFixed(1)} KB | ${(f.gz / 1024).toFixed(1)} KB |`),
      `| **total** | ${(rawBytes / 1024).toFixed(1)} KB | ${(gzipBytes / 1024).toFixed(1)} KB |`,
      "",
      "### Reading",
      "",
      `- Aim: webhook acknowledged → message visible in an open inbox under 200 ms at p99 with ${SOCKETS} agent sockets open. p99 ${ms(pct(ackToPaint, 99))} (${aim(pct(ackToPaint, 99), 200)}); p50 ${ms(pct(ackToPaint, 50))}.`,
      `- Aim: JavaScript shipped for the inbox route under 300 KB gzipped: ${(gzipBytes / 1024).toFixed(1)} KB (${aim(gzipBytes ? gzipBytes / 1024 : NaN, 300)}).`,
      `- The inbox's first render: p50 ${ms(pct(fp, 50))} to the first row painted (no aim set).`,
      "- The event can reach the page before the webhook's answer does (both leave the server at about the same time), so acknowledged → in the DOM can be below zero for some messages; sent → painted bounds the whole path from the contact's side.",
      "",
    ];
    const section = lines.join("\n");
    process.stdout.write(section);
    if (args.out) {
      const path = resolve(process.cwd(), args.out);
      const doc = existsSync(path) ? readFileSync(path, "utf8") : "";
      writeFileSync(path, replaceSection(doc, heading, section));
      console.error(`wrote the "${heading}" section of ${path}`);
    }
  } finally {
    await cleanup();
  }
}

// Node 20's WebSocket client (undici) sits behind a flag: run again with it.
if (typeof WebSocket === "undefined") {
  const child = spawn(process.execPath, ["--experimental-websocket", "--no-warnings", ...process.argv.slice(1)], {
    stdio: "inherit",
  });
  child.on("exit", (code) => process.exit(code ?? 1));
} else {
  await main();
}
