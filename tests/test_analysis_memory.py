"""Post-hoc analysis memory is bounded whatever the duration: a 4-minute file (a quiet tone, then faint noise;
made with sox) is analysed with 30 s windows, and Python's peak allocation (tracemalloc, which sees numpy's
buffers) stays under a bound that decoding the whole file at once exceeds several times over."""

from __future__ import annotations

import shutil
import subprocess
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest

from inference.assets.whisper_model import is_whisper_model_ready, whisper_model_dir
from inference.speech.types import SAMPLE_RATE
from media.offline.analyze import AnalysisModels, AnalysisOptions, analyze_report
from media.offline.audio_windows import AudioWindow, WindowPlan
from media.offline.decode import MediaInfo, decode_audio, iter_audio, probe
from media.offline.speech import VoiceTrack
from media.offline.speech_stream import SpeechStages, stream_speech

REPO = Path(__file__).resolve().parents[1]
MODELS_DIR = REPO / "var" / "models"
DURATION_S = 240
WINDOW_S = 30.0
BOUND_BYTES = 12 << 20
"""Two 30 s windows of float32 audio are ≈ 3.7 MiB; the whole 4 minutes are ≈ 14.6 MiB, twice that while
decoded pieces are joined."""

T = TypeVar("T")
pytestmark = pytest.mark.skipif(shutil.which("sox") is None, reason="needs sox")


@pytest.fixture(scope="module")
def long_file(tmp_path_factory: pytest.TempPathFactory) -> MediaInfo:
    path = tmp_path_factory.mktemp("long") / "long.flac"
    half = str(DURATION_S // 2)
    subprocess.run(
        ["sox", "-n", "-r", "48000", "-c", "1", str(path), "synth", half, "sine", "440", "vol", "0.001", ":",
         "synth", half, "whitenoise", "vol", "0.0005"],
        check=True, timeout=60,
    )  # fmt: skip
    return probe(path)


def _peak(run: Callable[[], T]) -> tuple[T, int]:
    """``run()`` and the peak of Python allocations during it, in bytes."""
    tracemalloc.start()
    try:
        result = run()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_streamed_speech_analysis_holds_a_bounded_amount_of_audio(long_file: MediaInfo) -> None:
    seen: list[tuple[float, int]] = []

    def transcribe(window: AudioWindow, voice: VoiceTrack) -> list[Any]:
        seen.append((window.start_s, len(window.samples)))
        return []

    def run() -> Any:
        return stream_speech(iter_audio(long_file), SpeechStages(transcribe=transcribe), WindowPlan(WINDOW_S, 2.0))

    result, peak = _peak(run)
    assert result.samples == DURATION_S * SAMPLE_RATE
    assert len(seen) == 9 and max(n for _, n in seen) == WINDOW_S * SAMPLE_RATE
    assert abs(len(result.voice.frames) * 0.03 - DURATION_S) < 0.1
    assert peak < BOUND_BYTES, f"peak {peak / 2**20:.1f} MiB"


def test_decoding_the_whole_file_at_once_exceeds_that_bound(long_file: MediaInfo) -> None:
    samples, peak = _peak(lambda: decode_audio(long_file))
    assert len(samples) == DURATION_S * SAMPLE_RATE
    assert peak > 2 * BOUND_BYTES, "the bound above would not tell a whole-file decode apart"


@pytest.mark.slow
@pytest.mark.skipif(not is_whisper_model_ready(whisper_model_dir(MODELS_DIR)), reason="models not prepared")
def test_the_analysis_of_a_long_file_stays_under_the_bound(long_file: MediaInfo) -> None:
    options = AnalysisOptions(body=False, acoustic_fillers=False, audio_window_s=WINDOW_S, audio_overlap_s=2.0)
    models = AnalysisModels(MODELS_DIR, options)
    models.whisper()  # loading the model is not the analysis
    report, peak = _peak(lambda: analyze_report(long_file.path, options=options, models=models, info=long_file))
    assert report.speech is not None and report.duration_s == pytest.approx(DURATION_S, abs=0.1)
    assert report.speech.word_count == 0, "neither a quiet tone nor faint noise is speech"
    assert peak < BOUND_BYTES, f"peak {peak / 2**20:.1f} MiB"
