"""Scoring configuration (pydantic); the defaults live in ``defaults.json`` next to this module.

Each dimension's score is documented in :mod:`inference.scoring.dimensions`. The overall score is the mean of
the dimension scores that have data, weighted by :attr:`ScoringConfig.weights` (renormalised over those
dimensions), so a missing dimension neither counts as zero nor changes the others' relative importance.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

DEFAULTS_PATH = Path(__file__).with_name("defaults.json")

DIMENSIONS: tuple[str, ...] = (
    "pace",
    "fillers",
    "pauses",
    "volume",
    "vocal_variety",
    "posture",
    "gestures",
    "facing",
    "framing",
)
"""Scored dimensions, in display order."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Band(_Frozen):
    """A trapezoid: 0 at or below ``zero_low``, rising to 100 at ``ideal_low``, 100 up to ``ideal_high``,
    falling to 0 at ``zero_high``."""

    zero_low: float
    ideal_low: float
    ideal_high: float
    zero_high: float


class PaceConfig(Band):
    """Words per minute. ``window_share`` of the score comes from the timeline windows (steadiness)."""

    window_share: float = Field(0.3, ge=0, le=1)
    min_window_words: int = 5


class FillerConfig(_Frozen):
    """Fillers per minute: 100 at ``full_per_min`` or fewer, 0 at ``zero_per_min``; lexical fillers
    ("like", "you know") count ``lexical_weight`` each."""

    full_per_min: float = 1.0
    zero_per_min: float = 12.0
    lexical_weight: float = Field(0.5, ge=0)


class PauseConfig(Band):
    """Pauses per minute of talk; each long silence per 5 minutes costs ``long_silence_penalty`` points."""

    long_silence_penalty: float = 8.0


class VolumeConfig(Band):
    """Speech level in dBFS; clipping scales the score down to 0 at ``clipped_ratio_zero``."""

    clipped_ratio_zero: float = 0.05


class VarietyConfig(_Frozen):
    """Pitch spread in semitones (0 at ``zero_st``, 100 at ``full_st``) blended with the spread of the
    loudness (0 at ``flat_db``, 100 at ``lively_db``); ``pitch_share`` is the pitch part's weight."""

    zero_st: float = 1.0
    full_st: float = 4.0
    pitch_share: float = Field(0.8, ge=0, le=1)
    flat_db: float = 1.0
    lively_db: float = 3.0


class PostureConfig(_Frozen):
    """Per timeline entry: the classifier's posture label credit, or (without classifier) geometry: good when
    shoulder tilt, head tilt and sway stay within the limits."""

    label_credit: dict[str, float]
    max_tilt_deg: float = 7.0
    max_head_tilt_deg: float = 12.0
    max_sway: float = 0.2


class GestureConfig(_Frozen):
    """Per timeline entry: the classifier's gesture label credit, or (without classifier) gesture activity in
    shoulder widths per second scored with the ``*_activity*`` trapezoid, zero when fidgeting exceeds
    ``max_fidgeting``."""

    label_credit: dict[str, float]
    zero_activity: float = 0.02
    ideal_activity_low: float = 0.15
    ideal_activity_high: float = 1.5
    zero_activity_high: float = 4.0
    max_fidgeting: float = 0.05


class ScoringConfig(_Frozen):
    """Everything that shapes the scores. Load the defaults with :meth:`default`, override with
    ``ScoringConfig.default().model_copy(update={...})`` or :meth:`from_file`."""

    weights: dict[str, float]
    min_words: int = 10
    """Fewer lexical words than this: no speech dimensions."""
    min_speaking_s_for_pauses: float = 20.0
    min_voiced_s: float = 3.0
    min_visible_entries: int = 2
    """Fewer body-timeline entries with a visible person than this: no body dimensions."""
    pace: PaceConfig
    fillers: FillerConfig
    pauses: PauseConfig
    volume: VolumeConfig
    vocal_variety: VarietyConfig
    posture: PostureConfig
    gestures: GestureConfig

    @classmethod
    def default(cls) -> ScoringConfig:
        """The configuration in ``defaults.json``."""
        return _load_default()

    @classmethod
    def from_file(cls, path: Path) -> ScoringConfig:
        """A configuration from a JSON file with the same layout as ``defaults.json``."""
        return cls.model_validate(json.loads(Path(path).read_text()))


@lru_cache(maxsize=1)
def _load_default() -> ScoringConfig:
    return ScoringConfig.from_file(DEFAULTS_PATH)
