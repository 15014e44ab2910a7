"""Answer ``upscale`` tasks with real media of the same kind, scaled.

- An image is decoded, scaled with bicubic interpolation and re-encoded: in the same format as
  the input unless another is asked for (``JPG``, ``PNG``, ``WEBP``, Runware's image
  ``outputFormat`` values; a BMP or GIF input stays BMP or GIF by default). Only the first
  frame of an animated GIF is kept.
- A video is not transcoded: the fake renders a fresh synthetic clip (``video.render_video``)
  at the scaled size with the input's duration, its picture seeded from the input's bytes so
  the same input always gives the same output. Re-rendering skips decoding every input frame:
  for a 2 s 1280x720 24 fps clip scaled to 2560x1440 it took 0.2 s against 0.6-0.8 s for
  decode, scale and re-encode (libx264 ultrafast, one thread). The container stays the input's
  (MP4, WEBM or MOV; anything else becomes MP4) unless another is asked for.

Bounds, so the fake cannot be made to allocate gigabytes or encode for minutes: the input and
the result may be at most ``max_image_side`` (default 8192) or ``max_video_side`` (default
4096) pixels on each side, a video at most ``max_video_seconds`` (default 60) long; a 4K WEBM
second costs about 3.5 s of CPU to render, 4K MP4 about 0.65 s. Input video goes through
``probe.probe_video``, which reads the container's header with PyAV.

Runware's upscale parameters for images are not in the documents this kit holds (the one
upscale schema, ``bytedance:50@1``, takes ``inputs.video``, ``outputFormat`` MP4/WEBM/MOV and
``outputQuality`` 20-99 only), so the factor and target size here are the fake's own terms:
``factor`` is a number >= 1 (``upscaleFactor``), or ``width`` and/or ``height`` give the
target size (one alone keeps the aspect ratio). Errors are ``MediaError`` subclasses with the
codes listed in ``errors.py``.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from typing import Literal

from . import image
from .errors import InvalidUpscale, InvalidVideo, MediaError, invalid_code
from .probe import ProbeError, probe_video
from .video import content_type as video_content_type
from .video import normalize_format as normalize_video_format
from .video import render_video

__all__ = [
    "DEFAULT_MAX_IMAGE_SIDE",
    "DEFAULT_MAX_VIDEO_SECONDS",
    "DEFAULT_MAX_VIDEO_SIDE",
    "UpscaleLimits",
    "UpscaledMedia",
    "upscale_image",
    "upscale_media",
    "upscale_video",
    "upscaled_size",
]

DEFAULT_MAX_IMAGE_SIDE = 8192
DEFAULT_MAX_VIDEO_SIDE = 4096
DEFAULT_MAX_VIDEO_SECONDS = 60.0
_UNKNOWN_DURATION = 5.0  # a video whose file does not say: the server's default clip length
_FPS = 8  # what render_video renders at by default
_CONTAINER_FORMATS = {"mp4": "MP4", "webm": "WEBM", "mov": "MOV"}


@dataclass(frozen=True, slots=True)
class UpscaleLimits:
    """The fake's bounds on upscaling (pixels per side, seconds of video)."""

    max_image_side: int = DEFAULT_MAX_IMAGE_SIDE
    max_video_side: int = DEFAULT_MAX_VIDEO_SIDE
    max_video_seconds: float = DEFAULT_MAX_VIDEO_SECONDS


@dataclass(frozen=True, slots=True)
class UpscaledMedia:
    """An upscaled file: bytes, kind, format (``JPG``/``PNG``/``WEBP``/``BMP``/``GIF`` or
    ``MP4``/``WEBM``/``MOV``), size in pixels, MIME type, and for a video its length in
    seconds (whole frames at 8 fps)."""

    data: bytes = field(repr=False)
    kind: Literal["image", "video"]
    format: str
    width: int
    height: int
    content_type: str
    duration: float | None = None


