// A small fuzzy filter for the command palette: every typed character in
// order, scored higher at word starts and in runs, accents ignored.
import { fold } from "../../../lib/fold";

const boundary = /[\s\-_/.:'’#]/;

/** score is how well `query` matches `text`, or null when it does not. */
export function score(query: string, text: string): number | null {
  const q = fold(query).replace(/\s+/g, "");
  if (!q) return 0;
  const s = fold(text);
  // The first character starts a word: "tm" finds "Theme", not "aTtend me".
  let start = -1;
  for (let i = s.indexOf(q[0]!); i >= 0; i = s.indexOf(q[0]!, i + 1)) {
    if (i === 0 || boundary.test(s[i - 1]!)) {
      start = i;
      break;
    }
  }
  if (start < 0) return null;
  let total = 0;
  let from = start;
  let prev = -2;
  for (const ch of q) {
    const i = s.indexOf(ch, from);
    if (i < 0) return null;
    let pts = 1;
    if (i === 0 || boundary.test(s[i - 1]!)) pts += 3;
    if (i === prev + 1) pts += 2;
    pts -= Math.min(2, (i - from) * 0.05);
    total += pts;
    prev = i;
    from = i + 1;
  }
  // A shorter text with the same matches is the better answer.
  return total - s.length * 0.01;
}

/** filter keeps the items that match, best first (ties keep their order). */
export function fuzzyFilter<T>(query: string, items: readonly T[], text: (t: T) => string): T[] {
  if (!query.trim()) return [...items];
  const scored: { item: T; s: number; i: number }[] = [];
  items.forEach((item, i) => {
    const s = score(query, text(item));
    if (s !== null) scored.push({ item, s, i });
  });
  scored.sort((a, b) => b.s - a.s || a.i - b.i);
  return scored.map((x) => x.item);
}

/** keyLabel shows a shortcut the way this keyboard writes it. */
export function keyLabel(key: string, mac = isMac()): string {
  if (key.startsWith("mod+")) return (mac ? "⌘" : "Ctrl ") + key.slice(4).toUpperCase();
  if (key === "Escape") return "Esc";
  return key;
}

export function isMac(): boolean {
  return typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
}
