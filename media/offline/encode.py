"""Write 16 kHz mono float audio to a compressed file (WebM/Opus like a browser, MP4/AAC, WAV…) with PyAV.

Used by tests and the accuracy benchmark so that analysis goes through the same decode path as a real upload.
"""

from __future__ import annotations

from pathlib import Path

import av
import av.audio.stream
import numpy as np

from inference.speech.types import SAMPLE_RATE

_CODECS = {
    ".webm": ("libopus", 48_000, "flt"),
    ".mkv": ("libopus", 48_000, "flt"),
    ".ogg": ("libopus", 48_000, "flt"),
    ".opus": ("libopus", 48_000, "flt"),
    ".m4a": ("aac", 48_000, "fltp"),
    ".mp4": ("aac", 48_000, "fltp"),
    ".wav": ("pcm_s16le", SAMPLE_RATE, "s16"),
}


def write_audio(
    path: Path | str, samples: np.ndarray, sample_rate: int = SAMPLE_RATE, bit_rate: int | None = None
) -> Path:
    """Encode mono float samples in [-1, 1] to ``path``; the codec follows the suffix (see ``_CODECS``), at
    ``bit_rate`` bits/s when given (else the encoder's default)."""
    path = Path(path)
    try:
        codec, rate, fmt = _CODECS[path.suffix.lower()]
    except KeyError:
        raise ValueError(f"unsupported audio suffix {path.suffix!r}; use one of {sorted(_CODECS)}") from None
    pcm = np.clip(np.asarray(samples, np.float32).reshape(-1), -1.0, 1.0)
    resampler = av.AudioResampler(format=fmt, layout="mono", rate=rate)
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream(codec, rate=rate, layout="mono")
        assert isinstance(stream, av.audio.stream.AudioStream)
        if bit_rate is not None:
            stream.bit_rate = bit_rate
        block = sample_rate // 50
        for start in range(0, len(pcm), block):
            frame = av.AudioFrame.from_ndarray(pcm[None, start : start + block], format="flt", layout="mono")
            frame.sample_rate = sample_rate
            frame.pts = start
            for converted in resampler.resample(frame):
                container.mux(stream.encode(converted))
        for converted in resampler.resample(None):
            container.mux(stream.encode(converted))
        container.mux(stream.encode(None))
    return path
