import type { Cue } from "./cues";

/** Sparse mode: one large word. */
export function SparseCue({ cue }: { cue: Cue }) {
  return (
    <div className={`sparse-cue sparse-${cue.tone}`} role="status" aria-live="polite" title={cue.detail}>
      <span className="sparse-word">{cue.word}</span>
      <span className="visually-hidden">{cue.detail}</span>
    </div>
  );
}
