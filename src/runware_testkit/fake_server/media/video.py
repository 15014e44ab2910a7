"""Render small, real, playable video clips in memory.

Clips are synthetic: a horizontal luma gradient over a two-tone background with a
bar sweeping left to right. Every colour is derived from ``seed``, so the same
arguments always give the same picture and different seeds give different bytes.
"""

from __future__ import annotations

import functools
import hashlib
import io
from dataclasses import dataclass
from fractions import Fraction

import av

FORMATS = ("MP4", "WEBM", "MOV")
MIN_QUALITY = 20
MAX_QUALITY = 99

_CONTENT_TYPES = {"MP4": "video/mp4", "WEBM": "video/webm", "MOV": "video/quicktime"}
_CONTAINERS = {"MP4": "mp4", "WEBM": "webm", "MOV": "mov"}
_ENCODERS = {
    "MP4": ("libx264", "mpeg4"),
    "WEBM": ("libvpx-vp9", "libvpx"),
    "MOV": ("libx264", "mpeg4"),
}
# One encoder thread keeps the output bytes identical across machines.
_THREADS = 1


@dataclass(frozen=True)
class _Palette:
    luma_from: int
    luma_to: int
    top_uv: tuple[int, int]
    bottom_uv: tuple[int, int]
    bar_y: int
    bar_uv: tuple[int, int]


def normalize_format(fmt: str) -> str:
    """Return the upper-case format name, or raise ``ValueError`` if unsupported."""
    name = fmt.strip().upper()
    if name not in _CONTENT_TYPES:
        raise ValueError(f"unsupported video format {fmt!r}; expected one of {FORMATS}")
    return name


def content_type(fmt: str) -> str:
    """Return the MIME type for ``fmt`` (``MP4``, ``WEBM`` or ``MOV``, any case)."""
    return _CONTENT_TYPES[normalize_format(fmt)]


def encoder_for(fmt: str) -> str:
    """Return the name of the encoder ``render_video`` uses for ``fmt`` on this install."""
    candidates = _ENCODERS[normalize_format(fmt)]
    for name in candidates:
        if _has_encoder(name):
            return name
    raise RuntimeError(f"no encoder for {fmt!r} in this FFmpeg build; tried {candidates}")


def render_video(
    fmt: str,
    width: int,
    height: int,
    *,
    quality: int = 95,
    seed: int = 0,
    duration: float = 1.0,
    fps: int = 8,
) -> bytes:
    """Encode a deterministic synthetic clip and return the file bytes.

    ``fmt`` is ``MP4`` or ``MOV`` (H.264 via libx264, or MPEG-4 Part 2 if the
    bundled FFmpeg lacks libx264) or ``WEBM`` (VP9 via libvpx-vp9, else VP8),
    case-insensitive. Pixels are yuv420p, which needs even dimensions, so an odd
    ``width`` or ``height`` is rounded up to the next even number.

    The clip holds ``max(1, round(duration * fps))`` frames at ``fps`` frames per
    second, so its length is ``duration`` rounded to a whole frame.

    ``quality`` is Runware's ``outputQuality`` (20-99, higher is better) and maps
    linearly onto the encoder's constant-quality knob:

    * libx264: ``crf = round(45 - (quality - 20) * 35 / 79)``, 20 -> 45, 99 -> 10
    * libvpx / libvpx-vp9: ``crf = round(50 - (quality - 20) * 40 / 79)``,
      20 -> 50, 99 -> 10
    * mpeg4: ``qscale = round(31 - (quality - 20) * 29 / 79)``, 20 -> 31, 99 -> 2

    The 32 most recent results are cached, so repeating a call is cheap.
    """
    name = normalize_format(fmt)
    if isinstance(quality, bool) or not MIN_QUALITY <= quality <= MAX_QUALITY:
        raise ValueError(f"quality must be in {MIN_QUALITY}..{MAX_QUALITY}, got {quality!r}")
    if width <= 0 or height <= 0:
        raise ValueError(f"width and height must be positive, got {width}x{height}")
    if fps <= 0:
        raise ValueError(f"fps must be positive, got {fps}")
    if not duration > 0:
        raise ValueError(f"duration must be positive, got {duration}")
    encoder = encoder_for(name)
    return _render(
        name, encoder, _even(width), _even(height), int(quality), int(seed), duration, int(fps)
    )


