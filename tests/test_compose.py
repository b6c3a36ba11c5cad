"""compose.yaml would start: checked as data, since no container engine runs here.

Every environment variable Podium gets is a real setting (or an AWS setting boto3 reads), every ``${VAR}`` comes
from .env.example, every mounted file exists, every address Podium, Prometheus and Grafana use names a service
and the port it listens on, start order follows health checks, images are pinned. (No JSON-schema check against
the Compose spec: no PyPI/npm/Debian package here ships that schema.)
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from server.settings import Settings
from storage.s3_blobs import parse_s3_url

ROOT = Path(__file__).resolve().parents[1]
COMPOSE_TEXT = (ROOT / "compose.yaml").read_text()
COMPOSE: dict[str, Any] = yaml.safe_load(COMPOSE_TEXT)
SERVICES: dict[str, Any] = COMPOSE["services"]
PODIUM_SERVICES = ("podium", "worker")
AWS_SETTINGS = {"AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION"}
LISTENS = {"postgres": 5432, "redis": 6379, "minio": 9000, "podium": 8080, "prometheus": 9090, "grafana": 3000}
"""The port each service listens on inside the compose network (image defaults; Podium's is PODIUM_PORT)."""
_VARIABLE = re.compile(r"\$\{([A-Z0-9_]+)(?::?[-?][^}]*)?\}")


def _example_env() -> dict[str, str]:
    pairs = (line.split("=", 1) for line in (ROOT / ".env.example").read_text().splitlines() if "=" in line)
    return {key.strip(): value.strip() for key, value in pairs if not key.lstrip().startswith("#")}


def _interpolate(value: str, env: dict[str, str]) -> str:
    """Compose's ``${VAR}``, ``${VAR:?msg}`` and ``${VAR:-default}`` with the values of .env.example."""

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        default = re.search(r":-([^}]*)\}$", match.group(0))
        return env.get(name, default.group(1) if default else "")

    return _VARIABLE.sub(one, value)


def _environment(service: str) -> dict[str, str]:
    env = SERVICES[service].get("environment", {})
    example = _example_env()
    return {key: _interpolate(str(value), example) for key, value in env.items()}


def test_services_and_the_two_podium_processes() -> None:
    assert {"postgres", "redis", "minio", "minio-init", "podium", "worker", "prometheus", "grafana"} <= set(SERVICES)
    assert SERVICES["worker"]["command"] == [".venv/bin/podium", "worker"]
    assert SERVICES["worker"]["image"] == SERVICES["podium"]["image"]  # built once by the podium service


@pytest.mark.parametrize("service", PODIUM_SERVICES)
def test_podium_environment_uses_real_settings(service: str, monkeypatch: pytest.MonkeyPatch) -> None:
    known = {f"PODIUM_{name.upper()}" for name in Settings.model_fields}
    env = _environment(service)
    unknown = {key for key in env if key not in known and key not in AWS_SETTINGS}
    assert not unknown, f"{service}: not Podium or AWS settings: {sorted(unknown)}"
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    settings = Settings()  # every value parses as its setting, read from the environment as in the container
    assert settings.jobs_backend == "celery" and settings.blob_url is not None
    parse_s3_url(settings.blob_url)


def test_every_variable_comes_from_env_example_and_env_is_ignored() -> None:
    used = set(_VARIABLE.findall(COMPOSE_TEXT))
    example = _example_env()
    assert used - set(example) == set(), "add these to .env.example"
    assert set(example) - used == set(), ".env.example lists variables compose never reads"
    ignored = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=ROOT, check=False)
    assert ignored.returncode == 0, ".env (the real secrets) must be git-ignored"


def test_no_secret_is_written_into_compose_yaml() -> None:
    for name, service in SERVICES.items():
        for key, value in (service.get("environment") or {}).items():
            if re.search(r"PASSWORD|SECRET|TOKEN|KEY", key) and key != "AWS_ACCESS_KEY_ID":
                assert "${" in str(value), f"{name}.{key} is hard-coded"


