/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import tailwindcss from "@tailwindcss/vite";
import { mockingFiles } from "./scripts/mocking-files.mjs";

// Unit tests share one jsdom and one module graph per worker (isolate:
// false): setting up a fresh environment and re-importing React for each
// of ~70 files was most of the run (113 s, against 43 s so). A file that
// replaces a module with vi.mock needs its own graph, or the replacement
// leaks into the files after it; those run isolated, found by reading the
// files (scripts/mocking-files.mjs). Globals and env stubs are put back after
// every test by the config (unstubGlobals, unstubEnvs), not only by the
// files that remember to. The paths are relative to web/, where vitest
// runs (npm test), as the include patterns are.
const mocking = mockingFiles("src");

// The app is served by the switchboard binary from web/dist (go:embed);
// `npm run dev` proxies the API to a node on :8080.
export default defineConfig({
  plugins: [react(), tailwindcss()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 400 },
  server: {
    proxy: {
      "/api": { target: "http://127.0.0.1:8080", ws: true },
      "/media": "http://127.0.0.1:8080",
    },
  },
  test: {
    environment: "jsdom",
    // A bound against a hung test, not a speed check: beside the Go tests
    // on two cores, two inbox tests that take about a second alone took
    // over vitest's default 5 s and failed a clean-clone run.
    testTimeout: 30_000,
    setupFiles: ["src/test/setup.ts"],
    unstubGlobals: true,
    unstubEnvs: true,
    projects: [
      { extends: true, test: { name: "mocking", include: mocking } },
      {
        extends: true,
        test: { name: "shared", isolate: false, include: ["src/**/*.test.{ts,tsx}", "scripts/*.test.mjs"], exclude: mocking },
      },
    ],
  },
});
