"""Generated speech clips with ground truth for tests and benchmarks.

Built on the shared espeak-ng/sox synthesiser (:mod:`inference.training.speech_synth`): this module only
chooses *what* to say and *how* (voices, rates, pitch, fillers, pauses, noise) deterministically from a
seed, and converts clips into the forms the analysers take (int16 PCM, utterances).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from inference.speech.types import Utterance
from inference.training.noise import NoiseKind, NoiseSpec
from inference.training.speech_synth import (
    DEFAULT_VOICES,
    FILLER_KINDS,
    SynthClip,
    SynthTruth,
    SynthVoice,
    synthesize,
)

SHORT_SCRIPT = (
    "Good morning everyone. {um} Today I want to talk about our sales {uh} results for the year. "
    "{pause:1.5} We grew in every region."
)
"""A ≈12 s script with two fillers Whisper keeps (um, uh) and one 1.5 s pause."""

SENTENCES: tuple[str, ...] = (
    "Thank you all for coming to this meeting today",
    "I want to walk you through the results of our last quarter",
    "Our revenue grew faster than we expected",
    "The new product launch went very well in Europe",
    "Customers told us that the service is much easier to use",
    "We still have some work to do on the delivery times",
    "Next year we plan to open two new offices",
    "The team has worked very hard to make this happen",
    "Let me show you the numbers on the next slide",
    "Most of the growth came from small businesses",
    "We will hire twenty new engineers this spring",
    "I would like to thank our partners for their support",
    "There are three things I want you to remember",
    "First we need to keep our costs under control",
    "Second we have to listen to our customers",
    "Finally we should invest in training our people",
    "This chart shows how the market has changed",
    "Please send me your questions after the talk",
)


def pcm16(samples: np.ndarray) -> np.ndarray:
    """Float samples in [-1, 1] as int16 PCM (what the live pipeline feeds the voice analyser)."""
    return (np.clip(np.asarray(samples, dtype=np.float64), -1.0, 1.0) * 32767).astype(np.int16)


def as_utterance(clip: SynthClip, start_s: float = 0.0) -> Utterance:
    """The whole clip as one utterance starting at media time ``start_s``."""
    return Utterance(start_s=start_s, samples=clip.samples.astype(np.float32))


def speech_clip(
    script: str = SHORT_SCRIPT,
    voice: str = "en-us",
    rate_wpm: int = 150,
    pitch: int = 50,
    snr_db: float | None = None,
    noise_kind: NoiseKind = "white",
    gain_db: float = 0.0,
    seed: int = 0,
) -> SynthClip:
    """One clip of ``script`` (``{um}``/``{uh}``/``{er}``/``{ah}``/``{hmm}`` fillers, ``{pause:S}`` pauses)."""
    noise = NoiseSpec(kind=noise_kind, snr_db=snr_db, seed=seed) if snr_db is not None else None
    return synthesize(script, SynthVoice(name=voice, rate_wpm=rate_wpm, pitch=pitch), noise=noise, gain_db=gain_db)


def random_script(
    rng: np.random.Generator,
    n_sentences: int = 4,
    filler_prob: float = 0.35,
    pause_prob: float = 0.3,
    pause_range_s: tuple[float, float] = (1.1, 2.0),
    fillers: tuple[str, ...] = ("um", "uh"),
) -> str:
    """A script of random sentences with fillers inserted at word boundaries and pauses between sentences.

    Pauses are drawn from ``pause_range_s`` (default clear of the 1.0 s pause threshold, so truth is
    unambiguous). Fillers default to the two Whisper transcribes reliably; pass ``FILLER_KINDS`` for all.
    """
    picks = rng.choice(len(SENTENCES), size=n_sentences, replace=n_sentences > len(SENTENCES))
    parts: list[str] = []
    for i, idx in enumerate(picks):
        words = SENTENCES[int(idx)].split()
        if rng.random() < filler_prob:
            at = int(rng.integers(1, len(words)))
            words.insert(at, "{" + str(rng.choice(fillers)) + "}")
        parts.append(" ".join(words) + ".")
        if i < n_sentences - 1 and rng.random() < pause_prob:
            parts.append(f"{{pause:{rng.uniform(*pause_range_s):.2f}}}")
    return " ".join(parts)


@dataclass(frozen=True)
class CorpusItem:
    """One generated clip of a corpus with the parameters that made it."""

    index: int
    script: str
    clip: SynthClip

    @property
    def truth(self) -> SynthTruth:
        return self.clip.truth


def corpus(
    n: int,
    seed: int = 0,
    voices: tuple[str, ...] = DEFAULT_VOICES,
    rates_wpm: tuple[int, ...] = (120, 140, 160, 180),
    snrs_db: tuple[float | None, ...] = (None, 30.0, 20.0, 10.0),
    n_sentences: int = 4,
    fillers: tuple[str, ...] = ("um", "uh"),
) -> Iterator[CorpusItem]:
    """``n`` deterministic clips cycling through voices, rates, pitches and noise levels."""
    rng = np.random.default_rng(seed)
    kinds: tuple[NoiseKind, ...] = ("white", "pink", "babble")
    for i in range(n):
        script = random_script(rng, n_sentences=n_sentences, fillers=fillers)
        snr = snrs_db[i % len(snrs_db)]
        clip = speech_clip(
            script,
            voice=voices[i % len(voices)],
            rate_wpm=rates_wpm[i % len(rates_wpm)],
            pitch=int(rng.integers(30, 71)),
            snr_db=snr,
            noise_kind=kinds[i % len(kinds)],
            seed=seed * 1000 + i,
        )
        yield CorpusItem(index=i, script=script, clip=clip)


__all__ = [
    "FILLER_KINDS",
    "SENTENCES",
    "SHORT_SCRIPT",
    "CorpusItem",
    "as_utterance",
    "corpus",
    "pcm16",
    "random_script",
    "speech_clip",
]
