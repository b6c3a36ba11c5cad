// Rolling speaking pace: words per minute over the last few seconds of committed words, fillers excluded.
import type { TimedWord } from "./feedback";

export const PACE_BAND = { low: 100, high: 165 } as const;
export const PACE_WINDOW_S = 30;
/** Shorter stretches give jumpy numbers: the window starts counting from at least this much speech. */
export const MIN_SPAN_S = 8;
const MIN_WORDS = 3;

export type PaceStatus = "unknown" | "slow" | "good" | "fast";

export interface SpokenWord {
  start: number;
  end: number;
}

/** The words that count for pace: those that are not fillers (matched by start time and text). */
export function countedWords(words: readonly TimedWord[], fillers: readonly TimedWord[]): SpokenWord[] {
  const filler = new Set(fillers.map(([text, start]) => `${text.toLowerCase()}@${start.toFixed(2)}`));
  return words
    .filter(([text, start]) => !filler.has(`${text.toLowerCase()}@${start.toFixed(2)}`))
    .map(([, start, end]) => ({ start, end }));
}

/**
 * Words per minute over the `windowS` seconds up to `now` (media time): words ending in the window divided by
 * the time from the window's start (or the first word, if later, but at least MIN_SPAN_S) to `now`.
 * null until a few words are in the window.
 */
export function rollingWpm(words: readonly SpokenWord[], now: number, windowS = PACE_WINDOW_S): number | null {
  const from = now - windowS;
  const recent = words.filter((w) => w.end > from && w.end <= now + 0.001);
  const first = recent[0];
  if (recent.length < MIN_WORDS || first === undefined) return null;
  const start = Math.max(from, Math.min(first.start, now - MIN_SPAN_S));
  const minutes = (now - start) / 60;
  return minutes > 0 ? recent.length / minutes : null;
}

export function paceStatus(wpm: number | null): PaceStatus {
  if (wpm === null) return "unknown";
  if (wpm < PACE_BAND.low) return "slow";
  if (wpm > PACE_BAND.high) return "fast";
  return "good";
}

/** Add newly committed words to the window's words and drop those older than the window before `now`. */
export function addWords(
  words: readonly SpokenWord[],
  added: readonly SpokenWord[],
  now: number,
  windowS = PACE_WINDOW_S,
): SpokenWord[] {
  const from = now - windowS;
  return [...words, ...added].filter((w) => w.end > from).sort((a, b) => a.end - b.end);
}
