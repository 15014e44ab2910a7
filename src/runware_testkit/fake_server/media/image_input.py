"""Image inputs given inline (data URI, raw base64 or bytes): decoded, identified, bounded.

Runware takes an image input as a UUID, a URL, a data URI or raw base64 (PROTOCOL.md, media
inputs, confirmed); UUIDs and URLs are the server's to resolve (``media_inputs.py``), the inline
forms are read here. ``imageUpload`` accepts the extensions jpeg, jpg, png, webp, bmp and gif
and stores an image at most 2048 px on its long side (PROTOCOL.md, imageUpload, confirmed):
``fit_long_side`` makes that copy. The format is always taken from the bytes, never from the
data URI's media type.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field

from . import image
from .errors import InvalidImage, invalid_code
from .probe import ProbeError, decode_data_uri

__all__ = [
    "STORED_LONG_SIDE",
    "UPLOAD_EXTENSIONS",
    "ImageInput",
    "fit_long_side",
    "read_image_input",
]

UPLOAD_EXTENSIONS = ("jpeg", "jpg", "png", "webp", "bmp", "gif")
"""File extensions ``imageUpload`` accepts; all decode as one of ``image.READABLE_FORMATS``."""
STORED_LONG_SIDE = 2048
"""Longest side, in pixels, of an image ``imageUpload`` stores."""

_BASE64_RE = re.compile(r"^[A-Za-z0-9+/\s]+={0,2}\s*$")


@dataclass(frozen=True, slots=True)
class ImageInput:
    """A decodable image input: its bytes, format (``image.READABLE_FORMATS``) and size."""

    data: bytes = field(repr=False)
    format: str
    width: int
    height: int

    @property
    def content_type(self) -> str:
        """The MIME type of ``format``."""
        return image.content_type(self.format)

    @property
    def extension(self) -> str:
        """The file extension (no dot) of ``format``."""
        return image.extension(self.format)


def read_image_input(
    value: str | bytes,
    *,
    parameter: str = "image",
    max_pixels: int = image.DEFAULT_MAX_PIXELS,
) -> ImageInput:
    """Decode an image given as bytes, a base64 ``data:`` URI or raw base64 text.

    The bytes must hold a JPEG, PNG, WebP, BMP or GIF picture that decodes. Raises
    ``InvalidImage`` with code ``invalid<Param>`` (``invalidImage`` for ``image``) for any
    other value: a non-string, a URL or UUID (not inline data), a malformed data URI, invalid
    base64, an empty payload, an unknown format or undecodable bytes; and with code
    ``invalidInputSize`` for a picture of more than ``max_pixels`` pixels.
    """
    data = _inline_bytes(value, parameter)
    facts = image.probe_image(data, max_pixels=max_pixels, parameter=parameter)
    return ImageInput(data, facts.format, facts.width, facts.height)


def fit_long_side(
    data: bytes,
    long_side: int = STORED_LONG_SIDE,
    *,
    quality: int = image.DEFAULT_QUALITY,
    max_pixels: int = image.DEFAULT_MAX_PIXELS,
    parameter: str = "image",
) -> bytes:
    """The image scaled down so that its longer side is at most ``long_side`` pixels.

    An image that already fits is returned unchanged (the same bytes). A larger one is scaled
    with bicubic interpolation, keeping its aspect ratio (each side rounded, at least 1 px),
    and re-encoded in its own format (``quality`` for JPG and WEBP; an animated GIF keeps its
    first frame). Raises ``ValueError`` for a ``long_side`` that is not a positive integer and
    the errors of ``image.decode_image`` for bytes that are not a readable image.
    """
    if isinstance(long_side, bool) or not isinstance(long_side, int) or long_side < 1:
        raise ValueError(f"long_side must be a positive integer, got {long_side!r}")
    decoded = image.decode_image(data, max_pixels=max_pixels, parameter=parameter)
    width, height = decoded.facts.width, decoded.facts.height
    longest = max(width, height)
    if longest <= long_side:
        return data
    size = (max(1, round(width * long_side / longest)), max(1, round(height * long_side / longest)))
    return image.encode_image(decoded.frame, decoded.facts.format, quality=quality, size=size)


def _inline_bytes(value: str | bytes, parameter: str) -> bytes:
    code = invalid_code(parameter)
    if isinstance(value, bytes | bytearray | memoryview):
        if not value:
            raise InvalidImage(code, f"{parameter}: empty image data", parameter)
        return bytes(value)
    if not isinstance(value, str):
        raise InvalidImage(
            code,
            f"{parameter} must be a data URI or base64 image data, got {type(value).__name__}",
            parameter,
        )
    text = value.strip()
    if text[:5].lower() == "data:":
        try:
            return decode_data_uri(text)
        except ProbeError as exc:
            raise InvalidImage(code, f"{parameter}: {exc}", parameter) from exc
    if text.lower().startswith(("http://", "https://")) or not _BASE64_RE.match(text):
        raise InvalidImage(
            code,
            f"{parameter} must be a data URI or base64 image data (URLs and media UUIDs are "
            "resolved by the server before decoding)",
            parameter,
        )
    try:
        data = base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidImage(code, f"{parameter} is not valid base64: {exc}", parameter) from exc
    if not data:
        raise InvalidImage(code, f"{parameter}: empty image data", parameter)
    return data
