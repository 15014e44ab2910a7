"""Emit the kit's request and result schemas for a model read from a schema document.

The request schema is the published task object schema kept keyword for keyword (``allOf``,
``if``/``then``, ``not``, ``dependentRequired``, titled ``oneOf`` presets, ``x-constraints``,
``additionalProperties: false``, ...) with the kit's ``$schema``, ``$id``, and a ``title`` and
``description`` where the source has none. Three things change, each recorded in the source map:

- a nested ``$id`` (Runware's documents give shared parameters ids such as
  ``https://schemas.runware.ai/requests/parameters/inputs/image.json``, the same id on different
  content across models) becomes the annotation ``x-runware-id``, and a nested ``$schema``
  becomes ``x-runware-schema``: in one reference registry holding every model's schema, two
  resources with one id would clash, and nothing references them;
- a local ``$ref`` (``#/...``, into the same document) is replaced by its target, so the schema
  stands alone; other references cannot be resolved offline and are an error;
- the source's own top-level ``$schema``/``$id`` give way to the kit's.

The result item is the source's typed item when it has one (kept open: ``additionalProperties:
false`` is dropped and said so in ``x-relaxed``, since getResponse replies add ``status``), else
the platform's result item for the task type (and input media) from ``contract/platform.json``,
each field marked ``x-inferred`` with the reason.

Source maps: pointer in the emitted schema -> ``file#pointer`` in the source, plus `` (note)``
where the value was derived. Keywords of the root and of every schema reached through
``properties`` have their own entry; a subschema-valued keyword (``allOf``, ``items``, ``not``,
...) has one entry for its whole value, and what lies inside maps by the same relative path.
"""

from __future__ import annotations

import copy
from typing import Any
from urllib.parse import unquote

from .emit_jsonschema import schema_id
from .emit_openapi import ApiInfo
from .imported import DRAFT, ImportedModel, Located, resolve
from .model import DocumentError
from .platform import PLATFORM_FILE, platform_result_item, result_input_media
from .schema_shape import SCHEMA_LISTS, SCHEMA_MAPS, SCHEMA_VALUED, check_schema
from .traced import Traced, pointer_join

#: Nested identifiers, renamed to annotations (see the module docstring).
RENAMED = {"$id": "x-runware-id", "$schema": "x-runware-schema"}
_RENAME_REASON = (
    "a nested {key} would clash in a reference registry shared by every model's schema; "
    "nothing references it"
)
_UNRESOLVABLE = ("$dynamicRef", "$recursiveRef")
_OPEN_RESULT = (
    "the published item's additionalProperties: false is not kept: getResponse replies add "
    "status to each item (PROTOCOL.md, Async delivery and polling, Poll reply)"
)


def imported_request_schema(model: ImportedModel) -> tuple[dict[str, Any], Traced]:
    """The kit's request schema for ``model`` and its source map."""
    trace = Traced()
    source = model.request.value
    root: dict[str, Any] = {}
    _kit_header(model, "request", root, trace)
    if "title" not in source:
        title = f"{model.title.value} {model.task_type.value} task"
        trace.put(root, "", "title", title, _derived(model, model.title, "the kit's title"))
    if "description" not in source and model.summary is not None:
        trace.put(root, "", "description", model.summary.value, model.cite(model.summary))
    root.update(_Copier(model, trace).root(source, model.request.pointer))
    if "x-air-id" not in root:
        trace.put(root, "", "x-air-id", model.air.value, model.cite(model.air))
    if "x-documentation" not in root:
        documentation = model.documentation
        trace.put(root, "", "x-documentation", documentation.value, model.cite(documentation))
    return root, trace


def imported_result_schema(
    model: ImportedModel, platform: dict[str, Any]
) -> tuple[dict[str, Any], Traced]:
    """The kit's result item schema for ``model`` and its source map.

    Raises :class:`DocumentError` (at the task type) when the source types no result item and
    the platform data has none for the task type and input media.
    """
    trace = Traced()
    root: dict[str, Any] = {}
    _kit_header(model, "result", root, trace)
    item = model.response_item
    if item is not None:
        _typed_result(model, item, root, trace)
    else:
        _platform_result(model, platform, root, trace)
    return root, trace


