"""What a task's output looks like when its request leaves it open: the model's contract says.

Every value comes from, in order: the request itself, then the model's request schema (its
``default`` keywords and its titled ``{width, height}`` presets, e.g. ``"720p (16:9)"``), then
what the task's inputs are, then the fake's own fallback for the task type (named by the
caller). Nothing here is specific to one model.

Sizes
-----
`output_size` takes the first of: the request's ``width`` and ``height``; the preset of the
request's ``resolution`` label; the source's size when the model is not sized by the request
(its schema has no ``width``, as Runway Aleph 2.0: the output takes the source's size); the
schema's default ``width``/``height``; the preset of the schema's default ``resolution``; the
schema's first preset; the fallback. Among the presets of one label the one closest to the
source's aspect ratio wins, else the one titled with the preferred ratio (``16:9`` for video,
``1:1`` for images), else the first.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ...contract import ModelContract

__all__ = [
    "IMAGE_FORMATS",
    "OUTPUT_TYPES",
    "VIDEO_FORMATS",
    "OutputChoiceError",
    "Preset",
    "output_duration",
    "output_format",
    "output_quality",
    "output_size",
    "output_type",
    "request_default",
    "size_presets",
]

VIDEO_FORMATS: dict[str, str] = {"MP4": "mp4", "WEBM": "webm", "MOV": "mov"}
"""Video ``outputFormat`` names the fake renders, and their file extensions."""
IMAGE_FORMATS: dict[str, str] = {"JPG": "jpg", "JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
"""Image ``outputFormat`` names the fake renders, and their file extensions."""
OUTPUT_TYPES: tuple[str, ...] = ("URL", "base64Data", "dataURI")
"""Runware's ``outputType`` values."""
DEFAULT_QUALITY = 95
"""``outputQuality`` when neither the request nor the contract gives one (Runware's default)."""

_LABEL = re.compile(r"^\s*([^(]+?)\s*(?:\(([^)]*)\))?\s*$")


