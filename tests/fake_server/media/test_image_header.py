"""Image headers give format and size without decoding, and refuse what they cannot read."""

from __future__ import annotations

import struct

import pytest

from runware_testkit.fake_server.media import image
from runware_testkit.fake_server.media.errors import InvalidImage
from runware_testkit.fake_server.media.image_header import looks_like_image, read_image_header
from runware_testkit.fake_server.media.video import render_video

from .files import bmp, encode_raw, jpeg_with_app_segment, png_header_only, rgba_frame


@pytest.mark.parametrize("fmt", image.READABLE_FORMATS)
@pytest.mark.parametrize(("width", "height"), [(1, 1), (1001, 333), (333, 1001)])
def test_header_of_every_written_format(fmt: str, width: int, height: int) -> None:
    frame = image.decode_image(image.render_image("PNG", width, height)).frame
    data = image.encode_image(frame, fmt)
    assert read_image_header(data) == (fmt, width, height)


def test_webp_extended_header_of_a_transparent_picture() -> None:
    data = image.encode_image(rgba_frame(70, 30), "WEBP")
    assert data[12:16] == b"VP8X"
    assert read_image_header(data) == ("WEBP", 70, 30)


def test_webp_lossless_header() -> None:
    data = encode_raw("libwebp", rgba_frame(70, 30).reformat(format="bgra"), lossless="1")
    assert data[12:16] == b"VP8L"
    assert read_image_header(data) == ("WEBP", 70, 30)


def test_jpeg_frame_header_found_past_application_segments_and_fill_bytes() -> None:
    data = jpeg_with_app_segment(image.render_image("JPG", 123, 45), 5000)
    assert read_image_header(data) == ("JPG", 123, 45)
    assert image.probe_image(data) == ("JPG", 123, 45)


@pytest.mark.parametrize("top_down", [False, True])
def test_bmp_height_is_positive_whichever_way_rows_are_stored(top_down: bool) -> None:
    data = bmp(9, 5, top_down=top_down)
    assert read_image_header(data) == ("BMP", 9, 5)
    assert image.probe_image(data) == ("BMP", 9, 5)


def test_a_huge_claim_is_read_without_decoding() -> None:
    assert read_image_header(png_header_only(60000, 50000)) == ("PNG", 60000, 50000)


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
        b"\xff\xd8\xff\xe0\x00\x10JFIF",
        b"\xff\xd8\xff\xda\x00\x08" + b"\x00" * 10,
        b"RIFF\x00\x00\x00\x00WEBPVP8 \x00\x00",
        b"RIFF\x00\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x00\x00",
        b"RIFF\x00\x00\x00\x00WEBPJUNK" + b"\x00" * 20,
        b"GIF89a\x01",
        b"BM" + b"\x00" * 12 + struct.pack("<I", 20) + b"\x00" * 20,
        b"BM\x00",
    ],
    ids=[
        "png-ihdr-cut",
        "jpeg-no-frame-header",
        "jpeg-scan-before-frame",
        "webp-vp8-cut",
        "webp-vp8x-cut",
        "webp-unknown-chunk",
        "gif-cut",
        "bmp-unknown-dib",
        "bmp-cut",
    ],
)
def test_truncated_or_malformed_headers(data: bytes) -> None:
    with pytest.raises(InvalidImage) as caught:
        read_image_header(data)
    assert caught.value.code == "invalidImage"
    assert "truncated or malformed" in caught.value.message


def test_a_header_naming_an_empty_picture() -> None:
    with pytest.raises(InvalidImage) as caught:
        read_image_header(png_header_only(0, 10))
    assert "empty picture (0x10)" in caught.value.message


@pytest.mark.parametrize("data", [b"", b"\x00\x00\x00\x18ftypmp42", "a string", None])
def test_not_an_image(data: object) -> None:
    with pytest.raises(InvalidImage) as caught:
        read_image_header(data, parameter="seedImage")  # type: ignore[arg-type]
    assert (caught.value.code, caught.value.parameter) == ("invalidSeedImage", "seedImage")


def test_looks_like_image_reads_signatures_only() -> None:
    for fmt in image.READABLE_FORMATS:
        frame = image.decode_image(image.render_image("PNG", 4, 4)).frame
        assert looks_like_image(image.encode_image(frame, fmt))
    assert looks_like_image(b"\x89PNG\r\n\x1a\n")  # a signature alone is enough
    assert not looks_like_image(render_video("MP4", 64, 64, duration=0.125))
    assert not looks_like_image(b"")
    assert not looks_like_image("GIF89a")  # type: ignore[arg-type]
