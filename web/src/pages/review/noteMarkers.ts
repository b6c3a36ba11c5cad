// Where a session's notes sit on the review timeline: a position along the recording and a lane, so that notes
// close together stack instead of hiding each other.

export interface TimedNote {
  readonly id: string;
  readonly t_s: number;
}

export interface NoteMarker<N extends TimedNote = TimedNote> {
  readonly note: N;
  /** Position along the timeline, 0 (start) to 1 (end of the recording). */
  readonly at: number;
  /** 0 for the first row; a marker goes one row down when the rows above are taken near its position. */
  readonly lane: number;
}

export interface MarkerLayout {
  /** Markers closer than this (a fraction of the timeline) go to different lanes. */
  readonly minGap: number;
  readonly lanes: number;
}

export const DEFAULT_LAYOUT: MarkerLayout = { minGap: 0.025, lanes: 3 };

/** The fraction of the recording at `t` (clamped to 0–1; 0 when the duration is unknown). */
export function fractionOf(t: number, durationS: number): number {
  if (!Number.isFinite(t) || !(durationS > 0)) return 0;
  return Math.min(1, Math.max(0, t / durationS));
}

/**
 * Markers for `notes` in time order. Each goes to the first lane whose last marker is at least `minGap` before it;
 * when every lane is that close, to the lane whose last marker is furthest back (overlapping as little as can be).
 */
export function placeNoteMarkers<N extends TimedNote>(
  notes: readonly N[],
  durationS: number,
  layout: MarkerLayout = DEFAULT_LAYOUT,
): NoteMarker<N>[] {
  const lanes = Math.max(1, Math.floor(layout.lanes));
  const lastAt: number[] = new Array<number>(lanes).fill(-Infinity);
  const sorted = [...notes].sort((a, b) => a.t_s - b.t_s || a.id.localeCompare(b.id));
  return sorted.map((note) => {
    const at = fractionOf(note.t_s, durationS);
    let lane = lastAt.findIndex((last) => at - last >= layout.minGap);
    if (lane < 0) lane = lastAt.indexOf(Math.min(...lastAt));
    lastAt[lane] = at;
    return { note, at, lane };
  });
}

/** How many lanes the markers use (at least one, so an empty track keeps its height). */
export function laneCount(markers: readonly NoteMarker[]): number {
  return markers.reduce((n, m) => Math.max(n, m.lane + 1), 1);
}
