"""Upscaling gives real media of the same kind at the new size, within the configured bounds."""

from __future__ import annotations

import io
import math
from collections.abc import Callable

import av
import pytest

from runware_testkit.fake_server.media import image
from runware_testkit.fake_server.media.errors import (
    InvalidImage,
    InvalidUpscale,
    InvalidVideo,
    MediaError,
)
from runware_testkit.fake_server.media.probe import probe_video
from runware_testkit.fake_server.media.upscale import (
    UpscaleLimits,
    upscale_image,
    upscale_media,
    upscale_video,
    upscaled_size,
)
from runware_testkit.fake_server.media.video import encoder_for, render_video

from .files import bmp, open_with_demuxer, palette_png, png_header_only

VIDEO_CODECS = {"libx264": "h264", "mpeg4": "mpeg4", "libvpx-vp9": "vp9", "libvpx": "vp8"}


@pytest.fixture(scope="module")
def clips() -> dict[str, bytes]:
    """Half-second 160x90 clips in each container."""
    return {fmt: render_video(fmt, 160, 90, duration=0.5, seed=7) for fmt in ("MP4", "WEBM", "MOV")}


@pytest.mark.parametrize("fmt", image.IMAGE_FORMATS)
def test_an_image_doubles_in_its_own_format(fmt: str) -> None:
    result = upscale_image(image.render_image(fmt, 301, 167, seed=4), factor=2)
    assert (result.kind, result.format, result.width, result.height) == ("image", fmt, 602, 334)
    assert image.probe_image(result.data) == (fmt, 602, 334)
    assert open_with_demuxer(result.data)[2:4] == (602, 334)
    assert result.content_type == image.content_type(fmt)


@pytest.mark.parametrize(
    ("data", "fmt"),
    [(bmp(21, 13), "BMP"), (palette_png(21, 13), "PNG")],
    ids=["bmp", "palette-png"],
)
def test_other_inputs_keep_their_format(data: bytes, fmt: str) -> None:
    result = upscale_image(data, factor=3)
    assert image.probe_image(result.data) == (fmt, 63, 39)


def test_a_gif_stays_a_gif() -> None:
    frame = image.decode_image(image.render_image("PNG", 40, 30)).frame
    result = upscale_image(image.encode_image(frame, "GIF"), factor=1.5)
    assert image.probe_image(result.data) == ("GIF", 60, 45)


def test_the_output_format_can_be_asked_for() -> None:
    result = upscale_image(image.render_image("PNG", 100, 50), factor=2, output_format="jpeg")
    assert (result.format, result.content_type) == ("JPG", "image/jpeg")
    assert image.probe_image(result.data) == ("JPG", 200, 100)


@pytest.mark.parametrize(
    ("target", "size"),
    [
        ({"width": 1000}, (1000, 555)),
        ({"height": 334}, (602, 334)),
        ({"width": 640, "height": 480}, (640, 480)),
    ],
)
def test_a_target_size_keeps_the_aspect_unless_both_sides_are_given(
    target: dict[str, int], size: tuple[int, int]
) -> None:
    result = upscale_image(image.render_image("WEBP", 301, 167), **target)  # type: ignore[arg-type]
    assert (result.width, result.height) == size
    assert image.probe_image(result.data) == ("WEBP", *size)


def test_image_upscaling_is_deterministic_and_follows_the_input() -> None:
    a, b = image.render_image("JPG", 120, 80, seed=1), image.render_image("JPG", 120, 80, seed=2)
    assert upscale_image(a, factor=2).data == upscale_image(a, factor=2).data
    assert upscale_image(a, factor=2).data != upscale_image(b, factor=2).data


def test_quality_changes_a_lossy_result() -> None:
    source = image.render_image("PNG", 400, 300, seed=3)
    low = upscale_image(source, factor=2, output_format="JPG", quality=20)
    high = upscale_image(source, factor=2, output_format="JPG", quality=99)
    assert len(high.data) > len(low.data)


