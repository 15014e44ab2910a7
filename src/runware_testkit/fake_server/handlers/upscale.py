"""``upscale``: a bigger copy of an image or a video, as a real file of the input's kind.

Input: the first of ``inputs.image``, ``inputs.video``, ``inputs.media`` and ``inputImage``
(the older name of Runware's image upscaler) the task holds: a UUID of this server's media (an
``imageUpload``/``mediaStorage`` upload or a result), a URL (this server's own ``/media``, or an
allowlisted host), a data URI or base64. A UUID must name media of the caller's API key. The
input must be of the kind its parameter names: an image given as ``inputs.video`` is
``invalidVideo``, anything but an image given as ``inputs.image`` (``inputImage``) is
``invalidImage`` (``invalidInputImage``); ``inputs.media`` takes either.

Size: the request's ``width``/``height`` (one alone keeps the aspect ratio) when given, else
the input scaled by ``upscaleFactor`` (the request's, else the contract's default, else
`FALLBACK_FACTOR` = 2: the one upscale contract the kit ships, ``bytedance:50@1``, names no
factor at all). Bounds and their errors (``invalidUpscaleFactor``, ``invalidInputSize``,
``invalidInputDuration`` ...) are `media.upscale`'s.

Output: an image is decoded, scaled and encoded again, in ``outputFormat`` (JPG, PNG, WEBP),
else the contract's default, else the input's own format; a video is a fresh clip of the input's
length at the new size, in ``outputFormat`` (MP4, WEBM, MOV), else the contract's default, else
the input's container. The file is made when the task is submitted (so a bad input is refused
at once) and served from then on. An input on a host the fake may not fetch cannot be read: its
result is a synthetic file of the kind its parameter names, scaled from 1280x720 (video) or
1024x1024 (image).

Result item: ``taskType``, ``taskUUID``, ``imageUUID`` or ``videoUUID``, the media as
``outputType`` asks (``imageURL`` ...), and ``cost`` with ``includeCost``; no ``seed`` or
``NSFWContent`` [I: Runware's upscale results carry neither].
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from ...contract import ModelContract
from ..engine.records import MediaRecord, OutputKind, OutputPlan, TaskFacts, TaskRecord
from ..media.errors import invalid_code
from ..media.image_header import looks_like_image
from ..media.inputs import MediaInputError, identify_upload, load_media
from ..media.upscale import (
    DEFAULT_MAX_IMAGE_SIDE,
    DEFAULT_MAX_VIDEO_SIDE,
    UpscaledMedia,
    upscale_media,
    upscaled_size,
)
from .context import Context
from .inference import Planned, run_inference
from .outputs import (
    IMAGE_FORMATS,
    VIDEO_FORMATS,
    OutputChoiceError,
    output_quality,
    output_type,
    request_default,
)
from .pricing import DEFAULT_DURATION_SECONDS, PriceQuery, unit_cost
from .results import results_builder

if TYPE_CHECKING:
    from ..protocol.wire import TaskReply
    from ..state import ServerState

__all__ = ["FALLBACK_FACTOR", "INPUT_PATHS", "build_results", "handle", "plan"]

FALLBACK_FACTOR = 2
"""``upscaleFactor`` when neither the request nor the contract gives one."""
INPUT_PATHS = ("inputs.image", "inputs.video", "inputs.media", "inputImage")
"""Where the input is read from, in this order."""
_IMAGE_PATHS = ("inputs.image", "inputImage")
_UNREADABLE_SIZE: dict[str, tuple[int, int]] = {"video": (1280, 720), "image": (1024, 1024)}


async def handle(task: dict[str, Any], ctx: Context, state: ServerState) -> TaskReply:
    """Accept the task (see `inference.run_inference`)."""
    return await run_inference(task, ctx, state, plan)


async def plan(
    task: dict[str, Any], model: ModelContract | None, ctx: Context, state: ServerState
) -> Planned:
    """Read the input, make the upscaled file (not in a dry run), decide its price."""
    path, value = _input(task)
    scale = _Scale.of(task, model)
    quality = output_quality(task, model)
    name = task.get("outputFormat") or request_default(model, "outputFormat")
    data = await load_media(
        state, value, parameter=path, api_key=ctx.api_key, request_base=ctx.request_base
    )
    if data is not None:
        _check_kind(path, data)
    prepared: list[MediaRecord] = []
    if data is None:
        kind: OutputKind = "video" if path.endswith("video") else "image"
        width, height = scale.size(*_UNREADABLE_SIZE[kind], kind=kind, parameter=path)
        extension = _extension(kind, name)
        duration = DEFAULT_DURATION_SECONDS if kind == "video" else None
    elif ctx.dry_run:
        upload = await asyncio.to_thread(identify_upload, data, parameter=path)
        kind = "video" if upload.kind == "video" else "image"
        width, height = scale.size(
            upload.width or _UNREADABLE_SIZE[kind][0],
            upload.height or _UNREADABLE_SIZE[kind][1],
            kind=kind,
            parameter=path,
        )
        extension = _extension(kind, name) if name else upload.extension
        duration = upload.duration
    else:
        result: UpscaledMedia = await asyncio.to_thread(
            upscale_media,
            data,
            factor=scale.factor,
            width=scale.width,
            height=scale.height,
            output_format=name,
            quality=quality,
            parameter=path,
        )
        kind, width, height, duration = result.kind, result.width, result.height, result.duration
        extension = _extension(kind, result.format)
        prepared.append(
            state.engine.new_media(
                kind="output",
                format=extension,
                data=result.data,
                task_uuid=task["taskUUID"],
                width=width,
                height=height,
                quality=quality,
                duration=duration,
            )
        )
    price = unit_cost(
        PriceQuery("upscale", task.get("model"), width=width, height=height, seconds=duration),
        model,
    )
    output = OutputPlan(
        kind=kind,
        format=extension,
        width=width,
        height=height,
        quality=quality,
        duration=duration,
        output_type=output_type(task, model),
        unit_cost=price if task.get("includeCost") is True else None,
        ttl=task.get("ttl"),
        prepared=[media.media_uuid for media in prepared],
        seed=False,
    )
    return Planned(facts=TaskFacts(output=output), unit_price=price, media=prepared)


def fallback_plan(record: TaskRecord) -> OutputPlan:
    """The plan of a task given to the engine without one: a synthetic result of the kind its
    input parameter names, scaled from the default size by the request's factor (else 2)."""
    path, _ = _input(record.request, required=False)
    kind: OutputKind = "video" if path.endswith("video") else "image"
    factor = record.request.get("upscaleFactor")
    factor = factor if isinstance(factor, int | float) and factor >= 1 else FALLBACK_FACTOR
    base_width, base_height = _UNREADABLE_SIZE[kind]
    return OutputPlan(
        kind=kind,
        format=_extension(kind, record.request.get("outputFormat"), strict=False),
        width=round(base_width * factor),
        height=round(base_height * factor),
        quality=output_quality(record.request, None),
        duration=DEFAULT_DURATION_SECONDS if kind == "video" else None,
        seed=False,
    )


