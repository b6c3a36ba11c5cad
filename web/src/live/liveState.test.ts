import { describe, expect, it } from "vitest";
import { currentCue } from "./cues";
import { parseFeedback, type FeedbackMessage } from "./feedback";
import { INITIAL_LIVE, liveReducer, type LiveState } from "./liveState";
import { HOLD_MS } from "./nudges";

function msg(value: Record<string, unknown>): FeedbackMessage {
  const m = parseFeedback(JSON.stringify({ v: 1, ...value }));
  if (!m) throw new Error(`not a message: ${JSON.stringify(value)}`);
  return m;
}

function fold(messages: Record<string, unknown>[], now = 0): LiveState {
  return messages.reduce<LiveState>(
    (state, m) => liveReducer(state, { kind: "message", message: msg(m), now }),
    INITIAL_LIVE,
  );
}

const voice = (t_s: number, extra: Record<string, unknown> = {}) => ({
  type: "voice",
  t_s,
  speaking: true,
  loudness_dbfs: -20,
  pitch_variety_st: 3,
  pause_s: 0,
  ...extra,
});

/** A speech message with `n` words, 0.4 s apart from `from`. */
function speech(from: number, n: number, extra: Record<string, unknown> = {}) {
  const words = Array.from({ length: n }, (_, i) => [`w${i}`, from + i * 0.4, from + i * 0.4 + 0.3]);
  return { type: "speech", t_s: from, end_s: from + n * 0.4, text: words.map((w) => w[0]).join(" "), words, ...extra };
}

describe("liveReducer", () => {
  it("keeps the latest voice and pose", () => {
    const s = fold([voice(1), voice(2, { loudness_dbfs: -30 }), { type: "pose", t_s: 2, person_visible: true }]);
    expect(s.voice?.loudness_dbfs).toBe(-30);
    expect(s.pose?.person_visible).toBe(true);
    expect(s.messageCount).toBe(3);
  });

  it("computes pace from committed words and counts fillers and pauses", () => {
    const s = fold([
      speech(0, 30, { filler_count: 1, fillers: [["w0", 0, 0.3]], pauses: [[12, 13]] }),
      speech(13, 30, { filler_count: 2, fillers: [["w5", 15, 15.3]], pauses: [[12, 13], [25, 26]] }),
    ]);
    // 58 non-filler words in ~24 s.
    expect(s.wpm ?? 0).toBeGreaterThan(120);
    expect(s.wpm ?? 1000).toBeLessThan(160);
    expect(s.fillerCount).toBe(2);
    expect(s.pauseStarts).toEqual([12, 25]);
    expect(s.lastFiller).toBe("w5");
    expect(s.captions.committed.length).toBeGreaterThan(0);
  });

  it("lets the pace fall as media time moves on in silence", () => {
    const talking = fold([speech(0, 40)]);
    const later = liveReducer(talking, { kind: "message", message: msg(voice(40, { speaking: false })), now: 0 });
    expect(later.wpm ?? 0).toBeLessThan(talking.wpm ?? 0);
  });

  it("shows one nudge at a time and moves on with ticks", () => {
    let s = fold(
      [
        { type: "alert", t_s: 1, code: "leaning_left", message: "You are leaning left" },
        { type: "alert", t_s: 2, code: "monotone", message: "Vary your pitch" },
      ],
      1000,
    );
    expect(s.nudges.current?.code).toBe("leaning_left");
    s = liveReducer(s, { kind: "tick", now: 1000 + HOLD_MS });
    expect(s.nudges.current?.code).toBe("monotone");
  });

  it("notes that the server ended the session", () => {
    expect(fold([{ type: "session", t_s: 9, state: "ended", reason: "deleted" }]).endedReason).toBe("deleted");
    expect(fold([{ type: "session", t_s: 0, state: "live" }]).endedReason).toBeNull();
  });

  it("resets", () => {
    expect(liveReducer(fold([voice(1)]), { kind: "reset" })).toBe(INITIAL_LIVE);
  });
});

describe("currentCue", () => {
  it("is Ready before any feedback", () => {
    expect(currentCue(INITIAL_LIVE).word).toBe("Ready");
  });

  it("puts an alert first", () => {
    const s = fold([voice(1), { type: "alert", t_s: 1, code: "not_facing", message: "Face the camera" }]);
    expect(currentCue(s)).toMatchObject({ word: "Face", tone: "warn" });
  });

  it("asks to slow down when fast and to speak up when quiet", () => {
    const fast = fold([{ ...speech(0, 60), words: fastWords() }]);
    expect(currentCue(fast).word).toBe("Slower");
    expect(currentCue(fold([voice(1, { loudness_dbfs: -50 })])).word).toBe("Louder");
    expect(currentCue(fold([voice(1, { pitch_variety_st: 0.5 })])).word).toBe("Vary");
    expect(currentCue(fold([voice(1)]))).toMatchObject({ word: "Good", tone: "good" });
  });
});

/** 60 words in 15 s: 240 wpm. */
function fastWords() {
  return Array.from({ length: 60 }, (_, i) => [`w${i}`, i * 0.25, i * 0.25 + 0.2]);
}
