// Attachments: a file picked in the composer is uploaded to the media
// store, checked by its content (an HTML page named .png is refused and
// says so), sent to the integrator as the custom channel's attachment, and
// shown in the timeline; the file is served to members only.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { fixture, newUser, owner, pane, signIn } from "./harness.mjs";

const f = fixture(before, after, { workflows: false });

// A 2×2 PNG.
const png = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==",
  "base64",
);

test("an image is uploaded, sent to the integrator and shown; a disguised page is refused", async () => {
  const s = f.server;
  const contact = s.newContact("Pia", "Picture");
  const { conversation_id: id } = await s.contactWrites(contact, "Here is the broken part, can you see it?");
  const u = await newUser(f.browser, { name: "the owner" });
  const { page } = u;
  u.allow(422, /^\/api\/v1\/media$/); // the disguised page, refused
  const ow = owner(s);
  await signIn(page, s.url, ow.email, ow.password, `/inbox/all/${id}`);
  const p = pane(page, id);
  const composer = p.locator('[data-testid="composer"]');
  await composer.locator("textarea").waitFor();

  // An HTML page named like an image: refused by its content, and said.
  await composer.locator('[data-testid="composer-file"]').setInputFiles({
    name: "photo.png",
    mimeType: "image/png",
    buffer: Buffer.from("<!doctype html><script>alert(1)</script>"),
  });
  await composer.getByText(/photo\.png could not be uploaded/).waitFor();
  await composer.getByRole("button", { name: /photo\.png/ }).click(); // remove it

  // A real image.
  await composer.locator('[data-testid="composer-file"]').setInputFiles({ name: "part.png", mimeType: "image/png", buffer: png });
  await composer.getByText("part.png", { exact: true }).waitFor();
  await composer.locator("textarea").fill("Here is how it should look");
  await composer.locator('[data-testid="send"]').click();

  const got = await s.integrator.waitFor((m) => m.body?.contactId === contact.id && m.body?.message?.attachment);
  const att = got.body.message.attachment;
  assert.equal(att.type, "image", JSON.stringify(got.body.message));
  assert.match(att.url, /\/media\/[0-9a-f]{32}\/\S+$/);

  // The integrator fetches it without a token (the key stands for one).
  const fetched = await fetch(new URL(att.url, s.url));
  assert.equal(fetched.status, 200);
  assert.equal(fetched.headers.get("content-type"), "image/png");
  assert.deepEqual(Buffer.from(await fetched.arrayBuffer()), png);
  // Without the key and without a session, the media API answers nothing.
  const mediaID = /\/media\/([0-9a-f]{32})\//.exec(att.url)[1];
  const anon = await fetch(`${s.url}/api/v1/media/${mediaID}`);
  assert.ok(anon.status === 401 || anon.status === 404, `anonymous GET /api/v1/media: ${anon.status}`);

  // The timeline shows the image, loaded from this server.
  const img = p.locator('[data-testid="timeline-item"][data-kind="message"][data-direction="out"] img');
  await img.first().waitFor();
  const src = await img.first().getAttribute("src");
  assert.ok(src && new URL(src, s.url).origin === s.url, `the image's src: ${src}`);
  await page.waitForFunction((el) => el.complete && el.naturalWidth === 2, await img.first().elementHandle());
  // Nothing of the refused page was sent.
  assert.equal(s.integrator.received.filter((m) => JSON.stringify(m.body).includes("photo.png")).length, 0);
  u.assertClean();
  await u.close();
});