class _Scale:
    """How the input is scaled: by ``factor``, or to ``width`` and/or ``height``."""

    def __init__(self, factor: float | None, width: int | None, height: int | None) -> None:
        self.factor, self.width, self.height = factor, width, height

    @classmethod
    def of(cls, task: dict[str, Any], model: ModelContract | None) -> _Scale:
        width, height = task.get("width"), task.get("height")
        if width is not None or height is not None:
            return cls(None, width, height)
        factor = task.get("upscaleFactor")
        if factor is None:
            factor = request_default(model, "upscaleFactor")
        return cls(FALLBACK_FACTOR if factor is None else factor, None, None)

    def size(self, width: int, height: int, *, kind: str, parameter: str) -> tuple[int, int]:
        limit = DEFAULT_MAX_VIDEO_SIDE if kind == "video" else DEFAULT_MAX_IMAGE_SIDE
        return upscaled_size(
            width,
            height,
            factor=self.factor,
            target_width=self.width,
            target_height=self.height,
            max_side=limit,
            parameter=parameter,
        )


def _input(task: dict[str, Any], *, required: bool = True) -> tuple[str, str]:
    for path in INPUT_PATHS:
        node: Any = task
        for part in path.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, str):
            return path, node
    if required:
        raise OutputChoiceError(
            "missingInputs",
            f"An upscale task needs its input in one of {', '.join(INPUT_PATHS)}.",
            "inputs",
        )
    return "inputs.image", ""


def _check_kind(path: str, data: bytes) -> None:
    """`MediaInputError` when the input's bytes are not of the kind its parameter names (see the
    module docstring); told apart by the file's signature, nothing decoded."""
    image = looks_like_image(data)
    if path.endswith("video") and image:
        raise MediaInputError(invalid_code(path), f"{path} is an image, not a video", path)
    if path in _IMAGE_PATHS and not image:
        raise MediaInputError(
            invalid_code(path), f"{path} is not a JPEG, PNG, WebP, BMP or GIF image", path
        )


def _extension(kind: str, name: object, *, strict: bool = True) -> str:
    """The file extension of output format `name` for a `kind` output (None: the default)."""
    formats = VIDEO_FORMATS if kind == "video" else {**IMAGE_FORMATS, "BMP": "bmp", "GIF": "gif"}
    default = "mp4" if kind == "video" else "jpg"
    if name is None:
        return default
    extension = formats.get(str(name).upper())
    if extension is None and strict:
        raise OutputChoiceError(
            "invalidOutputFormat",
            f"The fake server cannot write a {kind} as {name!r}; it writes "
            f"{', '.join(sorted(set(formats)))}.",
            "outputFormat",
        )
    return extension or default


build_results = results_builder("upscale", fallback_plan)
