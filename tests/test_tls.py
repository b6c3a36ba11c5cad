"""HTTPS certificates: the pure checks of :mod:`server.tls`, the files of :mod:`server.tls_setup`, the settings and
``podium serve``'s start-up errors."""

from __future__ import annotations

import shutil
import stat
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from pydantic import ValidationError

from server import cli
from server.settings import Settings
from server.tls import (
    RENEW_BEFORE,
    TlsError,
    check_pair,
    default_names,
    load_key,
    renewal_reason,
    self_signed,
    usable_address,
    validity_problem,
)
from server.tls_setup import SELF_SIGNED_CERT, SELF_SIGNED_KEY, check_files, ensure_self_signed, read_pem

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
NAMES = ["podium-box", "localhost", "192.168.1.20", "::1"]


@pytest.fixture(scope="module")
def pair() -> tuple[bytes, bytes]:
    return self_signed(NAMES, NOW)


def test_a_generated_certificate_covers_its_names_for_397_days(pair: tuple[bytes, bytes]) -> None:
    info = check_pair(*pair, "cert", "key")
    assert info.dns_names == ("podium-box", "localhost")
    assert info.ip_addresses == ("192.168.1.20", "::1")
    assert info.not_before < NOW < info.not_after
    assert info.not_after - NOW == timedelta(days=397)
    assert len(info.sha256_fingerprint.split(":")) == 32
    assert validity_problem(info, NOW) is None


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl CLI not installed")
def test_fingerprints_match_what_openssl_reports(pair: tuple[bytes, bytes], tmp_path: Path) -> None:
    cert = tmp_path / "cert.pem"
    cert.write_bytes(pair[0])
    info = check_pair(*pair, "cert", "key")
    shown = subprocess.run(
        ["openssl", "x509", "-in", str(cert), "-noout", "-fingerprint", "-sha256"], capture_output=True, text=True
    ).stdout
    assert shown.strip().split("=", 1)[1] == info.sha256_fingerprint
    spki = subprocess.run(
        f"openssl x509 -in {cert} -pubkey -noout | openssl pkey -pubin -outform der "
        "| openssl dgst -sha256 -binary | base64",
        shell=True,
        capture_output=True,
        text=True,
    ).stdout
    assert spki.strip() == info.spki_sha256


def test_a_key_of_another_certificate_is_refused(pair: tuple[bytes, bytes]) -> None:
    _, other_key = self_signed(["elsewhere"], NOW)
    with pytest.raises(TlsError, match="KEY is not the private key of the certificate in CERT"):
        check_pair(pair[0], other_key, "CERT", "KEY")


def test_files_that_are_not_pem_are_named_in_the_error(pair: tuple[bytes, bytes]) -> None:
    with pytest.raises(TlsError, match="CERT holds no PEM certificate"):
        check_pair(b"hello", pair[1], "CERT", "KEY")
    with pytest.raises(TlsError, match="CERT holds no PEM certificate"):
        check_pair(pair[1], pair[1], "CERT", "KEY")  # the key given as the certificate
    with pytest.raises(TlsError, match="KEY holds no usable PEM private key"):
        check_pair(pair[0], pair[0], "CERT", "KEY")  # the certificate given as the key


def test_an_encrypted_key_is_refused_with_a_hint(pair: tuple[bytes, bytes]) -> None:
    key = load_key(pair[1], "key")
    encrypted = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"passphrase"),
    )
    with pytest.raises(TlsError, match="KEY is encrypted with a passphrase"):
        check_pair(pair[0], encrypted, "CERT", "KEY")


def test_validity_problems(pair: tuple[bytes, bytes]) -> None:
    info = check_pair(*pair, "cert", "key")
    assert "expired on" in (validity_problem(info, NOW + timedelta(days=400)) or "")
    assert "not valid before" in (validity_problem(info, NOW - timedelta(days=1)) or "")


def test_renewal_when_expiring_or_an_address_is_not_covered(pair: tuple[bytes, bytes]) -> None:
    info = check_pair(*pair, "cert", "key")
    assert renewal_reason(info, ["PODIUM-BOX.", "0:0::1", "192.168.1.20"], NOW) is None
    assert renewal_reason(info, NAMES, info.not_after - RENEW_BEFORE - timedelta(minutes=1)) is None
    expiring = renewal_reason(info, NAMES, info.not_after - RENEW_BEFORE + timedelta(minutes=1))
    assert expiring is not None and "expires on" in expiring
    assert renewal_reason(info, [*NAMES, "192.168.1.21", "podium.lan"], NOW) == (
        "it does not cover 192.168.1.21, podium.lan"
    )


