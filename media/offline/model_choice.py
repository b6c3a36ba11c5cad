"""Which weights the analysis loads for the models the MLflow registry can replace, and their provenance.

A slot (``filler_cnn``, ``body_classifier``) uses the version ``podium models`` installed from the registry
(``<models_dir>/registered/<slot>/``) when there is one, else the weights shipped in the package. Either way
the report's :class:`~inference.report.model.ModelInfo` names what was loaded: ``name/version`` of the
registered model, or the shipped file's name, with the SHA-256 of the file actually read.
"""

from __future__ import annotations

from pathlib import Path

from inference.assets.registered_models import installed_model
from inference.report.model import ModelInfo
from media.offline.provenance import file_sha256, weights_info, whisper_info


def shipped_weights(slot: str) -> Path:
    """The weight file in the package for ``slot`` (no heavy imports: the paths only)."""
    if slot == "filler_cnn":
        return Path(__file__).resolve().parents[2] / "inference" / "speech" / "weights" / "filler_cnn.keras"
    if slot == "body_classifier":
        return Path(__file__).resolve().parents[2] / "inference" / "body" / "weights" / "body_model.pt"
    raise KeyError(slot)


def chosen_weights(slot: str, models_dir: Path) -> tuple[Path, ModelInfo]:
    """The weight file to load for ``slot`` and the ModelInfo a report records for it."""
    installed = installed_model(models_dir, slot)
    if installed is None:
        path = shipped_weights(slot)
        return path, weights_info(slot, path)
    detail = "mlflow registry" + (f", run {installed.run_id}" if installed.run_id else "")
    return installed.path, ModelInfo(
        name=slot, version=installed.label, sha256=file_sha256(installed.path), detail=detail
    )


def expected_models(
    models_dir: Path, pose_variant: str = "full", whisper_dir: Path | None = None
) -> dict[str, ModelInfo]:
    """What a new analysis would record for each model prepared in ``models_dir`` (hashes only, no loading)."""
    infos = {slot: chosen_weights(slot, models_dir)[1] for slot in ("filler_cnn", "body_classifier")}
    whisper = whisper_dir or Path(models_dir) / "whisper-base"
    if (whisper / "model.bin").is_file():
        infos["whisper"] = whisper_info(whisper, "")
    pose = Path(models_dir) / f"pose_landmarker_{pose_variant}.task"
    if pose.is_file():
        infos["pose"] = weights_info("pose", pose)
    return infos
