/** Fillers heard so far ("um", "uh"…), with the rate per minute of speech. */
export function FillerCounter({ count, minutes, last }: { count: number; minutes: number; last: string | null }) {
  const perMinute = minutes >= 0.5 ? count / minutes : null;
  return (
    <div className="filler-counter" id="fillers" data-count={count}>
      <div className="gauge-head">
        <span className="gauge-label">Fillers</span>
        {last && <span className="gauge-status">last: “{last}”</span>}
      </div>
      <div className="filler-count" aria-live="polite">
        {count}
      </div>
      <p className="gauge-note">{perMinute === null ? "so far" : `${perMinute.toFixed(1)} per minute`}</p>
    </div>
  );
}
