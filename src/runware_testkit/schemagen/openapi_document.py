"""Read Runware's per-model OpenAPI 3.1 document into an :class:`ImportedModel`.

Runware publishes one document per model at ``https://runware.ai/docs/models/<model-id>/schema.json``
(PROTOCOL.md, "Machine-readable schemas published by Runware" [C]; six pinned under
``contract/schemas/``). What the reader relies on:

- ``openapi``: ``3.1.x`` (its schema objects are JSON Schema 2020-12);
- ``info``: ``title`` ("Runware API - <model>"), ``x-air-id``, ``x-model-id`` (the docs slug),
  optionally ``summary``, ``x-status``, ``x-capabilities``, ``x-pricing``, ``x-released-at``,
  ``x-creator``; ``externalDocs.url`` when present is the model's page;
- ``components.schemas.RequestBody``: an array whose ``items`` is the task object schema, with
  ``taskType`` as a ``const``;
- ``components.schemas.ResponseBody.properties.data.items``: the result item, typed in some
  documents and "Unknown response structure" in others.

Anything missing or of the wrong kind is a :class:`DocumentError` naming the file and pointer.
"""

from __future__ import annotations

from typing import Any

from .imported import (
    DRAFT,
    ImportedModel,
    Located,
    check_model_const,
    checked_slug,
    dialect,
    optional_at,
    required_at,
    result_item,
    task_schema,
)
from .model import DocumentError

REQUEST_ITEMS = "/components/schemas/RequestBody/items"
RESPONSE_ITEM = "/components/schemas/ResponseBody/properties/data/items"
DOCS_URL = "https://runware.ai/docs/models/{slug}"
_TITLE_PREFIX = "Runware API - "


def looks_like_openapi_document(data: Any) -> bool:
    """Whether parsed JSON ``data`` is an OpenAPI document (an object with ``openapi``)."""
    return isinstance(data, dict) and "openapi" in data


def read_openapi_document(document: Any, file: str) -> ImportedModel:
    """The model described by a parsed Runware OpenAPI document; ``file`` names it in errors."""
    if not isinstance(document, dict):
        raise DocumentError(file, "", "expected a JSON object (an OpenAPI document)")
    version = required_at(document, "/openapi", file, str, "the OpenAPI version")
    if not version.value.startswith("3.1"):
        raise DocumentError(
            file,
            "/openapi",
            f"expected an OpenAPI 3.1 document, found {version.value!r}: only 3.1 schema "
            "objects are JSON Schema 2020-12",
        )
    required_at(document, "/info", file, dict, "the document's info")
    air = required_at(document, "/info/x-air-id", file, str, "the model's AIR")
    slug = checked_slug(required_at(document, "/info/x-model-id", file, str, "the model id"), file)
    body = required_at(
        document, "/components/schemas/RequestBody", file, dict, "the request body schema"
    )
    if body.value.get("type", "array") != "array":
        raise DocumentError(
            file,
            "/components/schemas/RequestBody/type",
            "expected an array: a request body is a JSON array of task objects",
        )
    request, task_type = task_schema(document, REQUEST_ITEMS, file)
    check_model_const(document, request, file, air.value)
    return ImportedModel(
        file=file,
        format="openapi",
        document=document,
        air=air,
        slug=slug,
        title=_title(document, file),
        task_type=task_type,
        documentation=_documentation(document, file, slug),
        request=request,
        dialect=dialect(document, request, file, _document_dialect(document, file)),
        response_item=result_item(document, RESPONSE_ITEM, file),
        summary=optional_at(document, "/info/summary", file, str)
        or optional_at(document, "/info/description", file, str),
        status=optional_at(document, "/info/x-status", file, str),
        capabilities=optional_at(document, "/info/x-capabilities", file, list),
        pricing=optional_at(document, "/info/x-pricing", file),
        released=optional_at(document, "/info/x-released-at", file, str),
        creator=optional_at(document, "/info/x-creator", file),
    )


def _title(document: dict[str, Any], file: str) -> Located:
    title = required_at(document, "/info/title", file, str, "the document's title")
    if title.value.startswith(_TITLE_PREFIX) and title.value != _TITLE_PREFIX:
        return Located(
            title.value[len(_TITLE_PREFIX) :],
            title.pointer,
            f"the model's name: the title without its {_TITLE_PREFIX!r} prefix",
        )
    return title


def _documentation(document: dict[str, Any], file: str, slug: Located) -> Located:
    url = optional_at(document, "/externalDocs/url", file, str)
    if url is not None:
        return url
    return Located(
        DOCS_URL.format(slug=slug.value),
        slug.pointer,
        "the model's page is runware.ai/docs/models/<model id>: PROTOCOL.md, Machine-readable "
        "schemas",
    )


def _document_dialect(document: dict[str, Any], file: str) -> Located:
    """OpenAPI 3.1 schema objects are JSON Schema 2020-12 unless ``jsonSchemaDialect`` says
    otherwise (OpenAPI 3.1.0, Schema Object); the kit reads only 2020-12."""
    declared = optional_at(document, "/jsonSchemaDialect", file, str)
    if declared is None:
        return Located(DRAFT, "/openapi", "OpenAPI 3.1 schema objects are JSON Schema 2020-12")
    if declared.value.rstrip("#") != DRAFT:
        raise DocumentError(
            file,
            declared.pointer,
            f"the kit reads JSON Schema 2020-12 ({DRAFT}), found {declared.value!r}",
        )
    return declared
