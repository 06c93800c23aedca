// A tiny SMTP server on loopback for the browser tests: it speaks just
// enough of RFC 5321 (no STARTTLS, no AUTH) to take the node's mail, and
// keeps each message with its envelope and decoded text.
import { createServer } from "node:net";
import { fixture, until } from "./harness.mjs";

/** startSmtpSink listens on a free loopback port: {port, mails, waitFor(pred), close()}. */
export async function startSmtpSink() {
  const mails = [];
  const server = createServer((socket) => {
    let buffer = "";
    let data = null; // the DATA being read, or null between commands
    let envelope = { from: "", to: [] };
    const say = (line) => socket.write(line + "\r\n");
    say("220 sink.e2e ESMTP");
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      for (;;) {
        if (data !== null) {
          const end = buffer.indexOf("\r\n.\r\n");
          if (end < 0) return;
          const raw = data + buffer.slice(0, end);
          buffer = buffer.slice(end + 5);
          mails.push({ ...envelope, raw, text: decode(raw) });
          data = null;
          envelope = { from: "", to: [] };
          say("250 2.0.0 kept");
          continue;
        }
        const nl = buffer.indexOf("\r\n");
        if (nl < 0) return;
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === "EHLO") say("250-sink.e2e\r\n250 8BITMIME");
        else if (verb === "HELO") say("250 sink.e2e");
        else if (verb === "MAIL") (envelope.from = /<([^>]*)>/.exec(line)?.[1] ?? ""), say("250 2.1.0 ok");
        else if (verb === "RCPT") envelope.to.push(/<([^>]*)>/.exec(line)?.[1] ?? ""), say("250 2.1.5 ok");
        else if (verb === "DATA") (data = ""), say("354 go on");
        else if (verb === "QUIT") say("221 bye"), socket.end();
        else if (verb === "RSET" || verb === "NOOP") say("250 ok");
        else say("502 5.5.1 not here");
      }
    });
    socket.on("error", () => {});
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: server.address().port,
    mails,
    /** waitFor answers the first message pred accepts, once it arrives. */
    waitFor(pred, what = "a mail") {
      return until(() => mails.find(pred), { what });
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** decode is a single-part message's text: its body, quoted-printable undone. */
function decode(raw) {
  const body = raw.slice(raw.indexOf("\r\n\r\n") + 4).replace(/^\.\./gm, ".");
  if (!/content-transfer-encoding:\s*quoted-printable/i.test(raw)) return body;
  const bytes = body.replace(/=\r\n/g, "").replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(bytes, "latin1").toString("utf8");
}

/**
 * mailingFixture is the harness's fixture of a node that mails through a
 * sink started before it (--mail-smtp-url, --mail-from, --public-url, and
 * the serve flags in more): {f, sink} — sink is set once the tests' before
 * hooks ran.
 */
export function mailingFixture(before, after, more = []) {
  const m = { sink: null, f: null };
  before(async () => {
    m.sink = await startSmtpSink();
  });
  m.f = fixture(before, after, {
    extraArgs: (url) => ["--mail-smtp-url", `smtp://127.0.0.1:${m.sink.port}`, "--mail-from", "Switchboard <no-reply@e2e.test>", "--public-url", url, ...more],
  });
  after(() => m.sink?.close());
  return m;
}
