// Sparse mode: the one word that matters most right now.
import { gaugeStatus, PACE_GAUGE, VARIETY_GAUGE, VOLUME_GAUGE } from "./gauges";
import type { LiveState } from "./liveState";

export type CueTone = "good" | "warn" | "idle";

export interface Cue {
  word: string;
  tone: CueTone;
  /** A longer explanation for screen readers and the tooltip. */
  detail: string;
}

const ALERT_WORDS: Record<string, string> = {
  absent: "Frame",
  leaning_left: "Straighten",
  leaning_right: "Straighten",
  arms_crossed: "Arms",
  cut_off_top: "Back",
  too_close: "Back",
  too_far: "Closer",
  cut_off_side: "Centre",
  still: "Gesture",
  swaying: "Plant",
  fidgeting: "Calm",
  not_facing: "Face",
  monotone: "Vary",
};

/** The one-word cue for the state: an alert's word first, then pace, volume and pitch variety. */
export function currentCue(state: LiveState): Cue {
  const nudge = state.nudges.current;
  if (nudge) return { word: ALERT_WORDS[nudge.code] ?? "Adjust", tone: "warn", detail: nudge.message };
  const pace = gaugeStatus(state.wpm, PACE_GAUGE);
  if (pace === "high") return { word: "Slower", tone: "warn", detail: "You are speaking fast: slow down." };
  if (pace === "low") return { word: "Faster", tone: "warn", detail: "You are speaking slowly: pick up the pace." };
  const voice = state.voice;
  if (voice?.speaking) {
    if (gaugeStatus(voice.loudness_dbfs, VOLUME_GAUGE) === "low") {
      return { word: "Louder", tone: "warn", detail: "Speak up: you are quiet." };
    }
    if (gaugeStatus(voice.pitch_variety_st, VARIETY_GAUGE) === "low") {
      return { word: "Vary", tone: "warn", detail: "Vary your pitch." };
    }
  }
  if (state.messageCount === 0) return { word: "Ready", tone: "idle", detail: "Waiting for feedback." };
  return { word: "Good", tone: "good", detail: "Keep going: everything is in range." };
}
