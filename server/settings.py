"""Typed configuration from ``PODIUM_*`` environment variables with embedded defaults."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from server.uploads.clamd import parse_clamd_url
from storage.private_files import create_private, private_dirs

MIN_SECRET_KEY_BYTES = 32
INSTALL_ROOT = Path(__file__).resolve().parents[1]
"""The directory holding server/, media/, inference/, web/ and (after `make`) var/models."""


class Settings(BaseSettings):
    """Every setting Podium reads. Each field maps to ``PODIUM_<FIELD>`` (e.g. ``PODIUM_PORT``)."""

    model_config = SettingsConfigDict(env_prefix="PODIUM_", frozen=True)

    host: str = Field("127.0.0.1", description="Address the HTTP server binds to.")
    port: int = Field(8080, description="HTTP port.")
    data_dir: Path = Field(Path("var"), description="Directory for the embedded database, blobs and secret.")
    database_url: str = Field("", description="SQLAlchemy URL; default: SQLite file <data_dir>/podium.db.")
    redis_url: str | None = Field(
        None,
        description="Redis URL (optional; enables /readyz Redis check). Set, several `podium serve` nodes share "
        "live sessions through it (registry, heartbeat, feedback and notes fan-out, 307 to the owning node).",
    )
    public_url: str | None = Field(
        None,
        description="This node's address as clients reach it (e.g. https://node-a.example.com): WHIP/WHEP "
        "requests for its live sessions reaching another node get 307 there; default http(s)://host:port.",
    )
    node_ttl_s: float = Field(
        10.0,
        gt=0,
        description="With Redis: a node refreshes its heartbeat every third of this; once it is this old the "
        "node counts as dead and another node ends its live sessions as interrupted.",
    )
    cluster_prefix: str = Field(
        "podium:cluster:", min_length=1, description="With Redis: prefix of the node registry's keys and channels."
    )
    blob_dir: Path | None = Field(None, description="Local blob storage directory; default <data_dir>/blobs.")
    blob_url: str | None = Field(
        None,
        description="s3://bucket/prefix: keep recordings and uploads in S3 (endpoint and credentials from the AWS_* "
        "settings boto3 reads, e.g. AWS_ENDPOINT_URL); unset: the local PODIUM_BLOB_DIR.",
    )
    models_dir: Path = Field(
        INSTALL_ROOT / "var" / "models",
        description="Prepared model files (`podium models`); default var/models of this installation, whatever "
        "the current directory.",
    )
    mlflow_tracking_uri: str | None = Field(
        None,
        pattern=r"^https?://",
        description="An MLflow tracking server (http://host:5000) that `podium models` installs the registered "
        "versions named by PODIUM_MLFLOW_FILLER_MODEL / PODIUM_MLFLOW_BODY_MODEL from; unset: shipped weights.",
    )
    mlflow_filler_model: str | None = Field(
        None,
        pattern=r"^.+/[0-9]+$",
        description="name/version of the registered filler CNN to install (e.g. podium-filler-cnn/3); unset: the "
        "shipped weights.",
    )
    mlflow_body_model: str | None = Field(
        None,
        pattern=r"^.+/[0-9]+$",
        description="name/version of the registered posture/gesture classifier to install (e.g. "
        "podium-body-classifier/2); unset: the shipped weights.",
    )
    web_dir: Path | None = Field(
        None, description="Built web app served at / (default: web/dist of this installation, built by `make`)."
    )
    max_media_duration_s: float = Field(
        4 * 3600.0, gt=0, description="Longest recording accepted as an upload (media duration); longer gets 422."
    )
    max_video_pixels: int = Field(
        3840 * 2160, gt=0, description="Largest video frame (width × height) accepted as an upload; larger gets 422."
    )
    retention_days: float = Field(
        0.0, ge=0, description="Recordings older than this many days are deleted (reports stay); 0 keeps them forever."
    )
    sse_max_subscribers: int = Field(
        20, ge=1, description="Event streams (SSE) open at once on one live session; more get 429."
    )
    whep_max_viewers: int = Field(
        10, ge=0, description="WHEP viewers (coaches watching) at once on one live session; more get 429."
    )
    secret_key: SecretStr | None = Field(
        None,
        description=f"JWT signing key, at least {MIN_SECRET_KEY_BYTES} bytes; default: generated once and kept in "
        "<data_dir>/secret_key (mode 0600).",
    )
    token_ttl_s: int = Field(3600, description="Access token lifetime in seconds.")
    max_json_bytes: int = Field(64 * 1024, description="Largest accepted JSON request body.")
    max_sdp_bytes: int = Field(32 * 1024, description="Largest accepted SDP offer.")
    max_upload_bytes: int = Field(2 * 1024**3, description="Largest accepted upload.")
    upload_expiry_s: float = Field(
        24 * 3600.0, gt=0, description="An unfinished (tus) upload is deleted this long after it was created."
    )
    uploads_per_user_open: int = Field(
        3, ge=1, description="Unfinished uploads one user may have at once; starting another gets 429."
    )
    uploads_per_user_per_day: int = Field(
        50, ge=1, description="Uploads one user may start in 24 hours; more get 429 with Retry-After."
    )
    clamd_url: str | None = Field(
        None,
        description="ClamAV daemon (unix:///run/clamav/clamd.ctl or tcp://host:3310): every finished upload is "
        "scanned before it is opened; infected gets 422, clamd unreachable 503 (fails closed). Unset: no scan.",
    )
    clamd_timeout_s: float = Field(120.0, gt=0, description="Longest wait for clamd's verdict on one upload.")
    live_sessions_per_user: int = Field(
        2, ge=1, description="Live sessions one user may publish at once; another gets 429."
    )
    live_sessions_per_node: int = Field(
        8, ge=1, description="Live sessions this server runs at once; another gets 429."
    )
    max_recording_bytes: int = Field(
        4 * 1024**3,
        gt=0,
        description="A live recording reaching this size ends its session (recording kept and playable).",
    )
    max_recording_kbps: float = Field(
        8000.0,
        gt=0,
        description="A publisher sending more than this (kbit/s, averaged over 10 s) is ended; the recording "
        "so far is kept and playable.",
    )
    ice_servers: list[str] = Field(default_factory=list, description="STUN/TURN URLs; default none.")
    session_max_s: float = Field(3 * 3600, description="Longest live session before it is ended.")
    no_media_timeout_s: float = Field(15.0, description="A live session without media this long is ended.")
    pose_fps: float = Field(10.0, description="Frames per second sent to pose estimation.")
    pose_model: str = Field("lite", description="Pose model variant: lite, full or heavy.")
    live_asr: bool = Field(True, description="Transcribe speech live (Whisper in a worker process).")
    live_asr_interim_s: float = Field(
        0.3,
        ge=0.0,
        description="Transcribe the utterance still being spoken again after this much more audio (0: only "
        "finished utterances; words then arrive seconds later, with less CPU).",
    )
    live_asr_batch_max: int = Field(
        4,
        ge=1,
        le=32,
        description="Whisper passes of up to this many live sessions waiting at once run as one batched call "
        "(1: one call per pass).",
    )
    workers: int = Field(2, description="Pose worker processes; each live stream sticks to one of them.")
    preload_models: bool = Field(True, description="Start inference workers and load models at start-up.")
    standby_workers: bool | Literal["auto"] = Field(
        "auto",
        description="Keep a spare pose and a spare speech worker process with their models loaded, so a worker "
        "that dies is replaced at once instead of after a new process loads its model (one more process each). "
        "auto: a spare speech worker on machines with at least 8 GiB of memory, a spare pose worker only with a "
        "single pose worker (with two, a dead one's streams move to the other at once).",
    )
    cors_origin: str = Field(
        "",
        description="The one origin allowed to call the API from a browser (CORS, bearer tokens only); "
        "empty: no CORS headers at all.",
    )
    metrics_token: SecretStr | None = Field(
        None,
        description="When set, /metrics requires `Authorization: Bearer <token>` (401 otherwise); when unset, "
        "/metrics answers only clients on loopback addresses (403 for others).",
    )
    tls_cert: Path | None = Field(
        None,
        description="PEM certificate (chain, server certificate first): serve HTTPS (TLS 1.2 or newer) with "
        "PODIUM_TLS_KEY.",
    )
    tls_key: Path | None = Field(None, description="PEM private key (unencrypted) of PODIUM_TLS_CERT.")
    tls_self_signed: bool = Field(
        False,
        description="Serve HTTPS with a self-signed certificate for this machine's names and addresses, generated "
        "under <data_dir>/tls (mode 0600) and renewed when expiring or an address changes; for a LAN.",
    )
    header_read_timeout_s: float = Field(
        15.0, gt=0, description="`podium serve`: a new connection must send its request headers within this long."
    )
    body_read_timeout_s: float = Field(
        30.0,
        gt=0,
        description="A request body that sends no bytes for this long is cut off (408); a stalled upload keeps "
        "what arrived.",
    )
    max_connections: int = Field(
        1000, ge=1, description="`podium serve`: open connections beyond this many are answered 503 and closed."
    )
    api_max_concurrent: int = Field(
        8,
        ge=1,
        description="API requests handled at once; others wait their turn (live media shares the event loop with "
        "them). WHIP/WHEP, event streams, upload bodies, recordings and exports never wait.",
    )
    api_queue_timeout_s: float = Field(
        30.0, gt=0, description="An API request that got no turn within this long is answered 503 `server_busy`."
    )
    api_queue_max: int = Field(
        1000, ge=1, description="API requests waiting for a turn at most; more are answered 503 `server_busy` at once."
    )
    login_rate_window_s: float = Field(
        300.0, gt=0, description="Sliding window of the sign-in and registration rate limits."
    )
    login_ip_limit: int = Field(
        30, ge=1, description="Sign-in attempts per client IP per window; more get 429 with Retry-After."
    )
    login_account_limit: int = Field(
        10, ge=1, description="Failed sign-ins per account (email) per window; more get 429 with Retry-After."
    )
    register_ip_limit: int = Field(
        10, ge=1, description="Registrations per client IP per window; more get 429 with Retry-After."
    )
    shutdown_timeout_s: float = Field(10.0, description="Grace period for open sessions at shutdown.")
    live_sessions_capacity: int = Field(
        4,
        ge=1,
        description="Live sessions this server is sized for (not enforced): exported as "
        "podium_live_sessions_capacity for the 'near the limit' alert.",
    )
    jobs_backend: Literal["local", "celery"] = Field(
        "local", description="Where analysis jobs run: local process pool, or Celery workers on PODIUM_REDIS_URL."
    )
    jobs_workers: int = Field(1, ge=1, description="Analysis processes (local pool size; `podium worker` concurrency).")
    jobs_queue: str = Field("podium-analysis", description="Celery queue of analysis jobs.")
    jobs_visibility_timeout_s: float = Field(
        1800.0, gt=0, description="Celery/Redis: an unacknowledged job is redelivered after this long (> time limit)."
    )
    jobs_soft_time_limit_s: float = Field(1200.0, gt=0, description="Celery: a job running longer than this fails.")
    jobs_time_limit_s: float = Field(1500.0, gt=0, description="A job running this long is killed (both backends).")
    jobs_max_attempts: int = Field(
        4, ge=1, description="Runs of one job (retries, redeliveries after a killed worker) before it fails for good."
    )
    jobs_max_retries: int = Field(3, ge=0, description="Celery: retries of a job after a transient error.")
    jobs_retry_backoff_s: float = Field(10.0, gt=0, description="Celery: first retry delay, doubled per retry.")
    jobs_analyzer: str = Field(
        "server.analysis.job:analyze_recording", description="module:function that analyses one recording."
    )
    analysis_options: dict[str, Any] = Field(
        default_factory=dict, description="AnalysisOptions overrides for analysis jobs, as JSON."
    )

    @field_validator("clamd_url")
    @classmethod
    def _clamd_address(cls, value: str | None) -> str | None:
        if value:
            parse_clamd_url(value)
        return value or None

    @field_validator("secret_key")
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value().encode()) < MIN_SECRET_KEY_BYTES:
            raise ValueError(
                f"PODIUM_SECRET_KEY must be at least {MIN_SECRET_KEY_BYTES} bytes (e.g. `openssl rand -base64 48`); "
                "leave it unset to have one generated"
            )
        return value

    @model_validator(mode="after")
    def _tls_pair(self) -> Settings:
        if (self.tls_cert is None) != (self.tls_key is None):
            raise ValueError("PODIUM_TLS_CERT and PODIUM_TLS_KEY go together: set both (or neither)")
        if self.tls_self_signed and self.tls_cert is not None:
            raise ValueError("set PODIUM_TLS_CERT/PODIUM_TLS_KEY or PODIUM_TLS_SELF_SIGNED, not both")
        return self

    @property
    def tls_enabled(self) -> bool:
        return self.tls_cert is not None or self.tls_self_signed

    @property
    def resolved_public_url(self) -> str:
        """Where clients reach this node: PODIUM_PUBLIC_URL, else http(s)://host:port."""
        scheme = "https" if self.tls_enabled else "http"
        return (self.public_url or f"{scheme}://{self.host}:{self.port}").rstrip("/")

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'podium.db'}"

    @property
    def resolved_blob_dir(self) -> Path:
        return self.blob_dir or self.data_dir / "blobs"

    def signing_key(self) -> str:
        """The JWT key: configured, or generated once and persisted under ``data_dir``."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        path = self.data_dir / "secret_key"
        if not path.exists():
            _write_new_key(path)
        return path.read_text().strip()


def _write_new_key(path: Path) -> None:
    """Create ``path`` holding a fresh key, mode 0600 from the start; a concurrent creator's key wins if first."""
    private_dirs(path.parent)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    with create_private(tmp) as fh:
        fh.write(secrets.token_urlsafe(48).encode())
        fh.flush()
        os.fsync(fh.fileno())
    try:
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        tmp.unlink()


def settings_help() -> str:
    """A table of the environment variables, for ``--help`` and the README."""
    lines = []
    for name, field in Settings.model_fields.items():
        default = field.default_factory() if field.default_factory else field.default  # type: ignore[call-arg]
        lines.append(f"  PODIUM_{name.upper():<22} {field.description} (default: {default!s})")
    return "\n".join(lines)
