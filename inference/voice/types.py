"""Data types produced by the voice analyser."""

from __future__ import annotations

from dataclasses import dataclass

FRAME_S = 0.03
"""Duration of one analysis frame (480 samples at 16 kHz)."""


@dataclass(frozen=True)
class VoiceFrame:
    """Measures of one 30 ms frame starting at media time ``t_s``."""

    t_s: float
    is_speech: bool
    dbfs: float
    f0_hz: float
    """Fundamental frequency in Hz; NaN when the frame is unvoiced."""


@dataclass(frozen=True)
class Pause:
    """A silence between two stretches of speech, in media time."""

    start_s: float
    end_s: float

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


@dataclass(frozen=True)
class VoiceSummary:
    """Voice measures over the analyser's sliding window, as of media time ``t_s`` (end of the last frame)."""

    t_s: float
    speaking: bool
    dbfs: float
    """Equivalent level (power mean) of the speech frames in the window; NaN when there was no speech."""
    pitch_hz: float
    """Median F0 of voiced speech frames in the window; NaN when none."""
    pitch_variation_st: float
    """Robust spread of F0 in semitones (IQR / 1.349); NaN when too few voiced frames."""
    current_pause_s: float
    """Time since speech stopped, 0.0 while speaking or before any speech."""
    speech_ratio: float
    monotone: bool
