"""Still images in memory: render synthetic pictures, encode, decode and probe image files.

Rendered pictures (``picture.synthetic_frame``) depend only on the seed and size, so the same
arguments always give the same bytes and different seeds give different pictures. They are
drawn in the encoder's pixel format (RGB for PNG, YUV 4:2:0 for JPEG and WebP) and encoded with
PyAV's bundled FFmpeg (``png``, ``mjpeg``, ``libwebp``), one thread, bit-exact.

Formats are named as Runware's ``outputFormat`` names them for images: ``JPG``, ``PNG``,
``WEBP`` (the ``imageInference`` schemas of ``bfl:flux@3-image`` and ``meta:muse@image`` in
Runware's published OpenAPI documents: ``enum ["JPG", "PNG", "WEBP"]``, default ``JPG``;
``outputQuality`` an integer 20-99, default 95). ``JPEG`` is accepted for ``JPG``, any case.
``BMP`` and ``GIF`` can be read and re-encoded (``imageUpload`` accepts them), not rendered.

Decoding never trusts a file's own size claim: the header is read first
(``image_header.read_image_header``, no pixels) and a file that claims more than
``max_pixels`` is refused before any decoder runs; the decoder may then allocate no more than
the header claimed, so a second, larger frame header inside the file is refused too.
"""

from __future__ import annotations

import functools
from fractions import Fraction
from typing import NamedTuple

import av

from .errors import InvalidImage, MediaError, invalid_code
from .image_header import ImageFacts, looks_like_image, read_image_header
from .picture import synthetic_frame

__all__ = [
    "DEFAULT_FORMAT",
    "DEFAULT_MAX_PIXELS",
    "DEFAULT_MAX_SIDE",
    "DEFAULT_QUALITY",
    "IMAGE_FORMATS",
    "MAX_QUALITY",
    "MIN_QUALITY",
    "READABLE_FORMATS",
    "DecodedImage",
    "ImageFacts",
    "check_quality",
    "content_type",
    "decode_image",
    "encode_image",
    "extension",
    "looks_like_image",
    "normalize_image_format",
    "probe_image",
    "read_image_header",
    "render_image",
]

IMAGE_FORMATS = ("JPG", "PNG", "WEBP")
"""Runware's ``outputFormat`` values for images, the formats ``render_image`` writes."""
READABLE_FORMATS = ("JPG", "PNG", "WEBP", "BMP", "GIF")
"""Formats ``decode_image`` reads and ``encode_image`` writes."""
DEFAULT_FORMAT = "JPG"
MIN_QUALITY = 20
MAX_QUALITY = 99
DEFAULT_QUALITY = 95
DEFAULT_MAX_SIDE = 8192
"""Largest width or height ``render_image`` draws unless told otherwise."""
DEFAULT_MAX_PIXELS = 8192 * 8192
"""Largest picture (width x height) ``decode_image`` decodes unless told otherwise."""

_ALIASES = {"JPG": "JPG", "JPEG": "JPG", "PNG": "PNG", "WEBP": "WEBP", "BMP": "BMP", "GIF": "GIF"}
_CONTENT_TYPES = {
    "JPG": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "BMP": "image/bmp",
    "GIF": "image/gif",
}
_EXTENSIONS = {"JPG": "jpg", "PNG": "png", "WEBP": "webp", "BMP": "bmp", "GIF": "gif"}
_DECODERS = {"JPG": "mjpeg", "PNG": "png", "WEBP": "webp", "BMP": "bmp", "GIF": "gif"}
_ENCODERS = {"JPG": "mjpeg", "PNG": "png", "WEBP": "libwebp", "BMP": "bmp", "GIF": "gif"}
# zlib level 3 with the "up" row filter (rendered rows repeat or change by a constant): for the
# 1024x1024 picture 3.4 ms and 19.6 KB, against 6.9 ms and 7.3 KB at zlib's default level 6.
_PNG_OPTIONS = {"compression_level": "3", "pred": "up"}
# libwebp method 1 of 0-6 (cwebp's -m): its speed/size trade-off suits a fake server.
_WEBP_METHOD = "1"
_THREADS = 1
_ALIGN_SLACK = 128  # pixels FFmpeg may pad a side with (stride and macroblock alignment)
_WEBP_MAX_SIDE = 16383  # the WebP bitstream stores each side in 14 bits


class DecodedImage(NamedTuple):
    """A decoded image: its facts and its first frame (pixel format as the decoder gave it)."""

    facts: ImageFacts
    frame: av.VideoFrame


