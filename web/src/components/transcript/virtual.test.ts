import { describe, expect, it } from "vitest";
import { RowLayout } from "./virtual";

describe("RowLayout", () => {
  it("lays out estimated rows and finds the visible window", () => {
    const layout = new RowLayout(1000, 40);
    expect(layout.totalHeight).toBe(40_000);
    const range = layout.visible(4000, 400, 2);
    expect(range.start).toBe(98);
    expect(range.end).toBe(112);
    expect(range.before).toBe(98 * 40);
    expect(range.before + (range.end - range.start) * 40 + range.after).toBe(40_000);
  });

  it("moves later rows when a measured height differs", () => {
    const layout = new RowLayout(10, 40);
    expect(layout.setHeight(2, 100)).toBe(true);
    expect(layout.setHeight(2, 100)).toBe(false);
    expect(layout.offsetOf(3)).toBe(180);
    expect(layout.indexAt(150)).toBe(2);
    expect(layout.indexAt(181)).toBe(3);
    expect(layout.totalHeight).toBe(460);
  });

  it("handles an empty list and clamps offsets", () => {
    expect(new RowLayout(0, 40).visible(0, 500)).toEqual({ start: 0, end: 0, before: 0, after: 0 });
    const layout = new RowLayout(3, 10);
    expect(layout.indexAt(-5)).toBe(0);
    expect(layout.indexAt(1e6)).toBe(2);
  });
});
