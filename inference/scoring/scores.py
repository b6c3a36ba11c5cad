"""All dimension scores of a report, the weighted overall score and the flat metrics goals refer to."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from inference.report.model import Report
from inference.report.scores import Scores
from inference.report.upgrade import load_report
from inference.scoring.config import DIMENSIONS, ScoringConfig
from inference.scoring.dimensions import (
    BODY_SCORERS,
    SPEECH_SCORERS,
    DimensionScore,
    body_unavailable,
    fillers_per_minute,
    speech_unavailable,
)

SCORES_VERSION = 1

METRICS: dict[str, str] = {
    "overall": "higher",
    "duration_s": "none",
    "wpm": "none",
    "fillers_per_min": "lower",
    "pauses_per_min": "none",
    "long_silences": "lower",
    "volume_dbfs": "none",
    "pitch_variation_st": "higher",
    "upright_ratio": "higher",
    "facing_ratio": "higher",
    "framing_ok_ratio": "higher",
    "gesture_activity": "none",
    **{dim: "higher" for dim in DIMENSIONS},
}
"""Every metric a goal or trend may refer to, with which direction is better (``none``: a band is best)."""


def weighted_overall(dimensions: Mapping[str, float | None], weights: Mapping[str, float]) -> float | None:
    """Weighted mean of the non-null dimension scores (weights renormalised); None when nothing is scored."""
    pairs = [(s, weights.get(d, 0.0)) for d, s in dimensions.items() if s is not None and weights.get(d, 0.0) > 0]
    total = sum(w for _, w in pairs)
    if total <= 0:
        return None
    return sum(s * w for s, w in pairs) / total


def score_dimensions(report: Report, config: ScoringConfig) -> dict[str, DimensionScore]:
    """Every dimension of :data:`~inference.scoring.config.DIMENSIONS` for one analysis report."""
    out: dict[str, DimensionScore] = {}
    speech = report.speech
    body = report.body
    speech_reason = speech_unavailable(speech, config)
    body_reason = body_unavailable(body, config)
    for name, speech_scorer in SPEECH_SCORERS.items():
        if speech_reason is not None or speech is None:
            out[name] = DimensionScore(None, reason=speech_reason)
        else:
            out[name] = speech_scorer(speech, config)
    for name, body_scorer in BODY_SCORERS.items():
        if body_reason is not None or body is None:
            out[name] = DimensionScore(None, reason=body_reason)
        else:
            out[name] = body_scorer(body, config)
    return {d: out[d] for d in DIMENSIONS}


def report_metrics(
    report: Report, dims: Mapping[str, DimensionScore], config: ScoringConfig
) -> dict[str, float | None]:
    """Flat metrics of one report (what goals, trends and CSV exports use); None where not measured."""
    speech = report.speech
    has_speech = speech is not None and speech_unavailable(speech, config) is None
    has_body = body_unavailable(report.body, config) is None

    def dim_value(name: str) -> float | None:
        return dims[name].value if name in dims else None

    metrics: dict[str, float | None] = {
        "duration_s": _num(report.duration_s),
        "wpm": dim_value("pace") if has_speech else None,
        "fillers_per_min": round(fillers_per_minute(speech, config), 3) if speech and has_speech else None,
        "pauses_per_min": dim_value("pauses") if has_speech else None,
        "long_silences": float(len(speech.long_silences)) if speech and has_speech else None,
        "volume_dbfs": dim_value("volume") if has_speech else None,
        "pitch_variation_st": dim_value("vocal_variety") if has_speech else None,
        "upright_ratio": dim_value("posture") if has_body else None,
        "facing_ratio": dim_value("facing") if has_body else None,
        "framing_ok_ratio": dim_value("framing") if has_body else None,
        "gesture_activity": dim_value("gestures") if has_body else None,
    }
    return {k: None if v is None else round(v, 3) for k, v in metrics.items()}


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def score_report(report: Report | Mapping[str, Any], config: ScoringConfig | None = None) -> dict[str, Any]:
    """The ``scores`` section (JSON form of :class:`~inference.report.scores.Scores`) of a report of any stored
    version: ``overall``, ``dimensions`` (score/value/unit/reason each), ``excluded`` (dimension → reason),
    ``weights`` and ``metrics``. Scores are 0–100, rounded to 0.1."""
    config = config or ScoringConfig.default()
    report = load_report(report)
    dims = score_dimensions(report, config)
    overall = weighted_overall({d: s.score for d, s in dims.items()}, config.weights)
    return {
        "version": SCORES_VERSION,
        "overall": None if overall is None else round(overall, 1),
        "dimensions": {d: s.to_dict() for d, s in dims.items()},
        "excluded": {d: s.reason or "no data" for d, s in dims.items() if s.score is None},
        "weights": {d: config.weights.get(d, 0.0) for d in DIMENSIONS},
        "metrics": report_metrics(report, dims, config),
    }


def metric_value(scores: Scores | Mapping[str, Any], metric: str) -> float | None:
    """A metric of a ``scores`` section: ``overall``, a dimension's score, or a value from ``metrics``."""
    typed = scores if isinstance(scores, Scores) else Scores.model_validate(scores)
    if metric == "overall":
        return _num(typed.overall)
    dimension = typed.dimensions.get(metric)
    if dimension is not None:
        return _num(dimension.score)
    return _num(typed.metrics.get(metric))
