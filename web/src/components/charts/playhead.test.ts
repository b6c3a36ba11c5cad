import { describe, expect, it } from "vitest";
import { snapToPixel } from "./playhead";

describe("snapToPixel", () => {
  it("snaps to one pixel of a long talk", () => {
    expect(snapToPixel(100, 3600, 600)).toBe(96);
    expect(snapToPixel(101.9, 3600, 600)).toBe(96);
    expect(snapToPixel(102, 3600, 600)).toBe(102);
  });

  it("never snaps finer than a tenth of a second", () => {
    expect(snapToPixel(1.234, 10, 1000)).toBeCloseTo(1.2);
  });

  it("keeps null as null", () => {
    expect(snapToPixel(null, 10, 100)).toBeNull();
  });
});
