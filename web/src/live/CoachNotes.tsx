// Coaches' notes as they arrive during a live session (newest first), on the speaker's practice page.
import { formatNoteTime, tagLabel } from "../api/coaching";
import type { NoteMessage } from "./noteMessage";

/** The live-notes log (a polite live region, so a screen reader reads each new note). */
export function CoachNotes({ notes }: { notes: readonly NoteMessage[] }) {
  return (
    <section className="coach-notes" aria-labelledby="coach-notes-title">
      <h2 id="coach-notes-title" className="coach-notes-title">
        From your coach
      </h2>
      <div role="log" aria-labelledby="coach-notes-title">
        {notes.length === 0 ? (
          <p className="coach-notes-empty">Notes from a coach watching you appear here.</p>
        ) : (
          <ol className="coach-notes-list">
            {notes.map((note) => (
              <li key={note.id} className="coach-note" data-note={note.id}>
                <span className="coach-note-time">{formatNoteTime(note.t_s)}</span>
                {note.tag && <span className="coach-note-tag">{tagLabel(note.tag)}</span>}
                <span className="coach-note-text">{note.text}</span>
                {note.author && <span className="coach-note-author">{note.author}</span>}
              </li>
            ))}
          </ol>
        )}
      </div>
    </section>
  );
}
