// The coach's note box: `n` (outside a text field) stamps the current moment and focuses the box; typing stamps it
// too; Enter sends the note with that time and the chosen quick tag.
import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { formatNoteTime, type CreateNote } from "../../api/coaching";
import { Button } from "../../components/ui/Button";

export const QUICK_TAGS = [
  { tag: "pace", label: "Pace" },
  { tag: "eye_contact", label: "Eye contact" },
  { tag: "great", label: "Great" },
  { tag: "volume", label: "Volume" },
] as const;

export interface NoteBoxProps {
  /** The media time (s) of this moment, or null when not known yet (the server then uses its own now). */
  now: () => number | null;
  onNote: (note: CreateNote) => void;
  /** Why notes cannot be written (view-only share); the box is disabled and says so. */
  disabledReason?: string | null;
  busy?: boolean;
}

function typingElsewhere(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

export function NoteBox({ now, onNote, disabledReason = null, busy = false }: NoteBoxProps) {
  const [text, setText] = useState("");
  const [tag, setTag] = useState<string | null>(null);
  const [stamp, setStamp] = useState<number | null | undefined>(undefined);
  const input = useRef<HTMLTextAreaElement>(null);
  const disabled = disabledReason !== null;

  useEffect(() => {
    if (disabled) return;
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (event.key !== "n" || event.ctrlKey || event.metaKey || event.altKey || typingElsewhere(event.target)) return;
      event.preventDefault();
      setStamp(now());
      input.current?.focus();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [disabled, now]);

  const send = () => {
    const label = QUICK_TAGS.find((q) => q.tag === tag)?.label ?? "";
    const body = text.trim() || label;
    if (!body) return;
    const t = stamp === undefined ? now() : stamp;
    onNote({ t_s: t === null ? null : Math.round(t * 10) / 10, text: body, tag });
    setText("");
    setTag(null);
    setStamp(undefined);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      send();
    } else if (event.key === "Escape") {
      setText("");
      setStamp(undefined);
    }
  };

  const onChange = (value: string) => {
    if (stamp === undefined && value) setStamp(now());
    setText(value);
  };

  return (
    <section className="note-box" aria-labelledby="note-box-title">
      <h2 id="note-box-title" className="card-title">
        Note
      </h2>
      {disabledReason && (
        <p className="note-box-disabled" id="note-disabled-reason">
          {disabledReason}
        </p>
      )}
      <div className="note-tags" role="group" aria-label="Quick tags">
        {QUICK_TAGS.map((q) => (
          <button
            key={q.tag}
            type="button"
            className={`note-tag${tag === q.tag ? " note-tag-on" : ""}`}
            aria-pressed={tag === q.tag}
            disabled={disabled}
            onClick={() => {
              setTag(tag === q.tag ? null : q.tag);
              if (stamp === undefined) setStamp(now());
            }}
          >
            {q.label}
          </button>
        ))}
      </div>
      <label htmlFor="note-text" className="note-label">
        Note{" "}
        <span className="muted">
          {stamp === undefined
            ? "(press n to mark this moment, Enter to send)"
            : `at ${stamp === null ? "now" : formatNoteTime(stamp)}`}
        </span>
      </label>
      <textarea
        id="note-text"
        ref={input}
        rows={2}
        maxLength={2000}
        value={text}
        disabled={disabled}
        aria-describedby={disabledReason ? "note-disabled-reason" : undefined}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <div className="note-actions">
        <Button id="note-send" disabled={disabled || (!text.trim() && tag === null)} busy={busy} onClick={send}>
          Send note
        </Button>
      </div>
    </section>
  );
}
