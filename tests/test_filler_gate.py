"""The fusion gate "is this a voice at a word boundary?": real fillers pass, hard negatives (a reverberant hall's
tail, a held musical note, a drawn-out word) do not; on plain values and on generated audio."""

from __future__ import annotations

import numpy as np
import pytest

from inference.speech.filler_fusion import fuse_fillers
from inference.speech.filler_gate import (
    inside_continuous_speech,
    inside_one_word,
    pitch_range_st,
    sounds_like_a_voice,
    voice_at_word_boundary,
)
from inference.speech.metrics import frames_to_arrays
from inference.speech.types import Filler, Word
from inference.training.espeak import speech_chunk
from inference.training.noise import _tone
from inference.training.rooms import ROOMS, reverberate
from inference.training.speech_synth import SynthVoice, synthesize_drawn_out, synthesize_filler
from media.offline.speech import analyze_voice

NAN = float("nan")
SR = 16_000


def test_a_gliding_voiced_contour_is_a_voice_and_a_held_tone_or_noise_is_not() -> None:
    glide = 180.0 * 2 ** (-np.linspace(0, 3, 20) / 12)  # falls 3 semitones
    assert pitch_range_st(glide) == pytest.approx(2.4, abs=0.1)
    assert sounds_like_a_voice(glide)
    assert not sounds_like_a_voice(np.full(20, 330.0))  # a held note
    assert not sounds_like_a_voice(np.where(np.arange(20) % 4 == 0, glide, NAN))  # mostly unvoiced (a tail)
    assert not sounds_like_a_voice(np.zeros(0))


def test_a_word_drawn_out_holds_the_event_and_a_neighbour_stretched_over_it_does_not() -> None:
    event = Filler("um", 2.0, 2.8, "acoustic", 0.95)
    assert inside_one_word(event, [Word("so", 1.9, 2.85)], 0.2)
    assert not inside_one_word(event, [Word("today", 1.4, 2.8)], 0.2)  # Whisper stretching "today" over the um
    assert not inside_one_word(event, [Word("or", 1.95, 2.8)], 0.2)  # Whisper writing "er" as "or"


def test_two_words_meeting_inside_the_event_mean_speech_runs_through_it() -> None:
    event = Filler("um", 2.0, 2.8, "acoustic", 0.95)
    assert inside_continuous_speech(event, [Word("our", 1.6, 2.4), Word("main", 2.4, 3.1)], 0.15)
    assert not inside_continuous_speech(event, [Word("our", 1.6, 2.1), Word("main", 2.1, 3.1)], 0.15)  # 0.1 s
    assert not inside_continuous_speech(event, [Word("our", 1.6, 2.3), Word("main", 2.6, 3.1)], 0.15)  # a gap
    assert not inside_continuous_speech(event, [Word("so", 1.6, 2.4), Word("or", 2.4, 3.1)], 0.15)


def _concat(parts: list[np.ndarray], gap_s: float = 0.4) -> tuple[np.ndarray, list[tuple[float, float]]]:
    gap = np.zeros(round(gap_s * SR), np.float32)
    audio: list[np.ndarray] = [gap]
    spans: list[tuple[float, float]] = []
    at = len(gap)
    for part in parts:
        spans.append((at / SR, (at + len(part)) / SR))
        audio += [part.astype(np.float32), gap]
        at += len(part) + len(gap)
    return np.concatenate(audio), spans


@pytest.mark.parametrize("voice", ["en-us", "en-gb-scotland", "en-us+f3"])
def test_fillers_pass_and_hard_negatives_are_rejected_on_generated_audio(voice: str) -> None:
    v = SynthVoice(name=voice, rate_wpm=140)
    said = speech_chunk("the new product launch went very well", voice, 104, 50, 100)
    hall = reverberate(np.concatenate([said, np.zeros(SR, np.float32)]), ROOMS[-1])
    tone = 0.2 * _tone(330.0, SR, np.random.default_rng(0))
    parts = [synthesize_filler("um", v), synthesize_filler("uh", v), hall, tone, synthesize_drawn_out("so", v)]
    audio, spans = _concat(parts)
    t_s, _dbfs, _speech, f0 = frames_to_arrays(analyze_voice(audio).frames)
    tail_start = spans[2][0] + len(said) / SR + 0.05
    um, uh = (Filler("um", a, b, "acoustic", 0.95) for a, b in spans[:2])
    tail = Filler("uh", tail_start, tail_start + 0.7, "acoustic", 0.95)
    note = Filler("um", spans[3][0] + 0.1, spans[3][1] - 0.1, "acoustic", 0.95)
    drawn = Filler("uh", spans[4][0] + 0.05, spans[4][1], "acoustic", 0.95)
    words = [Word("product", spans[0][0] - 0.6, spans[0][1]), Word("or", uh.start_s, uh.end_s)]  # as Whisper has it
    words.append(Word("so", spans[4][0], spans[4][1]))
    kept = [e for e in (um, uh, tail, note, drawn) if voice_at_word_boundary(e, t_s, f0, words)]
    assert kept == [um, uh]

    def gate(event: Filler) -> bool:
        return voice_at_word_boundary(event, t_s, f0, words)

    fused = fuse_fillers([], [um, uh, tail, note, drawn], words, gate=gate)
    assert [(f.start_s, f.source) for f in fused] == [(um.start_s, "acoustic"), (uh.start_s, "acoustic")]
    assert len(fuse_fillers([], [um, uh, tail, note, drawn], words)) == 5  # without the gate all five stay
