import { memo } from "react";
import type { Recommendation } from "../../api/reports";
import { Card } from "../../components/ui/Card";
import { clock } from "../../components/transcript/clock";
import { dimensionLabel } from "./dimensions";

export interface RecommendationsProps {
  readonly items: readonly Recommendation[];
  readonly onJump: (t: number) => void;
}

/** The prioritised tips, each with its exercise and a "jump to" button per moment it cites. */
export const Recommendations = memo(function Recommendations({ items, onJump }: RecommendationsProps) {
  return (
    <Card title="Recommendations" className="recommendations-card">
      {items.length === 0 ? (
        <p className="muted">Nothing stood out: keep practising the way you did.</p>
      ) : (
        <ol className="recommendations">
          {items.map((tip) => (
            <li key={`${tip.id}-${tip.rank}`} className="recommendation">
              <h3 className="recommendation__title">
                {tip.title} <span className="badge">{dimensionLabel(tip.dimension)}</span>
              </h3>
              <p>{tip.advice}</p>
              <p className="recommendation__exercise">
                <strong>Exercise:</strong> {tip.exercise}
              </p>
              {tip.evidence.length > 0 ? (
                <div className="recommendation__moments">
                  {tip.evidence.map((moment, i) => (
                    <button
                      key={i}
                      type="button"
                      className="moment"
                      onClick={() => onJump(moment.start_s)}
                      title={moment.detail || undefined}
                    >
                      Jump to {clock(moment.start_s)}
                    </button>
                  ))}
                  <span className="print-only">Moments: {tip.evidence.map((m) => m.at || clock(m.start_s)).join(", ")}</span>
                </div>
              ) : null}
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
});
