"""Acoustic filler detector: pure window/event logic, corpus labels, scoring, and the committed Keras model."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from inference.speech.filler_acoustic import (
    CLASS_NAMES,
    DEFAULT_EVAL_PATH,
    DEFAULT_MODEL_PATH,
    DEFAULT_WINDOWS,
    AcousticFillerDetector,
    DetectorSettings,
    clip_windows,
    merge_windows,
)
from inference.training.filler_corpus import WindowSet, random_script, split_specs, window_labels
from inference.training.speech_synth import DEFAULT_VOICES, DrawnOutWord, FillerSegment, TruthWord
from inference.training.train_filler_model import score_events

needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None or shutil.which("sox") is None, reason="needs espeak-ng and sox"
)


def probs_for(filler_p: list[float], um: bool = True) -> np.ndarray:
    p = np.array(filler_p)
    other = np.zeros_like(p)
    return np.stack([1 - p, p if um else other, other if um else p], axis=1)


def test_importing_detector_fusion_and_training_modules_does_not_load_tensorflow() -> None:
    code = (
        "import sys\n"
        "import inference.speech.filler_acoustic, inference.speech.filler_fusion\n"
        "import inference.training.filler_corpus, inference.training.train_filler_model\n"
        "bad = [m for m in ('tensorflow', 'keras') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_merge_windows_joins_consecutive_positive_windows() -> None:
    step, half = DEFAULT_WINDOWS.step_s, DEFAULT_WINDOWS.window_s / 2
    events = merge_windows(probs_for([0.1, 0.9, 0.95, 0.2, 0.8, 0.1]), threshold=0.5, min_windows=1, offset_s=10)
    assert len(events) == 2
    first, second = events
    assert first.start_s == pytest.approx(10 + 1 * step + half - step, abs=1e-3)
    assert first.end_s == pytest.approx(10 + 2 * step + half + step, abs=1e-3)
    assert first.confidence == pytest.approx(0.95)
    assert first.text == "um" and second.start_s > first.end_s - 1e-9


def test_merge_windows_min_windows_threshold_and_class_guess() -> None:
    p = probs_for([0.1, 0.9, 0.2, 0.9, 0.9, 0.1], um=False)
    assert len(merge_windows(p, threshold=0.5, min_windows=2)) == 1
    assert merge_windows(p, threshold=0.5, min_windows=2)[0].text == "uh"
    assert merge_windows(p, threshold=0.95, min_windows=1) == []
    assert merge_windows(np.zeros((0, len(CLASS_NAMES)))) == []


def test_window_labels_positive_negative_and_ambiguous() -> None:
    # windows of 0.495 s every 0.1 s; a 0.4 s "um" at 1.0-1.4 s
    labels = window_labels([TruthWord("um", 1.0, 1.4, True)], 30)
    assert labels[10] == 1  # window 1.0-1.495 holds the whole filler
    assert labels[0] == 0 and labels[25] == 0  # far away
    assert labels[13] == -1  # 1.3-1.795: only the last 0.1 s of the filler
    assert labels[14] == 0  # starts where the filler ends
    uh = window_labels([TruthWord("er", 1.0, 1.4, True)], 30)
    assert uh[10] == 2


def test_corpus_splits_share_no_voice_with_each_other_or_the_benchmark() -> None:
    specs = split_specs(10, 10, 10)
    voices = [set(specs[name].voices) for name in ("train", "val", "test")]
    assert all(not (a & b) for i, a in enumerate(voices) for b in voices[i + 1 :])
    assert not set().union(*voices) & set(DEFAULT_VOICES)
    assert set(specs["test"].noise).isdisjoint(set(specs["train"].noise) - {(None, 0.0)})


def test_scripts_hold_fillers_and_drawn_out_words_only_when_asked() -> None:
    rng = np.random.default_rng(3)
    with_words = [s for _ in range(40) for s in random_script(rng, drawn_out_prob=0.5)]
    assert any(isinstance(s, DrawnOutWord) for s in with_words)
    assert any(isinstance(s, FillerSegment) for s in with_words)
    assert not any(isinstance(s, DrawnOutWord) for _ in range(40) for s in random_script(rng))


def test_thin_negatives_keeps_every_filler_window_and_about_the_requested_share_of_the_rest() -> None:
    y = np.array([0] * 1000 + [1] * 30 + [2] * 20)
    windows = WindowSet(np.zeros((len(y), 2, 2), np.float32), y, np.zeros(len(y), np.int32))
    thinned = windows.thin_negatives(0.25, seed=1)
    assert (thinned.y == 1).sum() == 30 and (thinned.y == 2).sum() == 20
    assert 200 <= (thinned.y == 0).sum() <= 300
    assert np.array_equal(thinned.y, windows.thin_negatives(0.25, seed=1).y)


def test_clip_windows_pads_short_clips_and_removes_level() -> None:
    x = clip_windows(np.random.default_rng(0).standard_normal(1_000).astype(np.float32))
    assert x.shape == (1, DEFAULT_WINDOWS.window_frames, 40)
    loud = clip_windows(np.random.default_rng(0).standard_normal(16_000).astype(np.float32))
    quiet = clip_windows(0.01 * np.random.default_rng(0).standard_normal(16_000).astype(np.float32))
    assert np.allclose(loud, quiet, atol=1e-3)
    assert abs(float(loud.mean())) < 1e-4


def test_score_events_one_to_one_matching() -> None:
    truth = [(1.0, 1.4), (3.0, 3.5), (6.0, 6.3)]
    predicted = [(0.9, 1.5), (1.3, 1.45), (3.2, 3.3), (8.0, 8.2)]
    scores = score_events(predicted, truth)
    assert (scores.true_positives, scores.false_positives, scores.false_negatives) == (2, 2, 1)
    assert scores.precision == pytest.approx(0.5) and scores.recall == pytest.approx(2 / 3)
    assert score_events([], []).f1 == 1.0


def test_detector_with_stub_model_reports_acoustic_fillers() -> None:
    def predict(windows: np.ndarray) -> np.ndarray:
        level = windows.std(axis=(1, 2))
        p = (level > np.median(level)).astype(np.float32)
        return np.stack([1 - p, p, np.zeros_like(p)], axis=1)

    detector = AcousticFillerDetector(predict, DetectorSettings(threshold=0.5, min_windows=1))
    samples = np.zeros(32_000, np.float32)
    samples[16_000:24_000] = np.random.default_rng(0).standard_normal(8_000) * 0.3
    fillers = detector.detect(samples, offset_s=5.0)
    assert fillers and all(f.source == "acoustic" and f.start_s >= 5.0 for f in fillers)


def test_committed_eval_json_matches_the_weights() -> None:
    assert DEFAULT_MODEL_PATH.exists() and DEFAULT_MODEL_PATH.stat().st_size < 3_000_000
    report = json.loads(DEFAULT_EVAL_PATH.read_text())
    assert report["model"] == DEFAULT_MODEL_PATH.name
    assert 0.0 < report["decision"]["threshold"] < 1.0
    assert report["test"]["f1"] > 0.5
    trained_on = {v for split in report["corpus"].values() for v in split["voices"]}
    assert not trained_on & set(DEFAULT_VOICES)


DETECT_SCRIPT = textwrap.dedent(
    """
    import json, sys
    from inference.speech.filler_acoustic import AcousticFillerDetector
    from inference.training.noise import NoiseSpec
    from inference.training.speech_synth import SynthVoice, synthesize
    from inference.training.train_filler_model import score_events
    clip = synthesize(
        "Good morning everyone {um} today we look at the results {uh} from the last quarter "
        "{pause:0.8} the numbers are strong {er} and the team grew {hmm} quite a lot this year",
        SynthVoice("en-us-nyc", 150, pitch=45),
        noise=NoiseSpec("pink", 20.0, seed=7),
    )
    detector = AcousticFillerDetector.load()
    found = detector.detect(clip.samples, offset_s=0.0)
    shifted = detector.detect(clip.samples, offset_s=100.0)
    truth = [(f.start_s, f.end_s) for f in clip.truth.fillers]
    s = score_events([(f.start_s, f.end_s) for f in found], truth)
    print(json.dumps({"tp": s.true_positives, "fp": s.false_positives, "fn": s.false_negatives,
                      "sources": sorted({f.source for f in found}),
                      "shift": [round(b.start_s - a.start_s, 3) for a, b in zip(found, shifted)],
                      "tf_loaded": "tensorflow" in sys.modules}))
    """
)


@pytest.mark.slow
@needs_espeak
def test_committed_model_finds_most_fillers_in_a_fresh_clip() -> None:
    result = subprocess.run(
        [sys.executable, "-c", DETECT_SCRIPT], capture_output=True, text=True, timeout=240, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["tf_loaded"]
    assert out["tp"] >= 3, out  # of 4 fillers, unseen voice
    assert out["fp"] <= 1, out
    assert out["sources"] == ["acoustic"]
    assert out["shift"] and all(abs(d - 100.0) < 1e-6 for d in out["shift"])
    assert "tensorflow" not in sys.modules
