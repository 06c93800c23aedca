// i18n: every string of the app goes through react-i18next, in English
// and French. A key missing from the active language is recorded in
// window.__missingKeys (the browser tests fail on any) and shown as the
// key itself, never silently in the other language.
import i18n from "i18next";
import { initReactI18next } from "react-i18next";

// Each area keeps its strings beside its code, in locales/en.json and
// locales/fr.json under a top-level key of its own ("inbox", "contact"…);
// they are merged here into one resource per language.
type Tree = { [key: string]: string | Tree };
const files = import.meta.glob<{ default: Tree }>("../**/locales/*.json", { eager: true });

export function mergeLocales(lang: string, all: Record<string, { default: Tree }> = files): Tree {
  const out: Tree = {};
  for (const [path, mod] of Object.entries(all)) {
    if (!path.endsWith(`/locales/${lang}.json`)) continue;
    for (const [k, v] of Object.entries(mod.default)) {
      if (k in out) throw new Error(`locale key ${k} is defined twice (${path})`);
      out[k] = v;
    }
  }
  return out;
}
const en = mergeLocales("en");
const fr = mergeLocales("fr");

export const languages = ["en", "fr"] as const;
export type Language = (typeof languages)[number];

declare global {
  interface Window {
    __missingKeys?: string[];
  }
}

/** savedLanguage is the language chosen on this browser (the header's menu), or null. */
export function savedLanguage(): Language | null {
  const saved = typeof localStorage !== "undefined" ? localStorage.getItem("switchboard.lang") : null;
  return saved === "en" || saved === "fr" ? saved : null;
}

function initialLanguage(): Language {
  const saved = savedLanguage();
  if (saved) return saved;
  const nav = typeof navigator !== "undefined" ? navigator.language.slice(0, 2) : "en";
  return nav === "fr" ? "fr" : "en";
}

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, fr: { translation: fr } },
  lng: initialLanguage(),
  fallbackLng: false,
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
  saveMissing: true,
  missingKeyHandler: (lngs, _ns, key) => {
    if (typeof window === "undefined") return;
    (window.__missingKeys ??= []).push(`${lngs.join(",")}:${key}`);
  },
});

// <html lang> follows the language shown, from the first render: screen
// readers pick their voice by it, and browsers their hyphenation.
const markPage = (lang: string) => {
  if (typeof document !== "undefined") document.documentElement.lang = lang;
};
markPage(i18n.language);
i18n.on("languageChanged", markPage);

/** currentLanguage is the language shown, which the server writes the
 * mails asked from here in (a password reset, an invitation). */
export function currentLanguage(): Language {
  return i18n.language === "fr" ? "fr" : "en";
}

export function setLanguage(lang: Language) {
  localStorage.setItem("switchboard.lang", lang);
  void i18n.changeLanguage(lang);
}

export default i18n;
