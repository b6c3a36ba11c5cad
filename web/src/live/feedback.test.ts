import { describe, expect, it } from "vitest";
import { parseFeedback } from "./feedback";

const json = (value: unknown) => JSON.stringify(value);

describe("parseFeedback", () => {
  it("reads a voice message with nulls for missing numbers", () => {
    const m = parseFeedback(json({ v: 1, type: "voice", t_s: 12.3, speaking: true, loudness_dbfs: -23.1, pitch_hz: null }));
    expect(m).toEqual({
      v: 1,
      type: "voice",
      t_s: 12.3,
      speaking: true,
      loudness_dbfs: -23.1,
      pitch_hz: null,
      pitch_variety_st: null,
      speech_ratio: null,
      pause_s: null,
    });
  });

  it("reads the README's speech example", () => {
    const m = parseFeedback(
      json({
        v: 1,
        type: "speech",
        t_s: 10.1,
        end_s: 12.2,
        text: "um so today",
        words: [["um", 10.1, 10.4], ["so", 10.5, 10.7], ["today", 10.8, 11.3]],
        wpm: 142.0,
        fillers: [["um", 10.1, 10.4]],
        lexical_fillers: ["so"],
        pauses: [[8.6, 10.1]],
        filler_count: 3,
        word_count: 57,
        interim: "we talk",
        final: false,
      }),
    );
    expect(m?.type).toBe("speech");
    if (m?.type !== "speech") return;
    expect(m.words).toHaveLength(3);
    expect(m.fillers).toEqual([["um", 10.1, 10.4]]);
    expect(m.pauses).toEqual([[8.6, 10.1]]);
    expect(m.interim).toBe("we talk");
    expect(m.final).toBe(false);
    expect(m.filler_count).toBe(3);
  });

  it("drops malformed words and keypoints instead of failing", () => {
    const speech = parseFeedback(json({ type: "speech", t_s: 1, text: "a", words: [["a", 1, 1.2], ["b"], "c"] }));
    expect(speech?.type === "speech" && speech.words).toEqual([["a", 1, 1.2]]);
    const pose = parseFeedback(
      json({ type: "pose", t_s: 1, person_visible: true, keypoints: { nose: [0.5, 0.4, 0.9], bad: ["x", 1] } }),
    );
    expect(pose?.type === "pose" && pose.keypoints).toEqual({ nose: [0.5, 0.4, 0.9] });
  });

  it("reads alerts and session ends", () => {
    expect(parseFeedback(json({ type: "alert", t_s: 30.2, code: "leaning_left", message: "You are leaning left" }))).toMatchObject(
      { type: "alert", code: "leaning_left", state: "fired" },
    );
    expect(parseFeedback(json({ type: "alert", t_s: 31, code: "x", state: "cleared" }))).toMatchObject({
      state: "cleared",
      message: "x",
    });
    expect(parseFeedback(json({ type: "session", t_s: 95, state: "ended", reason: "deleted" }))).toMatchObject({
      type: "session",
      state: "ended",
      reason: "deleted",
    });
  });

  it.each([
    ["not JSON", "{"],
    ["not a string", new ArrayBuffer(4)],
    ["an unknown type", json({ type: "weather", t_s: 1 })],
    ["no type", json({ t_s: 1 })],
    ["an alert without a code", json({ type: "alert", t_s: 1 })],
    ["an array", json([1, 2])],
  ])("ignores %s", (_what, data) => {
    expect(parseFeedback(data)).toBeNull();
  });
});
