"""`podium analyze --json` with the real models on a generated talk: WebM with VP8 video and Opus speech.

One analysis run covers both sections: an espeak-ng clip (~8 s, one "um", a 1.5 s pause) is muxed with a video
of a real photo that leaves the frame for a known interval.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from inference.assets.pose_models import bundle_path
from inference.assets.whisper_model import is_whisper_model_ready, whisper_model_dir
from inference.report.upgrade import load_report
from inference.training.speech_synth import SynthClip, SynthVoice, synthesize
from tests.generators.video import VideoScript, write_video

REPO = Path(__file__).resolve().parent.parent
MODELS_DIR = REPO / "var" / "models"
SCRIPT = "Today I want to talk about {um} our sales plans {pause:1.5} for the next quarter."
ABSENT = (3.0, 4.5)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def talk(tmp_path_factory: pytest.TempPathFactory) -> tuple[SynthClip, VideoScript, dict[str, Any], str]:
    if not is_whisper_model_ready(whisper_model_dir(MODELS_DIR)) or not bundle_path("full", MODELS_DIR).is_file():
        pytest.skip(f"models not prepared in {MODELS_DIR}: run `podium models`")
    clip = synthesize(SCRIPT, SynthVoice("en-us", 150))
    script = VideoScript(duration_s=clip.truth.duration_s, fps=10.0, absent=(ABSENT,))
    path = tmp_path_factory.mktemp("talk") / "talk.webm"
    write_video(path, script, audio=clip.samples, sample_rate=16_000)
    proc = subprocess.run(
        [sys.executable, "-m", "server.cli", "analyze", str(path), "--json", "--models-dir", str(MODELS_DIR)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return clip, script, json.loads(proc.stdout), proc.stderr


def _tokens(text: str) -> set[str]:
    return set(re.findall(r"[a-z']+", text.lower()))


def test_report_is_versioned_and_complete(talk: tuple[SynthClip, VideoScript, dict[str, Any], str]) -> None:
    clip, _, report, stderr = talk
    assert report["schema_version"] == 2
    models = {m["name"]: m for m in report["models"]}
    assert {"whisper", "pose"} <= set(models) and set(models) <= {"whisper", "filler_cnn", "pose", "body_classifier"}
    assert all(re.fullmatch(r"[0-9a-f]{64}", m["sha256"]) for m in models.values()), models
    typed = load_report(report)
    assert typed.speech is not None and typed.body is not None
    parts = [typed, typed.speech, typed.body, typed.body.stats, typed.speech.filler_stats, typed.body.timeline[0]]
    parts += [typed.speech.words[0], typed.speech.timeline[0], *typed.models]
    assert all(part.model_extra == {} for part in parts), [p.model_extra for p in parts if p.model_extra]
    assert report["has_audio"] and report["has_video"]
    assert report["duration_s"] == pytest.approx(clip.truth.duration_s, abs=0.2)
    assert "%" in stderr
    speech = report["speech"]
    for key in (
        "wpm",
        "word_count",
        "words",
        "fillers",
        "lexical_fillers",
        "pauses",
        "volume_dbfs",
        "pitch_variation_st",
        "transcript",
        "timeline",
    ):
        assert key in speech
    assert all({"text", "start_s", "end_s"} <= set(w) for w in speech["words"])
    assert all({"text", "start_s", "end_s", "source"} <= set(f) for f in speech["fillers"])
    assert speech["timeline"] and all("wpm" in w and "volume_dbfs" in w for w in speech["timeline"])
    assert -40 < speech["volume_dbfs"] < 0
    assert speech["pitch_variation_st"] is not None


def test_speech_matches_ground_truth(talk: tuple[SynthClip, VideoScript, dict[str, Any], str]) -> None:
    clip, _, report, _ = talk
    speech = report["speech"]
    assert {"today", "talk", "sales", "plans", "quarter"} <= _tokens(speech["transcript"])
    assert speech["word_count"] == pytest.approx(len(clip.truth.lexical_words), abs=2)
    assert speech["wpm"] == pytest.approx(clip.truth.wpm, rel=0.15)
    (um,) = clip.truth.fillers
    assert any(abs(f["start_s"] - um.start_s) < 0.6 for f in speech["fillers"]), speech["fillers"]
    (pause,) = clip.truth.pauses
    overlaps = [min(p["end_s"], pause.end_s) - max(p["start_s"], pause.start_s) for p in speech["pauses"]]
    assert max(overlaps, default=0.0) >= 0.75 * pause.duration_s, speech["pauses"]


def test_body_matches_ground_truth(talk: tuple[SynthClip, VideoScript, dict[str, Any], str]) -> None:
    clip, _script, report, _ = talk
    body = report["body"]
    duration = clip.truth.duration_s
    assert body["frames_analyzed"] == pytest.approx(duration * 5, abs=2)
    truth_visible = 1 - (ABSENT[1] - ABSENT[0]) / duration
    assert body["person_visible_ratio"] == pytest.approx(truth_visible, abs=0.07)
    timeline = body["timeline"]
    assert len(timeline) >= 2 * duration - 1
    for entry in timeline:
        assert {
            "t_s",
            "person_visible",
            "shoulder_tilt_deg",
            "head_tilt_deg",
            "sway",
            "gesture_activity",
            "posture",
        } <= set(entry)
        mid = entry["t_s"] + 0.25
        if ABSENT[0] + 0.3 < mid < ABSENT[1] - 0.3:
            assert entry["person_visible"] is False
        elif mid < ABSENT[0] - 0.3 or mid > ABSENT[1] + 0.3:
            assert entry["person_visible"] is True
            assert abs(entry["shoulder_tilt_deg"]) < 8
    assert body["stats"]["shoulder_tilt_deg"]["abs_mean"] < 8
