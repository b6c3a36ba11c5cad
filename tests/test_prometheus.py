"""Prometheus: promtool checks and unit tests of the rules, and a real Prometheus scraping a real Podium server
that evaluates every rule and every Grafana panel expression."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yaml
from aiohttp import web
from pydantic import SecretStr

from server.app import create_app
from server.settings import Settings
from tests.prometheus_support import (
    PROMETHEUS_DIR,
    RULE_FILES,
    RULE_TESTS,
    expressions_to_evaluate,
    metric_families,
    rules,
)

PROMTOOL = shutil.which("promtool")
PROMETHEUS = shutil.which("prometheus")
needs_promtool = pytest.mark.skipif(PROMTOOL is None, reason="promtool missing (Debian package prometheus)")
needs_prometheus = pytest.mark.skipif(PROMETHEUS is None, reason="prometheus missing (Debian package prometheus)")
METRICS_TOKEN = "scrape-token-for-the-test-0123456789"


def _promtool(*args: str | Path) -> subprocess.CompletedProcess[str]:
    assert PROMTOOL is not None
    return subprocess.run([PROMTOOL, *map(str, args)], capture_output=True, text=True, timeout=120)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@needs_promtool
def test_rules_pass_promtool_check() -> None:
    result = _promtool("check", "rules", *RULE_FILES)
    assert result.returncode == 0, result.stdout + result.stderr


@needs_promtool
def test_rule_unit_tests_pass() -> None:
    assert RULE_TESTS
    result = _promtool("test", "rules", *RULE_TESTS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_alert_has_a_unit_test() -> None:
    alerts = {rule["alert"] for rule in rules() if "alert" in rule}
    tested = {
        case["alertname"]
        for path in RULE_TESTS
        for test in yaml.safe_load(path.read_text())["tests"]
        for case in test.get("alert_rule_test", [])
        if case.get("exp_alerts")
    }
    assert alerts, "no alert rules found"
    assert alerts <= tested, f"alerts never shown firing in a unit test: {sorted(alerts - tested)}"


def _scrape_config(target: str, token_file: Path) -> dict[str, Any]:
    """The committed prometheus.yml, pointed at ``target`` with the token file and absolute rule paths."""
    config: dict[str, Any] = yaml.safe_load((PROMETHEUS_DIR / "prometheus.yml").read_text())
    config["rule_files"] = [str(PROMETHEUS_DIR / pattern) for pattern in config["rule_files"]]
    config["global"] |= {"scrape_interval": "1s", "evaluation_interval": "1s"}
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    podium = jobs["podium"]
    podium["authorization"]["credentials_file"] = str(token_file)
    podium["static_configs"] = [{"targets": [target]}]
    config["scrape_configs"] = [podium]
    return config


@needs_promtool
def test_scrape_config_passes_promtool_check(tmp_path: Path) -> None:
    token = tmp_path / "metrics_token"
    token.write_text(METRICS_TOKEN)
    config = tmp_path / "prometheus.yml"
    config.write_text(yaml.safe_dump(_scrape_config("podium:8080", token)))
    result = _promtool("check", "config", config)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
async def podium_url(settings: Settings) -> AsyncIterator[str]:
    """A real Podium server on a loopback port whose /metrics needs the bearer token."""
    app = create_app(settings.model_copy(update={"metrics_token": SecretStr(METRICS_TOKEN)}))
    runner = web.AppRunner(app)
    await runner.setup()
    port = _free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"127.0.0.1:{port}"
    finally:
        await runner.cleanup()


@pytest.fixture
async def prometheus_url(tmp_path: Path, podium_url: str) -> AsyncIterator[str]:
    assert PROMETHEUS is not None
    token = tmp_path / "metrics_token"
    token.write_text(METRICS_TOKEN)
    config = tmp_path / "prometheus.yml"
    config.write_text(yaml.safe_dump(_scrape_config(podium_url, token)))
    port = _free_port()
    proc = await asyncio.create_subprocess_exec(
        PROMETHEUS,
        f"--config.file={config}",
        f"--storage.tsdb.path={tmp_path / 'data'}",
        f"--web.listen-address=127.0.0.1:{port}",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    assert proc.stderr is not None
    log: list[str] = []
    try:
        async with asyncio.timeout(60):
            while b"Server is ready to receive web requests" not in (line := await proc.stderr.readline()):
                log.append(line.decode())
                assert line, "prometheus exited:\n" + "".join(log)
        drain = asyncio.create_task(proc.stderr.read())
        yield f"http://127.0.0.1:{port}"
    finally:
        if proc.returncode is None:
            proc.terminate()
            await proc.wait()
    drain.cancel()


async def _api(http: aiohttp.ClientSession, base: str, path: str, **params: str) -> Any:
    async with http.get(f"{base}/api/v1/{path}", params=params) as response:
        body = await response.json()
    assert body["status"] == "success", (path, params, body)
    return body["data"]


async def _until(check: Any, what: str, timeout_s: float = 60.0) -> Any:
    """Poll Prometheus (it scrapes and evaluates every second) until ``check()`` returns something truthy."""
    deadline = time.monotonic() + timeout_s
    while True:
        result = await check()
        if result:
            return result
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.5)


@needs_prometheus
@pytest.mark.slow
async def test_prometheus_scrapes_podium_and_evaluates_every_expression(podium_url: str, prometheus_url: str) -> None:
    async with aiohttp.ClientSession() as http:
        for path in ("/healthz", "/api/v1/me", "/no/such/page"):
            async with http.get(f"http://{podium_url}{path}") as response:
                await response.read()
        async with http.get(f"http://{podium_url}/metrics") as response:
            assert response.status == 401  # the scrape below authenticates with the token file
        async with http.get(
            f"http://{podium_url}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}
        ) as response:
            exposition = await response.text()

        async def podium_up() -> bool:
            data = await _api(http, prometheus_url, "query", query='up{job="podium"}')
            return bool(data["result"]) and data["result"][0]["value"][1] == "1"

        await _until(podium_up, "Prometheus to scrape Podium with the bearer token")

        async def rules_evaluated() -> list[dict[str, Any]] | None:
            groups = (await _api(http, prometheus_url, "rules"))["groups"]
            loaded = [rule for group in groups for rule in group["rules"]]
            return loaded if loaded and all(rule["health"] != "unknown" for rule in loaded) else None

        loaded = await _until(rules_evaluated, "every rule to be evaluated once")
        assert {r["name"] for r in loaded} == {r.get("alert") or r.get("record") for r in rules()}
        assert [r["name"] for r in loaded if r["health"] != "ok"] == [], [r.get("lastError") for r in loaded]

        for expr in expressions_to_evaluate():
            await _api(http, prometheus_url, "query", query=expr)

        samples = await _api(http, prometheus_url, "query", query="podium_live_sessions_capacity")
        assert samples["result"][0]["value"][1] == "4"

    exported = {line.split()[2] for line in exposition.splitlines() if line.startswith("# HELP ")}
    exported |= {name.removesuffix("_total") for name in exported}
    missing = metric_families(expressions_to_evaluate()) - exported
    assert not missing, f"rules or dashboards read metrics Podium does not export: {sorted(missing)}"
