import { describe, expect, it } from "vitest";
import { lastStartingBefore, rowOfWord, wordAt } from "./search";

const words = [
  { start_s: 1, end_s: 1.4 },
  { start_s: 1.5, end_s: 2 },
  { start_s: 5, end_s: 5.5 },
];

describe("wordAt", () => {
  it("finds the word being said", () => {
    expect(wordAt(words, 1.2)).toBe(0);
    expect(wordAt(words, 1.5)).toBe(1);
    expect(wordAt(words, 5.2)).toBe(2);
  });

  it("holds the highlight through a short gap, not a long pause", () => {
    expect(wordAt(words, 2.3)).toBe(1);
    expect(wordAt(words, 4)).toBe(-1);
  });

  it("returns -1 before the first word and for no words", () => {
    expect(wordAt(words, 0.5)).toBe(-1);
    expect(wordAt([], 3)).toBe(-1);
  });

  it("is a binary search over many words", () => {
    const many = Array.from({ length: 100_000 }, (_, i) => ({ start_s: i * 0.4, end_s: i * 0.4 + 0.3 }));
    expect(wordAt(many, 12_345.61)).toBe(30_864);
    expect(lastStartingBefore(many, 1e9)).toBe(99_999);
  });
});

describe("rowOfWord", () => {
  it("finds the row whose first word is the last at or before the word", () => {
    const firstWords = [0, 12, 12, 30, 41];
    expect(rowOfWord(firstWords, 0)).toBe(0);
    expect(rowOfWord(firstWords, 11)).toBe(0);
    expect(rowOfWord(firstWords, 12)).toBe(2);
    expect(rowOfWord(firstWords, 35)).toBe(3);
    expect(rowOfWord(firstWords, 500)).toBe(4);
    expect(rowOfWord(firstWords, -1)).toBe(-1);
  });
});
