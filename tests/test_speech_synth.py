"""Ground truth of the espeak-ng synthesiser used for speech test clips and benchmarks."""

from __future__ import annotations

import itertools
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from inference.training.espeak import SynthError, trim_silence
from inference.training.noise import NoiseSpec, make_noise
from inference.training.speech_synth import (
    DRAWN_OUT_WORDS,
    FILLER_KINDS,
    DrawnOutWord,
    FillerSegment,
    Pause,
    Phrase,
    SynthVoice,
    TruthWord,
    parse_script,
    read_wav,
    split_phrase_times,
    synthesize,
    synthesize_chunk,
    synthesize_filler,
    true_wpm,
)

pytestmark = pytest.mark.skipif(
    shutil.which("espeak-ng") is None or shutil.which("sox") is None, reason="needs espeak-ng and sox"
)

SENTENCE = "Today I want to talk about our plans for the coming year and what they mean for everyone here"


def test_parse_script_splits_fillers_and_pauses() -> None:
    assert parse_script("Hello there {um} world {pause: 1.5}{UH} again  ") == [
        Phrase("Hello there"),
        FillerSegment("um"),
        Phrase("world"),
        Pause(1.5),
        FillerSegment("uh"),
        Phrase("again"),
    ]


def test_split_phrase_times_is_ordered_contiguous_and_longer_for_longer_words() -> None:
    words = split_phrase_times("I presented extraordinary results.", 1.0, 3.0)
    assert [w.text for w in words] == ["I", "presented", "extraordinary", "results"]
    assert words[0].start_s == 1.0 and words[-1].end_s == 3.0
    assert all(a.end_s == b.start_s for a, b in itertools.pairwise(words))
    durations = [w.end_s - w.start_s for w in words]
    assert durations[0] < durations[1] < durations[2]


def test_true_wpm_ignores_fillers() -> None:
    words = [TruthWord("a", 0.0, 1.0), TruthWord("um", 1.0, 2.0, True), TruthWord("b", 2.0, 6.0)]
    assert true_wpm(words) == pytest.approx(2 / (6 / 60))
    assert true_wpm(words[:1]) == 0.0


def test_trim_silence_cuts_quiet_edges() -> None:
    x = np.concatenate([np.zeros(100), np.full(50, 0.5), np.zeros(30)]).astype(np.float32)
    assert len(trim_silence(x)) == 50
    assert len(trim_silence(np.zeros(10, np.float32))) == 0


@pytest.mark.parametrize("rate", [110, 220])
def test_phrase_rate_is_close_to_requested(rate: int) -> None:
    clip = synthesize(SENTENCE, SynthVoice("en-us", rate))
    assert clip.truth.wpm == pytest.approx(rate, rel=0.12)
    assert clip.truth.transcript == SENTENCE


def test_fillers_sound_like_hesitations() -> None:
    for voice in ("en-us", "en-gb-scotland+f3"):
        for kind in FILLER_KINDS:
            duration = len(synthesize_filler(kind, SynthVoice(voice, 180))) / 16_000
            assert 0.2 <= duration <= 0.8, (voice, kind, duration)


def test_drawn_out_words_are_longer_than_the_plain_word_and_not_fillers() -> None:
    voice = SynthVoice("en-gb", 180)
    for word in ("so", "well", "now"):
        plain = len(synthesize_chunk(word, voice))
        assert len(synthesize([DrawnOutWord(word)], voice, lead_s=0, tail_s=0).samples) > 1.3 * plain, word
    clip = synthesize([Phrase("we can"), DrawnOutWord("so"), FillerSegment("uh"), Phrase("go")], voice)
    assert [(w.text, w.is_filler) for w in clip.truth.words] == [
        ("we", False),
        ("can", False),
        ("so", False),
        ("uh", True),
        ("go", False),
    ]
    assert clip.truth.words[2].end_s - clip.truth.words[2].start_s > 0.4
    assert set(DRAWN_OUT_WORDS) >= {"so", "well", "now"}
    with pytest.raises(ValueError):
        synthesize([DrawnOutWord("umbrella")], voice)


