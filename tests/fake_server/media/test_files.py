"""The bytes behind a media record: stored ones as they are, outputs rendered on demand."""

from __future__ import annotations

import io

import av
import pytest

from runware_testkit.fake_server.engine.records import MediaRecord
from runware_testkit.fake_server.media.files import (
    VIDEO_PIXEL_BUDGET,
    media_bytes,
    media_content_type,
    output_fps,
)
from runware_testkit.fake_server.media.image import probe_image
from runware_testkit.fake_server.media.probe import probe_video


def output(fmt: str, **fields) -> MediaRecord:
    values = {"width": 48, "height": 32, "quality": 60, "seed": 4}
    return MediaRecord.new("m-1", kind="output", format=fmt, created_at=0.0, **{**values, **fields})


@pytest.mark.parametrize(
    ("fmt", "name", "mime"),
    [("png", "PNG", "image/png"), ("jpg", "JPG", "image/jpeg"), ("webp", "WEBP", "image/webp")],
)
def test_image_outputs_render_at_their_size_and_format(fmt: str, name: str, mime: str) -> None:
    record = output(fmt)
    facts = probe_image(media_bytes(record))
    assert (facts.format, facts.width, facts.height) == (name, 48, 32)
    assert media_content_type(record) == mime
    assert media_bytes(record) == media_bytes(output(fmt))
    assert media_bytes(record) != media_bytes(output(fmt, seed=5))


def test_video_outputs_render_with_their_duration() -> None:
    facts = probe_video(media_bytes(output("webm", duration=1.0)))
    assert (facts.width, facts.height, facts.container) == (48, 32, "webm")
    assert facts.duration == pytest.approx(1.0, abs=0.2)


def decoded_frames(data: bytes) -> int:
    with av.open(io.BytesIO(data)) as container:
        return sum(1 for _ in container.decode(video=0))


def test_small_outputs_keep_eight_frames_per_second() -> None:
    assert output_fps(48, 32, 1.0) == 8
    assert decoded_frames(media_bytes(output("mp4", duration=1.0))) == 8


def test_large_outputs_drop_frames_to_stay_within_the_pixel_budget() -> None:
    assert output_fps(1280, 720, 5.0) == 1
    assert output_fps(1280, 720, 1.0) == 4
    assert output_fps(3840, 2160, 10.0) == 1
    record = output("mp4", width=1280, height=720, duration=5.0)
    data = media_bytes(record)
    assert decoded_frames(data) == 5
    assert VIDEO_PIXEL_BUDGET >= 1280 * 720 * 5
    facts = probe_video(data)
    assert (facts.width, facts.height) == (1280, 720)
    assert facts.duration == pytest.approx(5.0, abs=0.2)


def test_stored_bytes_are_served_as_they_are_and_unknown_outputs_refused() -> None:
    assert media_bytes(output("bmp", data=b"BM-bytes")) == b"BM-bytes"
    assert media_content_type(output("bmp")) == "image/bmp"
    assert media_content_type(output("gif")) == "image/gif"
    assert media_content_type(output("zzz")) == "application/octet-stream"
    with pytest.raises(ValueError, match="no stored bytes"):
        media_bytes(output("gif"))
