"""Format and size of an image file from its header alone, without decoding any pixel.

Reads the signatures and size fields of JPEG (the first start-of-frame segment), PNG (IHDR),
WebP (``VP8 ``, ``VP8L`` or ``VP8X`` chunk), GIF (logical screen) and BMP (DIB header). The
size is read before a decoder sees the file so that a file claiming a huge picture can be
refused before anything is allocated for it.
"""

from __future__ import annotations

import struct
from typing import NamedTuple

from .errors import InvalidImage, invalid_code

__all__ = ["ImageFacts", "looks_like_image", "read_image_header"]

# Start-of-frame markers (they carry the size): C0-CF less DHT (C4), JPG (C8) and DAC (CC).
_JPEG_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xD9)})


class ImageFacts(NamedTuple):
    """What an image file is: ``format`` (one of ``READABLE_FORMATS``) and size in pixels."""

    format: str
    width: int
    height: int


def read_image_header(data: bytes, *, parameter: str = "image") -> ImageFacts:
    """Format and size from the file's header alone (no pixels decoded), for any of
    ``READABLE_FORMATS``.

    Raises ``InvalidImage`` (code ``invalid<Param>``, e.g. ``invalidImage``) for empty
    input, an unknown format or a header that is cut short or names a zero size.
    """
    if not isinstance(data, bytes | bytearray | memoryview) or not data:
        raise InvalidImage(invalid_code(parameter), f"{parameter}: empty image data", parameter)
    head = data if isinstance(data, bytes) else bytes(data)
    try:
        facts = _header(head)
    except (struct.error, IndexError):
        facts = None
    if facts is None:
        kind = _kind(head)
        reason = (
            f"a truncated or malformed {kind} header"
            if kind
            else "not a JPEG, PNG, WebP, BMP or GIF file"
        )
        raise InvalidImage(invalid_code(parameter), f"{parameter}: {reason}", parameter)
    if facts.width <= 0 or facts.height <= 0:
        raise InvalidImage(
            invalid_code(parameter),
            f"{parameter}: {facts.format} header names an empty picture "
            f"({facts.width}x{facts.height})",
            parameter,
        )
    return facts


def looks_like_image(data: bytes) -> bool:
    """Whether ``data`` starts with a JPEG, PNG, WebP, BMP or GIF signature (nothing decoded)."""
    return isinstance(data, bytes | bytearray | memoryview) and _kind(bytes(data[:12])) is not None


def _kind(head: bytes) -> str | None:
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head.startswith(b"\xff\xd8\xff"):
        return "JPG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    if head.startswith(b"BM"):
        return "BMP"
    return None


def _header(head: bytes) -> ImageFacts | None:
    kind = _kind(head)
    if kind == "PNG":
        if head[12:16] != b"IHDR":
            return None
        width, height = struct.unpack(">II", head[16:24])
    elif kind == "JPG":
        found = _jpeg_size(head)
        if found is None:
            return None
        width, height = found
    elif kind == "WEBP":
        found = _webp_size(head)
        if found is None:
            return None
        width, height = found
    elif kind == "GIF":
        width, height = struct.unpack("<HH", head[6:10])
    elif kind == "BMP":
        (dib,) = struct.unpack("<I", head[14:18])
        if dib == 12:
            width, height = struct.unpack("<HH", head[18:22])
        elif dib >= 40:
            width, height = struct.unpack("<ii", head[18:26])
            height = abs(height)  # negative: rows stored top-down
        else:
            return None
    else:
        return None
    return ImageFacts(kind, width, height)


def _jpeg_size(head: bytes) -> tuple[int, int] | None:
    """(width, height) from the first SOF segment, walking the marker segments."""
    at = 2
    while at + 1 < len(head):
        if head[at] != 0xFF:
            return None
        marker = head[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in _JPEG_STANDALONE:
            at += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image, or scan data before any frame header
            return None
        (length,) = struct.unpack(">H", head[at + 2 : at + 4])
        if marker in _JPEG_SOF:
            height, width = struct.unpack(">HH", head[at + 5 : at + 9])
            return width, height
        at += 2 + length
    return None


def _webp_size(head: bytes) -> tuple[int, int] | None:
    chunk = head[12:16]
    if chunk == b"VP8 ":
        if head[23:26] != b"\x9d\x01\x2a":
            return None
        width, height = struct.unpack("<HH", head[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L":
        if head[20] != 0x2F:
            return None
        (bits,) = struct.unpack("<I", head[21:25])
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X":
        if len(head) < 30:
            return None
        width = int.from_bytes(head[24:27], "little") + 1
        height = int.from_bytes(head[27:30], "little") + 1
        return width, height
    return None
