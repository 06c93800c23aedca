// The UI ships in English and French: every key of one language is in the
// other, and every key the source names literally exists.
import { describe, expect, it } from "vitest";
import { mergeLocales } from "./i18n";

type Tree = { [key: string]: string | Tree };

const localeFiles = import.meta.glob<{ default: Tree }>("../**/locales/*.json", { eager: true });
const sources = import.meta.glob<string>(["../**/*.ts", "../**/*.tsx", "!../**/*.test.ts", "!../**/*.test.tsx"], {
  eager: true,
  query: "?raw",
  import: "default",
});

function leaves(t: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(t)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === "string") out.set(key, v);
    else for (const [kk, vv] of leaves(v, key)) out.set(kk, vv);
  }
  return out;
}

const pluralSuffix = /_(zero|one|two|few|many|other)$/;

/** The plural forms of a language differ (French has "many"): compare base keys. */
function baseKeys(m: Map<string, string>): Set<string> {
  return new Set([...m.keys()].map((k) => k.replace(pluralSuffix, "")));
}

const vars = (s: string) => [...s.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]).sort();

/** Literal keys named in source: t("…"), t('…') and i18nKey="…". */
export function literalKeys(src: string): string[] {
  const out: string[] = [];
  for (const m of src.matchAll(/\bt\(\s*(["'])([^"'`\n]+?)\1/g)) out.push(m[2]!);
  for (const m of src.matchAll(/\bi18nKey=(["'])([^"'\n]+?)\1/g)) out.push(m[2]!);
  return out;
}

export function missingKeys(files: Record<string, string>, en: Map<string, string>): string[] {
  const missing: string[] = [];
  for (const [path, src] of Object.entries(files)) {
    for (const key of literalKeys(src)) {
      const found = en.has(key) || en.has(`${key}_one`) || en.has(`${key}_other`);
      if (!found) missing.push(`${path}: ${key}`);
    }
  }
  return missing;
}

describe("i18n", () => {
  const en = leaves(mergeLocales("en", localeFiles));
  const fr = leaves(mergeLocales("fr", localeFiles));

  it("finds the locale files and the source", () => {
    expect(Object.keys(localeFiles).length).toBeGreaterThan(1);
    expect(Object.keys(sources).some((p) => p.endsWith("App.tsx"))).toBe(true);
    expect(en.size).toBeGreaterThan(10);
  });

  it("has every English key in French and every French key in English", () => {
    const e = baseKeys(en);
    const f = baseKeys(fr);
    expect([...e].filter((k) => !f.has(k)), "missing in fr").toEqual([]);
    expect([...f].filter((k) => !e.has(k)), "missing in en").toEqual([]);
  });

  it("has no empty string, and the same {{variables}} in both languages", () => {
    const problems: string[] = [];
    for (const [k, v] of en) {
      if (!v.trim()) problems.push(`en ${k} is empty`);
      const other = fr.get(k);
      if (other === undefined) continue;
      if (!other.trim()) problems.push(`fr ${k} is empty`);
      if (JSON.stringify(vars(v)) !== JSON.stringify(vars(other))) problems.push(`${k}: {{}} differ`);
    }
    expect(problems).toEqual([]);
  });

  it("has every literal key the source uses, in English", () => {
    expect(missingKeys(sources, en)).toEqual([]);
  });

  it("would catch a missing key", () => {
    const fake = { "x.tsx": `const a = t("inbox.views.all"); const b = t('no.such.key'); <Trans i18nKey="nor.this" />; t(\`dyn.\${x}\`)` };
    expect(missingKeys(fake, en)).toEqual(["x.tsx: no.such.key", "x.tsx: nor.this"]);
  });
});
