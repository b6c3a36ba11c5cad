"""The typed report: old stored reports load, round trips are exact, the committed fixture is valid and current."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from inference.report.fixture import fixture_report, fixture_text
from inference.report.model import SCHEMA_VERSION, Report
from inference.report.upgrade import UnsupportedReportVersion, dump_report, load_report
from inference.scoring.pipeline import complete_report
from inference.scoring.synthetic import synthetic_report
from server.reports.schemas import ReportOut

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "web" / "src" / "api" / "fixtures" / "report.json"
REGENERATE = "python -m inference.report.fixture --out web/src/api/fixtures/report.json"

V1_MODELS = {
    "speech": {"asr": "whisper-base (int8, cpu, beam 5)", "acoustic_fillers": True},
    "body": {"pose": "mediapipe pose_landmarker_full", "classifier": True},
}


def v1_report() -> dict[str, Any]:
    """A scored version-1 report as the analysis and the jobs stored them before the typed model."""
    analysis = synthetic_report(90, alerts=((10.0, 20.0, "leaning_left"),))
    scored = dump_report(complete_report(analysis)[0])
    extra = {
        "generator": {"name": "podium", "version": "0.1.0"},
        "source": {
            "file": "talk.webm",
            "container": "matroska,webm",
            "size_bytes": 1234,
            "declared_duration_s": None,
            "audio_codec": "opus",
            "video_codec": "vp8",
            "width": 640,
            "height": 480,
        },
        "timing": {"analysis_s": 3.2, "real_time_factor": 0.21, "stages_s": {"probe": 0.01}},
        "warnings": ["acoustic filler detector unavailable: test"],
    }
    return scored | extra | {"schema_version": 1, "models": V1_MODELS}


def test_a_version_1_report_loads_with_its_models_upgraded() -> None:
    stored = v1_report()
    report = load_report(copy.deepcopy(stored))
    assert report.schema_version == SCHEMA_VERSION == 2
    assert [(m.name, m.version, m.sha256) for m in report.models] == [
        ("whisper", "whisper-base", None),
        ("filler_cnn", None, None),
        ("pose", "pose_landmarker_full", None),
        ("body_classifier", None, None),
    ]
    assert report.models[0].detail == "int8, cpu, beam 5"
    dumped = dump_report(report)
    for key, value in stored.items():
        if key not in ("schema_version", "models"):
            assert dumped[key] == value, key
    assert (
        report.scores is not None
        and report.scores.dimensions.pace.score == stored["scores"]["dimensions"]["pace"]["score"]
    )
    assert report.recommendations[0].evidence[0].at


def test_minimal_and_unscored_old_reports_load_and_keep_unknown_fields() -> None:
    minimal = {
        "schema_version": 1,
        "duration_s": 1.0,
        "has_audio": True,
        "speech": None,
        "body": None,
        "worker_pid": 42,
    }
    report = load_report(minimal)
    assert report.scores is None and report.recommendations == [] and report.models == []
    assert dump_report(report)["worker_pid"] == 42
    assert load_report({"duration_s": 2.0}).duration_s == 2.0
    legacy_pause = synthetic_report(30)
    del legacy_pause["speech"]["pauses"][0]["duration_s"]
    pause = load_report(legacy_pause).speech.pauses[0]  # type: ignore[union-attr]
    assert pause.duration_s == pytest.approx(pause.end_s - pause.start_s)


def test_versions_and_shapes_that_are_not_reports_are_refused() -> None:
    with pytest.raises(UnsupportedReportVersion):
        load_report({"schema_version": SCHEMA_VERSION + 1})
    with pytest.raises(UnsupportedReportVersion):
        load_report({"schema_version": "2"})
    with pytest.raises(ValidationError):
        load_report({"schema_version": 2, "speech": {"words": [{"text": "hi"}]}})


def test_round_trip_is_exact() -> None:
    report = fixture_report(1.0)
    dumped = dump_report(report)
    again = load_report(json.loads(json.dumps(dumped)))
    assert again == report
    assert dump_report(again) == dumped
    assert isinstance(report.speech and report.speech.words[0].start_s, float)


def test_the_analysis_fields_are_named_by_the_model() -> None:
    report = fixture_report(1.0)
    assert report.speech is not None and report.body is not None
    parts = [report, report.speech, report.body, report.body.stats, report.speech.filler_stats]
    parts += [report.speech.words[0], report.speech.fillers[0], report.body.timeline[0], report.speech.timeline[0]]
    parts += [report.recommendations[0], report.recommendations[0].evidence[0], report.models[0]]
    assert all(part.model_extra == {} for part in parts), [p.model_extra for p in parts if p.model_extra]


def test_the_committed_fixture_validates_and_is_current() -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    body = ReportOut.model_validate_json(text)
    assert body.report.scores is not None and body.report.scores.overall == body.session.overall_score
    assert body.report.recommendations and all(r.evidence for r in body.report.recommendations)
    assert body.report.speech is not None and body.report.speech.words and body.report.speech.hedges
    assert text == fixture_text(), f"{FIXTURE} is out of date: run `{REGENERATE}`"


def test_long_report_for_the_browser_benchmark() -> None:
    report = fixture_report(60.0)
    assert report.duration_s == 3600.0
    assert report.speech is not None and report.body is not None
    assert len(report.body.timeline) == 7200 and len(report.speech.timeline) == 360
    assert 7000 < len(report.speech.words) < 10_000
    assert report.speech.words[-1].end_s <= 3600.0
    assert Report.model_validate_json(report.model_dump_json()) == report
