import { memo } from "react";
import type { DimensionScore, Scores } from "../../api/reports";
import { Card } from "../../components/ui/Card";
import { formatNumber } from "../../components/transcript/clock";
import { DIMENSIONS, dimensionLabel, scoreBand } from "./dimensions";

const BAND_WORDS = { good: "good", fair: "fair", poor: "needs work", none: "not scored" } as const;

/** A dimension's headline value: shares as percentages, the rest with their unit. */
export function formatValue(value: number, unit: string): string {
  if (unit === "share") return `${Math.round(value * 100)} % of the time`;
  return `${formatNumber(value, 2)}${unit ? ` ${unit}` : ""}`;
}

function ScoreMeter({ score }: { score: number }) {
  return (
    <div className="score-meter" aria-hidden="true">
      <div className={`score-meter__fill score-meter__fill--${scoreBand(score)}`} style={{ width: `${score}%` }} />
    </div>
  );
}

function DimensionCard({ name, dim }: { name: string; dim: DimensionScore }) {
  const band = scoreBand(dim.score);
  return (
    <li className={`dimension dimension--${band}`} data-dimension={name}>
      <div className="dimension__head">
        <h3 className="dimension__name">{dimensionLabel(name)}</h3>
        <span className="dimension__score" aria-label={`${dimensionLabel(name)} score`}>
          {dim.score === null ? "—" : Math.round(dim.score)}
        </span>
      </div>
      {dim.score !== null ? <ScoreMeter score={dim.score} /> : null}
      <p className="dimension__value">
        {dim.score === null ? (
          <span className="dimension__reason">Not scored: {dim.reason ?? "no data"}</span>
        ) : (
          <>
            <span className={`score-word score-word--${band}`}>{BAND_WORDS[band]}</span>
            {dim.value !== null ? ` · ${formatValue(dim.value, dim.unit)}` : null}
          </>
        )}
      </p>
      <p className="dimension__meaning">{DIMENSIONS[name]?.meaning}</p>
    </li>
  );
}

/** The overall score and one card per dimension, with what each means and why a missing one is missing. */
export const ScoresPanel = memo(function ScoresPanel({ scores }: { scores: Scores | null }) {
  if (!scores) {
    return (
      <Card title="Scores">
        <p className="muted">This report has not been scored.</p>
      </Card>
    );
  }
  // Extra dimensions the schema does not name are DimensionScores too (inference/report/scores.py).
  const dims = Object.entries(scores.dimensions) as [string, DimensionScore][];
  const overall = scores.overall;
  return (
    <Card title="Scores" className="scores-card">
      <div className="overall">
        <div className={`overall__ring overall__ring--${scoreBand(overall)}`}>
          <span className="overall__value" aria-label="Overall score">
            {overall === null ? "—" : Math.round(overall)}
          </span>
          <span className="overall__max">/ 100</span>
        </div>
        <p className="overall__text">
          <strong>Overall</strong>: the weighted mean of the dimensions that could be scored
          {dims.some(([, d]) => d.score === null) ? "; the others do not count against you" : ""}.
        </p>
      </div>
      <ul className="dimensions">
        {dims.map(([name, dim]) => (
          <DimensionCard key={name} name={name} dim={dim} />
        ))}
      </ul>
    </Card>
  );
});
