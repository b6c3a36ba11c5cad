"""The analysis report: one versioned pydantic model (``schema_version`` :data:`SCHEMA_VERSION`).

Produced by :func:`media.offline.analyze.analyze_report`, completed with ``scores`` and ``recommendations`` by
:func:`inference.scoring.pipeline.complete_report`, stored as ``model_dump(mode="json")`` and read back with
:func:`inference.report.upgrade.load_report` (which also accepts every older stored report).
"""

from __future__ import annotations

from typing import Final, Literal

from pydantic import Field

from inference.report.base import Part
from inference.report.body import Body
from inference.report.scores import Recommendation, Scores
from inference.report.speech import Speech

SCHEMA_VERSION: Final = 2
"""Version 2: ``models`` is a list of :class:`ModelInfo` (version 1 had a dict of descriptions)."""


class ModelInfo(Part):
    """One model that produced the report: ``name`` (whisper, filler_cnn, pose, body_classifier), its version
    and the SHA-256 of its weight file (null when unknown, e.g. in reports upgraded from version 1)."""

    name: str
    version: str | None = None
    sha256: str | None = None
    detail: str | None = Field(None, description="how it ran, e.g. compute type, device and beam size")


class Generator(Part):
    name: str = "podium"
    version: str = "unknown"


class Source(Part):
    """The analysed file."""

    file: str | None = None
    container: str | None = None
    size_bytes: int | None = None
    declared_duration_s: float | None = None
    audio_codec: str | None = None
    video_codec: str | None = None
    width: int | None = None
    height: int | None = None


class Timing(Part):
    analysis_s: float | None = None
    real_time_factor: float | None = None
    stages_s: dict[str, float] = Field(default_factory=dict)


class Report(Part):
    """A complete analysis report. ``speech`` is null without an analysed audio track, ``body`` without video;
    ``scores`` is null (and ``recommendations`` empty) until the report has been scored."""

    schema_version: Literal[2] = SCHEMA_VERSION
    generator: Generator = Field(default_factory=Generator)
    source: Source | None = None
    duration_s: float = 0.0
    has_audio: bool = False
    has_video: bool = False
    speech: Speech | None = None
    body: Body | None = None
    models: list[ModelInfo] = Field(default_factory=list)
    timing: Timing | None = None
    warnings: list[str] = Field(default_factory=list)
    scores: Scores | None = None
    recommendations: list[Recommendation] = Field(default_factory=list)
