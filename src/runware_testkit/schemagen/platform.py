"""Platform-wide wire shapes (envelope, errors, polling, auth) from contract/platform.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .model import Parameter, Source
from .traced import Traced, pointer_join

PLATFORM_FILE = "contract/platform.json"


def load_platform(path: Path) -> dict[str, Any]:
    """Read the platform contract data."""
    return json.loads(path.read_text(encoding="utf-8"))


def platform_result_fields(platform: dict[str, Any], path: Path) -> dict[str, list[Parameter]]:
    """Per task type, the result item fields the platform documents, as parameters."""
    lines = path.read_text(encoding="utf-8").split("\n")
    out: dict[str, list[Parameter]] = {}
    for task_type, spec in platform["results"].items():
        params = []
        for field in spec["fields"]:
            line = _line_of(lines, f'"name": "{field["name"]}"')
            source = Source(PLATFORM_FILE, line)
            param = Parameter(
                name=field["name"],
                path=field["name"],
                source=source,
                description=field.get("description", ""),
            )
            param.set("type", field["type"], source)
            for key in ("required", "const", "format"):
                if key in field:
                    param.set(key, field[key], source)
            params.append(param)
        out[task_type] = params
    return out


def platform_schemas(platform: dict[str, Any]) -> dict[str, tuple[dict[str, Any], Traced]]:
    """Each platform schema with ``$schema``/``$id`` added, and a source map into the data file."""
    out = {}
    for name, body in platform["schemas"].items():
        trace = Traced()
        origin = body.get("x-source", PLATFORM_FILE)
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": platform_id(name),
        }
        schema.update(body)
        for key in schema:
            where = f"{PLATFORM_FILE}#/schemas/{name}/{key} ({origin})"
            trace.sources[pointer_join("", key)] = where
        out[name] = (schema, trace)
    return out


def platform_id(name: str) -> str:
    """The ``$id`` of platform schema ``name``."""
    return f"urn:runware-testkit:platform:{name}"


def _line_of(lines: list[str], needle: str) -> int:
    for number, line in enumerate(lines, start=1):
        if needle in line:
            return number
    return 1
