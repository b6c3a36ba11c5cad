// A coach's timed note as it arrives on the feedback data channel: {"v":1,"type":"note","t_s","id","author","text","tag"}.

export interface NoteMessage {
  type: "note";
  id: string;
  t_s: number;
  author: string;
  text: string;
  tag: string | null;
}

/** A data-channel message (a JSON string) as a note, or null when it is not a well-formed one. */
export function parseNote(data: unknown): NoteMessage | null {
  if (typeof data !== "string" || !data.includes('"note"')) return null;
  let m: unknown;
  try {
    m = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof m !== "object" || m === null) return null;
  const r = m as Record<string, unknown>;
  if (r.type !== "note" || typeof r.id !== "string" || typeof r.text !== "string") return null;
  if (typeof r.t_s !== "number" || !Number.isFinite(r.t_s)) return null;
  return {
    type: "note",
    id: r.id,
    t_s: r.t_s,
    author: typeof r.author === "string" ? r.author : "",
    text: r.text,
    tag: typeof r.tag === "string" ? r.tag : null,
  };
}

/** At most this many live notes are kept on the speaker's page (the review lists them all). */
export const LIVE_NOTES_KEPT = 50;

/** `notes` with `note` added once (by id), newest arrival first, at most `keep` of them. */
export function addLiveNote(notes: readonly NoteMessage[], note: NoteMessage, keep = LIVE_NOTES_KEPT): NoteMessage[] {
  if (notes.some((n) => n.id === note.id)) return [...notes];
  return [note, ...notes].slice(0, Math.max(0, keep));
}
