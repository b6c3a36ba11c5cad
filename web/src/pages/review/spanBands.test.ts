import { describe, expect, it } from "vitest";
import { placeSpanBands, totalSeconds } from "./spanBands";

const span = (start_s: number, end_s: number) => ({ start_s, end_s });

describe("placeSpanBands", () => {
  it("places each stretch by its start and length, in time order", () => {
    const bands = placeSpanBands([span(60, 90), span(12, 24)], 120);
    expect(bands.map((b) => [b.span.start_s, b.at, b.width])).toEqual([
      [12, 0.1, 0.1],
      [60, 0.5, 0.25],
    ]);
  });

  it("gives a very short stretch the minimum width, and keeps a band at the end inside the timeline", () => {
    const [short, late] = placeSpanBands([span(10, 10.1), span(119.9, 130)], 100, 0.01);
    expect(short?.width).toBe(0.01);
    expect(late?.at).toBe(0.99);
    expect(late?.width).toBeCloseTo(0.01, 9);
  });

  it("leaves out empty and reversed stretches", () => {
    expect(placeSpanBands([span(5, 5), span(8, 6), span(Number.NaN, 3)], 60)).toEqual([]);
  });

  it("adds up the seconds", () => {
    expect(totalSeconds([span(1, 3), span(10, 10.5)])).toBe(2.5);
    expect(totalSeconds([])).toBe(0);
  });
});
