// What a failed browser test leaves behind to be understood: each open
// page's last requests, answers and live-socket frames, with times, and
// the server's log. A wait that never ends says only what did not appear;
// these say whether the page asked, what the server answered and which
// events the socket carried (an intermittent failure is seldom seen twice).
const kept = 400; // lines per page, the newest

const traces = new Set();

/** traceOf records page's traffic until its context closes. */
export function traceOf(context, page, name) {
  const t0 = Date.now();
  const trace = { name, lines: [] };
  const note = (line) => {
    trace.lines.push(`${String(Date.now() - t0).padStart(6)} ms ${line}`);
    if (trace.lines.length > kept) trace.lines.shift();
  };
  const path = (url) => {
    try {
      const u = new URL(url);
      return u.pathname + u.search;
    } catch {
      return url.slice(0, 80);
    }
  };
  page.on("request", (r) => note(`→ ${r.method()} ${path(r.url())}`));
  page.on("response", (r) => note(`← ${r.status()} ${r.request().method()} ${path(r.url())}`));
  page.on("requestfailed", (r) => note(`✗ ${r.method()} ${path(r.url())}: ${r.failure()?.errorText ?? "failed"}`));
  page.on("websocket", (ws) => {
    note(`socket ${path(ws.url())}`);
    ws.on("framereceived", (f) => note(`socket ⇐ ${String(f.payload).slice(0, 240)}`));
    ws.on("framesent", (f) => note(`socket ⇒ ${String(f.payload).slice(0, 240)}`));
    ws.on("socketerror", (e) => note(`socket error: ${e}`));
    ws.on("close", () => note("socket closed"));
  });
  page.on("framenavigated", (fr) => {
    if (fr === page.mainFrame()) note(`navigated to ${path(fr.url())}`);
  });
  traces.add(trace);
  context.on("close", () => traces.delete(trace));
  return trace;
}

/** reportFailure writes every open page's trace and the server's log to stderr. */
export function reportFailure(testName, server) {
  const out = [`--- test failed: ${testName}: what its pages did (times from each page's start) ---`];
  for (const t of traces) out.push(`[${t.name}]`, ...t.lines);
  if (server) out.push(`--- switchboard serve (${server.url}), its log (--log-level ${server.logLevel}) ---`, server.log.join(""));
  process.stderr.write(out.join("\n") + "\n");
}
