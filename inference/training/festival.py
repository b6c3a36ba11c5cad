"""Festival as a function: a third speech synthesis engine (diphone voices cut from recorded speech).

Voices are named ``festival:<voice>`` or ``festival:<voice><±semitones>`` in
:class:`~inference.training.speech_synth.SynthVoice`: ``kal`` (``festvox-kallpc16k``) and ``ked``
(``festvox-kdlpc16k``), e.g. ``festival:ked+4``, whose output sox shifts up 4 semitones with its formants (a
smaller, higher voice). Output is 16 kHz mono float32, edges trimmed, cached. One Festival process per voice stays
open for the life of the Python process (loading a voice costs about half a second, a phrase about 20 ms). Needs
the Debian packages ``festival``, the voices' ``festvox-*`` packages and ``sox``.
"""

from __future__ import annotations

import atexit
import functools
import re
import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np

from inference.training.espeak import SAMPLE_RATE, SynthError, _require, trim_silence

PREFIX = "festival:"
FESTIVAL_VOICES: dict[str, str] = {"kal": "voice_kal_diphone", "ked": "voice_ked_diphone"}
"""Voice name → the Festival command that selects it."""
BASE_WPM = 190.0
"""Festival's own rate for these voices in words per minute (as ``true_wpm`` counts), at duration stretch 1."""
FILLER_PHONES: dict[str, tuple[str, ...]] = {
    "um": ("ah m", "ax m", "aa m"),
    "uh": ("ah", "ax"),
    "er": ("er", "ax r"),
    "ah": ("aa", "ae"),
    "hmm": ("hh m", "m", "hh ah m"),
}
"""Festival (US radio) phones of each filler, several renderings per kind (``variant`` picks one)."""
MAX_DURATION_STRETCH = 4.0
"""Festival 2.5 crashes (heap corruption) on some diphones stretched about 5 times at a low pitch."""
_MARK = "@@PODIUM-FESTIVAL-DONE@@"
_NAME = re.compile(r"^([a-z]+)([+-]\d+(?:\.\d+)?)?$")
_F0_MEAN = 105.0


def is_festival(voice: str) -> bool:
    return voice.startswith(PREFIX)


def parse_voice(voice: str) -> tuple[str, float]:
    """``festival:ked+4`` → ``("ked", 4.0)``; :class:`SynthError` for a voice that is not installed."""
    match = _NAME.match(voice.removeprefix(PREFIX))
    if match is None or match.group(1) not in FESTIVAL_VOICES:
        raise SynthError(f"festival has no voice {voice!r}; expected festival:<{'|'.join(FESTIVAL_VOICES)}>[±st]")
    return match.group(1), float(match.group(2) or 0.0)


