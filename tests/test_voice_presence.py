"""Pauses under a music bed and babble: speech voicing told apart from held notes, on plain values and on
generated audio where the VAD hears speech throughout and Whisper stretches its words over the pauses."""

from __future__ import annotations

import numpy as np
import pytest

from inference.speech.types import Word
from inference.training.noise import NoiseKind
from inference.training.speech_synth import SynthClip
from inference.voice.presence import (
    below_talk_level,
    speech_frames,
    steady_frames,
    tonal_ratio,
    voice_absent,
    without_words,
)
from inference.voice.types import Pause
from media.offline.speech import analyze_voice, build_speech_section, transcript_holes
from tests.generators.speech import speech_clip

NAN = float("nan")
SCRIPT = (
    "Thank you all for coming to this meeting today. {pause:2} Our revenue grew faster than we expected. "
    "{pause:1.6} The new product launch went very well in Europe. {pause:2.2} Customers told us that the "
    "service is much easier to use. {pause:1.8} We still have some work to do on the delivery times."
)


def test_held_tones_are_steady_and_a_gliding_voice_is_speech() -> None:
    f0 = np.array([220.0, 220.2, 220.1, NAN, 180.0, 186.0, 193.0, NAN])
    assert steady_frames(f0).tolist() == [False, True, True, False, False, False, False, False]
    assert speech_frames(f0).tolist() == [True, False, False, False, True, True, True, False]
    assert tonal_ratio(f0, np.arange(8) < 3) == pytest.approx(2 / 3)
    assert tonal_ratio(f0, np.zeros(8, bool)) == 0.0


def test_a_stretch_without_speech_frames_is_voice_absent() -> None:
    t = np.arange(200) * 0.03  # 6 s
    f0 = 150.0 + 20.0 * np.sin(t * 7.0)  # a gliding voice...
    f0[(t >= 2.0) & (t < 3.5)] = 440.0  # ...with a 1.5 s held note...
    f0[(t >= 4.5) & (t < 5.0)] = NAN  # ...and a 0.5 s consonant cluster
    (absent,) = voice_absent(t, f0, 0.0, 6.0)
    assert (absent.start_s, absent.end_s) == (pytest.approx(2.12, abs=0.02), pytest.approx(3.41, abs=0.02))
    assert voice_absent(t, f0, 0.0, 6.0, min_s=1.5) == []
    assert without_words([Pause(2.0, 3.5)], [(1.0, 1.3), (2.6, 2.9)]) == []
    assert without_words([Pause(2.0, 3.5)], [(1.0, 3.3), (3.4, 3.7)]) == [Pause(2.0, 3.5)]


def test_a_voiceless_stretch_at_speech_level_is_no_pause() -> None:
    t = np.arange(200) * 0.03
    dbfs = np.where((t >= 2.0) & (t < 3.5), -32.0, -20.0)  # a bed 12 dB under voice and bed
    bed, held = Pause(2.0, 3.5), Pause(4.0, 5.0)  # the second stretch is at the talk's level (a held "ummm")
    assert below_talk_level([bed, held], t, dbfs, 0.0, 6.0) == [bed]
    assert below_talk_level([bed], t, dbfs, 10.0, 12.0) == []


def _stretched(clip: SynthClip) -> list[Word]:
    """The true words, each word before a pause stretched to the next word (what Whisper does under music)."""
    truth = clip.truth.lexical_words
    return [
        Word(w.text, w.start_s, truth[i + 1].start_s - 0.05 if i + 1 < len(truth) and w.end_s in ends else w.end_s)
        for i, w in enumerate(truth)
        for ends in [
            {max((x.end_s for x in truth if x.end_s <= p.start_s + 1e-6), default=-1.0) for p in clip.truth.pauses}
        ]
    ]


@pytest.mark.parametrize(("kind", "snr_db"), [("music", 5.0), ("music", 15.0), ("babble", 5.0), ("babble", 10.0)])
def test_pauses_under_a_bed_are_found_though_the_vad_and_the_words_miss_them(kind: NoiseKind, snr_db: float) -> None:
    clip = speech_clip(SCRIPT, snr_db=snr_db, noise_kind=kind, seed=3)
    voice = analyze_voice(clip.samples)
    assert sum(f.is_speech for f in voice.frames) / len(voice.frames) > 0.95  # the VAD hears speech throughout
    words = _stretched(clip)
    section = build_speech_section(words, None, voice, clip.truth.duration_s)
    found = [(p["start_s"], p["end_s"]) for p in section["pauses"]]
    for p in clip.truth.pauses:
        assert any(min(b, p.end_s) - max(a, p.start_s) >= 0.5 * p.duration_s for a, b in found), (p, found)
    assert len(found) == len(clip.truth.pauses)
    # the bed in the pauses is not speech that the transcript lost
    assert transcript_holes([Word(w.text, w.start_s, w.end_s) for w in clip.truth.lexical_words], voice) == []
    assert section["unrecognised_speech"] == []
