// The messages of the `feedback` data channel (README "Feedback messages"), as a discriminated union, and a
// parser that accepts only well-formed ones.

/** [x, y, visibility], normalised image coordinates. */
export type Keypoint = [number, number, number];
/** [text, start_s, end_s] */
export type TimedWord = [string, number, number];
/** [start_s, end_s] */
export type Span = [number, number];

interface Base {
  v: number;
  t_s: number;
}

export interface VoiceMessage extends Base {
  type: "voice";
  speaking: boolean;
  loudness_dbfs: number | null;
  pitch_hz: number | null;
  pitch_variety_st: number | null;
  speech_ratio: number | null;
  pause_s: number | null;
}

export interface PoseFeatures {
  shoulder_tilt_deg?: number | null;
  head_tilt_deg?: number | null;
  torso_lean_deg?: number | null;
  sway?: number | null;
  gesture_activity?: number | null;
  facing?: number | null;
  framing?: string | null;
  [key: string]: unknown;
}

export interface PoseLabels {
  posture?: string;
  posture_confidence?: number;
  gesture?: string;
  gesture_confidence?: number;
  [key: string]: unknown;
}

export interface PoseMessage extends Base {
  type: "pose";
  person_visible: boolean;
  keypoints: Record<string, Keypoint> | null;
  infer_ms: number | null;
  features: PoseFeatures | null;
  labels: PoseLabels | null;
}

export interface SpeechMessage extends Base {
  type: "speech";
  end_s: number;
  /** Words newly committed (each sent exactly once). */
  text: string;
  words: TimedWord[];
  wpm: number | null;
  fillers: TimedWord[];
  lexical_fillers: string[];
  pauses: Span[];
  filler_count: number;
  word_count: number;
  /** The not-yet-committed rest of the transcript; the next message replaces it. */
  interim: string;
  final: boolean;
}

export interface AlertMessage extends Base {
  type: "alert";
  code: string;
  message: string;
  state: "fired" | "cleared";
}

export interface SessionMessage extends Base {
  type: "session";
  state: string;
  reason: string | null;
}

export type FeedbackMessage = VoiceMessage | PoseMessage | SpeechMessage | AlertMessage | SessionMessage;
export type FeedbackType = FeedbackMessage["type"];

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function num(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function str(value: unknown, fallback = ""): string {
  return typeof value === "string" ? value : fallback;
}

function tuples<T extends unknown[]>(value: unknown, size: number, check: (item: unknown[]) => boolean): T[] {
  if (!Array.isArray(value)) return [];
  return value.filter((item): item is T => Array.isArray(item) && item.length >= size && check(item));
}

const isTimedWord = (w: unknown[]) => typeof w[0] === "string" && num(w[1]) !== null && num(w[2]) !== null;
const isSpan = (s: unknown[]) => num(s[0]) !== null && num(s[1]) !== null;

function keypoints(value: unknown): Record<string, Keypoint> | null {
  if (!isObject(value)) return null;
  const out: Record<string, Keypoint> = {};
  for (const [name, point] of Object.entries(value)) {
    if (!Array.isArray(point) || point.length < 2) continue;
    const [x, y, visibility] = [num(point[0]), num(point[1]), point.length > 2 ? num(point[2]) : 1];
    if (x !== null && y !== null) out[name] = [x, y, visibility ?? 0];
  }
  return out;
}

function voice(m: Json, base: Base): VoiceMessage {
  return {
    ...base,
    type: "voice",
    speaking: m.speaking === true,
    loudness_dbfs: num(m.loudness_dbfs),
    pitch_hz: num(m.pitch_hz),
    pitch_variety_st: num(m.pitch_variety_st),
    speech_ratio: num(m.speech_ratio),
    pause_s: num(m.pause_s),
  };
}

function pose(m: Json, base: Base): PoseMessage {
  return {
    ...base,
    type: "pose",
    person_visible: m.person_visible === true,
    keypoints: keypoints(m.keypoints),
    infer_ms: num(m.infer_ms),
    features: isObject(m.features) ? (m.features as PoseFeatures) : null,
    labels: isObject(m.labels) ? (m.labels as PoseLabels) : null,
  };
}

function speech(m: Json, base: Base): SpeechMessage {
  return {
    ...base,
    type: "speech",
    end_s: num(m.end_s) ?? base.t_s,
    text: str(m.text),
    words: tuples<TimedWord>(m.words, 3, isTimedWord),
    wpm: num(m.wpm),
    fillers: tuples<TimedWord>(m.fillers, 3, isTimedWord),
    lexical_fillers: Array.isArray(m.lexical_fillers) ? m.lexical_fillers.filter((w) => typeof w === "string") : [],
    pauses: tuples<Span>(m.pauses, 2, isSpan),
    filler_count: num(m.filler_count) ?? 0,
    word_count: num(m.word_count) ?? 0,
    interim: str(m.interim),
    final: m.final !== false,
  };
}

function alert(m: Json, base: Base): AlertMessage | null {
  const code = str(m.code);
  if (!code) return null;
  return { ...base, type: "alert", code, message: str(m.message, code), state: m.state === "cleared" ? "cleared" : "fired" };
}

function session(m: Json, base: Base): SessionMessage {
  return { ...base, type: "session", state: str(m.state), reason: typeof m.reason === "string" ? m.reason : null };
}

/** One data-channel message (a JSON string) as a typed message, or null when it is not one we know. */
export function parseFeedback(data: unknown): FeedbackMessage | null {
  if (typeof data !== "string") return null;
  let m: unknown;
  try {
    m = JSON.parse(data);
  } catch {
    return null;
  }
  if (!isObject(m) || typeof m.type !== "string") return null;
  const base: Base = { v: num(m.v) ?? 1, t_s: num(m.t_s) ?? 0 };
  switch (m.type) {
    case "voice":
      return voice(m, base);
    case "pose":
      return pose(m, base);
    case "speech":
      return speech(m, base);
    case "alert":
      return alert(m, base);
    case "session":
      return session(m, base);
    default:
      return null;
  }
}
