"""Rendered clips are real videos with the requested size, length and codec."""

from __future__ import annotations

import io

import av
import pytest

from runware_testkit.fake_server.media import video
from runware_testkit.fake_server.media.probe import probe_video

FORMATS = ["MP4", "WEBM", "MOV"]
PRESETS = [
    (1280, 720),
    (720, 1280),
    (1104, 832),
    (832, 1104),
    (960, 960),
    (1584, 672),
    (848, 480),
    (640, 480),
]
DECODED_CODEC = {"libx264": "h264", "mpeg4": "mpeg4", "libvpx-vp9": "vp9", "libvpx": "vp8"}


def _decoded_codec(data: bytes) -> tuple[str, int]:
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.video[0]
        frames = sum(1 for _ in container.decode(stream))
        return stream.codec_context.name, frames


@pytest.mark.parametrize("fmt", FORMATS)
def test_render_then_probe_round_trips(fmt: str) -> None:
    data = video.render_video(fmt, 64, 48, duration=1.0, fps=8)
    facts = probe_video(data)
    assert (facts.width, facts.height) == (64, 48)
    assert facts.duration == pytest.approx(1.0, abs=1 / 8)
    assert facts.container == fmt.lower()


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_frame_decodes_with_the_expected_codec(fmt: str) -> None:
    data = video.render_video(fmt, 64, 64, duration=1.0, fps=8)
    codec, frames = _decoded_codec(data)
    assert codec == DECODED_CODEC[video.encoder_for(fmt)]
    assert frames == 8


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("width", "height"), PRESETS)
def test_runware_presets_keep_exact_dimensions(fmt: str, width: int, height: int) -> None:
    facts = probe_video(video.render_video(fmt, width, height, duration=0.5, fps=2))
    assert (facts.width, facts.height) == (width, height)


def test_encoders_on_this_install() -> None:
    assert video.encoder_for("MP4") in {"libx264", "mpeg4"}
    assert video.encoder_for("MOV") == video.encoder_for("MP4")
    assert video.encoder_for("webm") in {"libvpx-vp9", "libvpx"}


@pytest.mark.parametrize(
    ("denied", "fmt", "codec"),
    [("libx264", "MP4", "mpeg4"), ("libx264", "MOV", "mpeg4"), ("libvpx-vp9", "WEBM", "vp8")],
)
def test_falls_back_when_preferred_encoder_is_missing(
    monkeypatch: pytest.MonkeyPatch, denied: str, fmt: str, codec: str
) -> None:
    available = video._has_encoder
    monkeypatch.setattr(video, "_has_encoder", lambda name: name != denied and available(name))
    data = video.render_video(fmt, 64, 64, duration=1.0, fps=4, seed=7)
    assert _decoded_codec(data) == (codec, 4)
    facts = probe_video(data)
    assert (facts.width, facts.height, facts.container) == (64, 64, fmt.lower())


@pytest.mark.parametrize("fmt", FORMATS)
def test_same_arguments_give_same_bytes_even_without_the_cache(fmt: str) -> None:
    first = video.render_video(fmt, 64, 64, seed=3)
    assert video.render_video(fmt, 64, 64, seed=3) is first
    video._render.cache_clear()
    assert video.render_video(fmt, 64, 64, seed=3) == first


@pytest.mark.parametrize("fmt", FORMATS)
def test_different_seeds_give_different_pictures(fmt: str) -> None:
    assert video.render_video(fmt, 64, 64, seed=1) != video.render_video(fmt, 64, 64, seed=2)


def test_format_name_is_case_insensitive() -> None:
    assert video.render_video("mp4", 64, 64) is video.render_video("MP4", 64, 64)
    assert probe_video(video.render_video("WebM", 64, 64)).container == "webm"


@pytest.mark.parametrize("fmt", FORMATS)
def test_higher_quality_gives_bigger_files(fmt: str) -> None:
    low = video.render_video(fmt, 256, 256, quality=20, duration=0.5)
    high = video.render_video(fmt, 256, 256, quality=99, duration=0.5)
    assert len(high) > len(low)


@pytest.mark.parametrize("fmt", FORMATS)
def test_odd_dimensions_round_up_to_even(fmt: str) -> None:
    facts = probe_video(video.render_video(fmt, 63, 33, duration=0.5, fps=2))
    assert (facts.width, facts.height) == (64, 34)


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [("MP4", "video/mp4"), ("webm", "video/webm"), ("Mov", "video/quicktime")],
)
def test_content_type(fmt: str, expected: str) -> None:
    assert video.content_type(fmt) == expected


@pytest.mark.parametrize(
    "kwargs",
    [
        {"fmt": "GIF"},
        {"quality": 19},
        {"quality": 100},
        {"width": 0},
        {"height": -2},
        {"fps": 0},
        {"duration": 0},
    ],
)
def test_rejects_bad_arguments(kwargs: dict[str, object]) -> None:
    args: dict[str, object] = {"fmt": "MP4", "width": 64, "height": 64} | kwargs
    with pytest.raises(ValueError):
        video.render_video(**args)  # type: ignore[arg-type]


def test_content_type_rejects_unknown_format() -> None:
    with pytest.raises(ValueError, match="unsupported video format"):
        video.content_type("avi")