def _kit_header(model: ImportedModel, kind: str, root: dict[str, Any], trace: Traced) -> None:
    """``$schema`` and ``$id``: the kit's dialect and its id for the model's ``kind`` schema."""
    dialect = _derived(model, model.dialect, "the dialect the kit writes")
    trace.put(root, "", "$schema", model.dialect.value, dialect)
    ident = _derived(model, model.slug, f"the kit's id of the {kind} schema of this model id")
    trace.put(root, "", "$id", schema_id(model.slug.value, kind), ident)


def _derived(model: ImportedModel, located: Located, how: str) -> str:
    """Cite ``located`` for a value derived from it (so the citation always carries a note)."""
    note = f"{how}; {located.note}" if located.note else how
    return Located(located.value, located.pointer, note).cite(model.file)


def imported_api_info(model: ImportedModel) -> ApiInfo:
    """The ``info`` facts of an imported model, for its OpenAPI document."""

    def value(located: Located | None) -> Any:
        return None if located is None else located.value

    return ApiInfo(
        title=model.title.value,
        summary=value(model.summary) or "",
        air=model.air.value,
        slug=model.slug.value,
        documentation=model.documentation.value,
        status=value(model.status),
        capabilities=value(model.capabilities),
        released=value(model.released),
        creator=value(model.creator),
        pricing=value(model.pricing),
    )


def _typed_result(model: ImportedModel, item: Located, root: dict[str, Any], trace: Traced) -> None:
    source = dict(item.value)
    closed = source.get("additionalProperties") is False
    if closed:
        del source["additionalProperties"]
    if "title" not in source:
        title = f"{model.title.value} {model.task_type.value} result item"
        trace.put(root, "", "title", title, _derived(model, model.title, "the kit's title"))
    root.update(_Copier(model, trace).root(source, item.pointer))
    if closed:
        where = pointer_join(item.pointer, "additionalProperties")
        relaxed = {"additionalProperties": _OPEN_RESULT}
        trace.put(root, "", "x-relaxed", relaxed, f"{model.file}#{where} (not kept)")


def _platform_result(
    model: ImportedModel, platform: dict[str, Any], root: dict[str, Any], trace: Traced
) -> None:
    task_type = model.task_type.value
    media = _input_media(model, platform)
    found = platform_result_item(platform, task_type, media)
    if found is None:
        raise DocumentError(
            model.file,
            model.task_type.pointer,
            f"the source types no result item and {PLATFORM_FILE} has none for {task_type!r}"
            + (f" with {media!r} input" if media else ""),
        )
    spec, pointer = found
    reason = f"the source types no result item; the platform's {task_type} result item" + (
        f" for {media} input" if media else ""
    )
    cite = f"{PLATFORM_FILE}#{pointer}"
    title = f"{model.title.value} {task_type} result item"
    trace.put(root, "", "title", title, _derived(model, model.title, "the kit's title"))
    trace.put(root, "", "type", "object", f"{cite} (inferred: {reason})")
    properties: dict[str, Any] = {}
    trace.put(root, "", "properties", properties, f"{cite}/fields (inferred: {reason})")
    required = []
    for index, field in enumerate(spec["fields"]):
        at = pointer_join(pointer_join(pointer, "fields"), index)
        node_pointer = pointer_join("/properties", field["name"])
        node: dict[str, Any] = {}
        written = {
            "title": "name",
            "description": "description",
            "type": "type",
            "const": "const",
            "format": "format",
        }
        for keyword, key in written.items():
            if key in field:
                where = f"{PLATFORM_FILE}#{pointer_join(at, key)} (inferred: {reason})"
                trace.put(node, node_pointer, keyword, field[key], where)
        facts = sorted(k for k in ("type", "const", "format", "required") if field.get(k))
        where = f"{PLATFORM_FILE}#{at} (inferred: {reason})"
        trace.put(node, node_pointer, "x-inferred", dict.fromkeys(facts, reason), where)
        properties[field["name"]] = node
        if field.get("required"):
            required.append(field["name"])
    trace.put(root, "", "required", required, f"{cite}/fields (inferred: {reason})")
    trace.put(root, "", "x-inferred-from", "platform", f"{cite} (inferred: {reason})")


