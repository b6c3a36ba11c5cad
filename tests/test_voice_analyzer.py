"""The streaming VoiceAnalyzer on synthetic voiced tones and silences."""

from __future__ import annotations

import itertools
import time

import numpy as np
import pytest

from inference.voice.analyzer import VoiceAnalyzer

SR = 16_000


def voiced(f0: float, seconds: float, amp: float = 0.3) -> np.ndarray:
    """A harmonic-rich tone with syllable-like amplitude modulation; webrtcvad calls it speech."""
    t = np.arange(round(seconds * SR)) / SR
    x = sum(np.sin(2 * np.pi * f0 * k * t) / k for k in range(1, 8))
    x = x * (0.6 + 0.4 * np.sin(2 * np.pi * 4 * t))
    return np.asarray(x / np.abs(x).max() * amp * 32767).astype(np.int16)


def silence(seconds: float) -> np.ndarray:
    return np.zeros(round(seconds * SR), dtype=np.int16)


def feed(va: VoiceAnalyzer, pcm: np.ndarray, t0: float = 0.0, chunk: int = 320) -> list:
    frames = []
    for i in range(0, len(pcm), chunk):
        frames += va.push(pcm[i : i + chunk], t0 + i / SR)
    return frames


def test_known_f0_is_reported_within_two_percent() -> None:
    va = VoiceAnalyzer()
    frames = feed(va, voiced(150.0, 2.0))
    summary = va.summary()
    assert summary.pitch_hz == pytest.approx(150.0, rel=0.02)
    voiced_f0 = [f.f0_hz for f in frames if np.isfinite(f.f0_hz)]
    assert len(voiced_f0) > 0.8 * len(frames)
    assert summary.speaking
    assert summary.speech_ratio > 0.9


def test_steady_tone_is_monotone_and_gliding_pitch_is_not() -> None:
    steady = VoiceAnalyzer()
    feed(steady, voiced(140.0, 3.0))
    assert steady.summary().monotone
    gliding = VoiceAnalyzer()
    pieces = [voiced(f, 0.3) for f in (110, 150, 200, 130, 240, 100, 180, 120, 220, 160)]
    feed(gliding, np.concatenate(pieces))
    s = gliding.summary()
    assert s.pitch_variation_st > 3.0
    assert not s.monotone


def test_silence_is_not_speech() -> None:
    va = VoiceAnalyzer()
    frames = feed(va, silence(2.0))
    assert len(frames) == round(2.0 / 0.03 - 0.5)
    assert not any(f.is_speech for f in frames)
    assert all(np.isnan(f.f0_hz) for f in frames)
    s = va.summary()
    assert not s.speaking
    assert s.speech_ratio == 0.0
    assert np.isnan(s.dbfs) and np.isnan(s.pitch_hz)
    va.flush()
    assert va.pop_utterances() == []
    assert va.pop_pauses() == []


@pytest.mark.parametrize("amp_db", [-6.0, -20.0, -35.0])
def test_loudness_over_speech_follows_the_signal_level(amp_db: float) -> None:
    t = np.arange(2 * SR) / SR
    x = np.sign(np.sin(2 * np.pi * 150 * t)) * 10 ** (amp_db / 20)  # square wave: RMS = amplitude
    va = VoiceAnalyzer()
    feed(va, (x * 32767).astype(np.int16))
    assert va.summary().dbfs == pytest.approx(amp_db, abs=0.5)


def test_a_gap_of_one_and_a_half_seconds_gives_one_pause() -> None:
    va = VoiceAnalyzer()
    pcm = np.concatenate([voiced(130.0, 1.5), silence(1.5), voiced(130.0, 1.2), silence(0.5), voiced(130, 1)])
    feed(va, pcm, t0=10.0)
    pauses = va.pop_pauses()
    assert len(pauses) == 1
    assert pauses[0].start_s == pytest.approx(11.5, abs=0.1)
    assert pauses[0].end_s == pytest.approx(13.0, abs=0.1)
    assert pauses[0].duration_s == pytest.approx(1.5, abs=0.1)
    assert va.pop_pauses() == []


def test_current_pause_grows_during_silence() -> None:
    va = VoiceAnalyzer()
    feed(va, voiced(130.0, 1.0))
    feed(va, silence(0.9), t0=1.0)
    s = va.summary()
    assert not s.speaking
    assert s.current_pause_s == pytest.approx(0.9, abs=0.1)


def test_utterances_follow_speech_with_padding() -> None:
    va = VoiceAnalyzer()
    pcm = np.concatenate([silence(1.0), voiced(120.0, 2.0), silence(1.0), voiced(200.0, 1.0), silence(1.0)])
    feed(va, pcm, t0=5.0)
    utts = va.pop_utterances()
    assert len(utts) == 2
    assert utts[0].start_s == pytest.approx(6.0, abs=0.35)
    assert utts[0].end_s == pytest.approx(8.0, abs=0.4)
    assert utts[1].start_s == pytest.approx(9.0, abs=0.35)
    assert utts[0].samples.dtype == np.float32
    assert np.abs(utts[0].samples).max() <= 1.0
    assert va.pop_utterances() == []