def _even(n: int) -> int:
    return n + (n % 2)


@functools.cache
def _has_encoder(name: str) -> bool:
    try:
        av.codec.Codec(name, "w")
    except Exception:
        return False
    return True


def _codec_options(encoder: str, quality: int) -> dict[str, str]:
    step = quality - MIN_QUALITY
    span = MAX_QUALITY - MIN_QUALITY
    if encoder == "libx264":
        crf = round(45 - step * 35 / span)
        return {"preset": "ultrafast", "crf": str(crf)}
    if encoder == "libvpx-vp9":
        crf = round(50 - step * 40 / span)
        return {"crf": str(crf), "b": "0", "deadline": "realtime", "cpu-used": "8"}
    if encoder == "libvpx":
        crf = round(50 - step * 40 / span)
        # VP8 treats crf as a cap under a target bitrate (constrained quality).
        return {"crf": str(crf), "b": "8M", "deadline": "realtime", "cpu-used": "16"}
    qscale = round(31 - step * 29 / span)
    return {"flags": "+qscale", "global_quality": str(qscale * 118)}


@functools.lru_cache(maxsize=32)
def _render(
    fmt: str,
    encoder: str,
    width: int,
    height: int,
    quality: int,
    seed: int,
    duration: float,
    fps: int,
) -> bytes:
    frames = max(1, round(duration * fps))
    palette = _palette(seed)
    buf = io.BytesIO()
    with av.open(
        buf, mode="w", format=_CONTAINERS[fmt], options={"fflags": "+bitexact"}
    ) as container:
        stream = container.add_stream(encoder, rate=fps)
        stream.width = width
        stream.height = height
        stream.pix_fmt = "yuv420p"
        stream.codec_context.thread_count = _THREADS
        stream.codec_context.options = _codec_options(encoder, quality)
        time_base = Fraction(1, fps)
        for index in range(frames):
            frame = _frame(width, height, index, frames, palette)
            frame.pts = index
            frame.time_base = time_base
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return buf.getvalue()


def _palette(seed: int) -> _Palette:
    d = hashlib.sha256(f"runware-testkit-video:{seed}".encode()).digest()
    low = 16 + d[0] % 64
    high = 235 - d[1] % 64
    return _Palette(
        luma_from=low if d[2] % 2 else high,
        luma_to=high if d[2] % 2 else low,
        top_uv=(16 + d[3] % 225, 16 + d[4] % 225),
        bottom_uv=(16 + d[5] % 225, 16 + d[6] % 225),
        bar_y=235 if d[7] % 2 else 16,
        bar_uv=(16 + d[8] % 225, 16 + d[9] % 225),
    )


def _frame(width: int, height: int, index: int, frames: int, p: _Palette) -> av.VideoFrame:
    frame = av.VideoFrame(width, height, "yuv420p")
    bar_w = max(2, width // 8) & ~1
    travel = width - bar_w
    bar_x = (travel * index // max(1, frames - 1)) & ~1

    span = max(1, width - 1)
    luma = bytearray(p.luma_from + (p.luma_to - p.luma_from) * x // span for x in range(width))
    luma[bar_x : bar_x + bar_w] = bytes([p.bar_y]) * bar_w
    _fill(frame.planes[0], [bytes(luma)] * height)

    cw, ch = width // 2, height // 2
    cbar_x, cbar_w = bar_x // 2, bar_w // 2
    for plane, channel in ((frame.planes[1], 0), (frame.planes[2], 1)):
        top = bytearray([p.top_uv[channel]]) * cw
        bottom = bytearray([p.bottom_uv[channel]]) * cw
        for row in (top, bottom):
            row[cbar_x : cbar_x + cbar_w] = bytes([p.bar_uv[channel]]) * cbar_w
        half = ch // 2
        _fill(plane, [bytes(top)] * half + [bytes(bottom)] * (ch - half))
    return frame


def _fill(plane: av.video.plane.VideoPlane, rows: list[bytes]) -> None:
    pad = b"\x00" * (plane.line_size - plane.width)
    if pad:
        plane.update(b"".join(row + pad for row in rows))
    else:
        plane.update(b"".join(rows))
