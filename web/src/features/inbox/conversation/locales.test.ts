import { describe, expect, it } from "vitest";
import convEn from "./locales/en.json";
import convFr from "./locales/fr.json";
import contactEn from "../contact/locales/en.json";
import contactFr from "../contact/locales/fr.json";

type Tree = { [k: string]: string | Tree };
function keys(t: Tree, prefix = ""): string[] {
  return Object.entries(t).flatMap(([k, v]) => (typeof v === "string" ? [prefix + k] : keys(v, prefix + k + ".")));
}

describe("locales", () => {
  it("French has every English key and no other", () => {
    expect(keys(convFr as Tree).sort()).toEqual(keys(convEn as Tree).sort());
    expect(keys(contactFr as Tree).sort()).toEqual(keys(contactEn as Tree).sort());
  });
});
