"""The set-up step behind ``podium models``: prepares every model file the product needs, idempotently."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path

_PREPARERS = (
    ("pose", "inference.assets.pose_models", "prepare_pose_models"),
    ("whisper", "inference.assets.whisper_model", "prepare_whisper_model"),
)


def prepare_all_models(models_dir: Path) -> Iterator[str]:
    """Run each model preparer and yield one line per model."""
    for name, module_name, func_name in _PREPARERS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            yield f"{name}: preparer not available yet ({module_name})"
            continue
        path = getattr(module, func_name)(models_dir)
        yield f"{name}: {path}"
