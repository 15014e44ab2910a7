"""Small building blocks: UUIDs, URLs on loopback/example hosts, small real images, prompts."""

from __future__ import annotations

import base64
import struct
import zlib
from functools import lru_cache
from typing import Literal

from hypothesis import strategies as st

MediaKind = Literal["image", "video", "audio"]

#: Hosts of generated webhook/upload URLs: loopback and reserved example domains only.
HOSTS = ("127.0.0.1", "localhost", "example.com", "example.org", "media.example.net")
#: Hosts of generated media input URLs: example domains only. A loopback URL would be fetched
#: by the fake server (its download allowlist), an example host is accepted unprobed.
MEDIA_HOSTS = ("example.com", "example.org", "media.example.net")
IMAGE_EXTENSIONS = ("png", "jpg", "webp")
VIDEO_EXTENSIONS = ("mp4", "webm", "mov")
AUDIO_EXTENSIONS = ("mp3", "wav", "m4a")
_EXTENSIONS = {"image": IMAGE_EXTENSIONS, "video": VIDEO_EXTENSIONS, "audio": AUDIO_EXTENSIONS}
#: Inline images up to this side are drawn pixel by pixel; larger ones repeat a small tile, so
#: a 128 x 128 image (a model's minimum input size) stays a few hundred bytes.
_TILE = 4

_WORD_ALPHABET = "abcdefghijklmnopqrstuvwxyz"
_SEGMENT_ALPHABET = _WORD_ALPHABET + "0123456789-_"
_PROMPT_FIRST = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_PROMPT_REST = st.characters(
    codec="utf-8",
    categories=("Lu", "Ll", "Nd", "Zs", "Po"),
    exclude_characters="\u2028\u2029",
)


def uuid_strings(version: int | None = 4) -> st.SearchStrategy[str]:
    """Canonical lowercase UUID strings (v4 unless told otherwise)."""
    return st.uuids(version=version).map(str)


def _path(text: str, fallback: str) -> list[str]:
    """The non-empty segments of a drawn ``a/b//c`` path (``[fallback]`` when there is none)."""
    return [part for part in text.split("/") if part] or [fallback]


def urls(
    *,
    schemes: tuple[str, ...] = ("https", "http"),
    extensions: tuple[str, ...] = (),
    hosts: tuple[str, ...] = HOSTS,
) -> st.SearchStrategy[str]:
    """``http(s)`` URLs on loopback or example hosts, optionally with a query token.

    With ``extensions`` the path ends in a file name with one of them (media URLs).

    Each URL is three Hypothesis choices at most: four bytes that pick the origin (and the
    extension), whether a port (1024-65535) and a query follow, and the port; the path, one drawn
    string split at its slashes; the query token. A list of segments and a choice per part
    cost a draw each, which made URLs a third of the time spent drawing a task. All zero
    bytes (where shrinking goes) give the first origin, no port and no query.
    """
    # Every strategy built once here, not on each draw (building one costs more than drawing).
    origins = [f"{scheme}://{host}" for scheme in schemes for host in hosts]
    header_of = st.binary(min_size=4, max_size=4)
    path_of = st.text(_SEGMENT_ALPHABET + "/", min_size=1, max_size=36)
    query_of = st.text(_SEGMENT_ALPHABET, min_size=1, max_size=16)

    @st.composite
    def build(draw: st.DrawFn) -> str:
        pick, flags, high, low = draw(header_of)
        parts = _path(draw(path_of), "f" if extensions else "a")
        if extensions:
            extension = extensions[(pick // len(origins)) % len(extensions)]
            parts[-1] = f"{parts[-1][:12]}.{extension}"
        url = origins[pick % len(origins)]
        if flags & 1:
            url += f":{1024 + (high << 8 | low) % 64512}"
        url += "/" + "/".join(parts)
        return url if not flags & 2 else f"{url}?token={draw(query_of)}"

    return build()


def media_urls(kind: MediaKind = "image") -> st.SearchStrategy[str]:
    """URLs of an image, video or audio file on an example host."""
    return urls(extensions=_EXTENSIONS[kind], hosts=MEDIA_HOSTS)


def _png(width: int, height: int, pixels: bytes) -> bytes:
    def chunk(tag: bytes, data: bytes) -> bytes:
        body = tag + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + pixels[y * width * 3 : (y + 1) * width * 3] for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@lru_cache(maxsize=64)
def _integers(low: int, high: int) -> st.SearchStrategy[int]:
    return st.integers(low, high)


@lru_cache(maxsize=64)
def _exact_bytes(size: int) -> st.SearchStrategy[bytes]:
    return st.binary(min_size=size, max_size=size)


@st.composite
def png_bytes(
    draw: st.DrawFn, max_side: int = _TILE, *, min_width: int = 1, min_height: int = 1
) -> bytes:
    """A real, decodable RGB PNG.

    Without minimums it is at most ``max_side`` x ``max_side`` pixels, each drawn. With
    ``min_width``/``min_height`` (pixels) it is that size up to ``max_side`` more on each side,
    a drawn tile of at most 4 x 4 pixels repeated (real pixels, small file).
    """
    width = draw(_integers(min_width, max(min_width, max_side)))
    height = draw(_integers(min_height, max(min_height, max_side)))
    if width <= _TILE and height <= _TILE:
        pixels = draw(_exact_bytes(width * height * 3))
        return _png(width, height, pixels)
    tile_w, tile_h = draw(_integers(1, _TILE)), draw(_integers(1, _TILE))
    tile = draw(_exact_bytes(tile_w * tile_h * 3))
    rows = []
    for y in range(height):
        row = tile[(y % tile_h) * tile_w * 3 : (y % tile_h + 1) * tile_w * 3]
        rows.append((row * (width // tile_w + 1))[: width * 3])
    return _png(width, height, b"".join(rows))


def base64_images(min_width: int = 1, min_height: int = 1) -> st.SearchStrategy[str]:
    """Raw base64 of a real PNG (Runware's "Base64" input form), at least the given size."""
    if (min_width, min_height) == (1, 1):
        images = png_bytes()
    else:
        images = png_bytes(max_side=8, min_width=min_width, min_height=min_height)
    return images.map(lambda data: base64.b64encode(data).decode("ascii"))


def data_uri_images(min_width: int = 1, min_height: int = 1) -> st.SearchStrategy[str]:
    """``data:image/png;base64,...`` of a real PNG (Runware's "Data URI" input form)."""
    return base64_images(min_width, min_height).map(lambda text: f"data:image/png;base64,{text}")


def prompts(min_size: int = 1, max_size: int = 200) -> st.SearchStrategy[str]:
    """Readable prompts: a letter first (never blank), then letters, digits, spaces, punctuation."""
    max_size = max(max_size, 1)
    return st.builds(
        lambda first, rest: first + rest,
        st.sampled_from(_PROMPT_FIRST),
        st.text(_PROMPT_REST, min_size=max(min_size - 1, 0), max_size=max_size - 1),
    )