def test_the_open_utterance_is_the_speech_so_far_and_ends_when_it_is_cut() -> None:
    va = VoiceAnalyzer()
    feed(va, silence(1.0), t0=2.0)
    assert va.open_utterance() is None and va.open_utterance_s == 0.0
    feed(va, voiced(150.0, 1.5), t0=3.0)
    partial = va.open_utterance()
    assert partial is not None and partial.partial
    assert partial.start_s == pytest.approx(3.0, abs=0.35)
    assert partial.end_s == pytest.approx(4.5, abs=0.05)
    assert va.open_utterance_s == pytest.approx(partial.end_s - partial.start_s, abs=1e-6)
    assert va.pop_utterances() == []
    feed(va, silence(1.0), t0=4.5)
    finished = va.pop_utterances()
    assert len(finished) == 1 and finished[0].start_s == partial.start_s and not finished[0].partial
    assert np.array_equal(finished[0].samples[: len(partial.samples)], partial.samples)
    assert va.open_utterance() is None


def test_long_speech_is_cut_into_bounded_utterances() -> None:
    va = VoiceAnalyzer(max_utterance_s=3.0)
    feed(va, voiced(150.0, 10.0), chunk=4800)
    va.flush()
    utts = va.pop_utterances()
    assert len(utts) >= 4
    assert all(u.end_s - u.start_s <= 3.0 + 1e-6 for u in utts)
    total = sum(len(u.samples) for u in utts)
    assert total == pytest.approx(10.0 * SR, abs=480)
    for a, b in itertools.pairwise(utts):
        assert b.start_s == pytest.approx(a.end_s, abs=1e-6)


def test_unpopped_utterances_are_bounded() -> None:
    va = VoiceAnalyzer(max_utterance_s=0.5)
    feed(va, voiced(150.0, 20.0), chunk=16000)
    assert len(va.pop_utterances()) <= 16
    assert va.dropped_utterances > 0


def test_chunking_does_not_change_the_frames() -> None:
    pcm = np.tile(np.concatenate([voiced(150.0, 1.0), silence(0.3), voiced(220.0, 0.5)]), 5)
    a = feed(VoiceAnalyzer(), pcm, chunk=160)
    b = feed(VoiceAnalyzer(), pcm, chunk=7777)
    whole = VoiceAnalyzer().push(pcm, 0.0)  # longer than one internal block
    assert [f.t_s for f in whole] == [f.t_s for f in a]
    np.testing.assert_allclose([f.f0_hz for f in whole], [f.f0_hz for f in a], equal_nan=True)
    assert [f.t_s for f in a] == [f.t_s for f in b]
    assert [f.is_speech for f in a] == [f.is_speech for f in b]
    np.testing.assert_allclose([f.f0_hz for f in a], [f.f0_hz for f in b], equal_nan=True)


def test_a_jump_in_media_time_restarts_framing_and_closes_the_utterance() -> None:
    va = VoiceAnalyzer()
    first = va.push(voiced(150.0, 1.0), 0.0)
    second = va.push(voiced(150.0, 1.0), 5.0)
    assert first[-1].t_s < 1.0
    assert second[0].t_s == 5.0
    utts = va.pop_utterances()
    assert len(utts) == 1
    assert utts[0].end_s <= 1.0 + 1e-6


def test_rejects_non_int16_input() -> None:
    with pytest.raises(TypeError):
        VoiceAnalyzer().push(np.zeros(480, dtype=np.float32), 0.0)


def test_per_frame_cost_is_small() -> None:
    pcm = np.concatenate([voiced(150.0, 3.0), silence(1.0)] * 2)
    va = VoiceAnalyzer()
    start = time.perf_counter()
    frames = feed(va, pcm, chunk=480)
    per_frame_ms = (time.perf_counter() - start) / len(frames) * 1e3
    assert per_frame_ms < 1.0  # measured ≈0.12–0.2 ms on 2 shared cores; generous bound for CI noise


def test_generated_speech_clip_pauses_utterances_and_pitch() -> None:
    from tests.generators.speech import pcm16, speech_clip

    clip = speech_clip(snr_db=20.0)
    offset = 3.0
    va = VoiceAnalyzer()
    feed(va, pcm16(clip.samples), t0=offset)
    va.flush()
    (true_pause,) = clip.truth.pauses
    pauses = va.pop_pauses()
    assert len(pauses) == 1
    assert pauses[0].start_s == pytest.approx(offset + true_pause.start_s, abs=0.2)
    assert pauses[0].end_s == pytest.approx(offset + true_pause.end_s, abs=0.1)
    utts = va.pop_utterances()
    for word in clip.truth.words:
        mid = offset + (word.start_s + word.end_s) / 2
        assert any(u.start_s <= mid <= u.end_s for u in utts), word
    assert all(u.end_s - u.start_s <= 8.0 + 1e-6 for u in utts)
    s = va.summary()
    assert 70.0 < s.pitch_hz < 160.0
    assert s.pitch_variation_st > 0.5
    assert -30.0 < s.dbfs < -10.0
