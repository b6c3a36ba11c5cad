// The notes on the review timeline: one marker per note along the recording, clickable to play from there.
import { memo, useMemo } from "react";
import { formatNoteTime, tagLabel } from "../../api/coaching";
import type { ListedNote } from "../../components/notes/NotesList";
import { clock } from "../../components/transcript/clock";
import { fractionOf, laneCount, placeNoteMarkers } from "./noteMarkers";

const LANE_PX = 18;

export interface NotesTrackProps {
  readonly notes: readonly ListedNote[];
  readonly durationS: number;
  readonly currentTime: number;
  /** Play from the note's time (and mark it as the current one). */
  readonly onSelect: (note: ListedNote) => void;
  readonly activeId?: string | null;
}

function markerLabel(note: ListedNote): string {
  const tag = note.tag ? ` [${tagLabel(note.tag)}]` : "";
  const author = note.author ? ` (${note.author})` : "";
  return `Note at ${formatNoteTime(note.t_s)}${tag}: ${note.text}${author}. Play from here`;
}

/** A strip of note markers over the length of the recording, with the playhead. */
export const NotesTrack = memo(function NotesTrack({ notes, durationS, currentTime, onSelect, activeId = null }: NotesTrackProps) {
  const markers = useMemo(() => placeNoteMarkers(notes, durationS), [notes, durationS]);
  const height = laneCount(markers) * LANE_PX + 6;
  return (
    <figure className="notes-track" aria-label="Notes on the timeline">
      <figcaption className="timeline-chart__title">
        Notes <span className="timeline-chart__unit">({markers.length}, click one to play from there)</span>
      </figcaption>
      <div className="notes-track__rail" style={{ height }}>
        <span className="notes-track__playhead" style={{ left: `${fractionOf(currentTime, durationS) * 100}%` }} aria-hidden="true" />
        {markers.map(({ note, at, lane }) => (
          <button
            key={note.id}
            type="button"
            className={`note-marker${note.id === activeId ? " note-marker--active" : ""}`}
            data-note={note.id}
            data-tag={note.tag ?? undefined}
            data-t={note.t_s}
            style={{ left: `${at * 100}%`, top: lane * LANE_PX + 3 }}
            title={`${formatNoteTime(note.t_s)} ${note.text}`}
            aria-label={markerLabel(note)}
            aria-current={note.id === activeId || undefined}
            onClick={() => onSelect(note)}
          />
        ))}
      </div>
      <div className="notes-track__ends" aria-hidden="true">
        <span>{clock(0)}</span>
        <span>{clock(durationS)}</span>
      </div>
    </figure>
  );
});
