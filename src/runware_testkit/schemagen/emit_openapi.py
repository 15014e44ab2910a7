"""Emit one OpenAPI 3.1 document per model, in the layout Runware publishes for its models."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from .model import ModelPage
from .platform import platform_id


@dataclass(frozen=True)
class ApiInfo:
    """What the document's ``info`` says about the model, whatever source it was read from."""

    title: str
    summary: str
    air: str
    slug: str
    documentation: str
    status: str | None = None
    capabilities: list[str] | None = None
    released: str | None = None
    creator: Any = None
    pricing: Any = None


def page_api_info(page: ModelPage) -> ApiInfo:
    """The ``info`` facts of a model page."""
    return ApiInfo(
        title=page.title,
        summary=page.summary,
        air=page.air,
        slug=page.slug,
        documentation=page.url,
        status=page.status,
        capabilities=page.capabilities,
        released=page.released,
        creator=page.creator,
    )


_STATUS_TEXT = {
    "400": "A task is invalid: Runware error objects name each problem.",
    "401": "No valid API key.",
    "402": "Insufficient balance.",
    "403": "The key lacks permission.",
    "404": "Not found: an unknown taskUUID to poll or media UUID to use.",
    "413": "The request body is larger than the service accepts.",
    "415": "The request body is not sent as application/json.",
    "429": "Queue capacity exceeded.",
    "500": "Server error.",
    "503": "Temporary capacity problem.",
    "504": "Maximum queue wait exceeded.",
}

_INFERRED_STATUSES = {
    "413": "Runware's pages name no status for an oversized body; 413 is HTTP's own.",
    "415": "Runware's pages name no status for a non-JSON content type; 415 is HTTP's own.",
}

_HEX = "[0-9a-fA-F]"


def openapi_document(
    info: ApiInfo,
    request: dict[str, Any],
    result: dict[str, Any],
    platform: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    """The model's OpenAPI 3.1 document: RequestBody is an array of task objects."""
    components: dict[str, Any] = {
        "RequestBody": {
            "title": "RequestBody",
            "description": "Tasks sent in one call; each has taskType and taskUUID.",
            "type": "array",
            "minItems": 1,
            "items": {
                "anyOf": [
                    {"$ref": "#/components/schemas/Task"},
                    {"$ref": "#/components/schemas/GetResponse"},
                    {"$ref": "#/components/schemas/Authentication"},
                ]
            },
        },
        "Task": _uuid_patterns(_strip(request)),
        "ResultItem": _uuid_patterns(_strip(result)),
        "GetResponse": _strip(platform["get-response-request"]),
        "Authentication": _strip(platform["authentication-request"]),
        "Acknowledgement": _strip(platform["acknowledgement"]),
        "PollItem": _strip(platform["get-response-item"]),
        "Error": _strip(platform["error"]),
        "ResponseBody": {
            "title": "ResponseBody",
            "type": "object",
            "properties": {
                "data": {
                    "type": "array",
                    "items": {
                        "anyOf": [
                            {"$ref": "#/components/schemas/ResultItem"},
                            {"$ref": "#/components/schemas/PollItem"},
                            {"$ref": "#/components/schemas/Acknowledgement"},
                        ]
                    },
                },
                "errors": {"type": "array", "items": {"$ref": "#/components/schemas/Error"}},
            },
        },
        "ErrorBody": {
            "title": "ErrorBody",
            "type": "object",
            "required": ["errors"],
            "properties": {
                "errors": {
                    "type": "array",
                    "minItems": 1,
                    "items": {"$ref": "#/components/schemas/Error"},
                },
                "data": {"type": "array"},
            },
        },
    }
    responses: dict[str, Any] = {
        "200": {
            "description": "Acknowledgements, poll replies and results; may carry errors too.",
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/ResponseBody"}}
            },
        }
    }
    for status, text in _STATUS_TEXT.items():
        responses[status] = {
            "description": text,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
        }
        if status in _INFERRED_STATUSES:
            responses[status]["x-inferred"] = _INFERRED_STATUSES[status]
    info_object: dict[str, Any] = {
        "title": info.title,
        "version": "1",
        "description": info.summary,
        "x-air-id": info.air,
        "x-model-id": info.slug,
        "x-status": info.status,
        "x-capabilities": info.capabilities,
        "x-released-at": info.released,
        "x-creator": info.creator,
        "x-documentation": info.documentation,
    }
    if info.pricing is not None:
        info_object["x-pricing"] = info.pricing
    return {
        "openapi": "3.1.0",
        "info": info_object,
        "servers": [{"url": "https://api.runware.ai"}],
        "security": [{"bearer": []}],
        "paths": {
            "/v1": {
                "post": {
                    "operationId": "runTasks",
                    "summary": f"Submit {info.title} tasks and poll for their results",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/RequestBody"}
                            }
                        },
                    },
                    "responses": responses,
                }
            }
        },
        "components": {
            "schemas": components,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


def _strip(schema: dict[str, Any]) -> dict[str, Any]:
    """A schema for embedding under components: no ``$schema``/``$id``, local refs."""
    body = copy.deepcopy(schema)
    body.pop("$schema", None)
    body.pop("$id", None)
    return _relink(body)


def _uuid_patterns(node: Any) -> Any:
    """Spell ``x-uuid-version`` as a standard ``pattern`` too (in place), so that OpenAPI tools,
    which ignore ``x-`` keywords, neither generate nor accept a UUID of another version."""
    if isinstance(node, dict):
        version = node.get("x-uuid-version")
        if isinstance(version, int) and "pattern" not in node:
            node["pattern"] = (
                f"^{_HEX}{{8}}-{_HEX}{{4}}-{version}{_HEX}{{3}}-{_HEX}{{4}}-{_HEX}{{12}}$"
            )
        for value in node.values():
            _uuid_patterns(value)
    elif isinstance(node, list):
        for value in node:
            _uuid_patterns(value)
    return node


def _relink(node: Any) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if ref == platform_id("error"):
            node["$ref"] = "#/components/schemas/Error"
        return {k: _relink(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_relink(v) for v in node]
    return node
