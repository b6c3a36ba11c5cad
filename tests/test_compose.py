"""The compose stack only names settings Podium actually reads (docker itself cannot run here)."""

from __future__ import annotations

from pathlib import Path

import yaml

from server.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def test_compose_environment_uses_real_settings() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    known = {f"PODIUM_{name.upper()}" for name in Settings.model_fields}
    for service in ("podium", "worker"):
        env = compose["services"][service]["environment"]
        assert set(env) <= known, set(env) - known
    assert {"postgres", "redis", "minio", "prometheus", "grafana"} <= set(compose["services"])
    assert (ROOT / "deploy" / "prometheus" / "prometheus.yml").exists()
