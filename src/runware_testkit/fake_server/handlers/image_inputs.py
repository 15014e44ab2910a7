"""The image inputs of an ``imageInference`` task: found, read, and held to the model's rules.

Which values are image inputs: every string under ``inputs`` (``inputs.referenceImages.0``
...) and ``advancedFeatures.watermark.image`` when the model's request schema has that
property. Each is named by the validator's dotted path, array indexes as segments
(``inputs.referenceImages.0``), so that the server's errors name parameters one way.

How each is read (PROTOCOL.md, media inputs: a UUID, a URL, a data URI or base64, confirmed):

- a UUID or own ``/media`` URL must name media the caller's key may use (``mediaNotFound`` /
  ``mediaExpired`` otherwise, see `inputs.own_media`); its size is the record's, and a stored
  video is ``invalid<Param>`` (not an image);
- a data URI or base64 text is decoded with the reader ``imageUpload`` uses
  (`image_input.read_image_input`): bytes that are not a readable JPEG, PNG, WebP, BMP or GIF
  are ``invalid<Param>``, a header claiming more pixels than the bound is
  ``invalidInputSize``;
- an ``http(s)`` URL on an allowlisted host is downloaded and read the same way; any other URL
  is taken unread (the fake never reaches the internet), as for video inputs.

Rules: the model's ``x-constraints`` (Runware's schema documents put them on the task object,
e.g. ``bfl:flux@3-image``: ``{"operation": "width", "parameters": ["inputs.referenceImages"],
"minimum": 128, "scope": "each"}``). The fake enforces operations ``width`` and ``height`` with
``minimum`` / ``maximum`` on each image read (scope ``each``, or no scope); an image it could not
read (an unfetched URL) is not checked, and other operations or scopes are not enforced. A
broken rule answers ``invalid<Param>`` (the validator's code for ``minimum`` / ``maximum``),
parameter the image's dotted path.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...contract import ModelContract
from ...validation.codes import code_for
from ..media.errors import invalid_code
from ..media.image_input import read_image_input
from ..media.inputs import MediaInputError, load_media, own_media
from .context import Context

if TYPE_CHECKING:
    from ..state import ServerState

__all__ = ["IMAGE_EXTENSIONS", "WATERMARK_IMAGE", "ImageSource", "check_constraints", "read_images"]

IMAGE_EXTENSIONS = frozenset({"jpg", "jpeg", "png", "webp", "bmp", "gif"})
"""Extensions of stored media that are images."""
WATERMARK_IMAGE = "advancedFeatures.watermark.image"
"""The watermark's image input, read when the model's request schema has it."""
_SIZE_OPERATIONS = ("width", "height")


@dataclass(frozen=True, slots=True)
class ImageSource:
    """One image input: its dotted ``path``, and its size in pixels (None: not read)."""

    path: str
    width: int | None
    height: int | None


async def read_images(
    task: dict[str, Any], model: ModelContract | None, ctx: Context, state: ServerState
) -> list[ImageSource]:
    """Read every image input of `task` in request order (see the module docstring).

    Raises `MediaInputError` or `media.errors.InvalidImage` for the first input that cannot be
    used, and `MediaInputError` for the first broken ``x-constraints`` rule.
    """
    found = [await _read(path, value, ctx, state) for path, value in image_values(task, model)]
    check_constraints(model, found)
    return found


def image_values(task: dict[str, Any], model: ModelContract | None) -> Iterator[tuple[str, str]]:
    """(dotted path, value) of every image input the task gives, in request order."""
    yield from _strings(task.get("inputs"), "inputs")
    if model is not None and model.property_schema(WATERMARK_IMAGE) is not None:
        watermark = (task.get("advancedFeatures") or {}).get("watermark")
        value = watermark.get("image") if isinstance(watermark, dict) else None
        if isinstance(value, str):
            yield WATERMARK_IMAGE, value


def check_constraints(model: ModelContract | None, images: list[ImageSource]) -> None:
    """Hold each read image to the model's ``x-constraints`` on width and height;
    `MediaInputError` ``invalid<Param>`` for the first one broken."""
    if model is None:
        return
    for rule in model.request.get("x-constraints") or []:
        if not _enforced(rule):
            continue
        operation = rule["operation"]
        low, high = rule.get("minimum"), rule.get("maximum")
        for image in images:
            value = getattr(image, operation)
            if value is None or _parameter_of(image.path) not in rule["parameters"]:
                continue
            if (low is not None and value < low) or (high is not None and value > high):
                bound = f"at least {low}" if low is not None and value < low else f"at most {high}"
                raise MediaInputError(
                    code_for("minimum", image.path),
                    f"{image.path}: the image is {image.width}x{image.height} px; its "
                    f"{operation} must be {bound} px",
                    image.path,
                )


async def _read(path: str, value: str, ctx: Context, state: ServerState) -> ImageSource:
    record = own_media(
        state, value, parameter=path, api_key=ctx.api_key, request_base=ctx.request_base
    )
    if record is not None:
        if record.format not in IMAGE_EXTENSIONS:
            raise MediaInputError(
                invalid_code(path), f"{path}: media {record.media_uuid} is not an image", path
            )
        return ImageSource(path, record.width, record.height)
    if value.lower().startswith(("http://", "https://")):
        data = await load_media(
            state, value, parameter=path, api_key=ctx.api_key, request_base=ctx.request_base
        )
        if data is None:  # a host the fake does not reach: taken unread
            return ImageSource(path, None, None)
        facts = await asyncio.to_thread(read_image_input, data, parameter=path)
    else:
        facts = await asyncio.to_thread(read_image_input, value, parameter=path)
    return ImageSource(path, facts.width, facts.height)


def _enforced(rule: Any) -> bool:
    return (
        isinstance(rule, dict)
        and rule.get("operation") in _SIZE_OPERATIONS
        and rule.get("scope", "each") == "each"
        and isinstance(rule.get("parameters"), list)
    )


def _parameter_of(path: str) -> str:
    """The schema parameter of a dotted value path: ``inputs.referenceImages.0`` ->
    ``inputs.referenceImages``."""
    return ".".join(part for part in path.split(".") if not part.isdigit())


def _strings(node: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _strings(value, f"{path}.{index}")
