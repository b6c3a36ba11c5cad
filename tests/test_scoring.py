"""Scores: dimension formulas and the weighted overall over edge-case reports."""

from __future__ import annotations

import json
from typing import Any

import pytest

from inference.scoring.config import DIMENSIONS, Band, ScoringConfig
from inference.scoring.dimensions import ramp, trapezoid
from inference.scoring.pipeline import complete_report
from inference.scoring.scores import metric_value, score_report, weighted_overall
from inference.scoring.synthetic import synthetic_report

SPEECH_DIMS = ("pace", "fillers", "pauses", "volume", "vocal_variety")
BODY_DIMS = ("posture", "gestures", "facing", "framing")


def dims(report: dict) -> dict[str, Any]:
    return {d: v["score"] for d, v in score_report(report)["dimensions"].items()}


def test_trapezoid_and_ramp() -> None:
    band = Band(zero_low=0, ideal_low=10, ideal_high=20, zero_high=40)
    assert [trapezoid(x, band) for x in (-5, 0, 5, 10, 15, 20, 30, 40, 50)] == [0, 0, 0.5, 1, 1, 1, 0.5, 0, 0]
    assert ramp(3.0, zero_at=12.0, full_at=1.0) == pytest.approx(9 / 11)
    assert ramp(0.0, zero_at=12.0, full_at=1.0) == 1.0


def test_good_talk_scores_high_everywhere() -> None:
    scores = score_report(synthetic_report())
    assert set(scores["dimensions"]) == set(DIMENSIONS)
    assert all(v["score"] >= 95 for v in scores["dimensions"].values())
    assert scores["overall"] >= 95
    assert scores["excluded"] == {}


def test_silence_only_has_no_speech_scores_and_no_overall_without_video() -> None:
    scores = score_report(synthetic_report(60, speech=False, video=False))
    assert scores["overall"] is None
    assert all(v["score"] is None for v in scores["dimensions"].values())
    assert scores["excluded"]["pace"] == "no speech detected"
    assert "audio-only" in scores["excluded"]["posture"]
    assert scores["metrics"]["fillers_per_min"] is None


def test_no_person_excludes_body_dimensions_from_overall() -> None:
    with_person = score_report(synthetic_report(wpm=200))
    no_person = score_report(synthetic_report(wpm=200, person_visible=False))
    assert all(no_person["dimensions"][d]["score"] is None for d in BODY_DIMS)
    assert no_person["excluded"]["facing"] == "no person visible in the video"
    speech_only = weighted_overall({d: no_person["dimensions"][d]["score"] for d in SPEECH_DIMS}, no_person["weights"])
    assert no_person["overall"] == pytest.approx(speech_only, abs=0.05)
    assert no_person["overall"] < with_person["overall"]


def test_ten_second_talk_scores_pace_but_not_pauses() -> None:
    scores = score_report(synthetic_report(10))
    assert scores["dimensions"]["pace"]["score"] > 90
    assert scores["dimensions"]["pauses"]["score"] is None
    assert "too short" in scores["excluded"]["pauses"]
    assert scores["overall"] is not None


def test_sixty_minute_talk() -> None:
    report = synthetic_report(3600, fillers_per_min=6, long_silences_at=tuple(range(300, 3600, 300)))
    scores = score_report(report)
    assert scores["metrics"]["fillers_per_min"] == pytest.approx(6, abs=0.1)
    assert 40 < scores["dimensions"]["fillers"]["score"] < 60
    assert scores["dimensions"]["pauses"]["score"] < 95
    assert len(json.dumps(scores)) < 4000


@pytest.mark.parametrize(("wpm", "lo", "hi"), [(145, 99, 100), (190, 40, 80), (250, 0, 1), (100, 40, 60), (50, 0, 1)])
def test_pace_band(wpm: float, lo: float, hi: float) -> None:
    assert lo <= dims(synthetic_report(wpm=wpm))["pace"] <= hi


def test_uneven_pace_scores_lower_than_steady_pace_with_same_average() -> None:
    steady = dims(synthetic_report(wpm=145))["pace"]
    uneven = dims(synthetic_report(wpm=lambda t: 90 if t < 60 else 200))["pace"]
    assert uneven < steady - 10


def test_monotone_scores_low_vocal_variety() -> None:
    assert dims(synthetic_report(pitch_variation_st=0.8))["vocal_variety"] < 30
    assert dims(synthetic_report(pitch_variation_st=5.0))["vocal_variety"] > 90


def test_fillers_and_lexical_fillers_lower_the_score() -> None:
    clean = dims(synthetic_report(fillers_per_min=0))["fillers"]
    ums = dims(synthetic_report(fillers_per_min=8))["fillers"]
    ums_likes = dims(synthetic_report(fillers_per_min=8, lexical_fillers_per_min=4))["fillers"]
    assert clean == 100
    assert ums_likes < ums < 50


def test_quiet_and_clipped_volume() -> None:
    assert dims(synthetic_report(volume_dbfs=-50))["volume"] < 30
    loud = synthetic_report()
    loud["speech"]["volume"]["clipped_ratio"] = 0.05
    assert dims(loud)["volume"] == 0


def test_body_dimensions_follow_timeline_shares() -> None:
    report = synthetic_report(
        100,
        posture=lambda t: "slouched_leaning" if t < 50 else "upright",
        facing=lambda t: t >= 25,
        framing=lambda t: "too_close" if t >= 75 else "ok",
        gesture="fidgeting",
    )
    d = dims(report)
    assert d["posture"] == pytest.approx(50, abs=1)
    assert d["facing"] == pytest.approx(75, abs=1)
    assert d["framing"] == pytest.approx(75, abs=1)
    assert d["gestures"] == 0


def test_body_without_classifier_uses_geometry() -> None:
    report = synthetic_report(20, posture=None, gesture=None)
    for entry in report["body"]["timeline"][:20]:
        entry["shoulder_tilt_deg"] = 15.0
        entry["gesture_activity"] = 0.0
    d = dims(report)
    assert d["posture"] == pytest.approx(50, abs=1)
    assert d["gestures"] == pytest.approx(50, abs=1)


def test_weights_are_configurable_and_renormalised() -> None:
    report = synthetic_report(wpm=250)
    only_pace = ScoringConfig.default().model_copy(update={"weights": {"pace": 1.0}})
    assert score_report(report, only_pace)["overall"] == score_report(report)["dimensions"]["pace"]["score"]
    assert weighted_overall({"a": 50.0, "b": None, "c": 100.0}, {"a": 1, "b": 5, "c": 3}) == pytest.approx(87.5)
    assert weighted_overall({"a": None}, {"a": 1}) is None


def test_complete_report_adds_scores_without_mutating_input() -> None:
    analysis = synthetic_report(30, video=False)
    report, scores = complete_report(analysis)
    assert "scores" not in analysis
    assert report.scores is not None and report.scores.model_dump(mode="json") == scores
    assert report.scores.dimensions.pace.score == scores["dimensions"]["pace"]["score"]
    assert isinstance(report.recommendations, list)
    assert metric_value(scores, "overall") == scores["overall"]
    assert metric_value(scores, "pace") == scores["dimensions"]["pace"]["score"]
    assert metric_value(scores, "fillers_per_min") == scores["metrics"]["fillers_per_min"]
    assert metric_value(scores, "posture") is None
