// What each scored dimension means, for the score cards and the progress page.

export interface DimensionInfo {
  readonly label: string;
  readonly meaning: string;
}

export const DIMENSIONS: Readonly<Record<string, DimensionInfo>> = {
  pace: { label: "Pace", meaning: "Words per minute: 130–165 scores full marks, and a steady pace beats a good average." },
  fillers: { label: "Fillers", meaning: "“Um”, “uh” and crutch words per minute: one or fewer is ideal, twelve scores zero." },
  pauses: { label: "Pauses", meaning: "Pauses per minute of talk: 2–10 let points land; long silences cost points." },
  volume: { label: "Volume", meaning: "How loud your speech is: clear without clipping (−32 to −10 dBFS is ideal)." },
  vocal_variety: { label: "Vocal variety", meaning: "How much your pitch and loudness move: 4 semitones or more sounds lively." },
  posture: { label: "Posture", meaning: "Standing upright and level, without leaning, slouching or crossed arms." },
  gestures: { label: "Gestures", meaning: "Purposeful hand movement: not frozen, not fidgeting." },
  facing: { label: "Facing", meaning: "The share of the time you faced the camera (your audience)." },
  framing: { label: "Framing", meaning: "The share of the time you were well placed in the picture." },
};

/** The label of a dimension (or a readable form of an unknown name). */
export function dimensionLabel(name: string): string {
  return DIMENSIONS[name]?.label ?? name.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
}

/** A score's band for colour and words: good ≥ 75, fair ≥ 50, else needs work. */
export function scoreBand(score: number | null): "good" | "fair" | "poor" | "none" {
  if (score === null) return "none";
  if (score >= 75) return "good";
  if (score >= 50) return "fair";
  return "poor";
}
