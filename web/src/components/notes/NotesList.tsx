// A session's notes as a list in media-time order (watch page, review page).
import { formatNoteTime, tagLabel } from "../../api/coaching";
import "./notes.css";

export interface ListedNote {
  id: string;
  t_s: number;
  text: string;
  tag: string | null;
  author: string;
}

export interface NotesListProps {
  notes: readonly ListedNote[];
  /** With it, each note's time is a button that plays from there. */
  onSeek?: (t: number, note: ListedNote) => void;
  label?: string;
  /** The id of the note to show as current (e.g. the marker last clicked). */
  activeId?: string | null;
}

/** Notes in media-time order; with `onSeek`, each time is a button that seeks there. */
export function NotesList({ notes, onSeek, label = "Notes", activeId = null }: NotesListProps) {
  const sorted = [...notes].sort((a, b) => a.t_s - b.t_s);
  if (!sorted.length) return <p className="muted">No notes yet.</p>;
  return (
    <ol className="notes-list" aria-label={label}>
      {sorted.map((note) => (
        <li
          key={note.id}
          className={`notes-item${note.id === activeId ? " notes-item--active" : ""}`}
          data-note={note.id}
          aria-current={note.id === activeId || undefined}
        >
          {onSeek ? (
            <button type="button" className="notes-time" onClick={() => onSeek(note.t_s, note)} aria-label={`Play from ${formatNoteTime(note.t_s)}`}>
              {formatNoteTime(note.t_s)}
            </button>
          ) : (
            <span className="notes-time">{formatNoteTime(note.t_s)}</span>
          )}
          {note.tag && <span className="notes-tag">{tagLabel(note.tag)}</span>}
          <span className="notes-text">{note.text}</span>
          {note.author && <span className="notes-author muted">{note.author}</span>}
        </li>
      ))}
    </ol>
  );
}

/** Notes fetched and notes heard live, once each (by id). */
export function mergeNotes(a: readonly ListedNote[], b: readonly ListedNote[]): ListedNote[] {
  const byId = new Map<string, ListedNote>();
  for (const note of [...a, ...b]) byId.set(note.id, note);
  return [...byId.values()];
}
