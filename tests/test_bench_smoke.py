"""Benchmark scripts: their scoring on plain values, and a tiny real run of the pose benchmark."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bench import live_speech
from bench import pose as pose_bench
from inference.assets.pose_models import prepare_pose_models
from tests.generators.video import FrameTruth, VideoScript, render_frame

REPO = Path(__file__).resolve().parents[1]


def _truth(tilt: float, visible: bool = True) -> FrameTruth:
    return FrameTruth(0.0, tilt, 0.0, 0.0, 1.0, visible, 640, 480)


def _speech(
    received: float, end_s: float, words: list[tuple[str, float, float]], final: bool = False
) -> tuple[float, dict[str, Any]]:
    msg = {"type": "speech", "t_s": words[0][1], "end_s": end_s, "words": [list(w) for w in words], "final": final}
    return received, msg


def test_words_are_matched_in_order_and_latency_counts_from_the_true_word_end() -> None:
    truth = [("Good", 0.5), ("morning", 1.0), ("everyone", 1.6), ("today", 2.4)]
    messages: list[tuple[float, dict[str, Any]]] = [
        (10.0, {"type": "voice"}),
        _speech(12.0, 1.2, [("good", 0.2, 0.5), ("Morning,", 0.6, 1.0)]),
        _speech(13.5, 2.6, [("every", 1.2, 1.6), ("today.", 2.0, 2.4)], final=True),
    ]
    run = live_speech.score_clip(truth, messages, stream_start=10.0)
    assert (run.spoken, run.heard, run.messages) == (4, 3, 2)
    assert run.latencies == pytest.approx([1.5, 1.0, 1.1])
    assert run.wait_for_cut == pytest.approx([0.7, 0.2, 0.2])
    assert run.after_cut == pytest.approx([0.8, 0.8, 0.9])
    assert run.by_final == [False, False, True]


def test_speech_summary_fraction_within_target() -> None:
    runs = [
        live_speech.ClipRun(
            spoken=4, heard=4, latencies=[0.5, 1.0, 1.5, 3.0], by_final=[False, False, True, True], asr_seconds=1.2
        )
    ]
    runs[0].asr_calls = 4
    summary = live_speech.summarize("x", runs)
    assert summary["within_target"] == pytest.approx(0.75)
    assert summary["max"] == pytest.approx(3.0)
    assert summary["final_share"] == pytest.approx(0.5)
    assert summary["interim_p50"] == pytest.approx(0.75) and summary["final_p50"] == pytest.approx(2.25)
    assert summary["asr_call_mean_s"] == pytest.approx(0.3)


async def test_a_slowed_asr_call_is_held_back_by_the_extra_time(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = iter([100.0, 100.4])
    held: list[float] = []

    async def record(seconds: float) -> None:
        held.append(seconds)

    async def transcribe(utterance: str) -> list[str]:
        return [utterance]

    monkeypatch.setattr(live_speech.asyncio, "sleep", record)
    assert await live_speech.slowed(transcribe, 2.5, clock=lambda: next(clock))("hello") == ["hello"]
    assert held == pytest.approx([0.6])


def test_posture_truth_bands_and_accuracy_grouping() -> None:
    assert pose_bench.truth_class(_truth(2.0)) == "upright"
    assert pose_bench.truth_class(_truth(-12.0)) == "tilted"
    assert pose_bench.truth_class(_truth(6.0)) is None
    assert pose_bench.truth_class(_truth(0.0, visible=False)) == "absent"
    acc = pose_bench.Accuracy()
    acc.posture.update({("upright", "hands_hidden"): 3, ("tilted", "tilted"): 1, ("tilted", "upright"): 2})
    assert acc.posture_accuracy == pytest.approx(4 / 6)


def test_step_keyframes_hold_each_value_until_the_next_step() -> None:
    script = VideoScript(duration_s=6.0, tilt_deg=pose_bench._ramp((0.0, 0.0), (3.0, 12.0), duration_s=6.0))
    assert [round(script.truth_at(t).tilt_deg, 3) for t in (0.0, 2.9, 3.0, 3.1, 5.9)] == [0.0, 0.0, 0.0, 12.0, 12.0]


@pytest.fixture(scope="module")
def models_dir() -> Path:
    return prepare_pose_models(REPO / "var" / "models")


def test_pose_scoring_on_a_short_tilted_clip(models_dir: Path) -> None:
    script = VideoScript(duration_s=1.0, tilt_deg=((0.0, 12.0),), absent=((0.7, 1.0),), noise_std=2.0)
    frames = [(render_frame(script, script.truth_at(t)), script.truth_at(t)) for t in script.times()]
    acc = pose_bench.Accuracy()
    baseline = pose_bench.TiltBaseline(models_dir)
    try:
        pose_bench.score_script("lite", script, frames, models_dir, baseline, None, acc)
    finally:
        baseline.close()
    assert acc.frames == 10 and acc.tilt_frames == 7
    assert acc.visible_accuracy >= 0.9
    assert len(acc.shoulder_errors) == 7
    # VIDEO-mode tracking refines the first frames' rotated ROI; once settled the 12° rotation is measured.
    assert max(acc.shoulder_errors[-4:]) < 4.0


def test_pose_bench_latency_table(models_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pose_bench.main(
        ["--frames", "5", "--variants", "lite", "--scenes", "0", "--no-worker", "--models-dir", str(models_dir)]
    )
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("| MediaPipe lite"))
    p50, p95 = (float(x) for x in row.strip("| ").split("|")[1:3])
    assert 0 < p50 <= p95
