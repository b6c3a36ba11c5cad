from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inference.body.live import CLASSIFIER_WINDOW, LiveBodyAnalyzer
from inference.pose.types import NUM_LANDMARKS, PoseResult


@dataclass(frozen=True)
class _Labels:
    posture: str = "upright"
    posture_confidence: float = 0.9
    gesture: str = "still"
    gesture_confidence: float = 0.8


class _FakeLabeler:
    def __init__(self) -> None:
        self.windows: list[np.ndarray] = []

    def predict(self, window: np.ndarray, aspect: float = 4 / 3) -> _Labels:
        self.windows.append(window)
        return _Labels()


def _upright(t_s: float) -> PoseResult:
    lm = np.zeros((NUM_LANDMARKS, 4), np.float32)
    lm[:, 3] = 1.0
    lm[:, 0], lm[:, 1] = 0.5, 0.5
    lm[0, :2] = (0.5, 0.3)
    lm[11, :2], lm[12, :2] = (0.6, 0.55), (0.4, 0.55)
    lm[23, :2], lm[24, :2] = (0.57, 0.95), (0.43, 0.95)
    return PoseResult(t_s=t_s, landmarks=lm, width=640, height=480)


def test_labels_appear_once_the_window_is_full() -> None:
    labeler = _FakeLabeler()
    analyzer = LiveBodyAnalyzer(labeler)
    updates = [analyzer.update(_upright(i / 10)) for i in range(CLASSIFIER_WINDOW)]
    assert all(u.labels is None for u in updates[:-1])
    assert updates[-1].labels == {
        "posture": "upright",
        "posture_confidence": 0.9,
        "gesture": "still",
        "gesture_confidence": 0.8,
    }
    assert labeler.windows[0].shape == (CLASSIFIER_WINDOW, NUM_LANDMARKS, 4)


def test_absence_fires_an_alert_after_a_sustained_gap_and_features_are_json_ready() -> None:
    analyzer = LiveBodyAnalyzer()
    for i in range(20):
        update = analyzer.update(_upright(i / 10))
    assert update.features["person_visible"] is True
    codes: list[str] = []
    for i in range(20, 200):
        update = analyzer.update(PoseResult(t_s=i / 10, landmarks=None, width=640, height=480))
        codes += [a.code for a in update.alerts if a.state == "fired"]
    assert update.features["person_visible"] is False
    assert codes == ["absent"]


def test_absence_alert_clears_on_the_first_frame_with_the_person_back() -> None:
    analyzer = LiveBodyAnalyzer()
    for i in range(10):
        analyzer.update(_upright(i / 10))
    fired_at = None
    for i in range(10, 50):
        update = analyzer.update(PoseResult(t_s=i / 10, landmarks=None, width=640, height=480))
        fired_at = fired_at or next((i / 10 for a in update.alerts if a.state == "fired"), None)
    assert fired_at is not None
    back = analyzer.update(_upright(5.0))
    assert [(a.code, a.state) for a in back.alerts] == [("absent", "cleared")]
