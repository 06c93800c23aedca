// The Go binary embeds web/dist (web/embed.go), and go:embed refuses a
// pattern that matches nothing: the committed dist/.keep lets Go build and
// test on a clone where the app was never built. Vite empties dist on each
// build, so the marker is written back.
import { writeFileSync } from "node:fs";
writeFileSync(new URL("../dist/.keep", import.meta.url), "");
