import type { GapToken, Mark } from "./segments";

export interface LegendProps {
  readonly counts: Readonly<Record<Mark | GapToken["kind"], number>>;
}

/** What the transcript's marks mean, with how many there are. */
export function TranscriptLegend({ counts }: LegendProps) {
  return (
    <ul className="transcript-legend" aria-label="Transcript marks">
      <li>
        <span className="tw tw--filler">um</span> fillers: {counts.filler}
      </li>
      <li>
        <span className="tw tw--crutch">like</span> crutch words: {counts.crutch}
      </li>
      <li>
        <span className="tw tw--hedge">I think</span> hedges: {counts.hedge}
      </li>
      <li>
        <span className="tw-pause">pause</span> pauses: {counts.pause}
      </li>
      {counts.unheard > 0 ? (
        <li>
          <span className="tw-unheard">unrecognised</span> speech no word was recognised in: {counts.unheard}
        </li>
      ) : null}
    </ul>
  );
}
