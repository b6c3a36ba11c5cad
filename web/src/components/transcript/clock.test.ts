import { describe, expect, it } from "vitest";
import { clock, formatDuration, formatNumber, secondsBetween } from "./clock";

describe("clock", () => {
  it("writes m:ss below an hour and h:mm:ss from an hour on", () => {
    expect(clock(0)).toBe("0:00");
    expect(clock(9.9)).toBe("0:09");
    expect(clock(75)).toBe("1:15");
    expect(clock(3599)).toBe("59:59");
    expect(clock(3600)).toBe("1:00:00");
    expect(clock(3725)).toBe("1:02:05");
  });

  it("clamps negative and non-finite times to zero", () => {
    expect(clock(-3)).toBe("0:00");
    expect(clock(Number.NaN)).toBe("0:00");
  });
});

describe("formatDuration", () => {
  it("uses seconds, minutes and hours", () => {
    expect(formatDuration(45)).toBe("45 s");
    expect(formatDuration(252)).toBe("4 min 12 s");
    expect(formatDuration(240)).toBe("4 min");
    expect(formatDuration(3900)).toBe("1 h 05 min");
  });

  it("shows a dash when unknown", () => {
    expect(formatDuration(null)).toBe("—");
    expect(formatDuration(undefined)).toBe("—");
    expect(formatDuration(-1)).toBe("—");
  });
});

describe("secondsBetween and formatNumber", () => {
  it("measures ISO instants", () => {
    expect(secondsBetween("2026-12-01T10:00:00Z", "2026-12-01T10:01:30Z")).toBe(90);
    expect(secondsBetween(null, "2026-12-01T10:01:30Z")).toBeNull();
  });

  it("rounds without trailing zeros", () => {
    expect(formatNumber(12.345)).toBe("12.3");
    expect(formatNumber(12)).toBe("12");
    expect(formatNumber(null)).toBe("—");
  });
});
