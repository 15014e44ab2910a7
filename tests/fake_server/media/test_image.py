"""Rendered images are real files of the requested format and size; decoding is bounded."""

from __future__ import annotations

import struct

import av
import pytest

from runware_testkit.fake_server.media import image
from runware_testkit.fake_server.media.errors import InvalidImage, MediaError

from .files import (
    encode_raw,
    jpeg_with_decoy_frame_header,
    open_with_demuxer,
    palette_png,
    png_header_only,
    rgba_frame,
)

SIZES = [(1, 1), (2, 3), (7, 5), (64, 64), (1001, 333), (333, 1001), (1024, 1024), (1920, 1080)]
DEMUXERS = {"JPG": "jpeg_pipe", "PNG": "png_pipe", "WEBP": "webp_pipe"}
DECODERS = {"JPG": "mjpeg", "PNG": "png", "WEBP": "webp"}


@pytest.mark.parametrize("fmt", image.IMAGE_FORMATS)
@pytest.mark.parametrize(("width", "height"), SIZES)
def test_rendered_files_decode_at_exactly_the_requested_size(
    fmt: str, width: int, height: int
) -> None:
    data = image.render_image(fmt, width, height, seed=1)
    opened = open_with_demuxer(data)
    assert (opened.demuxer, opened.codec) == (DEMUXERS[fmt], DECODERS[fmt])
    assert (opened.width, opened.height) == (width, height)
    assert image.probe_image(data) == (fmt, width, height)


def test_jpeg_is_jfif_4_2_0_and_complete() -> None:
    data = image.render_image("JPG", 1001, 333)
    assert data.startswith(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00")
    assert data.endswith(b"\xff\xd9")
    assert open_with_demuxer(data).pix_fmt == "yuvj420p"


def test_webp_riff_size_covers_the_whole_file() -> None:
    data = image.render_image("WEBP", 333, 1001)
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    assert struct.unpack("<I", data[4:8])[0] == len(data) - 8


def test_png_is_rgb_and_ends_with_iend() -> None:
    data = image.render_image("PNG", 7, 5)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert data.endswith(b"IEND\xaeB`\x82")
    assert open_with_demuxer(data).pix_fmt == "rgb24"


@pytest.mark.parametrize("fmt", image.IMAGE_FORMATS)
def test_same_arguments_give_the_same_bytes_even_without_the_cache(fmt: str) -> None:
    first = image.render_image(fmt, 640, 480, quality=80, seed=42)
    image._render.cache_clear()
    assert image.render_image(fmt, 640, 480, quality=80, seed=42) == first


@pytest.mark.parametrize("fmt", image.IMAGE_FORMATS)
def test_different_seeds_give_different_pictures(fmt: str) -> None:
    renders = {image.render_image(fmt, 256, 256, seed=seed) for seed in range(6)}
    assert len(renders) == 6


def test_formats_agree_on_the_picture() -> None:
    """The YUV formats show the same colours as the PNG (colour conversion done right)."""
    reference = _rgb(image.render_image("PNG", 640, 480, seed=9))
    for fmt in ("JPG", "WEBP"):
        lossy = _rgb(image.render_image(fmt, 640, 480, quality=99, seed=9))
        for x, y in [(5, 5), (320, 100), (630, 470), (40, 460), (600, 300)]:
            want, got = _pixel(reference, x, y), _pixel(lossy, x, y)
            assert all(abs(a - b) <= 10 for a, b in zip(want, got, strict=True)), (fmt, x, y)


def test_jpeg_size_grows_with_quality() -> None:
    sizes = [
        len(image.render_image("JPG", 1024, 1024, quality=q, seed=3)) for q in (20, 50, 80, 99)
    ]
    assert sizes == sorted(sizes) and len(set(sizes)) == 4


def test_webp_size_grows_with_quality() -> None:
    low = len(image.render_image("WEBP", 1024, 1024, quality=20, seed=3))
    high = len(image.render_image("WEBP", 1024, 1024, quality=95, seed=3))
    assert high > low * 1.5


def test_png_is_lossless_so_quality_leaves_it_alone() -> None:
    assert image.render_image("PNG", 300, 200, quality=20) == image.render_image(
        "PNG", 300, 200, quality=99
    )


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [("jpg", "JPG"), ("jpeg", "JPG"), ("JPEG", "JPG"), (" Png ", "PNG"), ("webp", "WEBP")],
)
def test_format_names_are_case_insensitive_and_jpeg_means_jpg(alias: str, canonical: str) -> None:
    assert image.normalize_image_format(alias) == canonical
    assert image.render_image(alias, 50, 40) == image.render_image(canonical, 50, 40)


@pytest.mark.parametrize(
    ("fmt", "mime", "ext"),
    [
        ("JPG", "image/jpeg", "jpg"),
        ("jpeg", "image/jpeg", "jpg"),
        ("PNG", "image/png", "png"),
        ("webp", "image/webp", "webp"),
        ("BMP", "image/bmp", "bmp"),
        ("gif", "image/gif", "gif"),
    ],
)
def test_content_type_and_extension(fmt: str, mime: str, ext: str) -> None:
    assert image.content_type(fmt) == mime
    assert image.extension(fmt) == ext


