"""The Prometheus rules and Grafana dashboards of deploy/, read as data (shared by the Prometheus and Grafana tests)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
PROMETHEUS_DIR = ROOT / "deploy" / "prometheus"
RULE_FILES = sorted((PROMETHEUS_DIR / "rules").glob("*.yml"))
RULE_TESTS = sorted((PROMETHEUS_DIR / "tests").glob("*.yml"))
GRAFANA_DIR = ROOT / "deploy" / "grafana"
DASHBOARDS = sorted((GRAFANA_DIR / "dashboards").glob("*.json"))
_METRIC = re.compile(r"\b(podium_[a-z0-9_]+)")
_SUFFIX = re.compile(r"_(bucket|count|sum)$")


def rules() -> list[dict[str, Any]]:
    """Every alerting and recording rule."""
    return [
        rule for path in RULE_FILES for group in yaml.safe_load(path.read_text())["groups"] for rule in group["rules"]
    ]


def rule_expressions() -> list[str]:
    return [str(rule["expr"]).strip() for rule in rules()]


def dashboard(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def panels(board: dict[str, Any]) -> list[dict[str, Any]]:
    """Panels, including those nested in rows."""
    found = []
    for panel in board.get("panels", []):
        found.append(panel)
        found.extend(panel.get("panels", []))
    return found


def dashboard_expressions() -> list[str]:
    return [
        str(target["expr"]).strip()
        for path in DASHBOARDS
        for panel in panels(dashboard(path))
        for target in panel.get("targets", [])
        if "expr" in target
    ]


def expressions_to_evaluate() -> list[str]:
    """What the live Prometheus test evaluates: every rule and every dashboard panel expression."""
    return sorted(set(rule_expressions()) | set(dashboard_expressions()))


def metric_families(expressions: list[str]) -> set[str]:
    """The Podium metric families the expressions read (``podium_x_bucket`` → ``podium_x``)."""
    return {_SUFFIX.sub("", name) for expr in expressions for name in _METRIC.findall(expr)}