def test_usable_addresses_exclude_link_local_multicast_and_unspecified() -> None:
    assert usable_address("192.168.1.20") and usable_address("fd00::2") and usable_address("10.0.0.1")
    for address in ("fe80::1", "fe80::1%eth0", "169.254.3.4", "224.0.0.1", "0.0.0.0", "::", "not-an-ip"):
        assert not usable_address(address), address


def test_default_names_add_mdns_for_a_bare_host_name() -> None:
    names = default_names("Podium-Box", ["127.0.0.1", "192.168.1.20", "fe80::1", "::1", "fd00:0::2"])
    assert names == ["podium-box", "podium-box.local", "localhost", "127.0.0.1", "::1", "192.168.1.20", "fd00::2"]
    assert default_names("box.example.org", [])[:2] == ["box.example.org", "localhost"]


def test_the_self_signed_pair_is_private_kept_and_renewed(tmp_path: Path) -> None:
    directory = tmp_path / "data" / "tls"
    first = ensure_self_signed(directory, NAMES, NOW)
    assert first.created == "none was stored yet"
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    for name in (SELF_SIGNED_CERT, SELF_SIGNED_KEY):
        assert stat.S_IMODE((directory / name).stat().st_mode) == 0o600
    kept = ensure_self_signed(directory, NAMES[:2], NOW + timedelta(days=100))
    assert kept.created is None and kept.info == first.info

    moved = ensure_self_signed(directory, [*NAMES, "192.168.1.77"], NOW)
    assert moved.created == "it does not cover 192.168.1.77"
    assert moved.info.sha256_fingerprint != first.info.sha256_fingerprint
    assert "192.168.1.77" in moved.info.ip_addresses

    (directory / SELF_SIGNED_KEY).write_bytes(b"garbage")
    replaced = ensure_self_signed(directory, NAMES, NOW)
    assert replaced.created is not None and replaced.created.startswith("the stored one is unusable")
    assert check_files(replaced.cert, replaced.key, NOW).info == replaced.info
    assert ensure_self_signed(directory, NAMES, NOW, force=True).created == "it was asked for"


def test_unreadable_files_say_which_setting_and_why(tmp_path: Path) -> None:
    with pytest.raises(TlsError, match=r"PODIUM_TLS_CERT: no such file: .*missing\.pem"):
        read_pem(tmp_path / "missing.pem", "PODIUM_TLS_CERT")
    with pytest.raises(TlsError, match="is a directory"):
        read_pem(tmp_path, "PODIUM_TLS_KEY")


def test_cert_and_key_settings_go_together(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="PODIUM_TLS_CERT and PODIUM_TLS_KEY go together"):
        Settings(tls_cert=tmp_path / "c.pem")
    with pytest.raises(ValidationError, match="not both"):
        Settings(tls_cert=tmp_path / "c.pem", tls_key=tmp_path / "k.pem", tls_self_signed=True)
    assert Settings(tls_self_signed=True).tls_enabled and not Settings().tls_enabled


def _serve_error(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], **env: str) -> str:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert cli.main(["serve"]) == 2
    return capsys.readouterr().err


def test_serve_refuses_to_start_with_a_bad_certificate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], pair: tuple[bytes, bytes]
) -> None:
    monkeypatch.setenv("PODIUM_DATA_DIR", str(tmp_path))
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    err = _serve_error(monkeypatch, capsys, PODIUM_TLS_CERT=str(cert), PODIUM_TLS_KEY=str(key))
    assert err.strip() == f"error: PODIUM_TLS_CERT: no such file: {cert}"
    cert.write_bytes(pair[0])
    key.write_bytes(self_signed(["other"], NOW)[1])
    err = _serve_error(monkeypatch, capsys)
    assert "is not the private key of the certificate" in err and str(key) in err
    monkeypatch.delenv("PODIUM_TLS_KEY")
    assert "go together" in _serve_error(monkeypatch, capsys)


def test_serve_says_when_the_self_signed_pair_cannot_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "tls").write_text("a file where the directory should be")
    monkeypatch.setenv("PODIUM_DATA_DIR", str(tmp_path))
    err = _serve_error(monkeypatch, capsys, PODIUM_TLS_SELF_SIGNED="true")
    assert err.startswith(f"error: PODIUM_TLS_SELF_SIGNED: cannot write under {tmp_path / 'tls'}"), err