def test_clip_truth_places_words_fillers_and_pauses() -> None:
    clip = synthesize(
        "So today {um} we look at sales {pause:1.2} next year {uh} thanks",
        SynthVoice("en-gb", 150),
        gap_s=0.1,
        lead_s=0.25,
        tail_s=0.4,
    )
    truth = clip.truth
    assert [w.text for w in truth.words] == [
        "So",
        "today",
        "um",
        "we",
        "look",
        "at",
        "sales",
        "next",
        "year",
        "uh",
        "thanks",
    ]
    assert [w.text for w in truth.fillers] == ["um", "uh"]
    assert truth.words[0].start_s == pytest.approx(0.25)
    starts = [w.start_s for w in truth.words]
    assert starts == sorted(starts)
    assert all(w.end_s > w.start_s for w in truth.words)
    (pause,) = truth.pauses
    sales, nxt = truth.words[6], truth.words[7]
    assert pause.start_s == pytest.approx(sales.end_s, abs=1e-3)
    assert pause.end_s == pytest.approx(nxt.start_s, abs=1e-3)
    assert pause.duration_s == pytest.approx(1.2, abs=1e-3)
    assert truth.duration_s == pytest.approx(len(clip.samples) / 16_000, abs=1e-3)
    assert truth.duration_s == pytest.approx(truth.words[-1].end_s + 0.4, abs=1e-3)
    # the samples are silent exactly where the truth says nothing is spoken
    pause_samples = clip.samples[int(pause.start_s * 16_000) + 10 : int(pause.end_s * 16_000) - 10]
    assert np.max(np.abs(pause_samples)) == 0.0
    filler = truth.fillers[0]
    assert np.sqrt(np.mean(clip.samples[int(filler.start_s * 16_000) : int(filler.end_s * 16_000)] ** 2)) > 0.01
    data = json.loads(truth.to_json())
    assert data["fillers"][1]["text"] == "uh" and data["pauses"][0]["end_s"] == pause.end_s


def test_noise_is_mixed_at_requested_snr() -> None:
    clean = synthesize("hello everyone and welcome", SynthVoice("en-us", 160))
    noisy = synthesize("hello everyone and welcome", SynthVoice("en-us", 160), noise=NoiseSpec("pink", 10.0, seed=3))
    assert noisy.truth.words == clean.truth.words
    noise = noisy.samples - clean.samples
    speech = clean.samples[np.abs(clean.samples) > 0]
    snr = 10 * np.log10(np.mean(speech**2) / np.mean(noise**2))
    assert snr == pytest.approx(10.0, abs=0.75)


@pytest.mark.parametrize("kind", ["white", "pink", "babble"])
def test_make_noise_has_unit_power(kind: str) -> None:
    noise = make_noise(kind, 16_000, np.random.default_rng(1))  # type: ignore[arg-type]
    assert noise.dtype == np.float32 and noise.shape == (16_000,)
    assert float(np.mean(noise**2)) == pytest.approx(1.0, rel=1e-3)


def test_wav_round_trip(tmp_path: Path) -> None:
    clip = synthesize("{hmm} right", SynthVoice("en-us", 160))
    back = read_wav(clip.write_wav(tmp_path / "c.wav"))
    assert back.shape == clip.samples.shape
    assert np.max(np.abs(back - clip.samples)) < 1e-3


def test_unknown_voice_is_a_clear_error() -> None:
    with pytest.raises(SynthError, match="no-such-voice"):
        synthesize_chunk("hello", SynthVoice("no-such-voice"))
    with pytest.raises(SynthError, match="en-us"):
        synthesize_chunk("hello", SynthVoice("en-us+nope"))
    with pytest.raises(SynthError):
        synthesize_chunk("hello", SynthVoice("en-us+annie"))  # espeak-ng only knows "+Annie"
    assert len(synthesize_chunk("hello", SynthVoice("EN-US+Annie"))) > 0
