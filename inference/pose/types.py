"""Data types shared by every pose estimator."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

NUM_LANDMARKS = 33
"""MediaPipe BlazePose landmark count; indices follow MediaPipe's PoseLandmark enum."""


@dataclass(frozen=True)
class PoseResult:
    """One frame's pose.

    ``landmarks`` is a ``(33, 4)`` float32 array of ``x, y, z, visibility`` with ``x, y`` normalised to the
    image (0..1, may fall outside when off-frame), or ``None`` when no person was found.
    """

    t_s: float
    landmarks: np.ndarray | None
    width: int
    height: int

    @property
    def person_visible(self) -> bool:
        return self.landmarks is not None


class PoseEstimator(Protocol):
    """Turns RGB frames (``H×W×3`` uint8) into landmarks. Implementations run inside worker processes."""

    def estimate(self, image_rgb: np.ndarray, t_s: float) -> PoseResult: ...

    def close(self) -> None: ...
