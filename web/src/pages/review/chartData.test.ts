import { describe, expect, it } from "vitest";
import type { Body, Speech } from "../../api/reports";
import { bodyRows, speechRows } from "./chartData";

const speech = {
  timeline: [
    { start_s: 0, end_s: 10, word_count: 20, wpm: 120, volume_dbfs: -20, pitch_hz: 180, pitch_variation_st: 3 },
    { start_s: 10, end_s: 20, word_count: 0, wpm: 0, volume_dbfs: null, pitch_hz: null, pitch_variation_st: null },
  ],
} as unknown as Speech;

describe("speechRows", () => {
  it("puts windows at their midpoints and drops the pace of silent windows", () => {
    expect(speechRows(speech)).toEqual([
      { t: 5, wpm: 120, volume: -20, pitch: 3, pitch_hz: 180 },
      { t: 15, wpm: null, volume: null, pitch: null, pitch_hz: null },
    ]);
    expect(speechRows(null)).toEqual([]);
  });
});

describe("bodyRows", () => {
  it("blanks the samples where nobody is visible", () => {
    const body = {
      timeline: [
        { t_s: 0, person_visible: true, shoulder_tilt_deg: 2, head_tilt_deg: -1, gesture_activity: 0.3 },
        { t_s: 0.5, person_visible: false, shoulder_tilt_deg: 9, head_tilt_deg: 9, gesture_activity: 9 },
      ],
    } as unknown as Body;
    expect(bodyRows(body)).toEqual([
      { t: 0, shoulder: 2, head: -1, gesture: 0.3 },
      { t: 0.5, shoulder: null, head: null, gesture: null },
    ]);
  });
});
