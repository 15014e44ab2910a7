"""Inline image inputs decode from bytes, data URIs and base64; uploads fit 2048 px."""

from __future__ import annotations

import base64

import pytest

from runware_testkit.fake_server.media import image
from runware_testkit.fake_server.media.errors import InvalidImage
from runware_testkit.fake_server.media.image_input import (
    STORED_LONG_SIDE,
    UPLOAD_EXTENSIONS,
    ImageInput,
    fit_long_side,
    read_image_input,
)

from .files import bmp, png_header_only


def _file(fmt: str, width: int, height: int) -> bytes:
    frame = image.decode_image(image.render_image("PNG", width, height, seed=6)).frame
    return image.encode_image(frame, fmt)


@pytest.mark.parametrize("fmt", image.READABLE_FORMATS)
def test_every_accepted_format_reads_from_bytes_data_uri_and_base64(fmt: str) -> None:
    data = _file(fmt, 37, 23)
    encoded = base64.b64encode(data).decode()
    mime = image.content_type(fmt)
    forms: list[str | bytes] = [
        data,
        bytearray(data),  # type: ignore[list-item]
        memoryview(data),  # type: ignore[list-item]
        f"data:{mime};base64,{encoded}",
        encoded,
        "\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76)),
    ]
    for value in forms:
        read = read_image_input(value)
        assert read == ImageInput(data, fmt, 37, 23)
        assert (read.content_type, read.extension) == (mime, image.extension(fmt))


def test_the_format_comes_from_the_bytes_not_the_data_uri() -> None:
    data = _file("WEBP", 20, 10)
    read = read_image_input("data:image/png;base64," + base64.b64encode(data).decode())
    assert read.format == "WEBP"


def test_upload_extensions_are_all_readable_formats() -> None:
    assert {
        image.normalize_image_format(ext, allowed=image.READABLE_FORMATS)
        for ext in UPLOAD_EXTENSIONS
    } == set(image.READABLE_FORMATS)


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("https://example.com/cat.png", "data URI or base64"),
        ("0c9e8b4e-9d3c-4b5e-9d4f-2a0b7c9e1f00", "data URI or base64"),
        ("data:image/png;base64,@@@", "invalid base64"),
        ("data:image/png,rawtext", "base64-encoded"),
        ("data:image/png;base64,", "empty payload"),
        ("aGVsbG8gd29ybGQ=", "not a JPEG, PNG, WebP, BMP or GIF"),
        ("abc", "not valid base64"),
        ("   ", "data URI or base64"),
        (b"", "empty image data"),
        (42, "got int"),
        (None, "got NoneType"),
    ],
)
def test_bad_values_say_what_is_wrong(value: object, says: str) -> None:
    with pytest.raises(InvalidImage) as caught:
        read_image_input(value)  # type: ignore[arg-type]
    assert (caught.value.code, caught.value.parameter) == ("invalidImage", "image")
    assert says in caught.value.message


def test_errors_name_the_parameter() -> None:
    with pytest.raises(InvalidImage) as caught:
        read_image_input("nope!", parameter="inputs.referenceImages[1]")
    assert caught.value.to_error() == {
        "code": "invalidReferenceImages",
        "message": caught.value.message,
        "parameter": "inputs.referenceImages[1]",
    }


def test_too_many_pixels_is_refused_before_decoding() -> None:
    with pytest.raises(InvalidImage) as caught:
        read_image_input(png_header_only(30000, 30000))
    assert caught.value.code == "invalidInputSize"


@pytest.mark.parametrize(
    ("fmt", "size", "fitted"),
    [
        ("PNG", (3000, 1000), (2048, 683)),
        ("JPG", (1001, 4001), (512, 2048)),
        ("WEBP", (2500, 2500), (2048, 2048)),
    ],
)
def test_large_images_are_scaled_down_keeping_aspect_and_format(
    fmt: str, size: tuple[int, int], fitted: tuple[int, int]
) -> None:
    data = image.render_image(fmt, *size)
    out = fit_long_side(data, STORED_LONG_SIDE)
    assert image.probe_image(out) == (fmt, *fitted)


@pytest.mark.parametrize("fmt", ["BMP", "GIF"])
def test_bmp_and_gif_keep_their_format_when_scaled(fmt: str) -> None:
    out = fit_long_side(_file(fmt, 300, 120), 100)
    assert image.probe_image(out) == (fmt, 100, 40)


@pytest.mark.parametrize("size", [(2048, 1000), (10, 10), (2048, 2048)])
def test_images_that_fit_come_back_unchanged(size: tuple[int, int]) -> None:
    data = image.render_image("JPG", *size)
    assert fit_long_side(data) is data


def test_thin_images_keep_at_least_one_pixel() -> None:
    assert image.probe_image(fit_long_side(bmp(4000, 1), 2048)) == ("BMP", 2048, 1)


@pytest.mark.parametrize("long_side", [0, -5, True, 2.5])
def test_long_side_must_be_a_positive_integer(long_side: object) -> None:
    with pytest.raises(ValueError, match="long_side"):
        fit_long_side(image.render_image("PNG", 4, 4), long_side)  # type: ignore[arg-type]


def test_fit_long_side_refuses_undecodable_bytes() -> None:
    with pytest.raises(InvalidImage) as caught:
        fit_long_side(b"\xff\xd8\xff" + bytes(20))
    assert caught.value.code == "invalidImage"
