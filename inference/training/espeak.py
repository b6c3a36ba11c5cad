"""espeak-ng + sox as a function: text and voice parameters in, 16 kHz mono float32 samples out (cached)."""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path

import numpy as np

SAMPLE_RATE = 16_000
_TRIM_THRESHOLD = 10 ** (-45 / 20)
ESPEAK_RATE_FACTOR = 0.745
"""espeak-ng ``-s`` units per real word per minute (its ``-s`` runs about 1.34 times slower than real words)."""


class SynthError(RuntimeError):
    """espeak-ng or sox is missing or failed."""


def _require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise SynthError(f"{tool} not found on PATH; install the Debian package '{tool}'")
    return path


@functools.lru_cache(maxsize=1)
def _known_voices() -> tuple[frozenset[str], frozenset[str]]:
    espeak = _require("espeak-ng")
    names: set[str] = set()
    variants: set[str] = set()
    for selector, target in (("--voices", names), ("--voices=variant", variants)):
        listing = subprocess.run([espeak, selector], capture_output=True, text=True, check=True, timeout=30)
        for line in listing.stdout.splitlines()[1:]:
            cols = line.split()
            if len(cols) < 5:
                continue
            if target is variants:
                target.add(cols[4].rsplit("/", 1)[-1])  # variant files are looked up case-sensitively
            else:
                target.update({cols[1].lower(), cols[3].lower(), cols[4].rsplit("/", 1)[-1].lower()})
    return frozenset(names), frozenset(variants)


def check_voice(voice: str) -> None:
    """Raise :class:`SynthError` unless espeak-ng knows ``voice`` (``name`` or ``name+variant``).

    espeak-ng silently falls back to its default voice for unknown names (and for variants in the wrong case,
    e.g. ``+annie`` instead of ``+Annie``), so this is checked up front.
    """
    names, variants = _known_voices()
    base, _, variant = voice.partition("+")
    if base.lower() not in names or (variant and variant not in variants):
        raise SynthError(f"espeak-ng has no voice {voice!r}; see `espeak-ng --voices=en` and `--voices=variant`")


def _run_espeak_sox(text: str, voice: str, rate_wpm: int, pitch: int, amplitude: int) -> np.ndarray:
    espeak = _require("espeak-ng")
    sox = _require("sox")
    check_voice(voice)
    espeak_cmd = [espeak, "-v", voice, "-s", str(rate_wpm), "-p", str(pitch), "-a", str(amplitude), "--stdout"]
    sox_cmd = [
        sox,
        "-q",
        "-t",
        "wav",
        "-",
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
    ]
    try:
        wav = subprocess.run(espeak_cmd, input=text.encode(), capture_output=True, check=True, timeout=60).stdout
        raw = subprocess.run(sox_cmd, input=wav, capture_output=True, check=True, timeout=60).stdout
    except subprocess.CalledProcessError as exc:
        stderr = exc.stderr.decode(errors="replace").strip()
        raise SynthError(f"{Path(str(exc.cmd[0])).name} failed (voice={voice!r}): {stderr}") from exc
    except subprocess.TimeoutExpired as exc:
        raise SynthError(f"{Path(str(exc.cmd[0])).name} timed out on {text[:40]!r}") from exc
    samples = np.frombuffer(raw, dtype="<f4").astype(np.float32)
    if samples.size == 0:
        raise SynthError(f"espeak-ng produced no audio for {text[:40]!r} with voice {voice!r}")
    return samples


def trim_silence(samples: np.ndarray, threshold: float = _TRIM_THRESHOLD) -> np.ndarray:
    """Cut leading and trailing samples quieter than ``threshold`` (linear amplitude)."""
    loud = np.flatnonzero(np.abs(samples) > threshold)
    if loud.size == 0:
        return samples[:0]
    return samples[loud[0] : loud[-1] + 1]


@functools.lru_cache(maxsize=512)
def speech_chunk(text: str, voice: str, rate_wpm: int, pitch: int, amplitude: int) -> np.ndarray:
    """espeak-ng speech for ``text`` (16 kHz mono float32, edges trimmed), cached and read-only."""
    chunk = trim_silence(_run_espeak_sox(text, voice, rate_wpm, pitch, amplitude))
    chunk.setflags(write=False)
    return chunk


def espeak_speed(rate_wpm: float) -> int:
    """espeak-ng ``-s`` value for a target speaking rate in real words per minute."""
    return int(min(450, max(80, round(rate_wpm * ESPEAK_RATE_FACTOR))))
