"""Load the generated contract (schemas/) once: models by AIR, their schemas, platform schemas."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from .resources import schemas_dir


@dataclass(frozen=True)
class ModelContract:
    """One model's generated contract."""

    air: str
    slug: str
    title: str
    task_type: str
    documentation: str
    request: dict[str, Any]
    result: dict[str, Any]
    openapi: dict[str, Any]
    examples: list[dict[str, Any]] = field(default_factory=list)

    def property_schema(self, path: str) -> dict[str, Any] | None:
        """The request schema of dotted ``path`` (array indexes skipped), or None if unknown."""
        node: dict[str, Any] | None = self.request
        for segment in path.split("."):
            if node is None or segment.isdigit():
                continue
            node = _child(node, segment)
        return node

    def parameter_paths(self) -> list[str]:
        """Every dotted request parameter path the contract knows, in schema order."""
        return list(_paths(self.request, ""))


@dataclass(frozen=True)
class Contract:
    """All models and platform schemas of one schemas/ directory."""

    root: Path
    models: dict[str, ModelContract]
    platform: dict[str, dict[str, Any]]
    request_array: dict[str, Any]

    def model(self, air: str) -> ModelContract | None:
        """The contract of model ``air``, or None if the kit does not know it."""
        return self.models.get(air)

    def schemas(self) -> list[dict[str, Any]]:
        """Every schema with an ``$id``, for building a reference registry."""
        found = [m.request for m in self.models.values()]
        found += [m.result for m in self.models.values()]
        found += list(self.platform.values())
        found.append(self.request_array)
        return found


def load_contract(root: Path | None = None) -> Contract:
    """The contract under ``root`` (default: the shipped schemas); cached per directory."""
    if root is None:
        return _load_shipped()
    return _load(str(root.resolve()))


@cache
def _load_shipped() -> Contract:
    # The shipped contract is asked for on every validated task: resolve its path once.
    return _load(str(schemas_dir().resolve()))


@cache
def _load(root_text: str) -> Contract:
    root = Path(root_text)
    index = _read(root / "index.json")
    models = {}
    for entry in index["models"]:
        models[entry["air"]] = ModelContract(
            air=entry["air"],
            slug=entry["slug"],
            title=entry["title"],
            task_type=entry["taskType"],
            documentation=entry["documentation"],
            request=_read(root / entry["request"]),
            result=_read(root / entry["result"]),
            openapi=_read(root / entry["openapi"]),
            examples=entry.get("examples", []),
        )
    platform = {
        name: _read(root / "platform" / f"{name}.schema.json") for name in index["platform"]
    }
    return Contract(root, models, platform, _read(root / "request-array.schema.json"))


def _read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _child(node: dict[str, Any], name: str) -> dict[str, Any] | None:
    props = node.get("properties", {})
    if name in props:
        return props[name]
    items = node.get("items")
    if isinstance(items, dict):
        for choice in [items, *items.get("anyOf", [])]:
            if name in choice.get("properties", {}):
                return choice["properties"][name]
    return None


def _paths(node: dict[str, Any], prefix: str):
    for name, child in node.get("properties", {}).items():
        path = f"{prefix}{name}"
        yield path
        yield from _paths(child, path + ".")
        items = child.get("items")
        if isinstance(items, dict):
            for choice in [items, *items.get("anyOf", [])]:
                yield from _paths(choice, path + ".")
