"""Grafana: the provisioned dashboards parse, have unique panel ids, use the provisioned Prometheus datasource,
and every panel expression is one the live Prometheus test evaluates (tests/test_prometheus.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.prometheus_support import DASHBOARDS, GRAFANA_DIR, dashboard, expressions_to_evaluate, panels

EXPECTED = {"podium-overview", "podium-live", "podium-models"}


def _datasource_uids() -> set[str]:
    provisioned = yaml.safe_load((GRAFANA_DIR / "provisioning" / "datasources" / "prometheus.yml").read_text())
    return {source["uid"] for source in provisioned["datasources"]}


def test_the_three_dashboards_are_provisioned() -> None:
    assert {dashboard(path)["uid"] for path in DASHBOARDS} == EXPECTED
    provider = yaml.safe_load((GRAFANA_DIR / "provisioning" / "dashboards" / "podium.yml").read_text())
    assert [p["options"]["path"] for p in provider["providers"]] == ["/var/lib/grafana/dashboards"]


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.stem)
def test_dashboard_is_consistent(path: Path) -> None:
    board = dashboard(path)
    assert board["title"] and board["uid"] == path.stem
    ids = [panel["id"] for panel in panels(board)]
    assert ids and len(ids) == len(set(ids)), f"duplicate panel ids in {path.name}: {ids}"
    evaluated = set(expressions_to_evaluate())
    uids = _datasource_uids()
    for panel in panels(board):
        assert panel["targets"], f"panel {panel['title']!r} shows nothing"
        for target in panel["targets"]:
            assert target["datasource"]["uid"] in uids, (panel["title"], target["datasource"])
            assert target["expr"].strip() in evaluated, (panel["title"], target["expr"])
        refs = [t["refId"] for t in panel["targets"]]
        assert len(refs) == len(set(refs)), (panel["title"], refs)
