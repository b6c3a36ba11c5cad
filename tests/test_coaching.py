"""Coaching rules engine: tips cite the moments that triggered them, are ranked, and come from data."""

from __future__ import annotations

import json
from pathlib import Path

from inference.coaching.engine import RuleSet, recommend
from inference.coaching.evidence import Evidence, clock, merge_ranges
from inference.scoring.pipeline import complete_report
from inference.scoring.synthetic import synthetic_report


def tips_by_id(report: dict) -> dict[str, dict]:
    _, scores = complete_report(report)
    return {t["id"]: t for t in recommend(report, scores)}


def test_clock_and_ranges() -> None:
    assert clock(760) == "12:40"
    assert clock(3725) == "1:02:05"
    assert Evidence(760, 810).label == "12:40–13:30"
    assert merge_ranges([(5, 6), (0, 2), (2.5, 3)], gap_s=0.5) == [(0, 3), (5, 6)]


def test_clean_talk_gets_no_tips() -> None:
    assert tips_by_id(synthetic_report(300)) == {}


def test_fast_conclusion_is_cited_with_its_time_range() -> None:
    tips = tips_by_id(synthetic_report(810, wpm=lambda t: 190 if t >= 760 else 140))
    tip = tips["pace_fast"]
    assert "190 wpm in the conclusion (12:40–13:30)" in tip["advice"]
    assert "140 wpm" in tip["exercise"]
    assert tip["evidence"] == [{"start_s": 760.0, "end_s": 810.0, "at": "12:40–13:30", "detail": "190 wpm"}]


def test_filler_tip_names_the_filler_and_its_densest_minute() -> None:
    report = synthetic_report(300, fillers_per_min=1, filler_text="uh")
    extra = [{"text": "uh", "start_s": 200 + i * 5, "end_s": 200.3 + i * 5, "source": "asr"} for i in range(10)]
    report["speech"]["fillers"] = sorted(report["speech"]["fillers"] + extra, key=lambda f: f["start_s"])
    report["speech"]["filler_stats"]["count"] = len(report["speech"]["fillers"])
    tip = tips_by_id(report)["fillers"]
    assert "“uh”" in tip["advice"]
    first = tip["evidence"][0]
    assert 140 <= first["start_s"] <= 200 and 245 <= first["end_s"] <= 260
    assert first["detail"].startswith("1") and "fillers" in first["detail"]


def test_body_alerts_and_labels_become_tips_with_their_intervals() -> None:
    report = synthetic_report(
        200,
        alerts=((30.0, 45.0, "not_facing"), (100.0, 101.0, "not_facing"), (60.0, 75.0, "fidgeting")),
        posture=lambda t: "tilted" if 120 <= t < 140 else "upright",
    )
    tips = tips_by_id(report)
    assert [e["at"] for e in tips["not_facing"]["evidence"]] == ["0:30–0:45"]
    assert tips["fidgeting"]["evidence"][0]["at"] == "1:00–1:15"
    assert tips["posture"]["evidence"][0]["at"] == "2:00–2:20"


def test_silences_and_monotone_and_quiet() -> None:
    report = synthetic_report(
        300, long_silences_at=(100.0, 200.0), pitch_variation_st=1.0, volume_dbfs=-45, pauses_per_min=0
    )
    tips = tips_by_id(report)
    assert [e["at"] for e in tips["long_silences"]["evidence"]] == ["1:40–1:44", "3:20–3:24"]
    assert "1.0 semitones" in tips["monotone"]["advice"]
    assert "-45 dBFS" in tips["quiet"]["advice"]
    assert tips["no_pauses"]["evidence"][0]["detail"] == "100 s without a pause"


def test_every_tip_has_evidence_ranks_and_exercise() -> None:
    report = synthetic_report(
        600,
        wpm=lambda t: 200 if t < 100 else 95,
        fillers_per_min=8,
        lexical_fillers_per_min=4,
        long_silences_at=(50.0,),
        pitch_variation_st=1.2,
        alerts=((10, 40, "swaying"), (300, 320, "arms_crossed"), (400, 460, "too_far")),
    )
    tips = recommend(report, complete_report(report)[1])
    assert len(tips) == RuleSet.default().max_tips
    assert [t["rank"] for t in tips] == list(range(1, len(tips) + 1))
    assert [t["priority"] for t in tips] == sorted((t["priority"] for t in tips), reverse=True)
    for tip in tips:
        assert tip["evidence"] and tip["exercise"] and "{" not in tip["advice"] + tip["exercise"]
        assert tip["evidence"][0]["at"] in tip["advice"] + tip["exercise"]


def test_thresholds_come_from_the_rules_file(tmp_path: Path) -> None:
    data = json.loads(Path("inference/coaching/rules.json").read_text())
    for rule in data["rules"]:
        if rule["id"] == "pace_fast":
            rule["params"]["threshold"] = 150
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(data))
    report = synthetic_report(120, wpm=160)
    assert "pace_fast" not in tips_by_id(report)
    assert [t["id"] for t in recommend(report, rules=RuleSet.from_file(path))] == ["pace_fast"]


def test_audio_only_and_silent_reports_get_no_body_or_speech_tips() -> None:
    assert recommend(synthetic_report(60, speech=False, video=False)) == []
    assert recommend(synthetic_report(60, speech=False, person_visible=False)) == []