class OutputChoiceError(ValueError):
    """The request asks for output the fake cannot produce; a Runware error."""

    def __init__(self, code: str, message: str, parameter: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.parameter = parameter

    def to_error(self) -> dict[str, str]:
        """The Runware error object (without task fields)."""
        return {"code": self.code, "message": self.message, "parameter": self.parameter}


@dataclass(frozen=True, slots=True)
class Preset:
    """One titled size of a model: ``label`` (``720p``), ``ratio`` (``16:9``, may be empty)."""

    label: str
    ratio: str
    width: int
    height: int


def request_default(model: ModelContract | None, path: str) -> Any:
    """The ``default`` of the request parameter at dotted `path`, or None."""
    if model is None:
        return None
    node = model.property_schema(path)
    return node.get("default") if isinstance(node, dict) else None


def size_presets(model: ModelContract | None) -> list[Preset]:
    """The model's titled ``{width: const, height: const}`` presets, in schema order (read
    once per request schema)."""
    if model is None:
        return []
    known = _PRESETS.get(id(model.request))
    if known is None or known[0] is not model.request:
        known = _PRESETS[id(model.request)] = (model.request, tuple(_read_presets(model)))
    return list(known[1])


_PRESETS: dict[int, tuple[dict[str, Any], tuple[Preset, ...]]] = {}
"""Presets by the identity of the request schema they were read from (schemas are dicts, so
they cannot be keys themselves); a contract's schemas live as long as the contract."""


def _read_presets(model: ModelContract) -> list[Preset]:
    found: list[Preset] = []
    seen: set[tuple[str, int, int]] = set()
    for node in _walk(model.request.get("allOf", [])):
        for choice in node.get("oneOf", []) if isinstance(node.get("oneOf"), list) else []:
            preset = _preset(choice)
            if preset is not None and (preset.label, preset.width, preset.height) not in seen:
                seen.add((preset.label, preset.width, preset.height))
                found.append(preset)
    return found


def output_size(
    task: Mapping[str, Any],
    model: ModelContract | None,
    *,
    source: tuple[int, int] | None,
    fallback: tuple[int, int],
    ratio: str,
) -> tuple[int, int]:
    """(width, height) in pixels of the task's output (see the module docstring)."""
    width, height = task.get("width"), task.get("height")
    if _is_size(width) and _is_size(height):
        return width, height
    presets = size_presets(model)
    resolution = task.get("resolution")
    if isinstance(resolution, str) and (found := _pick(presets, resolution, source, ratio)):
        return found
    sized_by_request = model is not None and "width" in model.request.get("properties", {})
    if source is not None and not sized_by_request:
        return source
    width, height = request_default(model, "width"), request_default(model, "height")
    if _is_size(width) and _is_size(height):
        return width, height
    resolution = request_default(model, "resolution")
    if isinstance(resolution, str) and (found := _pick(presets, resolution, source, ratio)):
        return found
    if presets:
        return presets[0].width, presets[0].height
    return fallback


def output_format(
    task: Mapping[str, Any],
    model: ModelContract | None,
    formats: Mapping[str, str],
    fallback: str,
) -> str:
    """The file extension of the task's ``outputFormat`` (request, contract default, then
    `fallback`, a key of `formats`); `OutputChoiceError` for a format the fake cannot render."""
    name = task.get("outputFormat")
    if name is None:
        name = request_default(model, "outputFormat") or fallback
    extension = formats.get(str(name).upper())
    if extension is None:
        raise OutputChoiceError(
            "invalidOutputFormat",
            f"The fake server cannot render outputFormat {name!r}; it renders "
            f"{', '.join(formats)}.",
            "outputFormat",
        )
    return extension


def output_quality(task: Mapping[str, Any], model: ModelContract | None) -> int:
    """The task's ``outputQuality`` (request, contract default, then 95)."""
    for value in (task.get("outputQuality"), request_default(model, "outputQuality")):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return DEFAULT_QUALITY


def output_type(task: Mapping[str, Any], model: ModelContract | None) -> str:
    """The task's ``outputType`` (request, contract default, then ``URL``), in Runware's
    spelling whatever the case it was sent in."""
    for value in (task.get("outputType"), request_default(model, "outputType")):
        if isinstance(value, list) and value:  # some task types accept a list: take the first
            value = value[0]
        if isinstance(value, str):
            for known in OUTPUT_TYPES:
                if value.lower() == known.lower():
                    return known
    return "URL"


def output_duration(
    task: Mapping[str, Any],
    model: ModelContract | None,
    *,
    source: float | None,
    fallback: float,
) -> float:
    """Length in seconds of the task's output video: the request's numeric ``duration``, else
    the source's length, else the contract's numeric default, else `fallback`."""
    value = task.get("duration")
    if _is_seconds(value):
        return float(value)
    if source is not None and source > 0:
        return source
    value = request_default(model, "duration")
    return float(value) if _is_seconds(value) else fallback


def _pick(
    presets: list[Preset], label: str, source: tuple[int, int] | None, ratio: str
) -> tuple[int, int] | None:
    same = [p for p in presets if p.label.lower() == label.strip().lower()]
    if not same:
        return None
    if source is not None and source[0] > 0 and source[1] > 0:
        aim = math.log(source[0] / source[1])
        best = min(same, key=lambda p: abs(math.log(p.width / p.height) - aim))
        return best.width, best.height
    preferred = [p for p in same if p.ratio.lstrip("~") == ratio]
    chosen = (preferred or same)[0]
    return chosen.width, chosen.height


def _preset(choice: Any) -> Preset | None:
    if not isinstance(choice, dict) or not isinstance(choice.get("title"), str):
        return None
    props = choice.get("properties")
    if not isinstance(props, dict):
        return None
    width = (props.get("width") or {}).get("const")
    height = (props.get("height") or {}).get("const")
    match = _LABEL.match(choice["title"])
    if not (_is_size(width) and _is_size(height)) or match is None:
        return None
    return Preset(match[1], (match[2] or "").strip(), width, height)


def _walk(node: Any):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _is_size(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _is_seconds(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value > 0
    )
