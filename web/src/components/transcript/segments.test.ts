import { describe, expect, it } from "vitest";
import { markCounts, segment, tokenize, wordTokens, type Token, type WordToken } from "./segments";

const w = (text: string, start_s: number, end_s: number, filler = false) => ({ text, start_s, end_s, filler });

const input = {
  words: [
    w("Um", 0.5, 0.8, true),
    w("today", 1.0, 1.4),
    w("I", 1.5, 1.6),
    w("think", 1.6, 1.9),
    w("we", 2.0, 2.1),
    w("like", 2.2, 2.4),
    w("ship.", 2.5, 2.9),
    w("Next", 5.0, 5.3),
  ],
  fillers: [
    { text: "um", start_s: 0.5, end_s: 0.8 },
    { text: "uh", start_s: 3.2, end_s: 3.6 },
  ],
  hedges: [{ text: "i think", start_s: 1.5, end_s: 1.9 }],
  lexicalFillers: [{ text: "like", start_s: 2.2, end_s: 2.4 }],
  pauses: [{ start_s: 2.9, end_s: 5.0 }],
};

function texts(tokens: readonly Token[]): string[] {
  return tokens.map((t) => (t.kind !== "word" ? `[${t.kind === "unheard" ? "?" : ""}${t.end_s - t.start_s}s]` : `${t.text}${t.mark ? `:${t.mark}` : ""}`));
}

describe("tokenize", () => {
  it("marks fillers, hedges and crutch words and puts pauses in time order", () => {
    const tokens = tokenize(input);
    expect(texts(tokens)).toEqual([
      "Um:filler",
      "today",
      "I:hedge",
      "think:hedge",
      "we",
      "like:crutch",
      "ship.",
      "[2.1s]",
      "uh:filler",
      "Next",
    ]);
  });

  it("adds fillers only the acoustic detector heard as inferred words", () => {
    const uh = wordTokens(tokenize(input)).find((t) => t.text === "uh") as WordToken;
    expect(uh.inferred).toBe(true);
    expect(uh.start_s).toBe(3.2);
  });

  it("numbers word tokens in time order", () => {
    const words = wordTokens(tokenize(input));
    expect(words.map((t) => t.index)).toEqual(words.map((_, i) => i));
    const starts = words.map((t) => t.start_s);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
  });

  it("counts the marks", () => {
    expect(markCounts(tokenize(input))).toEqual({ filler: 2, hedge: 2, crutch: 1, pause: 1, unheard: 0 });
  });

  it("puts stretches of unrecognised speech among the words and pauses in time order, and counts them", () => {
    const tokens = tokenize({ ...input, unrecognised: [{ start_s: 6.0, end_s: 8.5 }, { start_s: 0.0, end_s: 0.5 }] });
    expect(texts(tokens)).toEqual([
      "[?0.5s]",
      "Um:filler",
      "today",
      "I:hedge",
      "think:hedge",
      "we",
      "like:crutch",
      "ship.",
      "[2.1s]",
      "uh:filler",
      "Next",
      "[?2.5s]",
    ]);
    expect(markCounts(tokens).unheard).toBe(2);
    expect(wordTokens(tokens).map((t) => t.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("copes with an empty report", () => {
    expect(tokenize({ words: [] })).toEqual([]);
    expect(segment([])).toEqual([]);
  });
});

describe("segment", () => {
  it("starts a new row at a long pause", () => {
    const rows = segment(tokenize(input));
    expect(rows).toHaveLength(2);
    expect(rows[1]?.tokens[0]?.kind).toBe("pause");
    expect(rows[1]?.start_s).toBe(2.9);
    expect(rows[1]?.firstWord).toBe(7);
  });

  it("ends rows at sentence ends once long enough and caps their length", () => {
    const words = Array.from({ length: 100 }, (_, i) => w(i === 14 ? "end." : `w${i}`, i * 0.5, i * 0.5 + 0.4));
    const rows = segment(tokenize({ words }), { breakPauseS: 1, sentenceWords: 12, maxWords: 40 });
    const lengths = rows.map((r) => r.tokens.length);
    expect(lengths[0]).toBe(15);
    expect(lengths[1]).toBe(40);
    expect(lengths.reduce((a, b) => a + b, 0)).toBe(100);
    const firsts = rows.map((r) => r.firstWord);
    expect(firsts).toEqual([0, 15, 55, 95]);
  });
});
