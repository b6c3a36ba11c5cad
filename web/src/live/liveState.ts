// Everything the practice page shows, folded from feedback messages by one pure reducer.
import type { FeedbackMessage, PoseMessage, SpeechMessage, VoiceMessage } from "./feedback";
import { advanceNudges, EMPTY_NUDGES, receiveAlert, type NudgeState } from "./nudges";
import { addWords, countedWords, PACE_WINDOW_S, rollingWpm, type SpokenWord } from "./pace";
import { addSpeech, EMPTY_CAPTIONS, type Captions } from "./transcript";

export interface LiveState {
  voice: VoiceMessage | null;
  pose: PoseMessage | null;
  captions: Captions;
  /** Non-filler words of the pace window. */
  paceWords: SpokenWord[];
  wpm: number | null;
  fillerCount: number;
  wordCount: number;
  /** Start times (ms precision) of the pauses heard so far. */
  pauseStarts: number[];
  lastFiller: string | null;
  /** The latest media time of any message (s). */
  mediaTime: number;
  nudges: NudgeState;
  /** Set when the server ended the session (its reason). */
  endedReason: string | null;
  messageCount: number;
}

export const INITIAL_LIVE: LiveState = {
  voice: null,
  pose: null,
  captions: EMPTY_CAPTIONS,
  paceWords: [],
  wpm: null,
  fillerCount: 0,
  wordCount: 0,
  pauseStarts: [],
  lastFiller: null,
  mediaTime: 0,
  nudges: EMPTY_NUDGES,
  endedReason: null,
  messageCount: 0,
};

export type LiveAction =
  | { kind: "message"; message: FeedbackMessage; now: number }
  | { kind: "tick"; now: number }
  | { kind: "reset" };

function withPace(state: LiveState, mediaTime: number, added: SpokenWord[] = []): LiveState {
  const paceWords = addWords(state.paceWords, added, mediaTime, PACE_WINDOW_S);
  return { ...state, mediaTime, paceWords, wpm: rollingWpm(paceWords, mediaTime, PACE_WINDOW_S) };
}

function onSpeech(state: LiveState, m: SpeechMessage): LiveState {
  const added = countedWords(m.words, m.fillers);
  const latestWord = m.words.reduce((t, [, , end]) => Math.max(t, end), 0);
  const next = withPace(state, Math.max(state.mediaTime, latestWord), added);
  const pauseStarts = [...next.pauseStarts];
  for (const [start] of m.pauses) {
    const key = Math.round(start * 1000) / 1000;
    if (!pauseStarts.includes(key)) pauseStarts.push(key);
  }
  const lastFiller = m.fillers[m.fillers.length - 1]?.[0] ?? state.lastFiller;
  return {
    ...next,
    captions: addSpeech(state.captions, m),
    fillerCount: Math.max(state.fillerCount, m.filler_count),
    wordCount: Math.max(state.wordCount, m.word_count),
    pauseStarts,
    lastFiller,
  };
}

function onMessage(state: LiveState, m: FeedbackMessage, now: number): LiveState {
  const counted = { ...state, messageCount: state.messageCount + 1 };
  switch (m.type) {
    case "voice":
      return { ...withPace(counted, Math.max(state.mediaTime, m.t_s)), voice: m };
    case "pose":
      return { ...counted, pose: m };
    case "speech":
      return onSpeech(counted, m);
    case "alert":
      return { ...counted, nudges: receiveAlert(state.nudges, m, now) };
    case "session":
      return m.state === "ended" ? { ...counted, endedReason: m.reason ?? "ended" } : counted;
  }
}

export function liveReducer(state: LiveState, action: LiveAction): LiveState {
  switch (action.kind) {
    case "reset":
      return INITIAL_LIVE;
    case "tick": {
      const nudges = advanceNudges(state.nudges, action.now);
      return nudges === state.nudges ? state : { ...state, nudges };
    }
    case "message":
      return onMessage(state, action.message, action.now);
  }
}
