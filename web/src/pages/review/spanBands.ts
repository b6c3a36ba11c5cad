// Where stretches of the recording (unrecognised speech) sit on the review timeline: a start and a width, as
// fractions of the recording, wide enough to see and to click.
import { fractionOf } from "./noteMarkers";

export interface TimedSpan {
  readonly start_s: number;
  readonly end_s: number;
}

export interface SpanBand<S extends TimedSpan = TimedSpan> {
  readonly span: S;
  /** Left edge, 0 (start of the recording) to 1. */
  readonly at: number;
  /** Width as a fraction of the timeline, at least `minWidth` and never past the end. */
  readonly width: number;
}

/** A band too thin to see or click gets this share of the timeline. */
export const MIN_BAND_WIDTH = 0.006;

/** Bands for `spans` in time order; empty or reversed spans are left out. */
export function placeSpanBands<S extends TimedSpan>(
  spans: readonly S[],
  durationS: number,
  minWidth: number = MIN_BAND_WIDTH,
): SpanBand<S>[] {
  return [...spans]
    .filter((s) => Number.isFinite(s.start_s) && Number.isFinite(s.end_s) && s.end_s > s.start_s)
    .sort((a, b) => a.start_s - b.start_s)
    .map((span) => {
      const end = fractionOf(span.end_s, durationS);
      const at = Math.min(fractionOf(span.start_s, durationS), Math.max(0, 1 - minWidth));
      return { span, at, width: Math.min(1 - at, Math.max(minWidth, end - at)) };
    });
}

/** The total seconds of `spans`. */
export function totalSeconds(spans: readonly TimedSpan[]): number {
  return spans.reduce((sum, s) => sum + Math.max(0, s.end_s - s.start_s), 0);
}
