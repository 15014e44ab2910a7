"""A model read from a machine-readable schema source, in one shape for the emitters.

Two sources give a model's task schema as JSON Schema: Runware's per-model OpenAPI 3.1 document
(``https://runware.ai/docs/models/<model-id>/schema.json``) and the schema service's reply
(``GET https://schemas.runware.ai/resolve/<AIR>``; PROTOCOL.md, "Machine-readable schemas
published by Runware" [C]). Their readers (:mod:`.openapi_document`,
:mod:`.schema_service_reply`) return an :class:`ImportedModel`; every value in it carries the JSON
pointer it was read at, so each keyword the emitters write can cite ``file#pointer``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from .model import DocumentError, SourceError
from .schema_shape import check_schema
from .traced import pointer_join

DRAFT = "https://json-schema.org/draft/2020-12/schema"

#: A model id (docs slug) becomes a folder name under schemas/models/: no separators, no dots
#: first.
SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


@dataclass(frozen=True)
class Located:
    """A value read from a document, the JSON pointer it was read at, and a note on how it was
    derived when it is not the value at the pointer verbatim."""

    value: Any
    pointer: str
    note: str | None = None

    def cite(self, file: str) -> str:
        """``file#pointer``, followed by `` (note)`` when there is one."""
        text = f"{file}#{self.pointer}"
        return f"{text} ({self.note})" if self.note else text


@dataclass(frozen=True)
class ImportedModel:
    """Everything the generator takes from one schema document.

    ``request`` is the task object schema as published; ``response_item`` the result item schema
    when the source types one (None when it is untyped, e.g. "Unknown response structure").
    ``document`` is the whole parsed source, for resolving ``$ref`` and citing pointers.
    """

    file: str
    format: str  # "openapi" | "schema-service"
    document: Any
    air: Located
    slug: Located
    title: Located
    task_type: Located
    documentation: Located
    request: Located
    dialect: Located
    response_item: Located | None = None
    summary: Located | None = None
    status: Located | None = None
    capabilities: Located | None = None
    pricing: Located | None = None
    released: Located | None = None
    creator: Located | None = None

    def cite(self, located: Located) -> str:
        """Where ``located`` came from, as ``file#pointer (note)``."""
        return located.cite(self.file)


def load_json_document(text: str, file: str) -> Any:
    """Parse JSON text; a syntax error names ``file:line:column``.

    Raises :class:`SourceError` for invalid JSON and for ``NaN``/``Infinity``, which are not JSON.
    """

    def refuse(name: str) -> Any:
        raise ValueError(f"{name} is not a JSON value")

    try:
        return json.loads(text, parse_constant=refuse)
    except json.JSONDecodeError as exc:
        raise SourceError(
            file, f":{exc.lineno}:{exc.colno}", f"not valid JSON: {exc.msg}"
        ) from None
    except ValueError as exc:
        raise SourceError(file, "", f"not valid JSON: {exc}") from None


def resolve(document: Any, pointer: str) -> tuple[bool, Any]:
    """(found, value) at JSON pointer ``pointer`` (RFC 6901) in ``document``."""
    node = document
    if pointer == "":
        return True, node
    for raw in pointer[1:].split("/"):
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return False, None
    return True, node


def required_at(document: Any, pointer: str, file: str, kind: type, what: str) -> Located:
    """The value at ``pointer``, which must exist and be a ``kind``; else a DocumentError."""
    found, value = resolve(document, pointer)
    if not found:
        raise DocumentError(file, pointer, f"missing: {what}")
    if not isinstance(value, kind):
        raise DocumentError(file, pointer, f"expected {_kind_name(kind)} ({what})")
    if kind is str and not value.strip():
        raise DocumentError(file, pointer, f"empty ({what})")
    return Located(value, pointer)


def optional_at(document: Any, pointer: str, file: str, kind: type | None = None) -> Located | None:
    """The value at ``pointer`` if present (checked to be a ``kind`` when one is given)."""
    found, value = resolve(document, pointer)
    if not found or value is None:
        return None
    if kind is not None and not isinstance(value, kind):
        raise DocumentError(file, pointer, f"expected {_kind_name(kind)}")
    return Located(value, pointer)


def task_schema(document: Any, pointer: str, file: str) -> tuple[Located, Located]:
    """The task object schema at ``pointer`` (checked structurally) and its ``taskType`` const."""
    request = required_at(document, pointer, file, dict, "the task object schema")
    check_schema(request.value, file, pointer)
    props = pointer_join(pointer, "properties")
    required_at(document, props, file, dict, "the task object's properties")
    task_type = required_at(
        document,
        f"{props}/taskType/const",
        file,
        str,
        "the task type, read from the const of the taskType property",
    )
    return request, task_type


def check_model_const(document: Any, request: Located, file: str, air: str) -> None:
    """If the task schema pins ``model`` to a const, it must be the document's AIR."""
    pointer = f"{request.pointer}/properties/model/const"
    found, value = resolve(document, pointer)
    if found and value != air:
        raise DocumentError(file, pointer, f"model is {value!r} but the document is for {air!r}")


def checked_slug(located: Located, file: str) -> Located:
    """``located`` if its value can name a folder (``SLUG``); else a DocumentError."""
    if not SLUG.match(located.value):
        raise DocumentError(
            file,
            located.pointer,
            f"model id {located.value!r} cannot name a folder "
            "(lower-case letters, digits, '.', '_' and '-', not starting with '.')",
        )
    return located


def dialect(document: Any, request: Located, file: str, default: Located) -> Located:
    """The JSON Schema dialect of the task schema: its own ``$schema`` if it has one (which must
    be 2020-12, the dialect the kit writes), else ``default``."""
    pointer = pointer_join(request.pointer, "$schema")
    found, value = resolve(document, pointer)
    if not found:
        return default
    if value.rstrip("#") != DRAFT:
        raise DocumentError(
            file, pointer, f"the kit reads JSON Schema 2020-12 ({DRAFT}), found {value!r}"
        )
    return Located(DRAFT, pointer)


def result_item(document: Any, pointer: str, file: str) -> Located | None:
    """The typed result item schema at ``pointer``, or None when the source leaves it untyped
    (no schema there, or one without ``properties``)."""
    found, value = resolve(document, pointer)
    if not found or not isinstance(value, dict) or not value.get("properties"):
        return None
    check_schema(value, file, pointer)
    return Located(value, pointer)


def _kind_name(kind: type) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "true or false"}.get(
        kind, kind.__name__
    )