class _Session:
    """A Festival process reading Scheme on stdin; each command ends with a marker written to stderr (which
    Festival does not buffer), so the caller knows when the wave file is complete."""

    def __init__(self, voice: str) -> None:
        self._proc = subprocess.Popen(
            [_require("festival")],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        atexit.register(self.close)
        errors = self.run(f"({FESTIVAL_VOICES[voice]})")
        if any("not defined" in line or "SIOD ERROR" in line for line in errors):
            self.close()
            raise SynthError(f"festival could not load voice {voice!r} (install its festvox package): {errors}")
        lexicon = " ".join(
            f'(lex.add.entry \'("podiumfiller{kind}{i}" n ((({phones}) 1))))'
            for kind, renderings in FILLER_PHONES.items()
            for i, phones in enumerate(renderings)
        )
        self.run(lexicon)

    def run(self, command: str) -> list[str]:
        """Send ``command``; return what Festival wrote to stderr until the marker."""
        if self._proc.stdin is None or self._proc.stderr is None or self._proc.poll() is not None:
            raise SynthError("festival exited")
        self._proc.stdin.write(f'{command}\n(format stderr "{_MARK}\\n")\n')
        self._proc.stdin.flush()
        lines: list[str] = []
        while True:
            line = self._proc.stderr.readline()
            if not line:
                raise SynthError(f"festival exited: {''.join(lines)[-500:]}")
            if _MARK in line:
                return lines
            lines.append(line)

    def close(self) -> None:
        if self._proc.poll() is None:
            if self._proc.stdin is not None:
                self._proc.stdin.close()
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()


_SESSIONS: dict[str, _Session] = {}


def _run(voice: str, command: str) -> list[str]:
    """``command`` in ``voice``'s Festival process, started on first use and again after it has crashed."""
    if voice not in _SESSIONS:
        _SESSIONS[voice] = _Session(voice)
    try:
        return _SESSIONS[voice].run(command)
    except SynthError:
        _SESSIONS.pop(voice).close()
        raise


def _scheme_string(text: str) -> str:
    return '"' + re.sub(r'["\\]', "", text) + '"'


@functools.lru_cache(maxsize=1024)
def festival_chunk(text: str, voice: str, stretch: float, pitch_hz: float | None = None) -> np.ndarray:
    """Festival speech for ``text`` with ``voice`` (``festival:<voice>[±st]``), durations scaled by ``stretch``
    and the mean pitch moved to ``pitch_hz`` when given; 16 kHz float32, edges trimmed, cached and read-only."""
    name, semitones = parse_voice(voice)
    f0 = pitch_hz or _F0_MEAN
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "out.wav"
        errors = _run(
            name,
            f"(Parameter.set 'Duration_Stretch {stretch:.3f})"
            f"(set! int_lr_params '((target_f0_mean {f0:.0f}) (target_f0_std {0.14 * f0:.0f}) "
            "(model_f0_mean 170) (model_f0_std 34)))"
            f'(utt.save.wave (utt.synth (Utterance Text {_scheme_string(text)})) "{wav}" \'riff)',
        )
        if not wav.exists():
            raise SynthError(f"festival produced no audio for {text[:40]!r} ({voice}): {''.join(errors)[-300:]}")
        samples = _read_wav(wav)
        if semitones:
            samples = _shift(samples, semitones, Path(tmp))
    samples = trim_silence(samples)
    if samples.size == 0:
        raise SynthError(f"festival produced no audio for {text[:40]!r} with voice {voice!r}")
    samples.setflags(write=False)
    return samples


def _read_wav(path: Path) -> np.ndarray:
    with wave.open(str(path), "rb") as w:
        if w.getframerate() != SAMPLE_RATE or w.getsampwidth() != 2:
            raise SynthError(f"festival wrote {w.getframerate()} Hz / {8 * w.getsampwidth()} bit, expected 16 kHz")
        data = w.readframes(w.getnframes())
    return np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768.0


def _shift(samples: np.ndarray, semitones: float, tmp: Path) -> np.ndarray:
    """Pitch and formants moved by ``semitones`` (sox ``pitch``), same duration."""
    raw = ["-t", "raw", "-e", "floating-point", "-b", "32", "-c", "1", "-r", str(SAMPLE_RATE)]
    cmd = [_require("sox"), "-q", *raw, "-", *raw, "-", "pitch", f"{100 * semitones:.0f}"]
    x = np.ascontiguousarray(samples, dtype="<f4").tobytes()
    try:
        out = subprocess.run(cmd, input=x, capture_output=True, check=True, timeout=60, cwd=tmp).stdout
    except subprocess.CalledProcessError as exc:
        raise SynthError(f"sox pitch failed: {exc.stderr.decode(errors='replace').strip()}") from exc
    return np.frombuffer(out, dtype="<f4").astype(np.float32)


def festival_speech(text: str, voice: str, rate_wpm: float, pitch: int = 50) -> np.ndarray:
    """``text`` at about ``rate_wpm``; ``pitch`` 0-99 (50 = the voice's own) shifts the mean pitch ±40 %."""
    return festival_chunk(text, voice, BASE_WPM / max(rate_wpm, 60.0), _pitch_hz(pitch))


def festival_filler(
    kind: str, voice: str, rate_wpm: float, pitch: int = 50, variant: int = 0, min_s: float = 0.25, max_s: float = 1.2
) -> np.ndarray:
    """A drawn-out filler (``um``, ``uh``, ``er``, ``ah``, ``hmm``; ``variant`` picks one of its
    :data:`FILLER_PHONES` renderings) of ``min_s`` to ``max_s`` seconds, pitched a little under the voice's mean."""
    renderings = FILLER_PHONES[kind]
    pitch_hz = 0.92 * (_pitch_hz(pitch) or _F0_MEAN)
    failure: SynthError | None = None
    for k in range(len(renderings)):  # a rendering Festival cannot voice at this pitch falls back to the next
        word = f"podiumfiller{kind}{(variant + k) % len(renderings)}"
        try:
            return _drawn_out(word, voice, 2.6 * BASE_WPM / max(rate_wpm, 100.0), pitch_hz, min_s, max_s)
        except SynthError as exc:
            failure = exc
    assert failure is not None
    raise failure


def _drawn_out(word: str, voice: str, stretch: float, pitch_hz: float, min_s: float, max_s: float) -> np.ndarray:
    chunk = festival_chunk(word, voice, stretch, pitch_hz)
    while len(chunk) > max_s * SAMPLE_RATE and stretch > 0.8:
        stretch *= 0.8
        chunk = festival_chunk(word, voice, stretch, pitch_hz)
    while len(chunk) < min_s * SAMPLE_RATE and stretch * 1.4 <= MAX_DURATION_STRETCH:
        stretch *= 1.4
        chunk = festival_chunk(word, voice, stretch, pitch_hz)
    if len(chunk) < min_s * SAMPLE_RATE:
        raise SynthError(f"festival voices {word!r} for only {len(chunk) / SAMPLE_RATE:.2f} s with {voice!r}")
    return chunk


def _pitch_hz(pitch: int) -> float | None:
    return None if pitch == 50 else _F0_MEAN * (1.0 + 0.8 * (pitch - 50) / 100.0)
