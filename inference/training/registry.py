"""Registering trained weights in the MLflow model registry (used by the training scripts).

The files are logged under the artifact directory ``weights`` of the active run and registered as a new
version of the named model; the version carries the evaluation metrics (also on the run) and the SHA-256 of
the weight file as tags, which ``podium models`` checks after download (:mod:`inference.assets.registered_models`).
A tracking server (``--mlflow-uri http://host:5000`` or ``MLFLOW_TRACKING_URI``) holds a registry that others
install from; without one the registry lives in the local store the run is logged to.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

FILLER_MODEL_NAME = "podium-filler-cnn"
BODY_MODEL_NAME = "podium-body-classifier"
ARTIFACT_DIR = "weights"
LOCAL_TRACKING_URI = "sqlite:///var/mlflow.db"


def default_tracking_uri() -> str:
    """``MLFLOW_TRACKING_URI`` when set, else a local SQLite store (it has a model registry) under var/."""
    return os.environ.get("MLFLOW_TRACKING_URI") or LOCAL_TRACKING_URI


def prepare_store(uri: str) -> None:
    """Make a local store usable: mlflow 3 keeps the file store opt-in, a SQLite file needs its directory."""
    if uri.startswith("file:"):
        os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
    if uri.startswith("sqlite:///"):
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def version_tags(weights: Path, metrics: Mapping[str, float]) -> dict[str, str]:
    """The tags of a registered version: the weights' file name and SHA-256, and each evaluation metric."""
    tags = {"weights_file": weights.name, "weights_sha256": _sha256(weights)}
    tags.update({f"eval.{key}": f"{value:.6g}" for key, value in metrics.items()})
    return tags


def register_weights(
    mlflow: Any, name: str, weights: Path, companions: Sequence[Path], metrics: Mapping[str, float]
) -> str:
    """Log ``weights`` and ``companions`` under ``weights/`` of the active run and register them as a new
    version of ``name`` (created when missing) tagged with ``metrics``; returns the version number."""
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    run = mlflow.active_run()
    if run is None:
        raise RuntimeError("register_weights needs an active MLflow run")
    for path in (weights, *companions):
        mlflow.log_artifact(str(path), artifact_path=ARTIFACT_DIR)
    client = MlflowClient()
    try:
        client.create_registered_model(name, description="Podium model; versions come from its training script")
    except MlflowException as exc:
        if exc.error_code != "RESOURCE_ALREADY_EXISTS":
            raise
    summary = ", ".join(f"{key} {value:.3f}" for key, value in metrics.items())
    version = client.create_model_version(
        name,
        source=mlflow.get_artifact_uri(ARTIFACT_DIR),
        run_id=run.info.run_id,
        tags=version_tags(weights, metrics),
        description=f"evaluation: {summary}" if summary else None,
    )
    return str(version.version)
