"""bench.speech_accuracy: corpus layout, filler matching and the error breakdown, on plain values."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bench import speech_accuracy as bench
from inference.training.speech_synth import DEFAULT_VOICES, FillerSegment, Pause, SynthTruth, SynthVoice, TruthWord
from media.offline.analyze import AnalysisModels, AnalysisOptions

REPO = Path(__file__).resolve().parents[1]
MODELS_DIR = REPO / "var" / "models"


def _truth(*fillers: tuple[str, float, float]) -> SynthTruth:
    words = tuple(TruthWord(k, s, e, is_filler=True) for k, s, e in fillers)
    return SynthTruth(words, (), 10.0, SynthVoice())


def _found(start: float, end: float, source: str = "asr") -> dict[str, Any]:
    return {"text": "um", "start_s": start, "end_s": end, "source": source, "confidence": 1.0}


def test_scripts_hold_three_to_six_fillers_and_at_least_one_pause() -> None:
    rng = np.random.default_rng(0)
    for _ in range(30):
        script = bench.make_script(rng, float(rng.uniform(20, 36)), 160)
        fillers = sum(isinstance(s, FillerSegment) for s in script)
        assert 3 <= fillers <= 6
        assert 1 <= sum(isinstance(s, Pause) for s in script) <= 2


def test_sixty_clips_cover_every_voice_and_noise_pair_once() -> None:
    pairs = [bench.clip_condition(i) for i in range(60)]
    keys = {(voice, None if noise is None else (noise.kind, noise.snr_db)) for voice, noise in pairs}
    assert len(keys) == len(DEFAULT_VOICES) * len(bench.NOISES)


def test_filler_outcomes_mark_false_alarms_and_name_missed_kinds() -> None:
    truth = _truth(("um", 1.0, 1.5), ("er", 4.0, 4.4), ("hmm", 8.0, 8.5))
    found = [_found(1.1, 1.4, "both"), _found(1.6, 1.9, "asr"), _found(8.6, 9.0, "acoustic")]
    reported, missed = bench.filler_outcomes(truth, found)
    assert [f["matched"] for f in reported] == [True, False, True]
    assert missed == ["er"]
    assert bench.match_fillers(truth, found) == (2, 1, 1)


def test_breakdown_counts_false_alarms_per_source_and_misses_per_kind() -> None:
    reported = [{**_found(1.0, 1.5, "both"), "matched": True}, {**_found(3.0, 3.5, "acoustic"), "matched": False}]
    result = bench.ClipResult(
        "c", "en-us", 160, "clean", 10.0, 160.0, 158.0, 1, 1, 1, 0, 0, 0, 10, 1.0,
        true_fillers=["um", "er"], reported_fillers=reported, missed_fillers=["er"],
    )  # fmt: skip
    table = bench.breakdown_table([result])
    assert "| acoustic | 1 | 1 |" in table and "| both | 1 | 0 |" in table
    assert "| er | 1 | 1 |" in table and "| um | 1 | 0 |" in table


def test_the_longest_stretch_missing_from_the_transcript_spans_consecutive_uncovered_words() -> None:
    spoken = [("one", 0.0, 0.4), ("two", 0.5, 0.9), ("three", 1.0, 1.5), ("four", 1.6, 2.4), ("five", 2.5, 3.6)]
    words = (*(TruthWord(t, s, e) for t, s, e in spoken), TruthWord("um", 0.4, 0.5, is_filler=True))
    truth = SynthTruth(words, (), 4.0, SynthVoice())

    def heard(*spans: tuple[float, float]) -> list[dict[str, Any]]:
        return [{"text": "x", "start_s": s, "end_s": e} for s, e in spans]

    assert bench.longest_missing_s(truth, heard((0.0, 3.6))) == 0.0
    assert bench.longest_missing_s(truth, heard((0.0, 0.4))) == pytest.approx(3.1), "two to five: 0.5 → 3.6 s"
    assert bench.longest_missing_s(truth, heard((1.0, 1.5))) == pytest.approx(2.0), "four and five: 1.6 → 3.6 s"
    assert bench.longest_missing_s(truth, heard((0.95, 0.97))) == pytest.approx(2.0), "a touching word covers three"
    assert bench.longest_missing_s(truth, heard()) == pytest.approx(3.6)


def test_post_hoc_transcription_is_greedy_by_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    seen: dict[str, Any] = {}

    class FakeWhisper:
        def __init__(self, model_dir: Any, **kwargs: Any) -> None:
            seen.update(kwargs)
            self.model_dir, self.compute_type, self.device, self.beam_size = model_dir, "int8", "cpu", 5

    monkeypatch.setattr("inference.asr.whisper.WhisperSpeechAnalyzer", FakeWhisper)
    AnalysisModels(tmp_path).whisper()
    assert seen["temperature"] == (0.0,)
    AnalysisModels(tmp_path, AnalysisOptions(temperature=(0.0, 0.2))).whisper()
    assert seen["temperature"] == (0.0, 0.2)


@pytest.mark.slow
def test_two_clip_run_scores_and_reports_every_filler(tmp_path: Path) -> None:
    if shutil.which("espeak-ng") is None or not (MODELS_DIR / "whisper-base" / "model.bin").is_file():
        pytest.skip("needs espeak-ng and Whisper base in var/models (`podium models`)")
    out = tmp_path / "speech.json"
    args = ["--clips", "2", "--seed", "3", "--models-dir", str(MODELS_DIR), "--json", str(out)]
    run = subprocess.run(
        [sys.executable, "-m", "bench.speech_accuracy", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )  # a subprocess: the run imports TensorFlow, which must stay out of the test process
    assert run.returncode == 0, run.stderr[-2000:]
    payload = json.loads(out.read_text())
    assert payload["warnings"] == []
    clips = payload["clips"]
    assert len(clips) == 2 and all(3 <= len(c["true_fillers"]) <= 6 for c in clips)
    for c in clips:
        assert c["filler_tp"] + c["filler_fp"] == len(c["reported_fillers"])
        assert c["filler_fn"] == len(c["missed_fillers"])
    assert payload["summary"]["filler_f1"] > 0.5
    assert "| Source | Reported | False alarms |" in run.stdout and "| Filler | True | Missed |" in run.stdout
