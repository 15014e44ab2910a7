"""The synthetic picture behind rendered images, drawn straight into a frame.

A sky gradient with a sun over a chequered floor. Every colour, the horizon, the sun's place and
size and the tile count come from ``seed``; the same seed and size always give the same
samples. The picture is drawn in the encoder's own pixel format, so no colour conversion runs
afterwards: packed RGB (``rgb24``), or YUV 4:2:0 in full range (``yuvj420p``, JFIF) or limited
range (``yuv420p``, BT.601 as libwebp stores it). Chroma planes of odd sizes round up.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import av

__all__ = ["PIXEL_FORMATS", "synthetic_frame"]

PIXEL_FORMATS = ("rgb24", "yuvj420p", "yuv420p")

RGB = tuple[int, int, int]


def synthetic_frame(width: int, height: int, pix_fmt: str, seed: int) -> av.VideoFrame:
    """A ``width`` x ``height`` frame in ``pix_fmt`` (one of ``PIXEL_FORMATS``) showing the
    picture of ``seed``. Raises ``ValueError`` for another pixel format."""
    if pix_fmt not in PIXEL_FORMATS:
        raise ValueError(f"unsupported pixel format {pix_fmt!r}; expected one of {PIXEL_FORMATS}")
    scene = _scene(seed)
    frame = av.VideoFrame(width, height, pix_fmt)
    colours = (scene.sky_top, scene.sky_bottom, scene.sun, scene.tile_a, scene.tile_b)
    if pix_fmt == "rgb24":
        _fill(frame.planes[0], _draw(width, height, 1, scene, _Paint(*colours)))
        return frame
    to_yuv = _full_range_yuv if pix_fmt == "yuvj420p" else _limited_range_yuv
    yuv = [to_yuv(colour) for colour in colours]
    for index, plane in enumerate(frame.planes):
        paint = _Paint(*((sample[index],) for sample in yuv))
        _fill(plane, _draw(width, height, 1 if index == 0 else 2, scene, paint))
    return frame


@dataclass(frozen=True, slots=True)
class _Scene:
    """The picture in size-free terms: fractions of the frame and RGB colours."""

    sky_top: RGB
    sky_bottom: RGB
    sun: RGB
    tile_a: RGB
    tile_b: RGB
    horizon: float  # fraction of the height where the floor starts
    sun_x: float  # centre, fraction of the width
    sun_y: float  # centre, fraction of the height
    sun_r: float  # radius, fraction of the shorter side
    tiles: int  # tiles across the width


@dataclass(frozen=True, slots=True)
class _Paint:
    """The scene's colours as the sample values of one plane (3 for packed RGB, else 1)."""

    sky_top: tuple[int, ...]
    sky_bottom: tuple[int, ...]
    sun: tuple[int, ...]
    tile_a: tuple[int, ...]
    tile_b: tuple[int, ...]


def _scene(seed: int) -> _Scene:
    d = hashlib.sha256(f"runware-testkit-image:{seed}".encode()).digest()

    def colour(at: int) -> RGB:
        return (d[at], d[at + 1], d[at + 2])

    return _Scene(
        sky_top=colour(0),
        sky_bottom=colour(3),
        sun=colour(6),
        tile_a=colour(9),
        tile_b=colour(12),
        horizon=0.55 + d[15] / 255 * 0.2,
        sun_x=0.2 + d[16] / 255 * 0.6,
        sun_y=0.15 + d[17] / 255 * 0.25,
        sun_r=0.06 + d[18] / 255 * 0.1,
        tiles=8 + d[19] % 17,
    )


def _draw(width: int, height: int, step: int, scene: _Scene, paint: _Paint) -> list[bytes]:
    """The rows of one plane of a ``width`` x ``height`` picture, the plane holding one sample
    per ``step`` x ``step`` pixels (1 for RGB and luma, 2 for 4:2:0 chroma; an odd side rounds
    up). Edges fall on even pixels so that the chroma planes line up with the luma plane."""
    plane_w, plane_h = -(-width // step), -(-height // step)
    size = len(paint.sun)
    horizon = min(plane_h, (round(scene.horizon * height) & ~1) // step)
    cx, cy = scene.sun_x * width / step, scene.sun_y * height / step
    radius = scene.sun_r * min(width, height) / step
    sun = bytes(paint.sun)
    top, bottom = paint.sky_top, paint.sky_bottom
    sky: dict[tuple[int, ...], bytes] = {}  # rows of one shade are built once
    rows: list[bytes] = []
    span = max(1, horizon - 1)
    ramps = [
        [round(a + (b - a) * y / span) for y in range(horizon)]
        for a, b in zip(top, bottom, strict=True)
    ]
    for y, shade in enumerate(zip(*ramps, strict=True)):
        row = sky.get(shade)
        if row is None:
            row = sky[shade] = bytes(shade) * plane_w
        dy = y + 0.5 - cy
        if abs(dy) < radius:
            half = math.sqrt(radius * radius - dy * dy)
            x0, x1 = max(0, round(cx - half)), min(plane_w, round(cx + half))
            if x1 > x0:
                row = row[: x0 * size] + sun * (x1 - x0) + row[x1 * size :]
        rows.append(row)
    tile = max(2, (width // scene.tiles) & ~1) // step
    a, b = bytes(paint.tile_a) * tile, bytes(paint.tile_b) * tile
    repeats = plane_w // (2 * tile) + 1
    even = ((a + b) * repeats)[: plane_w * size]
    odd = ((b + a) * repeats)[: plane_w * size]
    rows.extend(odd if (y // tile) % 2 else even for y in range(plane_h - horizon))
    return rows


def _full_range_yuv(rgb: RGB) -> tuple[int, int, int]:
    """JFIF (BT.601, full range) Y, Cb, Cr of an RGB colour."""
    r, g, b = rgb
    y = 0.299 * r + 0.587 * g + 0.114 * b
    cb = 128 - 0.168736 * r - 0.331264 * g + 0.5 * b
    cr = 128 + 0.5 * r - 0.418688 * g - 0.081312 * b
    return (_clamp(y, 0, 255), _clamp(cb, 0, 255), _clamp(cr, 0, 255))


def _limited_range_yuv(rgb: RGB) -> tuple[int, int, int]:
    """BT.601 limited-range Y, Cb, Cr of an RGB colour (what libwebp stores)."""
    r, g, b = rgb
    y = 16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255
    cb = 128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255
    cr = 128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255
    return (_clamp(y, 16, 235), _clamp(cb, 16, 240), _clamp(cr, 16, 240))


def _clamp(value: float, low: int, high: int) -> int:
    return min(high, max(low, round(value)))


def _fill(plane: av.video.plane.VideoPlane, rows: list[bytes]) -> None:
    row_bytes = len(rows[0]) if rows else 0
    pad = b"\x00" * (plane.line_size - row_bytes)
    plane.update(b"".join(row + pad for row in rows) if pad else b"".join(rows))
