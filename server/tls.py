"""Certificates for HTTPS: checking a PEM certificate/key pair, making a self-signed one, fingerprints.

Everything here works on bytes and plain values (no files, no clock): :mod:`server.tls_setup` reads the files,
picks the machine's names and builds the :class:`ssl.SSLContext`.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.types import CertificatePublicKeyTypes, PrivateKeyTypes, PublicKeyTypes
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

SELF_SIGNED_DAYS = 397
"""Validity of a generated certificate (the longest browsers accept from a publicly trusted CA, 398 days)."""
RENEW_BEFORE = timedelta(days=30)
"""A generated certificate this close to expiry is replaced at start-up."""
CLOCK_SKEW = timedelta(hours=1)
"""A generated certificate is valid from this long before ``now`` (clients whose clocks run a little behind)."""


class TlsError(Exception):
    """A certificate or key that cannot be used; the message says which file and why, for the operator."""


@dataclass(frozen=True)
class CertificateInfo:
    """What a user compares to trust a certificate, and what it covers."""

    sha256_fingerprint: str
    """SHA-256 of the certificate (DER), as browsers show it: ``AB:CD:…``."""
    spki_sha256: str
    """Base64 SHA-256 of the public key (SubjectPublicKeyInfo): Chromium's ``--ignore-certificate-errors-spki-list``
    and curl's ``--pinnedpubkey sha256//…``."""
    not_before: datetime
    not_after: datetime
    dns_names: tuple[str, ...]
    ip_addresses: tuple[str, ...]

    @property
    def names(self) -> frozenset[str]:
        return frozenset((*self.dns_names, *self.ip_addresses))


def _spki_der(key: CertificatePublicKeyTypes | PublicKeyTypes) -> bytes:
    return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _san(cert: x509.Certificate) -> tuple[tuple[str, ...], tuple[str, ...]]:
    try:
        ext = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return (), ()
    dns = tuple(ext.get_values_for_type(x509.DNSName))
    ips = tuple(str(ip) for ip in ext.get_values_for_type(x509.IPAddress))
    return dns, ips


def describe(cert: x509.Certificate) -> CertificateInfo:
    """Fingerprints, validity and subject alternative names of ``cert``."""
    digest = cert.fingerprint(hashes.SHA256())
    spki = hashlib.sha256(_spki_der(cert.public_key())).digest()
    dns, ips = _san(cert)
    return CertificateInfo(
        sha256_fingerprint=":".join(f"{b:02X}" for b in digest),
        spki_sha256=base64.b64encode(spki).decode(),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        dns_names=dns,
        ip_addresses=ips,
    )


def load_certificates(pem: bytes, label: str) -> list[x509.Certificate]:
    """The certificate chain in ``pem`` (server certificate first); :class:`TlsError` naming ``label`` if none."""
    try:
        chain = x509.load_pem_x509_certificates(pem)
    except ValueError as exc:
        raise TlsError(f"{label} holds no PEM certificate (expected '-----BEGIN CERTIFICATE-----'): {exc}") from exc
    return chain


def load_key(pem: bytes, label: str) -> PrivateKeyTypes:
    """The unencrypted private key in ``pem``; :class:`TlsError` naming ``label`` otherwise."""
    try:
        return serialization.load_pem_private_key(pem, password=None)
    except TypeError as exc:
        raise TlsError(f"{label} is encrypted with a passphrase; give an unencrypted key (mode 0600)") from exc
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise TlsError(f"{label} holds no usable PEM private key: {exc}") from exc


def check_pair(cert_pem: bytes, key_pem: bytes, cert_label: str, key_label: str) -> CertificateInfo:
    """Check that ``key_pem`` is the private key of the first certificate in ``cert_pem``; describe it."""
    cert = load_certificates(cert_pem, cert_label)[0]
    key = load_key(key_pem, key_label)
    if _spki_der(key.public_key()) != _spki_der(cert.public_key()):
        raise TlsError(f"{key_label} is not the private key of the certificate in {cert_label} (they do not match)")
    return describe(cert)


def validity_problem(info: CertificateInfo, now: datetime) -> str | None:
    """Why the certificate is not valid at ``now`` (expired, not yet valid), or ``None``."""
    if now > info.not_after:
        return f"expired on {info.not_after:%Y-%m-%d %H:%M} UTC"
    if now < info.not_before:
        return f"is not valid before {info.not_before:%Y-%m-%d %H:%M} UTC"
    return None


def renewal_reason(info: CertificateInfo, wanted_names: Sequence[str], now: datetime) -> str | None:
    """Why a generated certificate should be replaced (expiring, or missing one of ``wanted_names``), or ``None``."""
    if now + RENEW_BEFORE > info.not_after:
        return f"it expires on {info.not_after:%Y-%m-%d} UTC"
    covered = {_normal(name) for name in info.names}
    missing = [name for name in wanted_names if _normal(name) not in covered]
    if missing:
        return f"it does not cover {', '.join(missing)}"
    return None


def _normal(name: str) -> str:
    try:
        return str(ipaddress.ip_address(name))
    except ValueError:
        return name.lower().rstrip(".")


def _general_names(names: Sequence[str]) -> list[x509.GeneralName]:
    result: list[x509.GeneralName] = []
    for name in dict.fromkeys(_normal(n) for n in names):
        try:
            result.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            result.append(x509.DNSName(name))
    return result


def self_signed(names: Sequence[str], now: datetime, days: int = SELF_SIGNED_DAYS) -> tuple[bytes, bytes]:
    """A new P-256 key and a self-signed server certificate for ``names`` (host names and IP addresses), as
    ``(cert_pem, key_pem)``; valid from ``now`` (less :data:`CLOCK_SKEW`) for ``days``."""
    if not names:
        raise ValueError("a certificate needs at least one name")
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"Podium self-signed ({names[0]})"[:64])])
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - CLOCK_SKEW)
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName(_general_names(names)), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    cert = builder.sign(key, hashes.SHA256())
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


def fingerprint_lines(info: CertificateInfo) -> list[str]:
    """The lines ``podium serve`` and ``podium tls`` print so a user can check the certificate they are shown."""
    names = ", ".join((*info.dns_names, *info.ip_addresses)) or "(none)"
    return [
        f"certificate SHA-256 fingerprint: {info.sha256_fingerprint}",
        f"public key (SPKI) SHA-256, base64: {info.spki_sha256}",
        f"valid {info.not_before:%Y-%m-%d} to {info.not_after:%Y-%m-%d} UTC for: {names}",
    ]


def usable_address(address: str) -> bool:
    """Whether a client could reach this server at ``address`` by URL (not link-local, multicast or unspecified)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    return not (ip.is_link_local or ip.is_multicast or ip.is_unspecified)


def default_names(hostname: str, addresses: Sequence[str]) -> list[str]:
    """The names a generated certificate covers: the host name (and ``<host>.local`` for mDNS when it has no
    domain), localhost, loopback and every usable interface address, without duplicates."""
    names: list[str] = []
    if hostname and hostname != "localhost":
        names.append(hostname.lower())
        if "." not in hostname:
            names.append(f"{hostname.lower()}.local")
    names += ["localhost", "127.0.0.1", "::1", *(a for a in addresses if usable_address(a))]
    return list(dict.fromkeys(_normal(n) for n in names))