def test_service_addresses_match_service_names_and_ports() -> None:
    for service in PODIUM_SERVICES:
        env = _environment(service)
        for key in ("PODIUM_DATABASE_URL", "PODIUM_REDIS_URL", "AWS_ENDPOINT_URL"):
            url = urlsplit(env[key])
            assert url.hostname in SERVICES, f"{service}.{key} points at {url.hostname}, not a service"
            assert url.port == LISTENS[url.hostname], (
                f"{service}.{key}: {url.hostname} listens on {LISTENS[url.hostname]}"
            )
    assert int(_environment("podium")["PODIUM_PORT"]) == LISTENS["podium"]
    postgres = _environment("postgres")
    database = urlsplit(_environment("podium")["PODIUM_DATABASE_URL"])
    assert (database.username, database.password, database.path.lstrip("/")) == (
        postgres["POSTGRES_USER"],
        postgres["POSTGRES_PASSWORD"],
        postgres["POSTGRES_DB"],
    )
    assert urlsplit(_environment("podium")["PODIUM_REDIS_URL"]).password == _example_env()["REDIS_PASSWORD"]
    assert _environment("podium")["AWS_SECRET_ACCESS_KEY"] == _environment("minio")["MINIO_ROOT_PASSWORD"]


def test_prometheus_and_grafana_address_services() -> None:
    scrape = yaml.safe_load((ROOT / "deploy" / "prometheus" / "prometheus.yml").read_text())
    podium_job = next(job for job in scrape["scrape_configs"] if job["job_name"] == "podium")
    assert podium_job["static_configs"][0]["targets"] == [f"podium:{LISTENS['podium']}"]
    secret = podium_job["authorization"]["credentials_file"]
    assert secret == "/run/secrets/metrics_token" and "metrics_token" in SERVICES["prometheus"]["secrets"]
    assert COMPOSE["secrets"]["metrics_token"] == {"environment": "PODIUM_METRICS_TOKEN"}
    sources = yaml.safe_load((ROOT / "deploy/grafana/provisioning/datasources/prometheus.yml").read_text())
    url = urlsplit(sources["datasources"][0]["url"])
    assert (url.hostname, url.port) == ("prometheus", LISTENS["prometheus"])


def test_every_mounted_file_exists() -> None:
    named = set(COMPOSE.get("volumes", {}))
    for name, service in SERVICES.items():
        for volume in service.get("volumes", []):
            source, target = str(volume).split(":")[:2]
            if source.startswith("."):
                assert (ROOT / source).exists(), f"{name} mounts missing {source}"
            else:
                assert source in named, f"{name} uses undeclared volume {source}"
            assert target.startswith("/")
    provider = yaml.safe_load((ROOT / "deploy/grafana/provisioning/dashboards/podium.yml").read_text())
    grafana_mounts = {v.split(":")[1]: v.split(":")[0] for v in SERVICES["grafana"]["volumes"]}
    dashboards = grafana_mounts[provider["providers"][0]["options"]["path"]]
    assert list((ROOT / dashboards).glob("*.json"))
    assert grafana_mounts["/etc/grafana/provisioning"] == "./deploy/grafana/provisioning"
    prometheus = yaml.safe_load((ROOT / "deploy" / "prometheus" / "prometheus.yml").read_text())
    for pattern in prometheus["rule_files"]:
        assert list((ROOT / "deploy" / "prometheus").glob(pattern)), pattern


def test_workers_share_no_disk_with_the_server() -> None:
    assert not SERVICES["worker"].get("volumes"), "workers read recordings through the S3 store, not a shared disk"
    assert "ports" not in SERVICES["worker"] and "container_name" not in SERVICES["worker"]  # --scale worker=N


def test_start_order_waits_for_health() -> None:
    for name, service in SERVICES.items():
        for dependency, rule in (service.get("depends_on") or {}).items():
            assert dependency in SERVICES
            condition = rule["condition"]
            assert condition in {"service_healthy", "service_completed_successfully"}, (name, dependency)
            if condition == "service_healthy":
                assert "healthcheck" in SERVICES[dependency], f"{name} waits for {dependency}, which has no healthcheck"
    assert SERVICES["podium"]["depends_on"]["minio-init"]["condition"] == "service_completed_successfully"
    assert "--appendonly" in SERVICES["redis"]["command"]
    command = SERVICES["redis"]["command"]
    assert command[command.index("--appendonly") + 1] == "yes"
    assert "$$S3_BUCKET" in " ".join(SERVICES["minio-init"]["command"])


def test_images_are_pinned_by_tag() -> None:
    for name, service in SERVICES.items():
        image = service.get("image")
        assert image or "build" in service, name
        if image and "build" not in service and name != "worker":
            repository, _, tag = image.rpartition(":")
            assert repository and tag and tag != "latest", f"{name}: {image} is not pinned"
