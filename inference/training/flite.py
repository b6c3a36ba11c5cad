"""flite as a function: a second speech synthesis engine besides espeak-ng (different voices, prosody, timbre).

Voices are named ``flite:<voice>`` in :class:`~inference.training.speech_synth.SynthVoice` (``flite -lv`` lists
``kal``, ``kal16``, ``awb``, ``rms``, ``slt``). Output is 16 kHz mono float32, edges trimmed, cached. Needs the
Debian packages ``flite`` and ``sox``.
"""

from __future__ import annotations

import functools
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from inference.training.espeak import SAMPLE_RATE, SynthError, _require, trim_silence

PREFIX = "flite:"
FLITE_VOICES: tuple[str, ...] = ("kal", "kal16", "awb", "rms", "slt")
BASE_WPM = 220.0
"""flite's own speaking rate in words per minute (as :func:`~inference.training.speech_synth.true_wpm` counts)."""
FILLER_PHONES: dict[str, str] = {"um": "ah1 m", "uh": "ah1", "er": "er1", "ah": "aa1", "hmm": "hh ah0 m"}
"""flite (CMU lexicon) phones of each filler, added to flite's lexicon as the words of :data:`FILLER_WORDS`
(stressed, so that the duration stretch draws the vowel out). Spelled as text, flite reads fillers as letters:
"uhh" is "you aitch aitch", "ahh" "a aitch aitch", "hmm" "aitch em em", which a listener hears as words."""
FILLER_WORDS: dict[str, str] = {kind: f"podiumfiller{kind.replace('hmm', 'hum')}" for kind in FILLER_PHONES}
"""The made-up words that carry the fillers (pronounceable, or flite spells them out before looking them up)."""
_FILLER_LEXICON = "".join(f"{FILLER_WORDS[kind]} : {phones}\n" for kind, phones in FILLER_PHONES.items())


def _flite_command(flite: str, voice: str, tmp: Path) -> list[str]:
    """flite with ``voice`` and the filler words added to its lexicon (written into ``tmp``)."""
    lexicon = tmp / "fillers.lex"
    lexicon.write_text(_FILLER_LEXICON)
    return [flite, "-voice", flite_voice(voice), "-add_lex", str(lexicon)]


def is_flite(voice: str) -> bool:
    return voice.startswith(PREFIX)


def flite_voice(voice: str) -> str:
    """The flite voice of a ``flite:<voice>`` name; :class:`SynthError` for one flite does not ship."""
    name = voice.removeprefix(PREFIX)
    if name not in FLITE_VOICES:
        raise SynthError(f"flite has no voice {name!r}; expected one of {FLITE_VOICES}")
    return name


@functools.lru_cache(maxsize=512)
def flite_chunk(text: str, voice: str, stretch: float, pitch_hz: float | None = None) -> np.ndarray:
    """flite speech for ``text`` with ``voice`` (``flite:<voice>``), durations scaled by ``stretch`` and the
    mean pitch moved to ``pitch_hz`` when given; 16 kHz float32, edges trimmed, cached and read-only."""
    flite, sox = _require("flite"), _require("sox")
    options = ["--setf", f"duration_stretch={stretch:.3f}"]
    if pitch_hz is not None:
        options += ["--setf", f"int_f0_target_mean={pitch_hz:.0f}"]
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "out.wav"
        try:
            subprocess.run(
                [*_flite_command(flite, voice, Path(tmp)), *options, "-t", text, "-o", str(wav)],
                capture_output=True,
                check=True,
                timeout=60,
            )
            raw = subprocess.run(
                [
                    sox,
                    "-q",
                    str(wav),
                    "-t",
                    "raw",
                    "-e",
                    "floating-point",
                    "-b",
                    "32",
                    "-c",
                    "1",
                    "-r",
                    str(SAMPLE_RATE),
                    "-",
                ],
                capture_output=True,
                check=True,
                timeout=60,
            ).stdout
        except subprocess.CalledProcessError as exc:
            raise SynthError(f"flite failed (voice={voice!r}): {exc.stderr.decode(errors='replace').strip()}") from exc
    samples = trim_silence(np.frombuffer(raw, dtype="<f4").astype(np.float32))
    if samples.size == 0:
        raise SynthError(f"flite produced no audio for {text[:40]!r} with voice {voice!r}")
    samples.setflags(write=False)
    return samples


def flite_phones(text: str, voice: str) -> list[str]:
    """The phones flite speaks for ``text`` with ``voice`` (pauses left out), the filler words included."""
    flite = _require("flite")
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            [*_flite_command(flite, voice, Path(tmp)), "-t", text, "-ps", "-o", "none"],
            capture_output=True,
            check=True,
            text=True,
            timeout=60,
        ).stdout
    return [phone for phone in out.split() if phone != "pau"]


def flite_speech(text: str, voice: str, rate_wpm: float, pitch: int = 50) -> np.ndarray:
    """``text`` at about ``rate_wpm``; ``pitch`` 0-99 (50 = the voice's own) shifts the mean pitch ±40 %."""
    return flite_chunk(text, voice, BASE_WPM / rate_wpm, _pitch_hz(voice, pitch))


def flite_filler(kind: str, voice: str, rate_wpm: float, pitch: int = 50, max_s: float = 1.2) -> np.ndarray:
    """A drawn-out filler (``um``, ``uh``, ``er``, ``ah``, ``hmm``) of at most ``max_s`` seconds."""
    stretch = 2.2 * BASE_WPM / max(rate_wpm, 100.0)
    chunk = flite_chunk(FILLER_WORDS[kind], voice, stretch, _pitch_hz(voice, pitch))
    while len(chunk) > max_s * SAMPLE_RATE and stretch > 0.8:
        stretch *= 0.8
        chunk = flite_chunk(FILLER_WORDS[kind], voice, stretch, _pitch_hz(voice, pitch))
    return chunk


def _pitch_hz(voice: str, pitch: int) -> float | None:
    if pitch == 50:
        return None
    base = 170.0 if flite_voice(voice) == "slt" else 105.0
    return base * (1.0 + 0.8 * (pitch - 50) / 100.0)
