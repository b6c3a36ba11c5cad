"""HTTPS set-up for ``podium serve``: the configured certificate, or a self-signed one kept under the data dir.

Reads the files (errors name the setting and the path), checks the pair with :mod:`server.tls`, and builds the
server's :class:`ssl.SSLContext` (TLS 1.2 or newer).
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from server.settings import Settings
from server.tls import (
    CertificateInfo,
    TlsError,
    check_pair,
    default_names,
    fingerprint_lines,
    renewal_reason,
    self_signed,
    validity_problem,
)
from storage.private_files import create_private, private_dirs

log = logging.getLogger(__name__)

SELF_SIGNED_CERT = "self-signed-cert.pem"
SELF_SIGNED_KEY = "self-signed-key.pem"


@dataclass(frozen=True)
class CertificateFiles:
    cert: Path
    key: Path
    info: CertificateInfo
    created: str | None = None
    """Why the files were (re)generated just now; ``None`` when existing ones were used."""


@dataclass(frozen=True)
class ServerTls:
    context: ssl.SSLContext
    files: CertificateFiles


def tls_dir(settings: Settings) -> Path:
    return settings.data_dir / "tls"


def interface_addresses() -> list[str]:
    """Every IP address of this machine's network interfaces (as aiortc's ICE gathering sees them)."""
    import ifaddr

    found: list[str] = []
    for adapter in ifaddr.get_adapters():
        for ip in adapter.ips:
            found.append(ip.ip if isinstance(ip.ip, str) else ip.ip[0])
    return found


def machine_names() -> list[str]:
    """The names and addresses this machine answers to (see :func:`server.tls.default_names`)."""
    return default_names(socket.gethostname(), interface_addresses())


def read_pem(path: Path, label: str) -> bytes:
    """The bytes of ``path``, or :class:`TlsError` saying why they cannot be read."""
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise TlsError(f"{label}: no such file: {path}") from exc
    except IsADirectoryError as exc:
        raise TlsError(f"{label}: {path} is a directory, not a PEM file") from exc
    except PermissionError as exc:
        raise TlsError(f"{label}: cannot read {path} (permission denied for this user)") from exc
    except OSError as exc:
        raise TlsError(f"{label}: cannot read {path}: {exc.strerror or exc}") from exc


def check_files(cert: Path, key: Path, now: datetime) -> CertificateFiles:
    """Read and check a certificate/key pair (missing, unreadable, not PEM, encrypted, mismatched)."""
    cert_label, key_label = f"PODIUM_TLS_CERT ({cert})", f"PODIUM_TLS_KEY ({key})"
    info = check_pair(read_pem(cert, "PODIUM_TLS_CERT"), read_pem(key, "PODIUM_TLS_KEY"), cert_label, key_label)
    problem = validity_problem(info, now)
    if problem is not None:
        log.warning("the HTTPS certificate %s %s: browsers will refuse it", cert, problem)
    return CertificateFiles(cert, key, info)


def _write_private(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically; the file is mode 0600 from the moment it exists."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    try:
        with create_private(tmp) as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def ensure_self_signed(
    directory: Path, names: list[str], now: datetime, force: bool = False, days: int | None = None
) -> CertificateFiles:
    """The self-signed pair in ``directory``, generated when missing, unreadable, expiring, not covering ``names``
    or when ``force`` is set."""
    cert, key = directory / SELF_SIGNED_CERT, directory / SELF_SIGNED_KEY
    reason = "it was asked for" if force else "none was stored yet"
    if not force and cert.exists() and key.exists():
        try:
            files = check_files(cert, key, now)
        except TlsError as exc:
            reason = f"the stored one is unusable ({exc})"
        else:
            reason_or_none = renewal_reason(files.info, names, now)
            if reason_or_none is None:
                return files
            reason = reason_or_none
    private_dirs(directory)
    cert_pem, key_pem = self_signed(names, now) if days is None else self_signed(names, now, days)
    _write_private(key, key_pem)
    _write_private(cert, cert_pem)
    return CertificateFiles(cert, key, check_files(cert, key, now).info, created=reason)


def server_context(cert: Path, key: Path) -> ssl.SSLContext:
    """A server-side context with ``cert``/``key`` loaded, refusing anything older than TLS 1.2."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(cert, key)
    except (ssl.SSLError, OSError) as exc:
        raise TlsError(f"cannot use {cert} with {key}: {exc}") from exc
    return context


def server_tls(settings: Settings, now: datetime | None = None) -> ServerTls | None:
    """The TLS set-up ``settings`` ask for (configured pair, or self-signed), ``None`` for plain HTTP."""
    at = now or datetime.now(UTC)
    if settings.tls_cert is not None and settings.tls_key is not None:
        files = check_files(settings.tls_cert, settings.tls_key, at)
    elif settings.tls_self_signed:
        try:
            files = ensure_self_signed(tls_dir(settings), machine_names(), at)
        except OSError as exc:
            raise TlsError(f"PODIUM_TLS_SELF_SIGNED: cannot write under {tls_dir(settings)}: {exc}") from exc
    else:
        return None
    return ServerTls(server_context(files.cert, files.key), files)


def log_certificate(files: CertificateFiles) -> None:
    """Say which certificate is served (and why it was just generated), with its fingerprints."""
    if files.created is not None:
        log.info("generated a self-signed HTTPS certificate in %s because %s", files.cert, files.created)
    else:
        log.info("serving HTTPS with the certificate in %s", files.cert)
    for line in fingerprint_lines(files.info):
        log.info("%s", line)
