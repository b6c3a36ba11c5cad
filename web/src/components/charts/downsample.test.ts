import { describe, expect, it } from "vitest";
import { downsample } from "./downsample";

interface P {
  t: number;
  a: number | null;
  b?: number | null;
}

function series(n: number, f: (i: number) => number | null): P[] {
  return Array.from({ length: n }, (_, i) => ({ t: i, a: f(i) }));
}

describe("downsample", () => {
  it("returns short series unchanged", () => {
    const rows = series(100, (i) => i);
    expect(downsample(rows, ["a"], 600)).toBe(rows);
  });

  it("keeps at most maxPoints rows, in time order", () => {
    const rows = series(7200, (i) => Math.sin(i / 50));
    const out = downsample(rows, ["a"], 600);
    expect(out.length).toBeLessThanOrEqual(600);
    expect(out.length).toBeGreaterThan(500);
    const times = out.map((r) => r.t);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(new Set(times).size).toBe(times.length);
  });

  it("keeps a one-sample spike and a one-sample dip", () => {
    const rows = series(7200, () => 1);
    rows[1234] = { t: 1234, a: 99 };
    rows[5678] = { t: 5678, a: -40 };
    const out = downsample(rows, ["a"], 600);
    expect(out.map((r) => r.a)).toContain(99);
    expect(out.map((r) => r.a)).toContain(-40);
  });

  it("keeps the extremes of every key", () => {
    const rows: P[] = Array.from({ length: 5000 }, (_, i) => ({ t: i, a: 0, b: 0 }));
    rows[10] = { t: 10, a: 5, b: 0 };
    rows[4000] = { t: 4000, a: 0, b: -7 };
    const out = downsample(rows, ["a", "b"], 400);
    expect(out.length).toBeLessThanOrEqual(400);
    expect(out.some((r) => r.a === 5)).toBe(true);
    expect(out.some((r) => r.b === -7)).toBe(true);
  });

  it("keeps a row where a key is missing so gaps stay gaps", () => {
    const rows = series(6000, (i) => (i >= 3000 && i < 3600 ? null : 1));
    const out = downsample(rows, ["a"], 600);
    const gap = out.filter((r) => r.t >= 3000 && r.t < 3600);
    expect(gap.length).toBeGreaterThan(0);
    expect(gap.every((r) => r.a === null)).toBe(true);
  });
});
