"""Emit JSON Schema 2020-12 for a model's task request and result item, in Runware's style."""

from __future__ import annotations

import re
from typing import Any

from .model import ModelPage, Parameter, Source
from .traced import Traced, pointer_join

DRAFT = "https://json-schema.org/draft/2020-12/schema"
PROTOCOL_MEDIA = "PROTOCOL.md: Media inputs [C]"
STYLE = "DESIGN.md: Runware's own published schema style"

# The input forms a page can name, as the schema alternatives Runware publishes.
FORM_SCHEMAS: dict[str, dict[str, Any]] = {
    "uuid": {"title": "UUID", "type": "string", "format": "uuid"},
    "url": {"title": "URL", "type": "string", "format": "uri", "pattern": "^https?://"},
    "datauri": {
        "title": "Data URI",
        "type": "string",
        "pattern": "^data:[a-z]+/[A-Za-z0-9.+-]+;base64,[A-Za-z0-9+/]+={0,2}$",
    },
    "base64": {"title": "Base64", "type": "string", "pattern": "^[A-Za-z0-9+/]+={0,2}$"},
}


def schema_id(slug: str, kind: str) -> str:
    """The ``$id`` of a generated schema (``kind`` is ``request`` or ``result``)."""
    return f"urn:runware-testkit:{slug}:{kind}"


def request_schema(page: ModelPage) -> tuple[dict[str, Any], Traced]:
    """The JSON Schema of one task for this model, and its source map."""
    trace = Traced()
    root: dict[str, Any] = {}
    trace.put(root, "", "$schema", DRAFT, STYLE)
    trace.put(root, "", "$id", schema_id(page.slug, "request"), page.source)
    trace.put(root, "", "title", f"{page.title} {page.task_type} task", page.source)
    if page.summary:
        trace.put(root, "", "description", page.summary, page.source)
    trace.put(root, "", "type", "object", STYLE)
    trace.put(root, "", "additionalProperties", False, STYLE)
    _Tree(page, trace, root).build(page.request)
    rules = _cross_field_rules(page, trace)
    if rules:
        trace.put(root, "", "allOf", rules, STYLE)
    trace.put(root, "", "x-air-id", page.air, page.source)
    trace.put(root, "", "x-documentation", page.url, page.url_source or page.source)
    return root, trace


def result_schema(page: ModelPage) -> tuple[dict[str, Any], Traced]:
    """The JSON Schema of one result item for this model, and its source map.

    Result items are open (no ``additionalProperties: false``): a reply may grow new fields,
    and the getResponse reply adds ``status``; the known fields are checked.
    """
    trace = Traced()
    root: dict[str, Any] = {}
    first = page.response[0].source if page.response else page.source
    trace.put(root, "", "$schema", DRAFT, STYLE)
    trace.put(root, "", "$id", schema_id(page.slug, "result"), first)
    trace.put(root, "", "title", f"{page.title} {page.task_type} result item", first)
    trace.put(root, "", "type", "object", first)
    _Tree(page, trace, root).build(page.response)
    if page.response_source != "page":
        trace.put(root, "", "x-inferred-from", page.response_source, first)
    return root, trace


