"""The bytes behind a `MediaRecord`: uploaded inputs as stored, outputs rendered on demand."""

from __future__ import annotations

import mimetypes

from ..engine.records import MediaRecord
from ..media.video import content_type as video_content_type
from ..media.video import render_video

__all__ = ["media_bytes", "media_content_type"]

_VIDEO_FORMATS = {"mp4": "MP4", "webm": "WEBM", "mov": "MOV"}
_EXTRA_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
    "gif": "image/gif",
    "mkv": "video/x-matroska",
}
_DEFAULT_DURATION = 5.0
_DEFAULT_QUALITY = 95


def media_content_type(record: MediaRecord) -> str:
    """The MIME type of the record's file, from its format (extension)."""
    fmt = record.format.lower()
    if fmt in _VIDEO_FORMATS:
        return video_content_type(_VIDEO_FORMATS[fmt])
    if fmt in _EXTRA_TYPES:
        return _EXTRA_TYPES[fmt]
    guessed, _ = mimetypes.guess_type(f"file.{fmt}")
    return guessed or "application/octet-stream"


def media_bytes(record: MediaRecord) -> bytes:
    """The file: stored bytes for an input, a rendered clip for an output (CPU-bound; call it
    from a worker thread in async code). ValueError if an output cannot be rendered."""
    if record.data is not None:
        return record.data
    fmt = _VIDEO_FORMATS.get(record.format.lower())
    if fmt is None:
        raise ValueError(f"media {record.media_uuid} has no stored bytes to serve")
    duration = record.duration if record.duration and record.duration > 0 else _DEFAULT_DURATION
    return render_video(
        fmt,
        record.width or 1280,
        record.height or 720,
        quality=record.quality if record.quality is not None else _DEFAULT_QUALITY,
        seed=record.seed or 0,
        duration=duration,
    )
