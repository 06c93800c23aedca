// @vitest-environment node
/// <reference types="node" />
// The app's types are generated from the server's OpenAPI document into
// api-types.ts, which is not committed: make (and npm's prebuild)
// generates it. This fails when the file the type check read was not
// generated again after openapi.json changed (npm run api-types). The Go
// test TestWebAppOpenAPIIsCurrent keeps openapi.json itself in step with
// the server.
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";

test("api-types.ts is generated from openapi.json", () => {
  const dir = mkdtempSync(join(tmpdir(), "api-types-"));
  const out = join(dir, "api-types.ts");
  execFileSync(
    process.execPath,
    ["node_modules/openapi-typescript/bin/cli.js", "src/lib/openapi.json", "-o", out],
    { stdio: "pipe" },
  );
  const fresh = readFileSync(out, "utf8");
  const generated = readFileSync("src/lib/api-types.ts", "utf8");
  expect(generated === fresh, "src/lib/api-types.ts is stale: run `npm run api-types` in web/").toBe(true);
}, 60_000);
