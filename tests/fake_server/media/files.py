"""Hand-built image files and an independent reader for the media tests.

The builders write the few bytes a header needs (PNG, BMP, JPEG segments) so that tests can
make files the encoders never write: palette PNGs, top-down BMPs, headers that claim huge
pictures. ``open_with_demuxer`` reads a file through FFmpeg's format probing (``av.open``),
not through the code under test.
"""

from __future__ import annotations

import io
import struct
import zlib
from fractions import Fraction
from typing import NamedTuple

import av


class Opened(NamedTuple):
    """What FFmpeg's own probing and decoding say about a file."""

    demuxer: str
    codec: str
    width: int
    height: int
    pix_fmt: str


def open_with_demuxer(data: bytes) -> Opened:
    """Probe ``data`` with ``av.open`` and decode its first frame."""
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.video[0]
        frame = next(container.decode(stream))
        return Opened(
            container.format.name,
            stream.codec_context.name,
            frame.width,
            frame.height,
            frame.format.name,
        )


def png_chunk(kind: bytes, body: bytes) -> bytes:
    """One PNG chunk with its length and CRC."""
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose IHDR claims ``width`` x ``height`` but that holds almost no pixel data."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", idat)
        + png_chunk(b"IEND", b"")
    )


def palette_png(width: int, height: int) -> bytes:
    """A real 8-bit palette PNG (red, green, blue diagonals)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)
    plte = bytes([255, 0, 0, 0, 255, 0, 0, 0, 255])
    raw = b"".join(b"\x00" + bytes((x + y) % 3 for x in range(width)) for y in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"PLTE", plte)
        + png_chunk(b"IDAT", zlib.compress(raw))
        + png_chunk(b"IEND", b"")
    )


def bmp(width: int, height: int, *, top_down: bool = False) -> bytes:
    """A real 24-bit BMP, rows bottom-up (the default) or top-down (negative height)."""
    stride = (width * 3 + 3) & ~3
    pixels = b"".join(
        bytes([40, 80, 160]) * width + b"\x00" * (stride - width * 3) for _ in range(height)
    )
    info = struct.pack(
        "<IiiHHIIiiII",
        40,
        width,
        -height if top_down else height,
        1,
        24,
        0,
        len(pixels),
        0,
        0,
        0,
        0,
    )
    head = struct.pack("<2sIHHI", b"BM", 14 + len(info) + len(pixels), 0, 0, 14 + len(info))
    return head + info + pixels


def jpeg_with_app_segment(jpeg: bytes, payload_size: int) -> bytes:
    """``jpeg`` with an APP1 segment of ``payload_size`` bytes (and two fill bytes) right after
    its start-of-image marker, pushing the frame header further in."""
    app1 = b"\xff\xe1" + struct.pack(">H", payload_size + 2) + b"\xab" * payload_size
    return jpeg[:2] + b"\xff\xff" + app1 + jpeg[2:]


def encode_raw(codec: str, frame: av.VideoFrame, **options: str) -> bytes:
    """Encode ``frame`` with an FFmpeg encoder directly (for files the kit does not write)."""
    context = av.CodecContext.create(codec, "w")
    context.width, context.height = frame.width, frame.height
    context.pix_fmt = frame.format.name
    context.time_base = Fraction(1, 1)
    context.options = options
    frame.pts = 0
    return b"".join(bytes(packet) for packet in context.encode(frame) + context.encode(None))


def rgba_frame(width: int, height: int) -> av.VideoFrame:
    """An RGBA frame: opaque orange on the right half, fully transparent on the left."""
    frame = av.VideoFrame(width, height, "rgba")
    half = width // 2
    row = bytes([0, 0, 0, 0]) * half + bytes([255, 128, 0, 255]) * (width - half)
    plane = frame.planes[0]
    pad = b"\x00" * (plane.line_size - len(row))
    plane.update((row + pad) * height)
    return frame


def jpeg_with_decoy_frame_header(jpeg: bytes, width: int, height: int) -> bytes:
    """``jpeg`` with a copy of its frame header claiming ``width`` x ``height`` placed before
    the real one: a header reader sees the decoy, FFmpeg's decoder ends on the real size."""
    at = jpeg.index(b"\xff\xc0")
    (length,) = struct.unpack(">H", jpeg[at + 2 : at + 4])
    real = jpeg[at : at + 2 + length]
    decoy = real[:5] + struct.pack(">HH", height, width) + real[9:]
    return jpeg[:2] + decoy + jpeg[2:]
