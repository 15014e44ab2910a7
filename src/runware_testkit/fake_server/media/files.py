"""The bytes behind a `MediaRecord`: stored bytes as they are, other outputs rendered on demand.

An output without stored bytes is rendered from its record: a video (``mp4``, ``webm``,
``mov``) by `video.render_video`, an image (``jpg``, ``png``, ``webp``) by
`image.render_image`, at the record's size, quality and seed (and duration for a video).

A video output is rendered at the highest frame rate of 8, 4, 2 or 1 frames per second whose
frames hold at most `VIDEO_PIXEL_BUDGET` pixels in all (`output_fps`): libx264 costs about
1.6 ms per 1280x720 frame here whatever the picture, so the frame count, not the content,
sets the time a never-seen output takes (a 5 s 1280x720 clip: 5 frames, about 15 ms, instead
of 40 frames, about 75 ms). Small clips keep 8 frames per second.
"""

from __future__ import annotations

import mimetypes

from ..engine.records import MediaRecord
from . import image
from .video import content_type as video_content_type
from .video import render_video

__all__ = ["VIDEO_PIXEL_BUDGET", "media_bytes", "media_content_type", "output_fps"]

_VIDEO_FORMATS = {"mp4": "MP4", "webm": "WEBM", "mov": "MOV"}
_IMAGE_FORMATS = {
    "jpg": "JPG",
    "jpeg": "JPG",
    "png": "PNG",
    "webp": "WEBP",
    "bmp": "BMP",
    "gif": "GIF",
}
_RENDERED_IMAGES = {"JPG", "PNG", "WEBP"}
_EXTRA_TYPES = {"mkv": "video/x-matroska"}
_DEFAULT_DURATION = 5.0
_DEFAULT_QUALITY = 95
_DEFAULT_VIDEO_SIZE = (1280, 720)
_DEFAULT_IMAGE_SIZE = (1024, 1024)
VIDEO_PIXEL_BUDGET = 6 * 1280 * 720
"""Most pixels (width x height x frames) a rendered output video holds above 1 frame/s."""
_FRAME_RATES = (8, 4, 2)


def media_content_type(record: MediaRecord) -> str:
    """The MIME type of the record's file, from its format (extension)."""
    fmt = record.format.lower()
    if fmt in _VIDEO_FORMATS:
        return video_content_type(_VIDEO_FORMATS[fmt])
    if fmt in _IMAGE_FORMATS:
        return image.content_type(_IMAGE_FORMATS[fmt])
    if fmt in _EXTRA_TYPES:
        return _EXTRA_TYPES[fmt]
    guessed, _ = mimetypes.guess_type(f"file.{fmt}")
    return guessed or "application/octet-stream"


def output_fps(width: int, height: int, duration: float) -> int:
    """Frames per second of a rendered output video of `width` x `height` pixels lasting
    `duration` seconds: the first of 8, 4, 2 whose frames stay within `VIDEO_PIXEL_BUDGET`
    pixels, else 1."""
    for fps in _FRAME_RATES:
        if width * height * max(1, round(duration * fps)) <= VIDEO_PIXEL_BUDGET:
            return fps
    return 1


def media_bytes(record: MediaRecord) -> bytes:
    """The file: its stored bytes, else a rendered video or image (CPU-bound; call it from a
    worker thread in async code). ValueError if an output cannot be rendered."""
    if record.data is not None:
        return record.data
    fmt = record.format.lower()
    quality = record.quality if record.quality is not None else _DEFAULT_QUALITY
    if fmt in _VIDEO_FORMATS:
        duration = record.duration if record.duration and record.duration > 0 else None
        width = record.width or _DEFAULT_VIDEO_SIZE[0]
        height = record.height or _DEFAULT_VIDEO_SIZE[1]
        seconds = duration or _DEFAULT_DURATION
        return render_video(
            _VIDEO_FORMATS[fmt],
            width,
            height,
            quality=quality,
            seed=record.seed or 0,
            duration=seconds,
            fps=output_fps(width, height, seconds),
        )
    if _IMAGE_FORMATS.get(fmt) in _RENDERED_IMAGES:
        return image.render_image(
            _IMAGE_FORMATS[fmt],
            record.width or _DEFAULT_IMAGE_SIZE[0],
            record.height or _DEFAULT_IMAGE_SIZE[1],
            quality=quality,
            seed=record.seed or 0,
        )
    raise ValueError(f"media {record.media_uuid} has no stored bytes to serve")