def normalize_image_format(fmt: str, *, allowed: tuple[str, ...] = IMAGE_FORMATS) -> str:
    """The canonical upper-case name (``JPG``, ``PNG``, ``WEBP``, ``BMP``, ``GIF``) of ``fmt``.

    ``JPEG`` means ``JPG``; case and surrounding blanks are ignored. Raises ``MediaError``
    ``invalidOutputFormat`` (parameter ``outputFormat``) unless the result is in ``allowed``.
    """
    name = _ALIASES.get(fmt.strip().upper()) if isinstance(fmt, str) else None
    if name is None or name not in allowed:
        raise MediaError(
            "invalidOutputFormat",
            f"unsupported image format {fmt!r}; expected one of {', '.join(allowed)}",
            "outputFormat",
        )
    return name


def content_type(fmt: str) -> str:
    """The MIME type of an image format (any of ``READABLE_FORMATS`` or ``JPEG``, any case)."""
    return _CONTENT_TYPES[normalize_image_format(fmt, allowed=READABLE_FORMATS)]


def extension(fmt: str) -> str:
    """The usual file extension (no dot) of an image format: ``jpg``, ``png``, ``webp`` ..."""
    return _EXTENSIONS[normalize_image_format(fmt, allowed=READABLE_FORMATS)]


def render_image(
    fmt: str,
    width: int,
    height: int,
    *,
    quality: int = DEFAULT_QUALITY,
    seed: int = 0,
    max_side: int = DEFAULT_MAX_SIDE,
) -> bytes:
    """Encode a deterministic synthetic picture of exactly ``width`` x ``height`` pixels.

    ``fmt`` is ``JPG`` (or ``JPEG``), ``PNG`` or ``WEBP``, any case. Odd sizes are exact: the
    4:2:0 chroma planes of JPEG and WebP cover ``ceil(width / 2)`` x ``ceil(height / 2)``.

    ``quality`` is Runware's ``outputQuality`` (20-99, higher is better):

    * JPG: FFmpeg's fixed quantiser ``q = round(31 - (quality - 20) * 29 / 79)``,
      20 -> 31 (smallest), 99 -> 2 (best), as ``mpeg4`` in ``video.py``;
    * WEBP: libwebp's own 0-100 quality scale, passed as is (lossy);
    * PNG: lossless; ``quality`` is checked but does not change the bytes.

    Raises ``MediaError``: ``invalidOutputFormat`` for another format, ``invalidOutputQuality``
    for a quality outside 20-99, ``invalidWidth`` / ``invalidHeight`` for a side that is not
    an integer in 1..``max_side`` (WebP: at most 16383). The 64 most recent results are
    cached, so repeating a call is cheap.
    """
    name = normalize_image_format(fmt)
    check_quality(quality)
    limit = min(max_side, _WEBP_MAX_SIDE) if name == "WEBP" else max_side
    for label, side in (("width", width), ("height", height)):
        if isinstance(side, bool) or not isinstance(side, int) or not 1 <= side <= limit:
            raise MediaError(
                invalid_code(label),
                f"{label} must be an integer from 1 to {limit} for {name}, got {side!r}",
                label,
            )
    return _render(name, width, height, int(quality), int(seed))


def encode_image(
    frame: av.VideoFrame,
    fmt: str,
    *,
    quality: int = DEFAULT_QUALITY,
    size: tuple[int, int] | None = None,
) -> bytes:
    """Encode ``frame`` (any pixel format) as a ``fmt`` file (one of ``READABLE_FORMATS``),
    scaled to ``size`` = (width, height) with bicubic interpolation when one is given.

    The frame is converted to the format's pixel format in the same pass: RGB (RGBA when the
    frame has alpha) for PNG, full-range YUV 4:2:0 for JPG, YUV 4:2:0 (with alpha when the
    frame has it) for WEBP, BGR (BGRA) for BMP, the 3-3-2 palette for GIF. ``quality`` as in
    ``render_image``; it only changes JPG and WEBP. Raises ``MediaError``:
    ``invalidOutputFormat``, ``invalidOutputQuality``, and ``invalidOutputFormat`` for a WEBP
    wider or taller than 16383 px.
    """
    name = normalize_image_format(fmt, allowed=READABLE_FORMATS)
    check_quality(quality)
    alpha = any(component.is_alpha for component in frame.format.components)
    pix_fmt = _target_pix_fmt(name, alpha)
    width, height = size if size is not None else (frame.width, frame.height)
    if (frame.format.name, frame.width, frame.height) != (pix_fmt, width, height):
        frame = frame.reformat(width=width, height=height, format=pix_fmt, interpolation="BICUBIC")
    return _encode(name, frame, int(quality))


def check_quality(quality: int) -> None:
    """Raise ``MediaError`` ``invalidOutputQuality`` unless ``quality`` is an int in 20-99
    (Runware's ``outputQuality`` range)."""
    if (
        isinstance(quality, bool)
        or not isinstance(quality, int)
        or not MIN_QUALITY <= quality <= MAX_QUALITY
    ):
        raise MediaError(
            "invalidOutputQuality",
            f"outputQuality must be an integer from {MIN_QUALITY} to {MAX_QUALITY}, "
            f"got {quality!r}",
            "outputQuality",
        )


