// The rating page is the one screen a contact sees: every string of it in
// English and French alike, with the same {{variables}}, and each of the
// five answers named.
import { describe, expect, it } from "vitest";
import en from "./locales/en.json";
import fr from "./locales/fr.json";

type Tree = { [k: string]: string | Tree };
function leaves(t: Tree, prefix = ""): [string, string][] {
  return Object.entries(t).flatMap(([k, v]) => (typeof v === "string" ? [[prefix + k, v] as [string, string]] : leaves(v, prefix + k + ".")));
}
const vars = (s: string) => [...s.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]).sort();

describe("the rating page's locales", () => {
  const e = new Map(leaves(en as Tree));
  const f = new Map(leaves(fr as Tree));

  it("has the same keys in both languages", () => {
    expect([...f.keys()].sort()).toEqual([...e.keys()].sort());
  });

  it("has the same {{variables}} in both languages", () => {
    for (const [k, v] of e) expect(vars(f.get(k) ?? ""), k).toEqual(vars(v));
  });

  it.each(["1", "2", "3", "4", "5"])("names the answer %s", (r) => {
    expect(e.get(`survey.rating.${r}`)).toBeTruthy();
    expect(f.get(`survey.rating.${r}`)).toBeTruthy();
  });
});
