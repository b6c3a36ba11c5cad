"""Per-stream live body-language analysis: features, smoothed alerts and (when weights exist) posture labels."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from inference.body.features import BodyFeatureExtractor
from inference.body.smoothing import AlertConfig, AlertEvent, AlertTracker
from inference.pose.types import NUM_LANDMARKS, PoseResult

CLASSIFIER_WINDOW = 20
"""Frames per classifier window (≈2 s at 10 fps)."""


class Labeler(Protocol):
    """What the live analyser needs of the posture/gesture classifier."""

    def predict(self, window: np.ndarray, aspect: float = 4 / 3) -> Any: ...


@dataclass(frozen=True)
class LiveBodyUpdate:
    """One analysed frame: JSON-ready features, alert transitions and optional labels."""

    features: dict[str, Any]
    alerts: tuple[AlertEvent, ...]
    labels: dict[str, Any] | None


class LiveBodyAnalyzer:
    """Holds one stream's feature window, alert hysteresis and classifier window."""

    def __init__(self, labeler: Labeler | None = None, alert_config: AlertConfig | None = None) -> None:
        self._extractor = BodyFeatureExtractor()
        self._alerts = AlertTracker(alert_config or AlertConfig())
        self._labeler = labeler
        self._window: deque[np.ndarray] = deque(maxlen=CLASSIFIER_WINDOW)

    def update(self, pose: PoseResult) -> LiveBodyUpdate:
        """Fold in one frame's pose (frames in time order)."""
        features = self._extractor.update(pose)
        events = tuple(self._alerts.update(features))
        landmarks = pose.landmarks if pose.landmarks is not None else np.zeros((NUM_LANDMARKS, 4), np.float32)
        self._window.append(landmarks)
        labels = None
        if self._labeler is not None and len(self._window) == CLASSIFIER_WINDOW:
            aspect = pose.width / pose.height if pose.height else 4 / 3
            result = self._labeler.predict(np.stack(self._window), aspect)
            labels = {
                "posture": result.posture,
                "posture_confidence": round(float(result.posture_confidence), 3),
                "gesture": result.gesture,
                "gesture_confidence": round(float(result.gesture_confidence), 3),
            }
        return LiveBodyUpdate(features=features.to_dict(), alerts=events, labels=labels)