def decode_image(
    data: bytes, *, max_pixels: int = DEFAULT_MAX_PIXELS, parameter: str = "image"
) -> DecodedImage:
    """Decode the first frame of an image file (``READABLE_FORMATS``).

    Raises ``InvalidImage``: code ``invalidInputSize`` when the header claims more than
    ``max_pixels`` pixels (checked before any decoder runs), code ``invalid<Param>`` for
    bytes no decoder accepts, that hold no picture, or whose frame is larger than their
    header claimed.
    """
    facts = read_image_header(data, parameter=parameter)
    _check_pixels(facts, max_pixels, parameter)
    context = av.CodecContext.create(_DECODERS[facts.format], "r")
    context.thread_count = _THREADS
    # The decoder may allocate no more than the header claims (plus room for the row and
    # block alignment FFmpeg adds): a second, larger frame header inside the file fails.
    claimed = (facts.width + _ALIGN_SLACK) * (facts.height + _ALIGN_SLACK)
    context.options = {"max_pixels": str(claimed)}
    try:
        frames = context.decode(av.Packet(bytes(data))) + context.decode(None)
    except (av.FFmpegError, ValueError) as exc:
        raise InvalidImage(
            invalid_code(parameter),
            f"{parameter}: not a readable {facts.format} image ({_reason(exc)})",
            parameter,
        ) from exc
    if not frames:
        message = f"{parameter}: no picture in the {facts.format} data"
        raise InvalidImage(invalid_code(parameter), message, parameter)
    frame = frames[0]
    return DecodedImage(ImageFacts(facts.format, frame.width, frame.height), frame)


def probe_image(
    data: bytes, *, max_pixels: int = DEFAULT_MAX_PIXELS, parameter: str = "image"
) -> ImageFacts:
    """``(format, width, height)`` of an image file, after decoding it to prove it readable.

    Errors as ``decode_image``.
    """
    return decode_image(data, max_pixels=max_pixels, parameter=parameter).facts


@functools.lru_cache(maxsize=64)
def _render(fmt: str, width: int, height: int, quality: int, seed: int) -> bytes:
    frame = synthetic_frame(width, height, _target_pix_fmt(fmt, alpha=False), seed)
    return _encode(fmt, frame, quality)


def _target_pix_fmt(fmt: str, alpha: bool) -> str:
    if fmt == "PNG":
        return "rgba" if alpha else "rgb24"
    if fmt == "JPG":
        return "yuvj420p"
    if fmt == "WEBP":
        return "yuva420p" if alpha else "yuv420p"
    if fmt == "BMP":
        return "bgra" if alpha else "bgr24"
    return "rgb8"


def _jpeg_qscale(quality: int) -> int:
    return round(31 - (quality - MIN_QUALITY) * 29 / (MAX_QUALITY - MIN_QUALITY))


def _encode(fmt: str, frame: av.VideoFrame, quality: int) -> bytes:
    if fmt == "WEBP" and max(frame.width, frame.height) > _WEBP_MAX_SIDE:
        raise MediaError(
            "invalidOutputFormat",
            f"WEBP holds at most {_WEBP_MAX_SIDE} px a side, got {frame.width}x{frame.height}",
            "outputFormat",
        )
    context = av.CodecContext.create(_ENCODERS[fmt], "w")
    context.width = frame.width
    context.height = frame.height
    context.pix_fmt = frame.format.name
    context.time_base = Fraction(1, 1)
    context.thread_count = _THREADS
    context.flags |= av.codec.context.Flags.bitexact
    if fmt == "PNG":
        context.options = dict(_PNG_OPTIONS)
    elif fmt == "JPG":
        context.qmin = context.qmax = _jpeg_qscale(quality)
        context.sample_aspect_ratio = Fraction(1, 1)  # makes FFmpeg write the JFIF header
    elif fmt == "WEBP":
        context.options = {
            "quality": str(quality),
            "compression_level": _WEBP_METHOD,
            "lossless": "0",
            "preset": "none",
        }
    if frame.pts is None:
        frame.pts = 0
    packets = context.encode(frame) + context.encode(None)
    return b"".join(bytes(packet) for packet in packets)


def _reason(exc: Exception) -> str:
    """FFmpeg's message without the name of the call that failed."""
    return getattr(exc, "strerror", None) or str(exc)


def _check_pixels(facts: ImageFacts, max_pixels: int, parameter: str) -> None:
    if facts.width * facts.height > max_pixels:
        raise InvalidImage(
            "invalidInputSize",
            f"{parameter}: {facts.format} image of {facts.width}x{facts.height} pixels is larger "
            f"than the {max_pixels}-pixel limit",
            parameter,
        )
