// The live gauges: their scales, the band a speaker should stay in, and where a value falls.

export type GaugeStatus = "unknown" | "low" | "good" | "high";

export interface GaugeSpec {
  label: string;
  unit: string;
  min: number;
  max: number;
  /** The good range. */
  low: number;
  high: number;
  digits: number;
  /** Words for a value below / above the band. */
  lowWord: string;
  highWord: string;
}

export const PACE_GAUGE: GaugeSpec = {
  label: "Pace",
  unit: "wpm",
  min: 60,
  max: 220,
  low: 100,
  high: 165,
  digits: 0,
  lowWord: "slow",
  highWord: "fast",
};

export const VOLUME_GAUGE: GaugeSpec = {
  label: "Volume",
  unit: "dBFS",
  min: -60,
  max: 0,
  low: -32,
  high: -10,
  digits: 0,
  lowWord: "quiet",
  highWord: "loud",
};

export const VARIETY_GAUGE: GaugeSpec = {
  label: "Pitch variety",
  unit: "st",
  min: 0,
  max: 8,
  low: 2,
  high: 8,
  digits: 1,
  lowWord: "flat",
  highWord: "lively",
};

export const PAUSE_GAUGE: GaugeSpec = {
  label: "Current pause",
  unit: "s",
  min: 0,
  max: 5,
  low: 0,
  high: 2.5,
  digits: 1,
  lowWord: "short",
  highWord: "long",
};

export function gaugeStatus(value: number | null, spec: GaugeSpec): GaugeStatus {
  if (value === null || !Number.isFinite(value)) return "unknown";
  if (value < spec.low) return "low";
  if (value > spec.high) return "high";
  return "good";
}

/** 0–100: where `value` sits on the gauge's scale (clamped). */
export function gaugePercent(value: number, spec: Pick<GaugeSpec, "min" | "max">): number {
  const span = spec.max - spec.min;
  if (span <= 0) return 0;
  return Math.min(100, Math.max(0, ((value - spec.min) / span) * 100));
}

/** "142 wpm", or "—" without a value. */
export function formatGaugeValue(value: number | null, spec: Pick<GaugeSpec, "unit" | "digits">): string {
  if (value === null || !Number.isFinite(value)) return "—";
  return `${value.toFixed(spec.digits)} ${spec.unit}`;
}

/** The word for the status, e.g. "fast", "good", "waiting". */
export function statusWord(status: GaugeStatus, spec: GaugeSpec): string {
  switch (status) {
    case "low":
      return spec.lowWord;
    case "high":
      return spec.highWord;
    case "good":
      return "good";
    default:
      return "waiting";
  }
}
