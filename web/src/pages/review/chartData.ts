// Chart rows from a report: speech windows at their midpoints, body samples as they are.
import type { ChartRow } from "../../components/charts/TimelineChart";
import type { Body, Speech } from "../../api/reports";

function num(value: number | null | undefined): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** One row per speech window at its midpoint: `wpm`, `volume`, `pitch`, `pitch_hz`. */
export function speechRows(speech: Speech | null): ChartRow[] {
  if (!speech) return [];
  return speech.timeline.map((w) => ({
    t: (w.start_s + w.end_s) / 2,
    wpm: w.word_count > 0 ? num(w.wpm) : null,
    volume: num(w.volume_dbfs),
    pitch: num(w.pitch_variation_st),
    pitch_hz: num(w.pitch_hz),
  }));
}

/** One row per body sample: `shoulder`, `head` (tilt, degrees) and `gesture` (activity); null when nobody is in view. */
export function bodyRows(body: Body | null): ChartRow[] {
  if (!body) return [];
  return body.timeline.map((s) => ({
    t: s.t_s,
    shoulder: s.person_visible ? num(s.shoulder_tilt_deg) : null,
    head: s.person_visible ? num(s.head_tilt_deg) : null,
    gesture: s.person_visible ? num(s.gesture_activity) : null,
  }));
}
