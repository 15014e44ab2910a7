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
        if "fields" not in spec:
            continue  # an item that depends on the input's media (byInputMedia): documents only
        start = _line_of(lines, f'"{task_type}": {{')
        params = []
        for field in spec["fields"]:
            line = _line_of(lines, f'"name": "{field["name"]}"', start)
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


def platform_result_item(
    platform: dict[str, Any], task_type: str, media: str | None = None
) -> tuple[dict[str, Any], str] | None:
    """The platform result item of ``task_type`` (``{"x-source", "fields"}``) and its JSON
    pointer in the platform data, or None when the data has none.

    An item that depends on the media of the task's input (``upscale``: an image in, an image
    out) is kept under ``byInputMedia``; ``media`` picks it (None when not given or unknown).
    """
    spec = platform["results"].get(task_type)
    pointer = pointer_join("/results", task_type)
    if spec is None:
        return None
    if "byInputMedia" in spec:
        variant = spec["byInputMedia"].get(media) if media else None
        if variant is None:
            return None
        return variant, pointer_join(pointer_join(pointer, "byInputMedia"), media)
    return spec, pointer


def result_input_media(platform: dict[str, Any], task_type: str) -> list[str]:
    """The input media kinds the result item of ``task_type`` depends on ([] when it does not)."""
    spec = platform["results"].get(task_type) or {}
    return sorted(spec.get("byInputMedia", {}))


def _line_of(lines: list[str], needle: str, start: int = 1) -> int:
    for number, line in enumerate(lines[start - 1 :], start=start):
        if needle in line:
            return number
    return 1
