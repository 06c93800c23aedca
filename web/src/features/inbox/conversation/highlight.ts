// The words a message search found, marked in the message it opened at:
// folded and split the way the server's index folds them (lower case, no
// accents, letters and digits), each query word matching the start of a
// word of the text, as the search does.
import { fold } from "../../../lib/fold";

/** searchWords are the words of a search, folded. */
export function searchWords(q: string): string[] {
  return fold(q).match(/[\p{L}\p{N}]+/gu) ?? [];
}

export type Piece = { text: string; mark: boolean };

/** markWords cuts text into pieces, marking each word that starts with one of words (folded). */
export function markWords(text: string, words: string[]): Piece[] {
  if (words.length === 0) return [{ text, mark: false }];
  const out: Piece[] = [];
  let last = 0;
  for (const m of text.matchAll(/[\p{L}\p{N}\p{M}'’]+/gu)) {
    const start = m.index ?? 0;
    // "l'adresse" is "adresse" to the index: any of its parts may match.
    const parts = fold(m[0]).split(/['’]/);
    if (!parts.some((p) => words.some((w) => p.startsWith(w)))) continue;
    if (start > last) out.push({ text: text.slice(last, start), mark: false });
    out.push({ text: m[0], mark: true });
    last = start + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), mark: false });
  return out;
}
