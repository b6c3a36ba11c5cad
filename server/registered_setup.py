"""The registry step of ``podium models``: install (or remove) the registered versions the settings name.

With ``PODIUM_MLFLOW_TRACKING_URI`` and ``PODIUM_MLFLOW_FILLER_MODEL`` / ``PODIUM_MLFLOW_BODY_MODEL`` set, the
named versions are downloaded into ``<models_dir>/registered/``; a slot whose setting is unset goes back to
the shipped weights (its installed version is removed), so the settings alone decide what the analysis loads.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from inference.assets.registered_models import (
    SLOTS,
    MlflowRegistry,
    ModelRef,
    RegistryError,
    install_registered,
    installed_model,
    remove_installed,
)
from server.settings import Settings


def wanted_versions(settings: Settings) -> dict[str, ModelRef | None]:
    """Slot → the registered version the settings ask for (None: the shipped weights)."""
    named = {"filler_cnn": settings.mlflow_filler_model, "body_classifier": settings.mlflow_body_model}
    return {slot: ModelRef.parse(text) if text else None for slot, text in named.items()}


def prepare_registered_models(models_dir: Path, settings: Settings) -> Iterator[str]:
    """Install or remove each slot's registered version; yield one line per slot. Raises :class:`RegistryError`."""
    wanted = wanted_versions(settings)
    registry = None
    if any(wanted.values()):
        if not settings.mlflow_tracking_uri:
            raise RegistryError("PODIUM_MLFLOW_*_MODEL is set but PODIUM_MLFLOW_TRACKING_URI is not")
        registry = MlflowRegistry(settings.mlflow_tracking_uri)
    for slot, ref in wanted.items():
        if ref is None or registry is None:
            removed = remove_installed(models_dir, slot)
            yield f"{slot}: shipped weights" + (" (registered version removed)" if removed else "")
            continue
        current = installed_model(models_dir, slot)
        if current is not None and current.label == str(ref):
            yield f"{slot}: {ref} already installed (sha256 {current.sha256[:12]})"
            continue
        installed = install_registered(models_dir, SLOTS[slot], ref, registry)
        yield f"{slot}: installed {installed.label} from {registry.base} (sha256 {installed.sha256[:12]})"