@pytest.mark.parametrize(
    ("args", "kwargs", "code", "parameter"),
    [
        (("GIF", 10, 10), {}, "invalidOutputFormat", "outputFormat"),
        (("MP4", 10, 10), {}, "invalidOutputFormat", "outputFormat"),
        ((None, 10, 10), {}, "invalidOutputFormat", "outputFormat"),
        (("PNG", 10, 10), {"quality": 19}, "invalidOutputQuality", "outputQuality"),
        (("PNG", 10, 10), {"quality": 100}, "invalidOutputQuality", "outputQuality"),
        (("PNG", 10, 10), {"quality": True}, "invalidOutputQuality", "outputQuality"),
        (("PNG", 10, 10), {"quality": "95"}, "invalidOutputQuality", "outputQuality"),
        (("PNG", 0, 10), {}, "invalidWidth", "width"),
        (("PNG", 10, -1), {}, "invalidHeight", "height"),
        (("PNG", 8193, 10), {}, "invalidWidth", "width"),
        (("PNG", 10.0, 10), {}, "invalidWidth", "width"),
        (("PNG", True, 10), {}, "invalidWidth", "width"),
        (("PNG", 10, 101), {"max_side": 100}, "invalidHeight", "height"),
        (("WEBP", 16384, 8), {"max_side": 20000}, "invalidWidth", "width"),
    ],
)
def test_render_rejects_bad_arguments(
    args: tuple[object, ...], kwargs: dict[str, object], code: str, parameter: str
) -> None:
    with pytest.raises(MediaError) as caught:
        image.render_image(*args, **kwargs)  # type: ignore[arg-type]
    assert (caught.value.code, caught.value.parameter) == (code, parameter)
    assert caught.value.to_error()["code"] == code


@pytest.mark.parametrize("fmt", image.READABLE_FORMATS)
def test_encode_image_converts_and_scales_into_every_readable_format(fmt: str) -> None:
    source = image.decode_image(image.render_image("JPG", 200, 120, seed=5)).frame
    data = image.encode_image(source, fmt, size=(301, 171))
    assert image.probe_image(data) == (fmt, 301, 171)
    assert open_with_demuxer(data)[2:4] == (301, 171)


@pytest.mark.parametrize("fmt", image.READABLE_FORMATS)
def test_a_palette_png_decodes_and_re_encodes(fmt: str) -> None:
    decoded = image.decode_image(palette_png(31, 17))
    assert decoded.facts == ("PNG", 31, 17)
    assert decoded.frame.format.name == "pal8"
    assert image.probe_image(image.encode_image(decoded.frame, fmt)) == (fmt, 31, 17)


@pytest.mark.parametrize(("fmt", "pix_fmt"), [("PNG", "rgba"), ("WEBP", "yuva420p")])
def test_transparency_survives_formats_that_hold_it(fmt: str, pix_fmt: str) -> None:
    decoded = image.decode_image(image.encode_image(rgba_frame(64, 32), fmt))
    assert decoded.frame.format.name == pix_fmt
    rgba = decoded.frame.reformat(format="rgba").planes[0]
    row = bytes(rgba)[: 64 * 4]
    assert row[3] < 16 and row[-1] > 240  # left half transparent, right half opaque


def test_jpeg_drops_transparency() -> None:
    decoded = image.decode_image(image.encode_image(rgba_frame(64, 32), "JPG"))
    assert decoded.frame.format.name == "yuvj420p"


def test_decode_refuses_a_header_that_claims_too_many_pixels_before_decoding() -> None:
    claim = png_header_only(40000, 40000)
    with pytest.raises(InvalidImage) as caught:
        image.decode_image(claim)
    assert caught.value.code == "invalidInputSize"
    assert "40000x40000" in caught.value.message


def test_decoder_may_not_allocate_more_than_the_header_claimed() -> None:
    lying = jpeg_with_decoy_frame_header(image.render_image("JPG", 500, 400), 8, 8)
    assert image.read_image_header(lying) == ("JPG", 8, 8)
    with pytest.raises(InvalidImage) as caught:
        image.decode_image(lying)
    assert caught.value.code == "invalidImage"


def test_decode_bound_is_configurable() -> None:
    data = image.render_image("PNG", 100, 100)
    assert image.probe_image(data, max_pixels=10_000) == ("PNG", 100, 100)
    with pytest.raises(InvalidImage) as caught:
        image.probe_image(data, max_pixels=9_999)
    assert caught.value.code == "invalidInputSize"


@pytest.mark.parametrize(
    "data",
    [
        image.render_image("PNG", 300, 300, seed=2)[:60],
        image.render_image("PNG", 300, 300, seed=2)[:-20],
        image.render_image("WEBP", 300, 300, seed=2)[:40],
        b"GIF89a\x10\x00\x10\x00" + b"\x00" * 20,
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,
        b"not an image at all",
        b"",
    ],
    ids=["png-cut-60", "png-cut-tail", "webp-cut-40", "gif-junk", "png-zeros", "text", "empty"],
)
def test_undecodable_bytes_raise_invalid_image_named_after_the_parameter(data: bytes) -> None:
    with pytest.raises(InvalidImage) as caught:
        image.decode_image(data, parameter="inputs.referenceImages[0]")
    assert caught.value.code == "invalidReferenceImages"
    assert caught.value.parameter == "inputs.referenceImages[0]"
    assert caught.value.message.startswith("inputs.referenceImages[0]")


def test_lossless_webp_decodes() -> None:
    frame = image.decode_image(image.render_image("PNG", 45, 29)).frame
    data = encode_raw("libwebp", frame.reformat(format="bgra"), lossless="1")
    assert data[12:16] == b"VP8L"
    assert image.probe_image(data) == ("WEBP", 45, 29)


def _rgb(data: bytes) -> av.VideoFrame:
    return image.decode_image(data).frame.reformat(format="rgb24")


def _pixel(frame: av.VideoFrame, x: int, y: int) -> tuple[int, int, int]:
    plane = frame.planes[0]
    at = y * plane.line_size + 3 * x
    r, g, b = bytes(plane)[at : at + 3]
    return r, g, b
