// Names, units and directions of the metrics goals and trends refer to (inference/scoring/scores.py METRICS).
import { dimensionLabel, DIMENSIONS } from "../review/dimensions";

export interface MetricInfo {
  readonly label: string;
  readonly unit: string;
}

const FLAT: Readonly<Record<string, MetricInfo>> = {
  overall: { label: "Overall score", unit: "" },
  duration_s: { label: "Duration", unit: "s" },
  wpm: { label: "Pace", unit: "wpm" },
  fillers_per_min: { label: "Fillers per minute", unit: "/min" },
  pauses_per_min: { label: "Pauses per minute", unit: "/min" },
  long_silences: { label: "Long silences", unit: "" },
  volume_dbfs: { label: "Volume", unit: "dBFS" },
  pitch_variation_st: { label: "Pitch variety", unit: "st" },
  upright_ratio: { label: "Upright posture", unit: "share" },
  facing_ratio: { label: "Facing the camera", unit: "share" },
  framing_ok_ratio: { label: "Well framed", unit: "share" },
  gesture_activity: { label: "Gesture activity", unit: "" },
};

/** The label and unit of a metric; dimension names are their scores (0–100). */
export function metricInfo(name: string): MetricInfo {
  const flat = FLAT[name];
  if (flat) return flat;
  if (name in DIMENSIONS) return { label: `${dimensionLabel(name)} score`, unit: "" };
  return { label: dimensionLabel(name), unit: "" };
}

export function metricLabel(name: string): string {
  return metricInfo(name).label;
}

/** `3.2 wpm`, `82` — a metric's value with its unit, at most `digits` decimals. */
export function formatMetric(name: string, value: number | null | undefined, digits = 1): string {
  if (value == null || !Number.isFinite(value)) return "—";
  const factor = 10 ** digits;
  const rounded = Math.round(value * factor) / factor;
  const unit = metricInfo(name).unit;
  return unit ? `${rounded} ${unit}` : String(rounded);
}

/** The metrics to offer in the trend picker: overall first, then the dimensions, then the rest. */
export function orderMetrics(names: readonly string[]): string[] {
  const rank = (name: string) => (name === "overall" ? 0 : name in DIMENSIONS ? 1 : 2);
  return [...names].sort((a, b) => rank(a) - rank(b) || metricLabel(a).localeCompare(metricLabel(b)));
}

export const COMPARATOR_WORDS = { lte: "at most", gte: "at least" } as const;
export const COMPARATOR_SIGNS = { lte: "≤", gte: "≥" } as const;
