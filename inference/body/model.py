"""Posture and gesture network over landmark windows, and the input normalisation it expects.

:func:`normalize_windows` makes the input independent of where the person stands and how large they appear:
coordinates are centred on the shoulder midpoint of each frame and divided by the window's median shoulder
width. Frame-to-frame differences of those coordinates carry motion, faded out for landmarks with visibility
below 0.8 and zero below 0.4 (MediaPipe's guesses for unseen hands jump around from frame to frame). The
image angles of four left-right landmark pairs (in units of 45°) are explicit tilt cues; the centre's own
motion and the per-frame scale are kept as extra channels so sway and stepping towards the camera remain
visible. Missing frames (all zero) become zero columns with a ``present`` flag of 0. MediaPipe's ``z`` is not
used: on real webcam framing (hips far out of frame) its scale is unreliable.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import torch
from torch import nn

USED_LANDMARKS = 25
"""Landmarks 0..24 (face, arms, hands, hips); knees and feet are almost never in a webcam frame."""
_ANGLE_PAIRS = ((11, 12), (7, 8), (3, 6), (9, 10))
"""Shoulders, ears, outer eye corners, mouth corners: lines whose image angle shows a tilt."""
IN_CHANNELS = USED_LANDMARKS * 5 + len(_ANGLE_PAIRS) + 4
_L_SHOULDER, _R_SHOULDER, _NOSE = 11, 12, 0
_CLIP = 6.0
_VIS_FLOOR = 0.4


def normalize_windows(windows: np.ndarray, aspect: np.ndarray | float = 4 / 3) -> np.ndarray:
    """``(N, T, 33, 4)`` MediaPipe landmarks → ``(N, IN_CHANNELS, T)`` float32 network input.

    ``aspect`` is image width / height (scalar or per window); it makes ``x`` and ``y`` commensurable.
    """
    w = np.asarray(windows, dtype=np.float64)
    if w.ndim != 4 or w.shape[2:] != (33, 4):
        raise ValueError(f"expected (N, T, 33, 4) landmarks, got {w.shape}")
    n, frames = w.shape[:2]
    asp = np.broadcast_to(np.asarray(aspect, dtype=np.float64), (n,))[:, None, None]
    present = np.abs(w).sum(axis=(2, 3)) > 0
    xy = w[:, :, :USED_LANDMARKS, :2] * np.concatenate([asp, np.ones_like(asp)], axis=-1)[:, :, None, :]
    vis = w[:, :, :USED_LANDMARKS, 3]

    centre = (xy[:, :, _L_SHOULDER] + xy[:, :, _R_SHOULDER]) / 2
    width = np.linalg.norm(xy[:, :, _L_SHOULDER] - xy[:, :, _R_SHOULDER], axis=-1)
    neck = np.linalg.norm(xy[:, :, _NOSE] - centre, axis=-1)
    masked = np.where(present, np.maximum(width, 0.6 * neck), np.nan)
    scale = np.nanmedian(np.where(present.any(axis=1, keepdims=True), masked, 1.0), axis=1)
    scale = np.maximum(scale, 1e-3)[:, None]
    count = np.maximum(present.sum(axis=1), 1)[:, None]
    mean_centre = (centre * present[..., None]).sum(axis=1) / count

    rel = (xy - centre[:, :, None, :]) / scale[:, :, None, None]
    drift = (centre - mean_centre[:, None, :]) / scale[..., None]
    both = present[:, 1:] & present[:, :-1]
    velocity = np.zeros_like(rel)
    trust = np.clip((np.minimum(vis[:, 1:], vis[:, :-1]) - _VIS_FLOOR) / _VIS_FLOOR, 0.0, 1.0)
    velocity[:, 1:] = np.where(both[..., None, None], rel[:, 1:] - rel[:, :-1], 0.0) * trust[..., None]
    angles = np.stack(
        [np.arctan2(xy[:, :, a, 1] - xy[:, :, b, 1], np.abs(xy[:, :, a, 0] - xy[:, :, b, 0])) for a, b in _ANGLE_PAIRS],
        axis=-1,
    ) / np.deg2rad(45.0)
    log_scale = np.log(np.maximum(np.maximum(width, 0.6 * neck), 1e-4) / scale)
    feats = np.concatenate(
        [
            rel.reshape(n, frames, -1),
            velocity.reshape(n, frames, -1),
            vis,
            angles,
            drift,
            log_scale[..., None],
            present[..., None].astype(np.float64),
        ],
        axis=-1,
    )
    feats = np.clip(feats, -_CLIP, _CLIP)
    feats[~present] = 0.0
    return np.ascontiguousarray(feats.transpose(0, 2, 1), dtype=np.float32)


@dataclass(frozen=True)
class BodyNetConfig:
    """Architecture hyper-parameters; stored next to the weights."""

    in_channels: int = IN_CHANNELS
    hidden: int = 64
    n_postures: int = 5
    n_gestures: int = 3
    dropout: float = 0.1

    def to_dict(self) -> dict[str, int | float]:
        return asdict(self)


class BodyNet(nn.Module):
    """Dilated 1-D CNN over time with masked mean+max pooling and two heads (posture, gesture logits)."""

    def __init__(self, config: BodyNetConfig | None = None) -> None:
        super().__init__()
        self.config = config or BodyNetConfig()
        c, h = self.config.in_channels, self.config.hidden
        self.trunk = nn.Sequential(
            nn.Conv1d(c, h, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.Conv1d(h, h, kernel_size=3, padding=2, dilation=2),
            nn.ReLU(),
            nn.Conv1d(h, h, kernel_size=3, padding=4, dilation=4),
            nn.ReLU(),
        )
        self.dropout = nn.Dropout(self.config.dropout)
        self.posture_head = nn.Linear(2 * h, self.config.n_postures)
        self.gesture_head = nn.Linear(2 * h, self.config.n_gestures)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``x``: ``(N, C, T)`` from :func:`normalize_windows` → posture and gesture logits."""
        feats = self.trunk(x)
        present = x[:, -1:, :]
        count = present.sum(dim=2).clamp_min(1.0)
        mean = (feats * present).sum(dim=2) / count
        peak = feats.masked_fill(present < 0.5, -1e4).amax(dim=2).clamp_min(0.0)
        pooled = self.dropout(torch.cat([mean, peak], dim=1))
        return self.posture_head(pooled), self.gesture_head(pooled)
