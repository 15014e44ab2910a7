"""Output choices from the request, then the model's contract, then the inputs, then the
fallback."""

from __future__ import annotations

import pytest

from runware_testkit.contract import load_contract
from runware_testkit.fake_server.handlers.outputs import (
    IMAGE_FORMATS,
    VIDEO_FORMATS,
    OutputChoiceError,
    Preset,
    output_duration,
    output_format,
    output_quality,
    output_size,
    output_type,
    request_default,
    size_presets,
)

from ..contracts import IMAGE_MODEL


@pytest.fixture
def image_model(contract):
    return contract.model(IMAGE_MODEL)


def test_presets_are_read_from_the_request_schema(image_model) -> None:
    assert size_presets(image_model)[:2] == [
        Preset("small", "1:1", 96, 96),
        Preset("small", "16:9", 128, 72),
    ]
    aleph = load_contract().model("runway:2@1")
    assert size_presets(aleph)[0] == Preset("720p", "16:9", 1280, 720)
    assert size_presets(None) == []


def test_size_prefers_the_request_then_resolution_then_defaults(image_model) -> None:
    size = {"fallback": (1, 1), "ratio": "1:1"}
    assert output_size({"width": 64, "height": 32}, image_model, source=None, **size) == (64, 32)
    assert output_size({"resolution": "large"}, image_model, source=None, **size) == (256, 256)
    wide = output_size({"resolution": "large"}, image_model, source=(1920, 1000), **size)
    assert wide == (320, 180)
    assert output_size({}, image_model, source=None, **size) == (96, 96)  # default "small"
    assert output_size({}, None, source=None, **size) == (1, 1)


def test_a_model_not_sized_by_the_request_takes_the_source_size() -> None:
    aleph2 = load_contract().model("runway:aleph@2.0")
    size = {"fallback": (1280, 720), "ratio": "16:9"}
    assert output_size({}, aleph2, source=(320, 176), **size) == (320, 176)
    assert output_size({}, aleph2, source=None, **size) == (1280, 720)
    aleph = load_contract().model("runway:2@1")
    assert output_size({}, aleph, source=(320, 176), **size) == (1280, 720)


def test_format_quality_type_and_duration_fall_back_in_order(image_model) -> None:
    assert output_format({"outputFormat": "webp"}, image_model, IMAGE_FORMATS, "PNG") == "webp"
    assert output_format({}, image_model, IMAGE_FORMATS, "PNG") == "jpg"  # contract default
    assert output_format({}, None, VIDEO_FORMATS, "MP4") == "mp4"
    with pytest.raises(OutputChoiceError) as caught:
        output_format({"outputFormat": "TIFF"}, image_model, IMAGE_FORMATS, "JPG")
    assert caught.value.to_error()["code"] == "invalidOutputFormat"
    assert output_quality({"outputQuality": 40}, image_model) == 40
    assert output_quality({}, None) == 95
    assert output_type({"outputType": "BASE64DATA"}, image_model) == "base64Data"
    assert output_type({"outputType": ["dataURI", "URL"]}, None) == "dataURI"
    assert output_type({}, image_model) == "URL"
    assert output_duration({"duration": 7}, None, source=3.0, fallback=5.0) == 7.0
    assert output_duration({"duration": "auto"}, None, source=3.0, fallback=5.0) == 3.0
    assert output_duration({}, None, source=None, fallback=5.0) == 5.0
    assert request_default(image_model, "outputQuality") == 95
    assert request_default(None, "outputQuality") is None
