"""Media errors carry Runware-shaped error objects."""

from __future__ import annotations

import pytest

from runware_testkit.fake_server.media.errors import (
    InvalidImage,
    InvalidUpscale,
    InvalidVideo,
    MediaError,
    invalid_code,
)


@pytest.mark.parametrize(
    ("parameter", "code"),
    [
        ("image", "invalidImage"),
        ("inputs.video", "invalidVideo"),
        ("inputs.referenceImages[3]", "invalidReferenceImages"),
        ("seedImage", "invalidSeedImage"),
    ],
)
def test_invalid_code_follows_the_parameter(parameter: str, code: str) -> None:
    assert invalid_code(parameter) == code


def test_to_error_includes_the_parameter_only_when_known() -> None:
    assert MediaError("invalidX", "bad x", "x").to_error() == {
        "code": "invalidX",
        "message": "bad x",
        "parameter": "x",
    }
    assert MediaError("invalidX", "bad x").to_error() == {"code": "invalidX", "message": "bad x"}


@pytest.mark.parametrize("kind", [InvalidImage, InvalidVideo, InvalidUpscale])
def test_every_media_error_is_a_400_value_error(kind: type[MediaError]) -> None:
    error = kind("invalidImage", "message")
    assert isinstance(error, ValueError) and isinstance(error, MediaError)
    assert error.http_status == 400
    assert str(error) == "message"
