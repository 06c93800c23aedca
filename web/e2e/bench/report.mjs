// What the browser benchmarks share: percentiles, the run's context
// (date, commit, machine, Chromium), and writing one "## …" section of
// docs/benchmarks.md in place, leaving the other sections alone (as
// bench/harness.WriteSection does for the Go benchmarks).
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, release } from "node:os";
import { resolve } from "node:path";

/** pct is the p-th percentile (nearest rank) of an ascending array; NaN when empty. */
export function pct(sorted, p) {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/** sorted answers an ascending copy of numbers. */
export const sorted = (xs) => [...xs].sort((a, b) => a - b);

/** ms formats milliseconds, or "—" for what was not measured. */
export const ms = (v) => (Number.isFinite(v) ? `${v.toFixed(1)} ms` : "—");

/** aim says whether v is under lim: met, **not met** or **not measured**. */
export const aim = (v, lim) => (Number.isFinite(v) ? (v < lim ? "met" : "**not met**") : "**not measured**");

/**
 * replaceSection answers doc with the section starting at the line
 * `heading` (up to the next "## ") replaced by section, or with section
 * appended when doc has no such heading.
 */
export function replaceSection(doc, heading, section) {
  if (!section.endsWith("\n")) section += "\n";
  if (!doc.trim()) return "# Benchmarks\n\n" + section;
  const lines = doc.split(/(?<=\n)/);
  let start = -1;
  let end = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r?\n$/, "");
    if (line === heading && start < 0) {
      start = i;
      continue;
    }
    if (start >= 0 && lines[i].startsWith("## ")) {
      end = i;
      break;
    }
  }
  if (start < 0) return (doc.endsWith("\n") ? doc : doc + "\n") + "\n" + section;
  const after = lines.slice(end).join("");
  if (after) section += "\n";
  return lines.slice(0, start).join("") + section + after;
}

/** writeSection replaces (or appends) the section of the file at out, relative to the working directory. */
export function writeSection(out, heading, section) {
  const path = resolve(process.cwd(), out);
  const doc = existsSync(path) ? readFileSync(path, "utf8") : "";
  writeFileSync(path, replaceSection(doc, heading, section));
  console.error(`wrote the "${heading}" section of ${path}`);
}

/** context notes what a run's numbers depend on; call it when the run starts. */
export function runContext(repoRoot) {
  let commit = "unknown";
  try {
    commit = execFileSync("git", ["describe", "--always", "--dirty"], { cwd: repoRoot, encoding: "utf8" }).trim();
  } catch {
    // not a checkout
  }
  return { startedAt: new Date(), load: loadavg()[0], commit };
}

/** contextLines are the section's "Date / Machine / Chromium" bullets. */
export function contextLines(ctx, browser, chromiumPath) {
  return [
    `- Date: ${ctx.startedAt.toISOString().slice(0, 16).replace("T", " ")} UTC; commit ${ctx.commit}`,
    `- Machine: ${cpus().length} CPUs (${cpus()[0]?.model?.trim() ?? "unknown"}), ${process.platform}/${process.arch}, Linux ${release()}; load average ${ctx.load.toFixed(2)} when the run started`,
    `- Chromium ${browser.version()} (${chromiumPath}), headless, driven by playwright-core; Node ${process.version}; the server on SQLite, on the same machine`,
  ];
}
