"""Varied generated speech (issue 16): rooms, phone and laptop bands, levels, a music bed, the flite engine, and the
benchmark's layout of conditions and engines."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bench.speech_accuracy import HELD_OUT_VOICES, VARIED_CONDITIONS, apply_condition, long_talk, varied_condition
from inference.training.espeak import SynthError
from inference.training.flite import FILLER_PHONES, FILLER_WORDS, flite_phones
from inference.training.noise import make_noise
from inference.training.rooms import ROOMS, at_level, reverberate, through_channel
from inference.training.speech_synth import SynthVoice, synthesize_filler
from media.offline.encode import write_audio
from tests.generators.speech import SHORT_SCRIPT, speech_clip

SR = 16_000


def _db(x: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(np.asarray(x, np.float64) ** 2) + 1e-20))


def test_every_condition_is_played_with_both_engines_and_flite_is_held_out() -> None:
    n = len(VARIED_CONDITIONS)
    pairs = {(c.name, voice.startswith("flite:")) for voice, c in (varied_condition(i) for i in range(2 * n))}
    assert len(pairs) == 2 * n
    assert all(v.startswith("flite:") for v in HELD_OUT_VOICES)


def test_a_longer_room_leaves_a_longer_tail() -> None:
    burst = np.zeros(SR * 2, np.float32)
    burst[:1600] = np.random.default_rng(0).standard_normal(1600).astype(np.float32) * 0.3
    tails = []
    for room in (ROOMS[0], ROOMS[-1]):
        wet = reverberate(burst, room)
        assert len(wet) == len(burst)
        tails.append(_db(wet[int(0.4 * SR) : int(0.8 * SR)]) - _db(wet[:1600]))
    assert tails[1] > tails[0] + 10  # the hall still rings 0.3 s after the burst, the office has died away


def test_the_phone_band_cuts_high_frequencies_and_levels_are_set() -> None:
    noise = make_noise("white", SR, np.random.default_rng(1)) * 0.1
    phone = through_channel(noise, "phone")
    spectrum = np.abs(np.fft.rfft(phone)) ** 2
    freqs = np.fft.rfftfreq(len(phone), 1 / SR)
    assert spectrum[freqs > 4500].sum() < 0.05 * spectrum[(freqs > 400) & (freqs < 3000)].sum()
    assert len(through_channel(noise, "laptop")) == SR
    assert _db(at_level(noise, -45.0)) == pytest.approx(-45.0, abs=0.5)


def test_opus_conditions_encode_at_their_bitrate_and_long_talks_alternate_engines(tmp_path: Path) -> None:
    speech = make_noise("pink", SR * 4, np.random.default_rng(1)) * 0.2
    low = [c for c in VARIED_CONDITIONS if c.opus_kbps is not None]
    assert {c.opus_kbps for c in low} == {8, 12}
    default = write_audio(tmp_path / "default.webm", speech).stat().st_size
    eight = write_audio(tmp_path / "8.webm", speech, bit_rate=8000).stat().st_size
    assert eight * 8 / 4 < 12_000, "about 8 kb/s over 4 s"
    assert default > 3 * eight, "the encoder's default is far richer"
    engines = [long_talk(i)[0].startswith("flite:") for i in range(4)]
    assert engines == [False, True, False, True]


def test_a_music_bed_never_falls_silent() -> None:
    bed = make_noise("music", 6 * SR, np.random.default_rng(2))
    assert _db(bed) == pytest.approx(0.0, abs=0.1)
    windows = bed[: 6 * SR].reshape(60, -1)
    assert min(_db(w) for w in windows) > -15.0


@pytest.mark.parametrize("voice", ["flite:kal", "flite:slt"])
def test_flite_says_each_filler_as_a_hesitation_not_as_spelled_letters(voice: str) -> None:
    # Spelled as text ("uhh", "hmm") flite reads fillers letter by letter: "you aitch aitch", "aitch em em".
    for kind, phones in FILLER_PHONES.items():
        spoken = flite_phones(FILLER_WORDS[kind], voice)
        expected = [p.rstrip("012") for p in phones.split()]
        # kal's lexicon writes the stressed "uh" vowel (ah1) as aa, as in its "cup": k aa p
        assert spoken in (expected, [("aa" if p == "ah" else p) for p in expected]), (kind, spoken)
    assert flite_phones("uhh", voice) == ["y", "uw", "ey", "ch", "ey", "ch"], "the misreading this guards against"


def test_flite_speaks_scripts_and_fillers_with_truth() -> None:
    clip = speech_clip(SHORT_SCRIPT, voice="flite:slt", rate_wpm=150)
    assert [w.text for w in clip.truth.fillers] == ["um", "uh"]
    assert clip.truth.words[0].text == "Good" and clip.truth.duration_s > 5
    filler = synthesize_filler("um", SynthVoice("flite:rms", 150))
    assert 0.3 * SR < len(filler) <= 1.2 * SR
    with pytest.raises(SynthError):
        speech_clip("hello", voice="flite:nobody")
    hall = apply_condition(clip.samples, VARIED_CONDITIONS[3])
    assert len(hall) == len(clip.samples) and np.abs(hall).max() <= 1.0