def upscaled_size(
    width: int,
    height: int,
    *,
    factor: float | None = None,
    target_width: int | None = None,
    target_height: int | None = None,
    max_side: int,
    parameter: str = "inputs.image",
) -> tuple[int, int]:
    """The (width, height) an input of ``width`` x ``height`` is scaled to.

    Give ``factor`` (a real number >= 1; sides are rounded to whole pixels) or a target
    size: both ``target_width`` and ``target_height``, or one of them and the other follows
    the input's aspect ratio. Raises ``InvalidUpscale``:

    - ``invalidInputSize`` (``parameter``) when the input has a side over ``max_side``;
    - ``invalidUpscaleFactor`` for a missing, non-numeric, NaN or < 1 factor, for a factor
      given together with a target, or when the result would exceed ``max_side``;
    - ``invalidWidth`` / ``invalidHeight`` for a target side that is not an integer >= 1 or
      exceeds ``max_side``.
    """
    if max(width, height) > max_side:
        raise InvalidUpscale(
            "invalidInputSize",
            f"{parameter}: the input is {width}x{height}; at most {max_side} px a side can "
            "be upscaled",
            parameter,
        )
    has_target = target_width is not None or target_height is not None
    if factor is not None and has_target:
        raise InvalidUpscale(
            "invalidUpscaleFactor",
            "give upscaleFactor or a target width/height, not both",
            "upscaleFactor",
        )
    if factor is None and not has_target:
        raise InvalidUpscale(
            "invalidUpscaleFactor",
            "upscaleFactor (or a target width/height) is required",
            "upscaleFactor",
        )
    if factor is not None:
        if (
            isinstance(factor, bool)
            or not isinstance(factor, int | float)
            or (isinstance(factor, float) and math.isnan(factor))
            or factor < 1
        ):
            raise InvalidUpscale(
                "invalidUpscaleFactor",
                f"upscaleFactor must be a number of at least 1, got {factor!r}",
                "upscaleFactor",
            )
        # Compared before multiplying, so that a factor like 1e308 or 10**400 cannot overflow.
        size = (
            (max(1, round(width * factor)), max(1, round(height * factor)))
            if factor <= max_side
            else None
        )
        if size is None or max(size) > max_side:
            result = f"{size[0]}x{size[1]}" if size else "more than that"
            raise InvalidUpscale(
                "invalidUpscaleFactor",
                f"upscaleFactor {factor} would make {width}x{height} into {result}; "
                f"the limit is {max_side} px a side",
                "upscaleFactor",
            )
        return size
    for label, side in (("width", target_width), ("height", target_height)):
        if side is not None and (isinstance(side, bool) or not isinstance(side, int) or side < 1):
            raise InvalidUpscale(
                invalid_code(label), f"{label} must be an integer of at least 1", label
            )
    if target_width is None:
        assert target_height is not None
        new_width, new_height = max(1, round(width * target_height / height)), target_height
    elif target_height is None:
        new_width, new_height = target_width, max(1, round(height * target_width / width))
    else:
        new_width, new_height = target_width, target_height
    sides = [("width", new_width, target_width), ("height", new_height, target_height)]
    sides.sort(key=lambda entry: entry[2] is None)  # name a side the caller gave first
    for label, side, _ in sides:
        if side > max_side:
            raise InvalidUpscale(
                invalid_code(label),
                f"the upscaled {label} would be {side} px; the limit is {max_side}",
                label,
            )
    return new_width, new_height


def upscale_image(
    data: bytes,
    *,
    factor: float | None = None,
    width: int | None = None,
    height: int | None = None,
    output_format: str | None = None,
    quality: int = image.DEFAULT_QUALITY,
    max_side: int = DEFAULT_MAX_IMAGE_SIDE,
    parameter: str = "inputs.image",
) -> UpscaledMedia:
    """Decode an image (JPG, PNG, WEBP, BMP, GIF), scale it and encode it again.

    Sizes as ``upscaled_size``; the input's header is checked against ``max_side`` before any
    pixel is decoded. ``output_format`` is ``JPG``/``JPEG``, ``PNG`` or ``WEBP`` (any case),
    default the input's format; ``quality`` is Runware's ``outputQuality`` (20-99). Raises
    ``InvalidImage`` (``invalid<Param>``) for bytes that are not a readable image, and the
    errors of ``upscaled_size``, ``image.normalize_image_format`` and ``image.check_quality``.
    """

    def scaled(from_width: int, from_height: int) -> tuple[int, int]:
        return upscaled_size(
            from_width,
            from_height,
            factor=factor,
            target_width=width,
            target_height=height,
            max_side=max_side,
            parameter=parameter,
        )

    header = image.read_image_header(data, parameter=parameter)
    size = scaled(header.width, header.height)
    fmt = image.normalize_image_format(output_format) if output_format is not None else None
    image.check_quality(quality)
    decoded = image.decode_image(data, max_pixels=max_side * max_side, parameter=parameter)
    if (decoded.facts.width, decoded.facts.height) != (header.width, header.height):
        size = scaled(decoded.facts.width, decoded.facts.height)
    fmt = fmt or decoded.facts.format
    out = image.encode_image(decoded.frame, fmt, quality=quality, size=size)
    return UpscaledMedia(out, "image", fmt, size[0], size[1], image.content_type(fmt))


