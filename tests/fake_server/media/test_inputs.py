"""What uploaded bytes are: images by their header, videos by probing."""

from __future__ import annotations

import pytest

from runware_testkit.fake_server.media.image import render_image
from runware_testkit.fake_server.media.inputs import MediaInputError, identify_upload, sniff_format
from runware_testkit.fake_server.media.video import render_video


@pytest.mark.parametrize(("fmt", "extension"), [("PNG", "png"), ("JPG", "jpg"), ("WEBP", "webp")])
def test_images_are_identified_with_their_size(fmt: str, extension: str) -> None:
    upload = identify_upload(render_image(fmt, 30, 20), parameter="media")
    assert (upload.kind, upload.extension, upload.width, upload.height) == (
        "image",
        extension,
        30,
        20,
    )
    assert upload.duration is None


def test_videos_are_identified_with_their_size_and_length() -> None:
    upload = identify_upload(render_video("MP4", 64, 48, duration=1.0), parameter="media")
    assert (upload.kind, upload.extension, upload.width, upload.height) == ("video", "mp4", 64, 48)
    assert upload.duration == pytest.approx(1.0, abs=0.2)


@pytest.mark.parametrize("data", [b"not media at all", b"\x89PNG\r\n\x1a\n" + b"\x00" * 8])
def test_other_bytes_are_invalid_media(data: bytes) -> None:
    with pytest.raises(MediaInputError) as caught:
        identify_upload(data, parameter="media")
    assert (caught.value.code, caught.value.parameter) == ("invalidMedia", "media")
    with pytest.raises(ValueError):
        sniff_format(data)
