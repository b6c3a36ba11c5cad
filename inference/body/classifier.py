"""Posture and gesture labels for a window of pose landmarks, from the committed PyTorch weights."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from inference.body.model import BodyNet, BodyNetConfig, normalize_windows

DEFAULT_WEIGHTS = Path(__file__).resolve().parent / "weights" / "body_model.pt"
ABSENT = "absent"
"""Posture and gesture reported when too few frames of the window contain a person."""


@dataclass(frozen=True)
class BodyLabels:
    """Classifier output for one window. Probabilities are keyed by class name and sum to 1 (empty when absent)."""

    posture: str
    posture_confidence: float
    gesture: str
    gesture_confidence: float
    posture_probs: dict[str, float] = field(default_factory=dict)
    gesture_probs: dict[str, float] = field(default_factory=dict)
    person_visible_ratio: float = 1.0

    @property
    def person_visible(self) -> bool:
        return self.posture != ABSENT


def _pick_device(device: str) -> torch.device:
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(device)


class BodyClassifier:
    """Classifies ``(T, 33, 4)`` BlazePose windows (≈2 s at 10 fps) into posture and gesture activity."""

    def __init__(
        self,
        net: BodyNet,
        postures: Sequence[str],
        gestures: Sequence[str],
        device: torch.device,
        min_visible_ratio: float = 0.3,
    ) -> None:
        self._net = net.eval().to(device)
        self.postures = tuple(postures)
        self.gestures = tuple(gestures)
        self.device = device
        self.min_visible_ratio = min_visible_ratio

    @classmethod
    def load(
        cls,
        path: Path | str | None = None,
        device: str = "auto",
        num_threads: int | None = 1,
        min_visible_ratio: float = 0.3,
    ) -> BodyClassifier:
        """Loads weights (default: the committed ones). ``device``: ``"auto"`` (CUDA if present), ``"cpu"``,
        ``"cuda"``…; ``num_threads`` sets torch's process-wide CPU thread count (``None`` leaves it)."""
        if num_threads is not None:
            torch.set_num_threads(num_threads)
        blob = torch.load(Path(path) if path is not None else DEFAULT_WEIGHTS, map_location="cpu", weights_only=True)
        net = BodyNet(BodyNetConfig(**blob["config"]))
        net.load_state_dict(blob["state_dict"])
        return cls(net, blob["postures"], blob["gestures"], _pick_device(device), min_visible_ratio)

    def predict(self, window: np.ndarray, aspect: float = 4 / 3) -> BodyLabels:
        """One ``(T, 33, 4)`` window; ``aspect`` is the image's width / height."""
        return self.predict_batch(np.asarray(window)[None], aspect)[0]

    def predict_batch(self, windows: np.ndarray, aspect: np.ndarray | float = 4 / 3) -> list[BodyLabels]:
        """``(N, T, 33, 4)`` windows → one :class:`BodyLabels` each."""
        windows = np.asarray(windows, dtype=np.float32)
        visible = (np.abs(windows).sum(axis=(2, 3)) > 0).mean(axis=1)
        x = torch.from_numpy(normalize_windows(windows, aspect)).to(self.device)
        with torch.inference_mode():
            posture_logits, gesture_logits = self._net(x)
            p_post = torch.softmax(posture_logits, dim=1).cpu().numpy()
            p_gest = torch.softmax(gesture_logits, dim=1).cpu().numpy()
        return [self._labels(pp, pg, float(v)) for pp, pg, v in zip(p_post, p_gest, visible, strict=True)]

    def _labels(self, p_post: np.ndarray, p_gest: np.ndarray, visible: float) -> BodyLabels:
        if visible < self.min_visible_ratio:
            return BodyLabels(ABSENT, 1.0, ABSENT, 1.0, person_visible_ratio=visible)
        i, j = int(p_post.argmax()), int(p_gest.argmax())
        return BodyLabels(
            posture=self.postures[i],
            posture_confidence=float(p_post[i]),
            gesture=self.gestures[j],
            gesture_confidence=float(p_gest[j]),
            posture_probs={k: float(p) for k, p in zip(self.postures, p_post, strict=True)},
            gesture_probs={k: float(p) for k, p in zip(self.gestures, p_gest, strict=True)},
            person_visible_ratio=visible,
        )
