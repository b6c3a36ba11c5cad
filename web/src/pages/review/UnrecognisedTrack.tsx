// Stretches of unrecognised speech on the review timeline: a band each, with a tooltip, clickable to play from
// its start (as the note markers are).
import { memo, useMemo } from "react";
import { clock, formatNumber } from "../../components/transcript/clock";
import { fractionOf } from "./noteMarkers";
import { placeSpanBands, totalSeconds, type TimedSpan } from "./spanBands";

export interface UnrecognisedTrackProps {
  readonly spans: readonly TimedSpan[];
  readonly durationS: number;
  readonly currentTime: number;
  readonly onSeek: (t: number) => void;
}

function bandText(span: TimedSpan): string {
  const length = formatNumber(span.end_s - span.start_s);
  return `Unrecognised speech ${clock(span.start_s)}–${clock(span.end_s)} (${length} s): you were heard speaking, but no words were recognised`;
}

/** A strip with one band per stretch of speech in which no word was recognised, and the playhead. */
export const UnrecognisedTrack = memo(function UnrecognisedTrack({ spans, durationS, currentTime, onSeek }: UnrecognisedTrackProps) {
  const bands = useMemo(() => placeSpanBands(spans, durationS), [spans, durationS]);
  const total = formatNumber(totalSeconds(spans));
  return (
    <figure className="notes-track unrecognised-track" aria-label="Unrecognised speech on the timeline">
      <figcaption className="timeline-chart__title">
        Unrecognised speech{" "}
        <span className="timeline-chart__unit">
          ({bands.length}, {total} s in all: words may be missing from the transcript there; click one to listen)
        </span>
      </figcaption>
      <div className="notes-track__rail unrecognised-track__rail">
        <span className="notes-track__playhead" style={{ left: `${fractionOf(currentTime, durationS) * 100}%` }} aria-hidden="true" />
        {bands.map(({ span, at, width }) => (
          <button
            key={`${span.start_s}-${span.end_s}`}
            type="button"
            className="unrecognised-band"
            data-start={span.start_s}
            style={{ left: `${at * 100}%`, width: `${width * 100}%` }}
            title={bandText(span)}
            aria-label={`${bandText(span)}. Play from here`}
            onClick={() => onSeek(span.start_s)}
          />
        ))}
      </div>
    </figure>
  );
});
