import type { Nudge } from "./nudges";

/** The one alert on screen, if any. */
export function NudgeBanner({ nudge }: { nudge: Nudge | null }) {
  return (
    <div className="nudge-slot" role="status" aria-live="polite">
      {nudge && (
        <div className="nudge" key={`${nudge.code}-${nudge.shownAt}`} data-code={nudge.code}>
          {nudge.message}
        </div>
      )}
    </div>
  );
}
