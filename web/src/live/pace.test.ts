import { describe, expect, it } from "vitest";
import { addWords, countedWords, MIN_SPAN_S, paceStatus, rollingWpm, type SpokenWord } from "./pace";

/** `n` words evenly spread from `from` to `to` seconds. */
function evenWords(n: number, from: number, to: number): SpokenWord[] {
  const step = (to - from) / n;
  return Array.from({ length: n }, (_, i) => ({ start: from + i * step, end: from + (i + 0.8) * step }));
}

describe("rollingWpm", () => {
  it("is the word rate over the window", () => {
    // 75 words in the last 30 s = 150 wpm.
    expect(rollingWpm(evenWords(75, 30, 60), 60, 30)).toBeCloseTo(150, 0);
  });

  it("ignores words older than the window", () => {
    const words = [...evenWords(200, 0, 30), ...evenWords(50, 30, 60)];
    expect(rollingWpm(words, 60, 30)).toBeCloseTo(100, 0);
  });

  it("falls while nobody speaks", () => {
    const words = evenWords(40, 0, 20);
    const speaking = rollingWpm(words, 20, 30);
    const silent = rollingWpm(words, 40, 30);
    expect(speaking).toBeGreaterThan(0);
    expect(silent ?? Infinity).toBeLessThan((speaking ?? 0) * 0.8);
  });

  it("does not spike on the first few words", () => {
    const words = evenWords(4, 0, 1.2);
    expect(rollingWpm(words, 1.2, 30)).toBeCloseTo((4 / MIN_SPAN_S) * 60, 0);
  });

  it("is null with fewer than three words", () => {
    expect(rollingWpm(evenWords(2, 0, 1), 1, 30)).toBeNull();
    expect(rollingWpm([], 10, 30)).toBeNull();
  });
});

describe("countedWords", () => {
  it("leaves fillers out", () => {
    const words = countedWords(
      [
        ["um", 1.0, 1.2],
        ["so", 1.3, 1.5],
        ["Um", 2.0, 2.2],
      ],
      [
        ["um", 1.0, 1.2],
        ["um", 2.0, 2.2],
      ],
    );
    expect(words).toEqual([{ start: 1.3, end: 1.5 }]);
  });
});

describe("addWords", () => {
  it("keeps the window sorted and drops old words", () => {
    const kept = addWords([{ start: 0, end: 1 }, { start: 40, end: 41 }], [{ start: 35, end: 36 }], 50, 30);
    expect(kept).toEqual([
      { start: 35, end: 36 },
      { start: 40, end: 41 },
    ]);
  });
});

describe("paceStatus", () => {
  it.each([
    [null, "unknown"],
    [99, "slow"],
    [100, "good"],
    [165, "good"],
    [166, "fast"],
  ] as const)("%s wpm is %s", (wpm, status) => {
    expect(paceStatus(wpm)).toBe(status);
  });
});
