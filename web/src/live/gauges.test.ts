import { describe, expect, it } from "vitest";
import { formatElapsed } from "./clock";
import { formatGaugeValue, gaugePercent, gaugeStatus, PACE_GAUGE, VOLUME_GAUGE } from "./gauges";

describe("gauges", () => {
  it("places values on the scale, clamped", () => {
    expect(gaugePercent(-30, VOLUME_GAUGE)).toBe(50);
    expect(gaugePercent(-90, VOLUME_GAUGE)).toBe(0);
    expect(gaugePercent(10, VOLUME_GAUGE)).toBe(100);
  });

  it("judges values against the band", () => {
    expect(gaugeStatus(null, PACE_GAUGE)).toBe("unknown");
    expect(gaugeStatus(90, PACE_GAUGE)).toBe("low");
    expect(gaugeStatus(140, PACE_GAUGE)).toBe("good");
    expect(gaugeStatus(180, PACE_GAUGE)).toBe("high");
  });

  it("formats with the unit", () => {
    expect(formatGaugeValue(142.4, PACE_GAUGE)).toBe("142 wpm");
    expect(formatGaugeValue(null, PACE_GAUGE)).toBe("—");
  });

  it("formats the timer", () => {
    expect(formatElapsed(0)).toBe("0:00");
    expect(formatElapsed(75.9)).toBe("1:15");
    expect(formatElapsed(3725)).toBe("1:02:05");
  });
});
