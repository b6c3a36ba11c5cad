// Alerts as sparse nudges: one shown at a time, each held for a few seconds, no wall of text.
import type { AlertMessage } from "./feedback";

export const HOLD_MS = 4000;
export const MAX_WAITING = 3;

export interface Nudge {
  code: string;
  message: string;
  /** When it went on screen (ms, the caller's clock). */
  shownAt: number;
}

export interface NudgeState {
  current: Nudge | null;
  /** Fired alerts waiting their turn, oldest first, one per code. */
  waiting: { code: string; message: string }[];
}

export const EMPTY_NUDGES: NudgeState = { current: null, waiting: [] };

/** Fold in one alert: a fired one waits its turn (or shows at once), a cleared one leaves the queue. */
export function receiveAlert(state: NudgeState, alert: AlertMessage, now: number): NudgeState {
  if (alert.state === "cleared") {
    return { ...state, waiting: state.waiting.filter((n) => n.code !== alert.code) };
  }
  if (state.current?.code === alert.code) return state;
  const waiting = [...state.waiting.filter((n) => n.code !== alert.code), { code: alert.code, message: alert.message }];
  return advanceNudges({ current: state.current, waiting: waiting.slice(-MAX_WAITING) }, now);
}

/** Move on when the current nudge has been held long enough (or there is none) and another is waiting. */
export function advanceNudges(state: NudgeState, now: number, holdMs = HOLD_MS): NudgeState {
  const held = state.current !== null && now - state.current.shownAt < holdMs;
  if (held) return state;
  const [next, ...rest] = state.waiting;
  if (!next) return state.current === null ? state : { current: null, waiting: [] };
  return { current: { ...next, shownAt: now }, waiting: rest };
}

/** Milliseconds until the current nudge may give way, or null when nothing is on screen. */
export function msUntilNext(state: NudgeState, now: number, holdMs = HOLD_MS): number | null {
  if (state.current === null) return null;
  return Math.max(0, state.current.shownAt + holdMs - now);
}
