// Verifier of Switchboard's webhook signatures (docs/webhooks.md).
// Copy verify() into your receiver. Run as a script, it checks a delivery:
//   node verify.mjs SECRET SIGNATURE_HEADER [NOW_UNIX] < body
// and exits 0 when it is valid, 1 (with the reason) otherwise.
import { createHmac, timingSafeEqual } from "node:crypto";
import { pathToFileURL } from "node:url";

export const TOLERANCE = 5 * 60; // seconds: older deliveries are refused as replays

// verify throws unless header signs body (the raw bytes received, a Buffer
// or string) with secret within TOLERANCE of now (Unix seconds).
export function verify(secret, body, header, now = Date.now() / 1000) {
  let ts = null;
  const sigs = [];
  for (const part of header.split(",")) {
    const i = part.indexOf("=");
    if (i < 0) continue;
    const key = part.slice(0, i).trim();
    const value = part.slice(i + 1).trim();
    if (key === "t") ts = value;
    else if (key === "v1") sigs.push(value);
  }
  if (ts === null || !/^\d+$/.test(ts) || sigs.length === 0) throw new Error("malformed signature header");
  if (Math.abs(now - Number(ts)) > TOLERANCE) throw new Error("timestamp outside the tolerance (replay?)");
  const want = createHmac("sha256", secret).update(ts + ".").update(body).digest();
  const ok = sigs.some((s) => {
    const got = Buffer.from(s, "hex");
    return got.length === want.length && timingSafeEqual(got, want);
  });
  if (!ok) throw new Error("signature does not match");
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [secret, header, now] = process.argv.slice(2);
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  try {
    verify(secret, Buffer.concat(chunks), header, now ? Number(now) : undefined);
    console.log("valid");
  } catch (e) {
    console.log(e.message);
    process.exit(1);
  }
}
