// The words a message search found, marked in the message it opened at:
// folded and split the way the server's index folds them (lower case, no
// accents, letters and digits), each query word matching the start of a
// word of the text, as the search does. Chinese and Japanese, unspaced,
// are searched by pairs of characters side by side (knowledge/cjk.go):
// the characters of each pair found are marked where they stand.
import { fold } from "../../../lib/fold";

/** cjkChar: a character of Han, Hiragana or Katakana (with the long vowel and iteration marks), as the server's knowledge.IsCJK. */
const cjkChar = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー々〆]/u;

/** runs cuts a word into its runs of Chinese or Japanese characters (a character's marks with it) and of the rest. */
function runs(word: string): { text: string; at: number; cjk: boolean }[] {
  const out: { text: string; at: number; cjk: boolean }[] = [];
  let at = 0;
  for (const ch of word) {
    const isCJK = cjkChar.test(ch);
    const joins = /\p{M}/u.test(ch) && out.length > 0;
    const last = out[out.length - 1];
    if (last && (last.cjk === isCJK || joins)) last.text += ch;
    else out.push({ text: ch, at, cjk: isCJK });
    at += ch.length;
  }
  return out;
}

/** searchWords are the words of a search, folded; a Chinese or Japanese run gives its pairs of characters (one character alone, itself). */
export function searchWords(q: string): string[] {
  const out: string[] = [];
  for (const word of fold(q).match(/[\p{L}\p{N}]+/gu) ?? []) {
    for (const r of runs(word)) {
      const chars = Array.from(r.text);
      if (!r.cjk || chars.length === 1) out.push(r.text);
      else for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
    }
  }
  return out;
}

export type Piece = { text: string; mark: boolean };

/** markWords cuts text into pieces, marking each word that starts with one of words (folded), and in Chinese or Japanese each pair found. */
export function markWords(text: string, words: string[]): Piece[] {
  if (words.length === 0) return [{ text, mark: false }];
  const pairs = words.filter((w) => cjkChar.test(w));
  const spaced = words.filter((w) => !cjkChar.test(w));
  const marks: [number, number][] = []; // [from, to) in text, in order
  for (const m of text.matchAll(/[\p{L}\p{N}\p{M}'’]+/gu)) {
    const start = m.index ?? 0;
    for (const r of runs(m[0])) {
      const from = start + r.at;
      if (!r.cjk) {
        // "l'adresse" is "adresse" to the index: any of its parts may match.
        const parts = fold(r.text).split(/['’]/);
        if (parts.some((p) => spaced.some((w) => p.startsWith(w)))) marks.push([from, from + r.text.length]);
        continue;
      }
      marks.push(...pairsIn(r.text, from, pairs));
    }
  }
  const out: Piece[] = [];
  let last = 0;
  for (const [from, to] of marks) {
    if (from > last) out.push({ text: text.slice(last, from), mark: false });
    const prev = out[out.length - 1];
    if (prev?.mark && from === last) prev.text += text.slice(from, to);
    else out.push({ text: text.slice(Math.max(from, last), to), mark: true });
    last = Math.max(last, to);
  }
  if (last < text.length) out.push({ text: text.slice(last), mark: false });
  return out;
}

/** pairsIn: the ranges (in the text, the run at `from`) of the run's characters that a pair found covers, merged, in order. */
function pairsIn(run: string, from: number, pairs: string[]): [number, number][] {
  // Each character (its marks with it) folded, and where it stands.
  const chars: { at: number; end: number; folded: string }[] = [];
  let at = 0;
  for (const ch of run) {
    if (/\p{M}/u.test(ch) && chars.length > 0) chars[chars.length - 1]!.end += ch.length;
    else chars.push({ at, end: at + ch.length, folded: fold(ch) });
    at += ch.length;
  }
  const covered = new Array<boolean>(chars.length).fill(false);
  for (const w of pairs) {
    const want = Array.from(w);
    for (let i = 0; i + want.length <= chars.length; i++) {
      if (want.every((c, k) => chars[i + k]!.folded === c)) for (let k = 0; k < want.length; k++) covered[i + k] = true;
    }
  }
  const out: [number, number][] = [];
  chars.forEach((c, i) => {
    if (!covered[i]) return;
    const prev = out[out.length - 1];
    if (prev && prev[1] === from + c.at) prev[1] = from + c.end;
    else out.push([from + c.at, from + c.end]);
  });
  return out;
}
