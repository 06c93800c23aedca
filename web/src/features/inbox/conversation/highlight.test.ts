import { expect, it } from "vitest";
import { markWords, searchWords } from "./highlight";

const shown = (text: string, q: string) =>
  markWords(text, searchWords(q))
    .map((p) => (p.mark ? `[${p.text}]` : p.text))
    .join("");

it.each([
  ["a word's start, every one", "Delivery delayed: the delivery man", "deliv", "[Delivery] delayed: the [delivery] man"],
  ["accents and case aside", "Ma commande n'est pas arrivée", "ARRIVEE commandé", "Ma [commande] n'est pas [arrivée]"],
  ["an elided word", "l'adresse est fausse", "adresse", "[l'adresse] est fausse"],
  ["punctuation separates", "Order #A1234 and 1234", "a12", "Order #[A1234] and 1234"],
  ["no words, nothing marked", "Hello there", "?!", "Hello there"],
])("%s", (_, text, q, want) => expect(shown(text, q)).toBe(want));
