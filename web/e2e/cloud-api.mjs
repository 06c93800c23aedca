// A local WhatsApp Cloud API for the browser tests, answering in Meta's
// format: a business account's message templates (when given), and the
// phone number's messages endpoint, every POST recorded — a send answers
// the message's id, a read status (a read receipt, a typing indicator)
// {"success": true}.
import { createServer } from "node:http";

export const businessAccountID = "102290129340398";
export const phoneNumberID = "106540352242922";

/** startCloudAPI serves the Cloud API on 127.0.0.1; posts are the bodies POSTed to messages, in order. */
export async function startCloudAPI({ templates } = {}) {
  const posts = [];
  const srv = createServer(async (req, res) => {
    let body = "";
    for await (const c of req) body += c;
    const path = new URL(req.url, "http://x").pathname;
    res.setHeader("Content-Type", "application/json");
    if (templates && req.method === "GET" && path.endsWith(`/${businessAccountID}/message_templates`)) {
      res.end(JSON.stringify({ data: templates, paging: { cursors: { before: "a", after: "b" } } }));
    } else if (req.method === "POST" && path.endsWith(`/${phoneNumberID}/messages`)) {
      const m = JSON.parse(body);
      posts.push(m);
      const sends = posts.filter((p) => p.status !== "read").length;
      res.end(JSON.stringify(m.status === "read" ? { success: true } : { messaging_product: "whatsapp", contacts: [{ input: m.to, wa_id: m.to }], messages: [{ id: `wamid.e2e${sends}` }] }));
    } else {
      res.statusCode = 404;
      res.end(JSON.stringify({ error: { message: `unknown path ${path}`, code: 100 } }));
    }
  });
  await new Promise((r) => srv.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${srv.address().port}`, posts, close: () => srv.close() };
}