def _input_media(model: ImportedModel, platform: dict[str, Any]) -> str | None:
    """The media kind of the task's input, when the platform's result item depends on it."""
    kinds = result_input_media(platform, model.task_type.value)
    if not kinds:
        return None
    inputs = f"{model.request.pointer}/properties/inputs/properties"
    _, names = resolve(model.document, inputs)
    present = [k for k in kinds if isinstance(names, dict) and k in names]
    if len(present) != 1:
        raise DocumentError(
            model.file,
            inputs,
            f"the {model.task_type.value} result item depends on the input's media; expected "
            f"exactly one of {', '.join('inputs.' + k for k in kinds)}, found "
            f"{', '.join('inputs.' + k for k in present) or 'none'}",
        )
    return present[0]


class _Copier:
    """Copies a source schema, renaming nested ids, inlining local refs and citing sources."""

    def __init__(self, model: ImportedModel, trace: Traced) -> None:
        self.model = model
        self.file = model.file
        self.trace = trace

    def root(self, source: dict[str, Any], pointer: str) -> dict[str, Any]:
        """The copy of a top-level schema, without its ``$schema`` (the kit writes its own)."""
        body = {k: v for k, v in source.items() if k != "$schema"}
        copied = self.schema(body, pointer, "", listed=True, refs=())
        if "$id" in source:  # the kit's $id names the schema; the source's is kept as a note
            note = "renamed from $id: the kit's $id names this schema"
            self.trace.sources["/x-runware-id"] = f"{self.file}#{pointer}/$id ({note})"
        return copied

    def schema(self, node: Any, src: str, dst: str, listed: bool, refs: tuple[str, ...]) -> Any:
        """Copy schema ``node`` read at ``src`` to ``dst``; ``listed`` cites each keyword."""
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            return self._inline(node, src, dst, listed, refs)
        out: dict[str, Any] = {}
        for key, value in node.items():
            here, there = pointer_join(src, key), pointer_join(dst, key)
            if key in _UNRESOLVABLE:
                raise DocumentError(self.file, here, f"{key} cannot be resolved offline")
            if key in RENAMED:
                self._rename(node, key, out, here, dst)
                continue
            if listed:
                self.trace.sources[there] = f"{self.file}#{here}"
            out[key] = self._value(key, value, here, there, listed, refs)
        return out

    def _value(
        self, key: str, value: Any, src: str, dst: str, listed: bool, refs: tuple[str, ...]
    ) -> Any:
        if key in SCHEMA_VALUED:
            return self.schema(value, src, dst, False, refs)
        if key in SCHEMA_LISTS:
            return [
                self.schema(v, pointer_join(src, i), pointer_join(dst, i), False, refs)
                for i, v in enumerate(value)
            ]
        if key in SCHEMA_MAPS:
            return {
                name: self.schema(
                    child,
                    pointer_join(src, name),
                    pointer_join(dst, name),
                    listed and key == "properties",
                    refs,
                )
                for name, child in value.items()
            }
        return copy.deepcopy(value)

    def _rename(
        self, node: dict[str, Any], key: str, out: dict[str, Any], src: str, dst: str
    ) -> None:
        name = RENAMED[key]
        if name in node:
            raise DocumentError(self.file, src, f"{key} beside {name}: cannot rename it")
        if key == "$schema" and str(node[key]).rstrip("#") != DRAFT:
            raise DocumentError(
                self.file, src, f"a subschema in another dialect ({node[key]!r}) cannot be kept"
            )
        out[name] = node[key]
        note = f"renamed from {key}: " + _RENAME_REASON.format(key=key)
        self.trace.sources[pointer_join(dst, name)] = f"{self.file}#{src} ({note})"

    def _inline(
        self, node: dict[str, Any], src: str, dst: str, listed: bool, refs: tuple[str, ...]
    ) -> Any:
        at = pointer_join(src, "$ref")
        ref = node["$ref"]
        if len(node) > 1:
            raise DocumentError(
                self.file, at, "a $ref beside other keywords cannot be inlined faithfully"
            )
        if not isinstance(ref, str) or not (ref.startswith("#/") or ref == "#"):
            raise DocumentError(
                self.file, at, f"{ref!r}: only references into the same document (#/...) resolve"
            )
        target = unquote(ref[1:])
        if target in refs:
            raise DocumentError(self.file, at, f"{ref} refers back to itself: cannot be inlined")
        found, value = resolve(self.model.document, target)
        if not found:
            raise DocumentError(self.file, at, f"{ref} points at nothing in the document")
        check_schema(value, self.file, target)
        if not listed:
            self.trace.sources[dst] = f"{self.file}#{target} (inlined: the $ref at {src})"
        return self.schema(value, target, dst, listed, (*refs, target))
