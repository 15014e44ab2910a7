"""URLs stay on loopback/example hosts; inline images are real PNGs in the accepted forms."""

from __future__ import annotations

import base64
import re
import struct
import zlib
from urllib.parse import urlsplit

from hypothesis import given, settings

from runware_testkit.strategies import primitives

DATA_URI = re.compile(r"^data:[a-z]+/[A-Za-z0-9.+-]+;base64,[A-Za-z0-9+/]+={0,2}$")
BASE64 = re.compile(r"^[A-Za-z0-9+/]+={0,2}$")


@settings(max_examples=100, database=None, deadline=None)
@given(primitives.urls())
def test_urls_use_only_safe_hosts(url):
    parts = urlsplit(url)
    assert parts.scheme in {"http", "https"}
    assert parts.hostname in primitives.HOSTS


@settings(max_examples=50, database=None, deadline=None)
@given(primitives.media_urls("video"))
def test_media_urls_name_a_file_on_an_example_host(url):
    parts = urlsplit(url)
    assert parts.path.rsplit(".", 1)[1] in primitives.VIDEO_EXTENSIONS
    assert parts.hostname in primitives.MEDIA_HOSTS


@settings(max_examples=50, database=None, deadline=None)
@given(primitives.png_bytes())
def test_png_bytes_are_a_decodable_png(data):
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", data[16:24])
    length = struct.unpack(">I", data[33:37])[0]
    rows = zlib.decompress(data[41 : 41 + length])
    assert len(rows) == height * (1 + 3 * width)


@settings(max_examples=50, database=None, deadline=None)
@given(primitives.data_uri_images(), primitives.base64_images())
def test_inline_images_match_the_published_patterns(uri, raw):
    assert DATA_URI.match(uri)
    assert BASE64.match(raw)
    assert base64.b64decode(raw).startswith(b"\x89PNG")


@settings(max_examples=100, database=None, deadline=None)
@given(primitives.prompts(1, 10))
def test_prompts_are_never_blank_and_respect_bounds(text):
    assert 1 <= len(text) <= 10
    assert text[0].isalpha()


@settings(max_examples=30, database=None, deadline=None)
@given(primitives.png_bytes(max_side=8, min_width=128, min_height=96))
def test_large_pngs_are_real_and_stay_small(data):
    width, height = struct.unpack(">II", data[16:24])
    assert 128 <= width <= 136 and 96 <= height <= 104
    length = struct.unpack(">I", data[33:37])[0]
    rows = zlib.decompress(data[41 : 41 + length])
    assert len(rows) == height * (1 + 3 * width)
    assert len(data) < 2_000


@settings(max_examples=30, database=None, deadline=None)
@given(primitives.media_urls("audio"))
def test_audio_urls_name_an_audio_file(url):
    assert urlsplit(url).path.rsplit(".", 1)[1] in primitives.AUDIO_EXTENSIONS
