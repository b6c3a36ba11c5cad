"""The OpenAPI document of the API built offline (no server running), as ``podium openapi`` writes it.

The committed copy at ``web/src/api/openapi.json`` is what the web app generates its TypeScript types from;
``tests/test_openapi_document.py`` fails when it differs from :func:`openapi_text`.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

COMMITTED_PATH = Path("web/src/api/openapi.json")
REGENERATE = "podium openapi --out web/src/api/openapi.json"


def openapi_document() -> dict[str, Any]:
    """The document ``GET /api/v1/openapi.json`` serves, from an app built on a throw-away data directory."""
    from server.api_docs import openapi_spec
    from server.app import create_app
    from server.ops import API_VERSION
    from server.settings import Settings

    with tempfile.TemporaryDirectory(prefix="podium-openapi-") as tmp:
        settings = Settings(data_dir=Path(tmp), secret_key="openapi-document-only-" + "x" * 32, redis_url=None)
        return openapi_spec(create_app(settings), "Podium API", API_VERSION)


def openapi_text() -> str:
    """:func:`openapi_document` as stable, indented JSON with a final newline."""
    return json.dumps(openapi_document(), indent=2, ensure_ascii=False) + "\n"


def write_openapi(out: Path) -> Path:
    """Write :func:`openapi_text` to ``out`` (parent folders created) and return ``out``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(openapi_text(), encoding="utf-8")
    return out
