"""The varied filler corpus: Festival speaks scripts with exact filler spans, flite stays out of training, and the
rooms, bands, levels, stretched fillers and hard negatives the corpus adds."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from inference.training.espeak import SynthError
from inference.training.festival import FESTIVAL_VOICES, parse_voice
from inference.training.filler_corpus import (
    TEST_VOICES,
    TRAIN_VOICES,
    VAL_VOICES,
    engine_of,
    generate_corpus,
    random_condition,
    random_script,
    split_specs,
)
from inference.training.rooms import time_stretch
from inference.training.speech_synth import FillerSegment, HeldNote, Phrase, Segment, SynthVoice, synthesize

SR = 16_000
needs_sox = pytest.mark.skipif(shutil.which("sox") is None, reason="needs sox")
needs_festival = pytest.mark.skipif(
    shutil.which("festival") is None or shutil.which("sox") is None, reason="needs festival and sox"
)
needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="needs espeak-ng")


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.asarray(x, np.float64) ** 2))) if len(x) else 0.0


def test_flite_is_never_a_training_or_validation_voice_and_every_training_engine_is_there() -> None:
    specs = split_specs(10, 10, 10)
    fitted = [*specs["train"].voices, *specs["val"].voices]
    assert not any(engine_of(v) == "flite" for v in fitted)
    assert {engine_of(v) for v in TRAIN_VOICES} == {"espeak-ng", "festival"}
    assert {engine_of(v) for v in TEST_VOICES} == {"espeak-ng", "festival", "flite"}
    festival_speakers = {parse_voice(v)[0] for v in TRAIN_VOICES + VAL_VOICES if engine_of(v) == "festival"}
    test_speakers = {parse_voice(v)[0] for v in TEST_VOICES if engine_of(v) == "festival"}
    assert festival_speakers.isdisjoint(test_speakers)  # the test split's Festival speaker is never trained on


@needs_espeak
@needs_festival
def test_no_generated_training_clip_is_spoken_by_flite() -> None:
    spec = split_specs(6, 2, 2, seed=5)["train"]
    names = [clip.truth.voice.name for clip, _ in generate_corpus(spec)]
    assert len(names) == 6 and not any(n.startswith("flite:") for n in names)


def test_festival_voice_names_parse_and_unknown_ones_fail() -> None:
    assert parse_voice("festival:ked+4") == ("ked", 4.0)
    assert parse_voice("festival:kal-2") == ("kal", -2.0)
    assert parse_voice("festival:kal") == ("kal", 0.0)
    assert set(FESTIVAL_VOICES) == {"kal", "ked"}
    with pytest.raises(SynthError):
        parse_voice("festival:nobody")


@needs_festival
def test_festival_speaks_a_script_with_fillers_at_their_true_times() -> None:
    script: list[Segment] = [Phrase("today we look at the results"), FillerSegment("um"), Phrase("from last year")]
    script.append(FillerSegment("er"))
    clip = synthesize(script, SynthVoice("festival:ked+3", 150), gap_s=0.3, lead_s=0.4, tail_s=0.4)
    fillers = clip.truth.fillers
    assert [f.text for f in fillers] == ["um", "er"]
    assert all(0.3 <= f.end_s - f.start_s <= 1.2 for f in fillers)
    for f in fillers:
        inside = clip.samples[int(f.start_s * SR) : int(f.end_s * SR)]
        just_before = clip.samples[int((f.start_s - 0.25) * SR) : int((f.start_s - 0.05) * SR)]
        assert _rms(inside) > 0.01 and _rms(just_before) == 0.0  # sound exactly in the span, silence in the gap
    assert clip.truth.lexical_words[0].text == "today"
    assert clip.truth.duration_s == pytest.approx(len(clip.samples) / SR, abs=1e-3)


@needs_sox
def test_time_stretch_and_filler_length_draw_sounds_out() -> None:
    tone = np.sin(2 * np.pi * 200 * np.arange(SR // 2) / SR).astype(np.float32) * 0.3
    longer = time_stretch(tone, 2.0)
    assert abs(len(longer) - SR) < 0.05 * SR
    assert time_stretch(tone, 1.0) is tone


@needs_espeak
@needs_sox
def test_a_filler_with_a_length_is_drawn_out_to_it_and_a_held_note_is_no_word() -> None:
    voice = SynthVoice("en-us+m1", 160)
    clip = synthesize([Phrase("so"), FillerSegment("uh", variant=2, length_s=1.1), HeldNote(220.0, 0.8)], voice)
    (filler,) = clip.truth.fillers
    assert filler.end_s - filler.start_s == pytest.approx(1.1, abs=0.08)
    assert [w.text for w in clip.truth.words] == ["so", "uh"]
    note = clip.samples[int((filler.end_s + 0.2) * SR) : int((filler.end_s + 0.8) * SR)]
    assert _rms(note) > 0.01


def test_varied_scripts_hold_hard_negatives_and_varied_fillers() -> None:
    rng = np.random.default_rng(4)
    segments = [s for _ in range(60) for s in random_script(rng, 0.45, 0.2, 0.3, vary_fillers=True)]
    assert any(isinstance(s, HeldNote) for s in segments)
    assert any(isinstance(s, Phrase) and s.stretch > 1.3 for s in segments)
    fillers = [s for s in segments if isinstance(s, FillerSegment)]
    assert any(f.variant > 0 for f in fillers) and any(f.length_s and f.length_s > 0.9 for f in fillers)
    plain = [s for _ in range(30) for s in random_script(rng)]
    assert not any(isinstance(s, HeldNote) or (isinstance(s, Phrase) and s.stretch != 1.0) for s in plain)


def test_random_conditions_cover_rooms_bands_and_levels() -> None:
    rng = np.random.default_rng(0)
    conditions = [random_condition(rng, None) for _ in range(200)]
    assert 50 < sum(c.room is not None for c in conditions) < 110
    assert {c.channel for c in conditions} == {None, "phone", "laptop"}
    levels = [c.level_dbfs for c in conditions if c.level_dbfs is not None]
    assert min(levels) < -40 and max(levels) > -8
    assert all(c.name.startswith("clean") for c in conditions)
