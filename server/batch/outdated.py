"""Which models of a stored report differ from the models a new analysis would use (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from inference.report.model import ModelInfo


def _same(recorded: Mapping[str, Any], current: ModelInfo) -> bool:
    sha = recorded.get("sha256")
    if sha and current.sha256:
        return bool(sha == current.sha256)
    return recorded.get("version") == current.version


def outdated_models(recorded: Sequence[Mapping[str, Any]], current: Mapping[str, ModelInfo]) -> list[str]:
    """Names of the models in ``recorded`` (a report's ``models``) whose weights differ from ``current``'s.

    Weights are compared by SHA-256 when both sides have one, else by version. A model the report names but
    that is not prepared now, or a report without provenance (schema 1), counts as current: there is nothing
    to say it is older.
    """
    names = []
    for entry in recorded:
        name = entry.get("name")
        if isinstance(name, str) and name in current and not _same(entry, current[name]):
            names.append(name)
    return sorted(names)
