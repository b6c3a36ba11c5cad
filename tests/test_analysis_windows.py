"""Streamed post-hoc speech analysis on plain values: windows, ownership at the seams, the streamed voice
analyser against the whole-file one."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from inference.speech.types import SAMPLE_RATE, Filler, Word
from media.offline.audio_windows import AudioWindow, WindowPlan, audio_windows
from media.offline.speech import VoiceTrack, analyze_voice
from media.offline.speech_stream import SpeechStages, VoiceStream, acoustic_detector, shifted_voice, stream_speech


def _pieces(total: int, seed: int = 0) -> list[np.ndarray]:
    """``0 .. total-1`` as float32, cut at random places (pieces of 1 to 7000 samples)."""
    rng = np.random.default_rng(seed)
    signal = np.arange(total, dtype=np.float32)
    cuts = np.cumsum(rng.integers(1, 7000, size=total // 1000 + 2))
    return [p for p in np.split(signal, cuts[cuts < total]) if len(p)]


def test_windows_cover_the_stream_with_overlaps_and_own_it_without_gaps() -> None:
    plan = WindowPlan(window_s=1.0, overlap_s=0.25)
    total = int(3.6 * SAMPLE_RATE)
    windows = list(audio_windows(_pieces(total), plan))
    assert [w.start_s for w in windows] == [0.0, 0.75, 1.5, 2.25, 3.0]
    for w in windows:
        start = round(w.start_s * SAMPLE_RATE)
        assert np.array_equal(w.samples, np.arange(start, start + len(w.samples), dtype=np.float32))
        assert len(w.samples) <= plan.window_samples
    assert [w.new_from for w in windows] == [0] + [plan.overlap_samples] * 4
    assert windows[-1].end_s == pytest.approx(3.6) and windows[-1].is_last
    assert windows[0].own_start_s == -math.inf and windows[-1].own_end_s == math.inf
    for a, b in itertools.pairwise(windows):
        assert a.own_end_s == pytest.approx(b.own_start_s) == pytest.approx(b.start_s + 0.125)
        assert not a.is_last


@pytest.mark.parametrize("seconds", [0.4, 1.0])
def test_audio_no_longer_than_a_window_is_one_window_owning_everything(seconds: float) -> None:
    total = int(seconds * SAMPLE_RATE)
    (window,) = audio_windows(_pieces(total, seed=1), WindowPlan(window_s=1.0, overlap_s=0.25))
    assert np.array_equal(window.samples, np.arange(total, dtype=np.float32))
    assert (window.own_start_s, window.own_end_s) == (-math.inf, math.inf)


def test_no_audio_no_window() -> None:
    assert list(audio_windows([], WindowPlan())) == []


def test_a_window_may_not_overlap_half_of_itself() -> None:
    with pytest.raises(ValueError):
        WindowPlan(window_s=10.0, overlap_s=5.0)


def _speechlike(seconds: float) -> np.ndarray:
    """Harmonic bursts with pauses, loud enough for the VAD and the pitch tracker."""
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    voiced = sum(np.sin(2 * np.pi * 150 * k * t) / k for k in range(1, 8))
    gate = (np.sin(2 * np.pi * 0.4 * t) > -0.2).astype(np.float32)
    return (0.2 * voiced * gate).astype(np.float32)


def test_the_streamed_voice_analyser_finds_the_frames_and_silences_of_the_whole_file_one() -> None:
    audio = _speechlike(7.3)
    whole = analyze_voice(audio)
    stream = VoiceStream()
    for piece in np.array_split(audio, [1234, 20000, 20001, 70000]):
        stream.push(piece)
    streamed = stream.finish()
    assert any(f.is_speech for f in whole.frames) and whole.silences
    assert _columns(streamed) == _columns(whole) and streamed.silences == whole.silences
    assert _columns(stream.finish()) == _columns(whole), "finishing twice changes nothing"


def _columns(track: VoiceTrack) -> list[list[object]]:
    """The frames as comparable columns (an unvoiced frame's NaN pitch compares equal as a string)."""
    return [[f.t_s for f in track.frames], [f.is_speech for f in track.frames], [f.dbfs for f in track.frames],
            [repr(f.f0_hz) for f in track.frames]]  # fmt: skip


def test_each_word_heard_in_two_windows_is_kept_once_by_the_window_owning_its_centre() -> None:
    plan = WindowPlan(window_s=2.0, overlap_s=0.5)
    grid = [round(0.1 + 0.3 * i, 3) for i in range(20)]  # a word every 0.3 s over 6 s

    def transcribe(window: AudioWindow, voice: VoiceTrack) -> list[Word]:
        return [Word(f"w{t}", t, t + 0.2) for t in grid if window.start_s <= t and t + 0.2 <= window.end_s]

    audio = np.zeros(int(6.2 * SAMPLE_RATE), np.float32)
    result = stream_speech(np.array_split(audio, 31), SpeechStages(transcribe=transcribe), plan)
    assert [w.start_s for w in result.words] == grid
    assert result.samples == len(audio)
    assert result.voice.frames[-1].t_s == pytest.approx(6.2 - 0.03 - 0.01, abs=0.03)


def test_window_voice_is_moved_to_window_time_and_back() -> None:
    track = VoiceTrack(analyze_voice(_speechlike(1.0)).frames, ())
    there = shifted_voice(shifted_voice(track, -12.5), 12.5)
    assert [f.t_s for f in there.frames] == pytest.approx([f.t_s for f in track.frames])


class _TickDetector:
    """Hears a 0.3 s filler starting every 0.5 s of media time, wherever its input starts."""

    def __init__(self) -> None:
        self.inputs: list[int] = []

    def detect(self, samples: np.ndarray, offset_s: float = 0.0) -> list[Filler]:
        self.inputs.append(len(samples))
        end = offset_s + len(samples) / SAMPLE_RATE
        starts = [t / 2 for t in range(math.ceil(offset_s * 2), math.floor(end * 2) + 1)]
        return [Filler("um", t, t + 0.3, "acoustic", 0.9) for t in starts if t + 0.3 <= end]


def test_the_acoustic_detector_sees_a_window_in_bounded_parts_and_each_filler_once() -> None:
    detector = _TickDetector()
    window = AudioWindow(100.0, np.zeros(int(7.2 * SAMPLE_RATE), np.float32), 0, -math.inf, math.inf)
    found = acoustic_detector(detector, WindowPlan(window_s=2.0, overlap_s=0.8))(window)
    assert [f.start_s for f in found] == [100.0 + i / 2 for i in range(14)]
    assert max(detector.inputs) == 2 * SAMPLE_RATE and len(detector.inputs) == 6