def upscale_video(
    data: bytes,
    *,
    factor: float | None = None,
    width: int | None = None,
    height: int | None = None,
    output_format: str | None = None,
    quality: int = image.DEFAULT_QUALITY,
    max_side: int = DEFAULT_MAX_VIDEO_SIDE,
    max_seconds: float = DEFAULT_MAX_VIDEO_SECONDS,
    parameter: str = "inputs.video",
) -> UpscaledMedia:
    """Render a synthetic clip at the upscaled size of a video and with its duration.

    Sizes as ``upscaled_size``, then rounded up to even numbers (YUV 4:2:0) and checked
    against ``max_side`` again. A file that does not state its duration counts as 5 s.
    ``output_format`` is ``MP4``, ``WEBM`` or ``MOV`` (any case), default the input's
    container. Raises ``InvalidVideo`` (``invalid<Param>``, e.g. ``invalidVideo``) for bytes
    that are not a readable video or have no frame size, ``InvalidUpscale``
    ``invalidInputDuration`` for a video longer than ``max_seconds``, ``MediaError``
    ``invalidOutputFormat`` / ``invalidOutputQuality``, and the errors of ``upscaled_size``.
    """
    try:
        facts = probe_video(data)
    except ProbeError as exc:
        raise InvalidVideo(invalid_code(parameter), f"{parameter}: {exc}", parameter) from exc
    if not facts.width or not facts.height:
        raise InvalidVideo(
            invalid_code(parameter), f"{parameter}: the video does not state its size", parameter
        )
    fmt = _video_format(output_format, facts.container)
    image.check_quality(quality)
    duration = facts.duration if facts.duration and facts.duration > 0 else _UNKNOWN_DURATION
    if duration > max_seconds:
        raise InvalidUpscale(
            "invalidInputDuration",
            f"{parameter}: the video lasts {duration:g} s; at most {max_seconds:g} s can be "
            "upscaled",
            parameter,
        )
    new_width, new_height = upscaled_size(
        facts.width,
        facts.height,
        factor=factor,
        target_width=width,
        target_height=height,
        max_side=max_side,
        parameter=parameter,
    )
    new_width, new_height = new_width + new_width % 2, new_height + new_height % 2
    if max(new_width, new_height) > max_side:
        raise InvalidUpscale(
            "invalidUpscaleFactor" if factor is not None else "invalidInputSize",
            f"{parameter}: the upscaled video would be {new_width}x{new_height} (even sides); "
            f"the limit is {max_side} px a side",
            "upscaleFactor" if factor is not None else parameter,
        )
    seed = int.from_bytes(hashlib.sha256(data).digest()[:4], "big")
    out = render_video(
        fmt, new_width, new_height, quality=quality, seed=seed, duration=duration, fps=_FPS
    )
    frames = max(1, round(duration * _FPS))
    return UpscaledMedia(
        out, "video", fmt, new_width, new_height, video_content_type(fmt), frames / _FPS
    )


def upscale_media(
    data: bytes,
    *,
    factor: float | None = None,
    width: int | None = None,
    height: int | None = None,
    output_format: str | None = None,
    quality: int = image.DEFAULT_QUALITY,
    limits: UpscaleLimits = UpscaleLimits(),
    parameter: str | None = None,
) -> UpscaledMedia:
    """Upscale an image or a video, told apart by the file's first bytes (JPEG, PNG, WebP,
    BMP and GIF signatures mean an image; anything else is read as a video).

    ``parameter`` names the input in errors (default ``inputs.image`` / ``inputs.video``).
    Otherwise as ``upscale_image`` and ``upscale_video``, bounded by ``limits``.
    """
    if image.looks_like_image(data):
        return upscale_image(
            data,
            factor=factor,
            width=width,
            height=height,
            output_format=output_format,
            quality=quality,
            max_side=limits.max_image_side,
            parameter=parameter or "inputs.image",
        )
    return upscale_video(
        data,
        factor=factor,
        width=width,
        height=height,
        output_format=output_format,
        quality=quality,
        max_side=limits.max_video_side,
        max_seconds=limits.max_video_seconds,
        parameter=parameter or "inputs.video",
    )


def _video_format(output_format: str | None, container: str | None) -> str:
    if output_format is None:
        return _CONTAINER_FORMATS.get(container or "", "MP4")
    try:
        return normalize_video_format(output_format)
    except (ValueError, AttributeError) as exc:
        raise MediaError(
            "invalidOutputFormat",
            f"unsupported video format {output_format!r}; expected MP4, WEBM or MOV",
            "outputFormat",
        ) from exc
