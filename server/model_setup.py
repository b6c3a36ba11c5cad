"""The set-up step behind ``podium models``: prepares every model file the product needs, idempotently."""

from __future__ import annotations

import importlib
from collections.abc import Collection, Iterator
from pathlib import Path

from server.settings import Settings

_PREPARERS = (
    ("pose", "inference.assets.pose_models", "prepare_pose_models"),
    ("whisper", "inference.assets.whisper_model", "prepare_whisper_model"),
)
STEPS = ("pose", "whisper", "registered")


def prepare_all_models(
    models_dir: Path, settings: Settings | None = None, only: Collection[str] | None = None
) -> Iterator[str]:
    """Run each model preparer (or those in ``only``) and yield one line per model; last, install the MLflow
    registry versions the settings name (see :mod:`server.registered_setup`)."""
    for name, module_name, func_name in _PREPARERS:
        if only is not None and name not in only:
            continue
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            yield f"{name}: preparer not available yet ({module_name})"
            continue
        path = getattr(module, func_name)(models_dir)
        yield f"{name}: {path}"
    if only is None or "registered" in only:
        from server.registered_setup import prepare_registered_models

        yield from prepare_registered_models(models_dir, settings or Settings())
