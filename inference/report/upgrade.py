"""Read any stored report: :func:`load_report` upgrades older versions to :class:`~inference.report.model.Report`.

Version 1 (written until the typed model) differs only in ``models``: a dict of descriptions,
``{"speech": {"asr": "whisper-base (int8, cpu, beam 5)", "acoustic_fillers": true},
"body": {"pose": "mediapipe pose_landmarker_full", "classifier": true}}``, which becomes a list of
:class:`~inference.report.model.ModelInfo` (without hashes: version 1 did not record them).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from inference.report.model import SCHEMA_VERSION, Report


class UnsupportedReportVersion(ValueError):
    """The report's ``schema_version`` is newer than this code (or not a version at all)."""


def _v1_models(models: Any) -> list[dict[str, Any]]:
    if isinstance(models, list):
        return models
    if not isinstance(models, Mapping):
        return []
    speech = models.get("speech") or {}
    body = models.get("body") or {}
    out: list[dict[str, Any]] = []
    if asr := speech.get("asr"):
        name, _, detail = str(asr).partition(" (")
        out.append({"name": "whisper", "version": name, "detail": detail.rstrip(")") or None})
    if speech.get("acoustic_fillers"):
        out.append({"name": "filler_cnn"})
    if pose := body.get("pose"):
        out.append({"name": "pose", "version": str(pose).removeprefix("mediapipe ")})
    if body.get("classifier"):
        out.append({"name": "body_classifier"})
    return out


def upgrade_v1(data: Mapping[str, Any]) -> dict[str, Any]:
    """A version-1 report dict as a version-2 dict."""
    return {**data, "schema_version": 2, "models": _v1_models(data.get("models"))}


UPGRADES: dict[int, Callable[[Mapping[str, Any]], dict[str, Any]]] = {1: upgrade_v1}
"""``version → function`` turning a report of that version into one of the next version."""


def report_version(data: Mapping[str, Any]) -> int:
    """The ``schema_version`` of a stored report (1 when missing: the first reports always were version 1)."""
    version = data.get("schema_version", 1)
    if isinstance(version, bool) or not isinstance(version, int):
        raise UnsupportedReportVersion(f"schema_version must be an integer, got {version!r}")
    return version


def load_report(data: Mapping[str, Any] | Report) -> Report:
    """The typed report of a stored or freshly produced report of any known version.

    Raises :class:`UnsupportedReportVersion` for a version newer than :data:`SCHEMA_VERSION` and pydantic's
    ``ValidationError`` for data that is not a report.
    """
    if isinstance(data, Report):
        return data
    version = report_version(data)
    if version > SCHEMA_VERSION or version < 1:
        raise UnsupportedReportVersion(f"report schema_version {version} is not supported (≤ {SCHEMA_VERSION})")
    current: Mapping[str, Any] = data
    while version < SCHEMA_VERSION:
        current = UPGRADES[version](current)
        version += 1
    return Report.model_validate(current)


def dump_report(report: Report) -> dict[str, Any]:
    """The JSON-ready dict stored in the database and written by exports."""
    return report.model_dump(mode="json")