class _Tree:
    """Builds nested ``properties`` from the flat, dotted-path parameter list."""

    def __init__(self, page: ModelPage, trace: Traced, root: dict[str, Any]) -> None:
        self.page = page
        self.trace = trace
        self.holders: dict[str, tuple[dict[str, Any], str]] = {"": (root, "")}
        self.params = {p.path: p for p in page.request}

    def build(self, params: list[Parameter]) -> None:
        for param in params:
            parent = param.path.rpartition(".")[0]
            holder, pointer = self._holder(parent, param.source)
            props = holder.setdefault("properties", {})
            self.trace.sources.setdefault(
                pointer_join(pointer, "properties"), param.source.as_text()
            )
            prop_pointer = pointer_join(pointer_join(pointer, "properties"), param.name)
            props[param.name] = self._property(param, prop_pointer)
            if param.fact("required"):
                self._require(holder, pointer, param.name, param.facts["required"].source)

    def _require(self, holder: dict, pointer: str, name: str, source: Source) -> None:
        required = holder.setdefault("required", [])
        self.trace.sources.setdefault(pointer_join(pointer, "required"), source.as_text())
        if name not in required:
            required.append(name)

    def _holder(self, path: str, child_source: Source) -> tuple[dict[str, Any], str]:
        if path in self.holders:
            return self.holders[path]
        parent, _, name = path.rpartition(".")
        outer, outer_pointer = self._holder(parent, child_source)
        props = outer.setdefault("properties", {})
        self.trace.sources.setdefault(
            pointer_join(outer_pointer, "properties"), child_source.as_text()
        )
        pointer = pointer_join(pointer_join(outer_pointer, "properties"), name)
        source = child_source.inferring(f"object {path!r} implied by the nested path of a child")
        node: dict[str, Any] = {}
        self.trace.put(node, pointer, "title", name, source)
        self.trace.put(node, pointer, "type", "object", source)
        self.trace.put(node, pointer, "additionalProperties", False, STYLE)
        props[name] = node
        self.holders[path] = (node, pointer)
        if any(
            p.fact("required")
            for p in self.params.values()
            if p.path.startswith(path + ".") and p.path.count(".") == path.count(".") + 1
        ):
            self._require(
                outer,
                outer_pointer,
                name,
                child_source.inferring(f"{path!r} holds a required parameter"),
            )
        return node, pointer

    def _property(self, param: Parameter, pointer: str) -> dict[str, Any]:
        t = self.trace
        node: dict[str, Any] = {}
        t.put(node, pointer, "title", param.name, param.source)
        if param.description:
            t.put(node, pointer, "description", param.description, param.source)
        kind = param.fact("type")
        type_source = param.facts["type"].source
        if kind == "array":
            self._array(param, node, pointer)
        elif kind == "object":
            t.put(node, pointer, "type", "object", type_source)
            t.put(node, pointer, "additionalProperties", False, STYLE)
            self.holders[param.path] = (node, pointer)
        else:
            t.put(node, pointer, "type", kind, type_source)
        self._scalar_facts(param, node, pointer)
        if kind == "string" and param.fact("inputForms"):
            forms = [dict(FORM_SCHEMAS[f]) for f in param.fact("inputForms")]
            t.put(node, pointer, "anyOf", forms, param.facts["inputForms"].source)
        if param.anchor:
            t.put(node, pointer, "x-documentation", param.anchor, param.source)
        inferred = {
            k: f.source.inferred for k, f in sorted(param.facts.items()) if f.source.inferred
        }
        if param.allowed and param.allowed[0].source.inferred:
            inferred["oneOf"] = param.allowed[0].source.inferred
        if param.source.inferred and not inferred:
            inferred["*"] = param.source.inferred
        if inferred:
            t.put(node, pointer, "x-inferred", inferred, param.source)
        return node

    def _scalar_facts(self, param: Parameter, node: dict[str, Any], pointer: str) -> None:
        t = self.trace
        if param.allowed:
            options = []
            for allowed in param.allowed:
                option: dict[str, Any] = {"const": allowed.value}
                if allowed.description:
                    option["description"] = allowed.description
                options.append(option)
            t.put(node, pointer, "oneOf", options, param.allowed[0].source)
        for key in (
            "const",
            "default",
            "format",
            "minimum",
            "maximum",
            "minLength",
            "maxLength",
            "minItems",
            "maxItems",
        ):
            fact = param.facts.get(key)
            if fact is not None:
                t.put(node, pointer, key, fact.value, fact.source)
        extras = {
            "uuidVersion": "x-uuid-version",
            "step": "x-step",
            "durationSeconds": "x-media-duration-seconds",
            "pairedWith": "x-paired-with",
        }
        for key, keyword in extras.items():
            fact = param.facts.get(key)
            if fact is not None:
                t.put(node, pointer, keyword, fact.value, fact.source)

    def _array(self, param: Parameter, node: dict[str, Any], pointer: str) -> None:
        t = self.trace
        t.put(node, pointer, "type", "array", param.facts["type"].source)
        item_types = param.fact("itemTypes", ["string"])
        source = param.facts["type"].source
        forms = param.fact("inputForms")
        choices: list[dict[str, Any]] = []
        item_pointer = pointer_join(pointer, "items")
        for index, kind in enumerate(item_types):
            choice_pointer = (
                pointer_join(pointer_join(item_pointer, "anyOf"), index)
                if len(item_types) > 1
                else item_pointer
            )
            if kind == "string" and forms:
                choices.append({"type": "string", "anyOf": [dict(FORM_SCHEMAS[f]) for f in forms]})
            elif kind == "object":
                obj: dict[str, Any] = {"type": "object", "additionalProperties": False}
                self.holders[param.path] = (obj, choice_pointer)
                either = _exclusive_children(param, self.params)
                if either:
                    obj["not"] = {"required": list(either)}
                    t.sources[pointer_join(choice_pointer, "not")] = param.source.inferring(
                        f"'either {either[0]} or {either[1]}' read as mutually exclusive"
                    ).as_text()
                choices.append(obj)
            else:
                choices.append({"type": kind})
        items = choices[0] if len(choices) == 1 else {"anyOf": choices}
        t.put(node, pointer, "items", items, source)


def _exclusive_children(param: Parameter, params: dict[str, Parameter]) -> tuple[str, str] | None:
    """Two item fields the description calls alternatives: "either `frame` or `timestamp`".

    Flattened page text glues code spans to words ("eitherframeortimestamp"), so the names are
    matched with or without separators.
    """
    names = [p.name for p in params.values() if p.path.startswith(param.path + ".")]
    for a in names:
        for b in names:
            if a != b and re.search(rf"either\W*`?{a}`?\W*or\W*`?{b}\b", param.description):
                return a, b
    return None


def _cross_field_rules(page: ModelPage, trace: Traced) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = []
    pairs: dict[tuple[str, str], Source] = {}
    for a, b, source in page.pairs:
        pairs.setdefault(tuple(sorted((a, b))), source)
    for param in page.request:
        for other in param.fact("pairedWith") or []:
            pairs.setdefault(tuple(sorted((param.name, other))), param.facts["pairedWith"].source)
    for (a, b), source in pairs.items():
        pointer = f"/allOf/{len(rules)}/dependentRequired"
        rules.append({"dependentRequired": {a: [b], b: [a]}})
        trace.sources[pointer] = source.as_text()
    if page.presets:
        presets = [
            {
                "title": p.label,
                "properties": {"width": {"const": p.width}, "height": {"const": p.height}},
            }
            for p in page.presets
        ]
        index = len(rules)
        rules.append(
            {
                "if": {"anyOf": [{"required": ["width"]}, {"required": ["height"]}]},
                "then": {"required": ["width", "height"], "oneOf": presets},
            }
        )
        trace.sources[f"/allOf/{index}/if"] = page.presets[0].source.as_text()
        trace.sources[f"/allOf/{index}/then/required"] = page.presets[0].source.as_text()
        for n, preset in enumerate(page.presets):
            trace.sources[f"/allOf/{index}/then/oneOf/{n}"] = preset.source.as_text()
    return rules
