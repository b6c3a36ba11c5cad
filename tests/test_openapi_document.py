"""The OpenAPI document: path parameters declared, the report schema published, the committed copy current."""

from __future__ import annotations

import json
import re
from pathlib import Path

from aiohttp.test_utils import TestClient

from server.cli import main
from server.openapi_doc import REGENERATE, openapi_document, openapi_text

REPO = Path(__file__).resolve().parent.parent
COMMITTED = REPO / "web" / "src" / "api" / "openapi.json"


def test_every_path_parameter_is_declared() -> None:
    doc = openapi_document()
    checked = 0
    for path, operations in doc["paths"].items():
        names = re.findall(r"\{([^}]+)\}", path)
        for op in operations.values():
            declared = {p["name"]: p for p in op.get("parameters", []) if p["in"] == "path"}
            assert sorted(declared) == sorted(names), (path, op)
            assert all(p["required"] is True for p in declared.values())
            checked += len(names)
    assert checked >= 11


def test_the_report_response_publishes_the_typed_report() -> None:
    doc = openapi_document()
    op = doc["paths"]["/api/v1/sessions/{session_id}/report"]["get"]
    assert op["responses"]["200"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ReportOut"}
    schemas = doc["components"]["schemas"]
    assert schemas["ReportOut"]["properties"]["report"] == {"$ref": "#/components/schemas/Report"}
    assert {"speech", "body", "scores", "recommendations", "models", "schema_version"} <= set(
        schemas["Report"]["required"]
    )
    assert set(schemas["ModelInfo"]["properties"]) >= {"name", "version", "sha256"}
    assert "overall_score" in schemas["SessionOut"]["required"]


async def test_the_served_document_is_the_generated_one(client: TestClient) -> None:
    served = await (await client.get("/api/v1/openapi.json")).json()
    assert served == openapi_document()


def test_the_committed_copy_is_current(tmp_path: Path, capsys: object) -> None:
    out = tmp_path / "openapi.json"
    assert main(["openapi", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == openapi_text()
    assert json.loads(out.read_text(encoding="utf-8"))["openapi"] == "3.1.0"
    committed = COMMITTED.read_text(encoding="utf-8") if COMMITTED.is_file() else ""
    assert committed == openapi_text(), f"{COMMITTED} differs from the API: run `{REGENERATE}` and commit it"