@pytest.mark.parametrize("fmt", ["MP4", "WEBM", "MOV"])
def test_a_short_video_is_upscaled_in_its_own_container(clips: dict[str, bytes], fmt: str) -> None:
    result = upscale_video(clips[fmt], factor=2)
    facts = probe_video(result.data)
    assert (facts.container, facts.width, facts.height) == (fmt.lower(), 320, 180)
    assert facts.duration == pytest.approx(0.5, abs=0.13)
    assert (result.kind, result.format, result.width, result.height) == ("video", fmt, 320, 180)
    assert result.duration == 0.5
    codec, frames = _decode_all(result.data)
    assert codec == VIDEO_CODECS[encoder_for(fmt)]
    assert frames == 4  # 0.5 s at 8 fps


def test_video_output_format_and_odd_sizes(clips: dict[str, bytes]) -> None:
    result = upscale_video(clips["MP4"], factor=1.5, output_format="webm")
    facts = probe_video(result.data)
    assert (facts.container, facts.width, facts.height) == ("webm", 240, 136)  # 135 -> even
    assert (result.width, result.height, result.content_type) == (240, 136, "video/webm")


def test_video_upscaling_is_deterministic_and_follows_the_input(clips: dict[str, bytes]) -> None:
    other = render_video("MP4", 160, 90, duration=0.5, seed=8)
    assert (
        upscale_video(clips["MP4"], width=320).data == upscale_video(clips["MP4"], width=320).data
    )
    assert upscale_video(clips["MP4"], width=320).data != upscale_video(other, width=320).data


def test_upscale_media_tells_images_from_videos(clips: dict[str, bytes]) -> None:
    assert upscale_media(image.render_image("PNG", 10, 10), factor=2).kind == "image"
    assert upscale_media(clips["WEBM"], factor=2).kind == "video"


def test_upscale_media_applies_its_limits(clips: dict[str, bytes]) -> None:
    limits = UpscaleLimits(max_image_side=15, max_video_side=200, max_video_seconds=10)
    with pytest.raises(InvalidUpscale) as caught:
        upscale_media(image.render_image("PNG", 10, 10), factor=2, limits=limits)
    assert caught.value.code == "invalidUpscaleFactor"
    with pytest.raises(InvalidUpscale) as caught:
        upscale_media(clips["MP4"], factor=2, limits=limits)
    assert caught.value.code == "invalidUpscaleFactor"


def test_default_bounds_are_8192_for_images_and_4096_for_video(clips: dict[str, bytes]) -> None:
    wide = image.render_image("PNG", 1024, 8)
    assert upscale_image(wide, factor=8).width == 8192
    with pytest.raises(InvalidUpscale) as caught:
        upscale_image(wide, factor=8.01)
    assert caught.value.code == "invalidUpscaleFactor"
    assert "8192" in caught.value.message
    with pytest.raises(InvalidUpscale) as caught:
        upscale_video(clips["MP4"], factor=26)  # 160 * 26 = 4160
    assert (caught.value.code, caught.value.parameter) == ("invalidUpscaleFactor", "upscaleFactor")


def test_a_huge_claimed_input_is_refused_before_decoding() -> None:
    with pytest.raises(InvalidUpscale) as caught:
        upscale_image(png_header_only(40000, 30000), factor=1)
    assert (caught.value.code, caught.value.parameter) == ("invalidInputSize", "inputs.image")


def test_a_video_longer_than_the_bound_is_refused(clips: dict[str, bytes]) -> None:
    with pytest.raises(InvalidUpscale) as caught:
        upscale_video(clips["MP4"], factor=2, max_seconds=0.25)
    assert (caught.value.code, caught.value.parameter) == ("invalidInputDuration", "inputs.video")


def test_even_rounding_cannot_push_a_video_over_its_bound(clips: dict[str, bytes]) -> None:
    with pytest.raises(InvalidUpscale) as caught:
        upscale_video(clips["MP4"], width=161, max_side=161)
    assert caught.value.code == "invalidInputSize"


