"""Read a reply of Runware's schema service into an :class:`ImportedModel`.

``GET https://schemas.runware.ai/resolve/<AIR>`` answers
``{"requestSchema": <task object schema>, "responseSchema": <schema> | null,
"documentation": "<page URL>"}`` (PROTOCOL.md, "Machine-readable schemas published by Runware"
[C]; runware-sdk's ``validate=True`` fetches it). The reader takes the AIR from the task schema's
``model`` const, the task type from its ``taskType`` const and the docs slug from the last path
segment of ``documentation``. ``responseSchema`` counts as typed when it has ``properties``,
either as the result item itself or as an envelope whose ``data.items`` has them.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from .imported import (
    DRAFT,
    ImportedModel,
    Located,
    checked_slug,
    dialect,
    required_at,
    result_item,
    task_schema,
)
from .model import DocumentError

REQUEST = "/requestSchema"


def looks_like_schema_service_reply(data: Any) -> bool:
    """Whether parsed JSON ``data`` is a schema service reply (an object with ``requestSchema``)."""
    return isinstance(data, dict) and "requestSchema" in data


def read_schema_service_reply(reply: Any, file: str) -> ImportedModel:
    """The model described by a parsed schema service reply; ``file`` names it in errors."""
    if not isinstance(reply, dict):
        raise DocumentError(file, "", "expected a JSON object (a schema service reply)")
    request, task_type = task_schema(reply, REQUEST, file)
    air = required_at(
        reply,
        f"{REQUEST}/properties/model/const",
        file,
        str,
        "the model's AIR, read from the const of the model property",
    )
    documentation = required_at(reply, "/documentation", file, str, "the model's page URL")
    url = urlsplit(documentation.value)
    if url.scheme not in ("http", "https") or not url.netloc:
        raise DocumentError(file, "/documentation", "expected an http(s) URL of the model's page")
    slug = checked_slug(
        Located(
            url.path.rstrip("/").rsplit("/", 1)[-1],
            "/documentation",
            "the last path segment of the documentation URL",
        ),
        file,
    )
    title = request.value.get("title")
    return ImportedModel(
        file=file,
        format="schema-service",
        document=reply,
        air=air,
        slug=slug,
        title=Located(title, f"{REQUEST}/title")
        if isinstance(title, str) and title.strip()
        else Located(air.value, air.pointer, "the reply names no title; the AIR stands in"),
        task_type=task_type,
        documentation=documentation,
        request=request,
        dialect=dialect(
            reply,
            request,
            file,
            Located(
                DRAFT,
                REQUEST,
                "inferred: the service serves the task schema of the OpenAPI 3.1 documents, "
                "JSON Schema 2020-12",
            ),
        ),
        response_item=_response_item(reply, file),
    )


def _response_item(reply: dict[str, Any], file: str) -> Located | None:
    schema = reply.get("responseSchema")
    if schema is None:
        return None
    if not isinstance(schema, dict | bool):
        raise DocumentError(file, "/responseSchema", "expected a schema or null")
    return result_item(reply, "/responseSchema/properties/data/items", file) or (
        result_item(reply, "/responseSchema", file)
        if isinstance(schema, dict) and "taskUUID" in schema.get("properties", {})
        else None
    )
