"""Models installed from an MLflow model registry (``podium models`` with ``PODIUM_MLFLOW_*`` set).

A registered model version is a set of files (the weights and their evaluation) that the training scripts
logged under one artifact directory (see :mod:`inference.training.registry`). Installing copies them into
``<models_dir>/registered/<slot>/`` with a ``manifest.json`` naming the registered model, its version, its
run and the weights' SHA-256 (checked against the version's ``weights_sha256`` tag when it has one). The
analysis loads a slot's weights from there when a manifest exists, otherwise the weights shipped in the package.

Only the MLflow REST API is used (no ``mlflow`` package at run time): ``model-versions/get`` and
``get-download-uri``, then the tracking server's artifact proxy (``mlflow-artifacts:`` locations, the default
of ``mlflow server``) or a local directory (``file:`` locations of a server on this machine).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

MANIFEST = "manifest.json"
REGISTERED_DIR = "registered"
_CHUNK = 1 << 20


class RegistryError(Exception):
    """The registry could not be reached, or the model version or its files are not usable."""


@dataclass(frozen=True)
class ModelRef:
    """``name/version`` of a registered model version (the version is MLflow's integer)."""

    name: str
    version: str

    @classmethod
    def parse(cls, text: str) -> ModelRef:
        name, sep, version = text.strip().rpartition("/")
        if not sep or not name or not version.isdigit():
            raise ValueError(f"a registered model must look like 'name/version' (e.g. podium-filler-cnn/3): {text!r}")
        return cls(name, version)

    def __str__(self) -> str:
        return f"{self.name}/{self.version}"


@dataclass(frozen=True)
class Slot:
    """A model the analysis can take from the registry: its key in reports and its weight file's usual name
    (a version's ``weights_file`` tag names its own; the files beside it, e.g. ``<stem>.eval.json``, come too)."""

    key: str
    weights_file: str


SLOTS: dict[str, Slot] = {
    "filler_cnn": Slot("filler_cnn", "filler_cnn.keras"),
    "body_classifier": Slot("body_classifier", "body_model.pt"),
}


@dataclass(frozen=True)
class InstalledModel:
    """A registered version installed for a slot (read from its manifest)."""

    slot: str
    name: str
    version: str
    path: Path
    sha256: str
    run_id: str | None = None

    @property
    def label(self) -> str:
        return f"{self.name}/{self.version}"


def slot_dir(models_dir: Path, slot: str) -> Path:
    return Path(models_dir) / REGISTERED_DIR / slot


def installed_model(models_dir: Path, slot: str) -> InstalledModel | None:
    """The version installed for ``slot`` in ``models_dir``, or None (the shipped weights are used)."""
    directory = slot_dir(models_dir, slot)
    try:
        data = json.loads((directory / MANIFEST).read_text())
        path = directory / data["file"]
        if not path.is_file():
            return None
        return InstalledModel(slot, data["name"], data["version"], path, data["sha256"], data.get("run_id"))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def remove_installed(models_dir: Path, slot: str) -> bool:
    """Remove the slot's installed version (back to the shipped weights); True when there was one."""
    directory = slot_dir(models_dir, slot)
    if not directory.exists():
        return False
    shutil.rmtree(directory)
    return True


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class MlflowRegistry:
    """The REST API of an MLflow tracking server (``http(s)://host:port``)."""

    def __init__(self, tracking_uri: str, timeout_s: float = 60.0) -> None:
        if not tracking_uri.startswith(("http://", "https://")):
            raise RegistryError(f"PODIUM_MLFLOW_TRACKING_URI must be an http(s) URL of `mlflow server`: {tracking_uri}")
        self.base = tracking_uri.rstrip("/")
        self.timeout_s = timeout_s

    def _get(self, path: str, params: dict[str, str]) -> Any:
        url = f"{self.base}{path}?{urllib.parse.urlencode(params)}"
        try:
            with urllib.request.urlopen(url, timeout=self.timeout_s) as response:
                return json.load(response)
        except urllib.error.HTTPError as exc:
            raise RegistryError(f"MLflow answered {exc.code} for {path} {params}: {_error_message(exc)}") from exc
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise RegistryError(f"MLflow at {self.base} is unreachable: {exc}") from exc

    def model_version(self, ref: ModelRef) -> dict[str, Any]:
        """The model version's record (``status``, ``run_id``, ``tags``, ...)."""
        answer = self._get("/api/2.0/mlflow/model-versions/get", {"name": ref.name, "version": ref.version})
        record: dict[str, Any] = answer["model_version"]
        return record

    def download_uri(self, ref: ModelRef) -> str:
        answer = self._get(
            "/api/2.0/mlflow/model-versions/get-download-uri", {"name": ref.name, "version": ref.version}
        )
        uri: str = answer["artifact_uri"]
        return uri

    def download(self, artifact_uri: str, dest: Path) -> list[str]:
        """Fetch every file of the artifact directory ``artifact_uri`` into ``dest``; return their names."""
        parsed = urllib.parse.urlparse(artifact_uri)
        if parsed.scheme == "mlflow-artifacts":
            root = PurePosixPath(parsed.path.lstrip("/"))
            listing = self._get("/api/2.0/mlflow-artifacts/artifacts", {"path": str(root)})
            names = [PurePosixPath(f["path"]).name for f in listing.get("files") or [] if not f.get("is_dir")]
            for name in names:
                self._fetch_proxied(root / name, dest / name)
            return names
        if parsed.scheme in ("file", ""):
            root_dir = Path(urllib.parse.unquote(parsed.path))
            try:
                names = sorted(p.name for p in root_dir.iterdir() if p.is_file())
            except OSError as exc:
                raise RegistryError(f"artifact directory {root_dir} not readable: {exc}") from exc
            for name in names:
                _copy_local(root_dir / name, dest / name)
            return names
        raise RegistryError(
            f"cannot fetch artifacts from {artifact_uri}: run `mlflow server` with artifact proxying "
            "(--serve-artifacts, the default) so versions live at mlflow-artifacts: locations"
        )

    def _fetch_proxied(self, path: PurePosixPath, target: Path) -> None:
        url = f"{self.base}/api/2.0/mlflow-artifacts/artifacts/{urllib.parse.quote(str(path))}"
        try:
            with urllib.request.urlopen(url, timeout=self.timeout_s) as response, target.open("wb") as out:
                shutil.copyfileobj(response, out, _CHUNK)
        except urllib.error.HTTPError as exc:
            raise RegistryError(f"artifact {path} not downloadable ({exc.code}): {_error_message(exc)}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise RegistryError(f"artifact {path} not downloadable: {exc}") from exc


def _copy_local(source: Path, target: Path) -> None:
    try:
        shutil.copyfile(source, target)
    except OSError as exc:
        raise RegistryError(f"artifact {source} not readable: {exc}") from exc


def _error_message(exc: urllib.error.HTTPError) -> str:
    try:
        body = json.loads(exc.read() or b"{}")
    except ValueError:
        return exc.reason
    return str(body.get("message") or exc.reason)


def _tags(record: dict[str, Any]) -> dict[str, str]:
    return {str(t["key"]): str(t["value"]) for t in record.get("tags") or [] if "key" in t}


def install_registered(models_dir: Path, slot: Slot, ref: ModelRef, registry: MlflowRegistry) -> InstalledModel:
    """Download ``ref``'s files for ``slot`` and make them the slot's installed version (replacing any other).

    Nothing changes when the version is not READY, its weight file is missing, or the weights' SHA-256 differs
    from the version's ``weights_sha256`` tag: :class:`RegistryError` says which.
    """
    record = registry.model_version(ref)
    if record.get("status", "READY") != "READY":
        raise RegistryError(f"{ref} is {record.get('status')}, not READY")
    target = slot_dir(models_dir, slot.key)
    staging = target.with_name(f".{slot.key}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        names = registry.download(registry.download_uri(ref), staging)
        tags = _tags(record)
        weights = tags.get("weights_file", slot.weights_file)
        if weights not in names:
            raise RegistryError(f"{ref} has no weight file {weights} (its files: {', '.join(names) or 'none'})")
        digest = file_sha256(staging / weights)
        expected = tags.get("weights_sha256")
        if expected is not None and expected != digest:
            raise RegistryError(f"{ref}: {weights} has SHA-256 {digest}, the registry says {expected}")
        manifest = {
            "slot": slot.key,
            "name": ref.name,
            "version": ref.version,
            "run_id": record.get("run_id") or None,
            "file": weights,
            "sha256": digest,
            "files": names,
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        _swap(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    installed = installed_model(models_dir, slot.key)
    assert installed is not None
    return installed


def _swap(staging: Path, target: Path) -> None:
    """Replace ``target`` with ``staging`` (each rename is atomic; a reader sees the old or the new manifest)."""
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)