@pytest.mark.parametrize(
    ("kwargs", "code", "parameter"),
    [
        ({}, "invalidUpscaleFactor", "upscaleFactor"),
        ({"factor": 0.5}, "invalidUpscaleFactor", "upscaleFactor"),
        ({"factor": 0}, "invalidUpscaleFactor", "upscaleFactor"),
        ({"factor": -2}, "invalidUpscaleFactor", "upscaleFactor"),
        ({"factor": math.nan}, "invalidUpscaleFactor", "upscaleFactor"),
        ({"factor": math.inf}, "invalidUpscaleFactor", "upscaleFactor"),
        ({"factor": 1e308}, "invalidUpscaleFactor", "upscaleFactor"),
        ({"factor": 10**400}, "invalidUpscaleFactor", "upscaleFactor"),
        ({"factor": True}, "invalidUpscaleFactor", "upscaleFactor"),
        ({"factor": "2"}, "invalidUpscaleFactor", "upscaleFactor"),
        ({"factor": 2, "target_width": 20}, "invalidUpscaleFactor", "upscaleFactor"),
        ({"target_width": 0}, "invalidWidth", "width"),
        ({"target_width": True}, "invalidWidth", "width"),
        ({"target_height": 2.5}, "invalidHeight", "height"),
        ({"target_height": 101}, "invalidHeight", "height"),
        ({"target_width": 30, "target_height": 500}, "invalidHeight", "height"),
    ],
)
def test_upscaled_size_refusals(kwargs: dict[str, object], code: str, parameter: str) -> None:
    with pytest.raises(InvalidUpscale) as caught:
        upscaled_size(10, 10, max_side=100, **kwargs)  # type: ignore[arg-type]
    assert (caught.value.code, caught.value.parameter) == (code, parameter)


def test_upscaled_size_rounds_and_never_reaches_zero() -> None:
    assert upscaled_size(3, 1, factor=1.5, max_side=100) == (4, 2)
    assert upscaled_size(1000, 1, target_width=10, max_side=2000) == (10, 1)


PNG_8 = image.render_image("PNG", 8, 8)


@pytest.mark.parametrize(
    ("call", "kind", "code"),
    [
        (
            lambda: upscale_image(b"\x89PNG\r\n\x1a\n" + bytes(30), factor=2),
            InvalidImage,
            "invalidImage",
        ),
        (
            lambda: upscale_image(PNG_8, factor=2, output_format="MP4"),
            MediaError,
            "invalidOutputFormat",
        ),
        (lambda: upscale_image(PNG_8, factor=2, quality=10), MediaError, "invalidOutputQuality"),
        (lambda: upscale_video(b"not a video", factor=2), InvalidVideo, "invalidVideo"),
        (lambda: upscale_video(PNG_8, factor=2), InvalidVideo, "invalidVideo"),
        (lambda: upscale_media(b"", factor=2), InvalidVideo, "invalidVideo"),
        (lambda: upscale_media(b"GIF89a", factor=2), InvalidImage, "invalidImage"),
    ],
    ids=["corrupt-image", "image-as-mp4", "quality", "text", "still-image", "empty", "gif-cut"],
)
def test_bad_inputs_get_typed_errors(
    call: Callable[[], object], kind: type[MediaError], code: str
) -> None:
    with pytest.raises(kind) as caught:
        call()
    assert caught.value.code == code
    assert caught.value.to_error()["code"] == code


def test_video_output_format_must_be_a_video_format(clips: dict[str, bytes]) -> None:
    with pytest.raises(MediaError) as caught:
        upscale_video(clips["MP4"], factor=2, output_format="PNG")
    assert (caught.value.code, caught.value.parameter) == ("invalidOutputFormat", "outputFormat")


def _decode_all(data: bytes) -> tuple[str, int]:
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.video[0]
        return stream.codec_context.name, sum(1 for _ in container.decode(stream))
