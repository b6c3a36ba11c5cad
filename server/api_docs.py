"""Route documentation kept next to each handler and rendered as OpenAPI 3.1."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from aiohttp import web
from pydantic import BaseModel

F = TypeVar("F", bound=Callable[..., Any])
_ATTR = "__podium_doc__"
_PATH_PARAM = re.compile(r"\{([^}:]+)(?::[^}]*)?\}")


@dataclass(frozen=True)
class RouteDoc:
    """What a handler takes and returns."""

    summary: str
    request: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    auth: bool = True
    request_content_type: str = "application/json"


def documented(summary: str, **kwargs: Any) -> Callable[[F], F]:
    """Attach a :class:`RouteDoc` to a handler."""

    def wrap(handler: F) -> F:
        setattr(handler, _ATTR, RouteDoc(summary, **kwargs))
        return handler

    return wrap


def _schema_ref(
    model: type[BaseModel], schemas: dict[str, Any], mode: Literal["validation", "serialization"] = "validation"
) -> dict[str, str]:
    """Add ``model`` (and the models it uses) to ``schemas``; responses use the serialization schema."""
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}", mode=mode)
    schemas.update(schema.pop("$defs", {}))
    schemas[model.__name__] = schema
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def path_parameters(path: str) -> list[dict[str, Any]]:
    """OpenAPI ``parameters`` for the ``{name}`` (or ``{name:regex}``) segments of an aiohttp route path."""
    return [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in _PATH_PARAM.findall(path)
    ]


def _operation(doc: RouteDoc, schemas: dict[str, Any], path: str) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": doc.summary, "responses": {}}
    if parameters := path_parameters(path):
        op["parameters"] = parameters
    if doc.request is not None:
        content = {doc.request_content_type: {"schema": _schema_ref(doc.request, schemas)}}
        op["requestBody"] = {"required": True, "content": content}
    elif doc.request_content_type != "application/json":
        op["requestBody"] = {"required": True, "content": {doc.request_content_type: {"schema": {"type": "string"}}}}
    ok: dict[str, Any] = {"description": "OK"}
    if doc.response is not None:
        ok["content"] = {"application/json": {"schema": _schema_ref(doc.response, schemas, "serialization")}}
    op["responses"][str(doc.status)] = ok
    op["responses"]["default"] = {
        "description": "Error",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    if doc.auth:
        op["security"] = [{"bearer": []}]
    return op


def openapi_spec(app: web.Application, title: str, version: str) -> dict[str, Any]:
    """Build the OpenAPI document from every documented route of ``app``."""
    schemas: dict[str, Any] = {
        "Error": {
            "type": "object",
            "properties": {
                "error": {
                    "type": "object",
                    "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
                    "required": ["code", "message"],
                }
            },
        }
    }
    paths: dict[str, dict[str, Any]] = {}
    for route in app.router.routes():
        doc = getattr(route.handler, _ATTR, None)
        if doc is None or route.resource is None or route.method == "HEAD":
            continue
        path = route.resource.canonical
        paths.setdefault(_PATH_PARAM.sub(r"{\1}", path), {})[route.method.lower()] = _operation(doc, schemas, path)
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
    }
