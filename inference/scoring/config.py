"""Scoring configuration (pydantic); the defaults live in ``defaults.json`` next to this module."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict

DEFAULTS_PATH = Path(__file__).with_name("defaults.json")


class ScoringConfig(BaseModel):
    """Weights of each dimension in the overall score (renormalised over the dimensions that have data)."""

    model_config = ConfigDict(frozen=True)

    weights: dict[str, float]

    @classmethod
    def default(cls) -> ScoringConfig:
        """The configuration in ``defaults.json``."""
        return _load_default()


@lru_cache(maxsize=1)
def _load_default() -> ScoringConfig:
    return ScoringConfig.model_validate(json.loads(DEFAULTS_PATH.read_text()))
