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

it.each([
  ["Chinese: the characters of the pairs, where they stand", "我的手机壳坏了，请换一个手机壳", "手机壳", "我的[手机壳]坏了，请换一个[手机壳]"],
  ["Chinese: one character", "我的手机壳坏了", "壳", "我的手机[壳]坏了"],
  ["Japanese inside a longer run", "東京都に住んでいます", "京都", "東[京都]に住んでいます"],
  ["Japanese beside Latin", "iPhoneのケースが届いていません", "iphone ケース", "[iPhone]の[ケース]が届いていません"],
  ["a voiced kana found folded", "ケースがどこですか", "とこです", "ケースが[どこです]か"],
  ["no pair in the text, nothing marked", "我的手机", "手表", "我的手机"],
])("%s", (_, text, q, want) => expect(shown(text, q)).toBe(want));

it("cuts a Chinese or Japanese search into pairs, as the server's query does", () => {
  expect(searchWords("手机壳 Café")).toEqual(["手机", "机壳", "cafe"]);
  expect(searchWords("壳")).toEqual(["壳"]);
  expect(searchWords("iPhoneのケース")).toEqual(["iphone", "のケ", "ケー", "ース"]);
});
