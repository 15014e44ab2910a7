"""Runware's own per-model documents: every cross-field keyword they use gives a clear error.

The contract is built from the six documents' ``RequestBody.items`` (see `official`); each test
names the document and the rule (``allOf[N]``) it exercises.
"""

from __future__ import annotations

from typing import Any

import pytest

from runware_testkit.validation import RunwareError, Validator
from runware_testkit.validation.codes import Kind

from .official import (
    BFL,
    IMAGE,
    LTX,
    MINIMAX,
    MUSE,
    SEEDANCE,
    UPSCALER,
    VIDEO,
    document,
    request_schema,
    task,
)


def only(errors: list[RunwareError]) -> RunwareError:
    assert len(errors) == 1, [e.to_dict() for e in errors]
    return errors[0]


@pytest.fixture(params=["fast", "slow"])
def v(request: pytest.FixtureRequest, official: Validator) -> Validator:
    """Every test runs with and without the jsonschema_rs valid-path check."""
    if request.param == "fast":
        return official
    return Validator(official.contract, fast=False)


def test_every_document_is_loaded(official: Validator) -> None:
    assert sorted(official.models) == sorted([BFL, SEEDANCE, UPSCALER, LTX, MUSE, MINIMAX])
    schema = official.contract.model(MINIMAX).request
    assert schema == request_schema(document("minimax-h3"))
    assert official.contract.model(UPSCALER).task_type == "upscale"


@pytest.mark.parametrize("air", [BFL, SEEDANCE, UPSCALER, LTX, MUSE, MINIMAX])
def test_minimal_task_is_valid(v: Validator, air: str) -> None:
    assert v.validate_request(task(air)) == []


# -- dependentRequired -----------------------------------------------------------------------


@pytest.mark.parametrize(("present", "missing"), [("width", "height"), ("height", "width")])
def test_dependent_required_names_both(v: Validator, present: str, missing: str) -> None:
    error = only(v.validate_request(task(MUSE, **{present: 1600})))
    assert error.code == f"missing{missing.capitalize()}"
    assert error.parameter == ["width", "height"]
    assert error.kind == Kind.BROKEN_PAIR
    assert error.type == "integer"
    assert error.message == (
        f"Missing required parameter: '{missing}'. width and height go together: {present} was "
        f"given without {missing}."
    )


def test_dependent_required_inside_array_items(v: Validator) -> None:
    box = {"id": "a", "sourceBox": [0, 0, 10, 10], "targetBox": [0, 0, 5, 5]}
    bad = task(BFL, inputs={"referenceImages": [IMAGE]}, settings={"boundingBoxes": [box]})
    error = only(v.validate_request(bad))
    assert error.code == "missingReferenceIndex"
    assert error.parameter == [
        "settings.boundingBoxes.0.referenceIndex",
        "settings.boundingBoxes.0.sourceBox",
    ]


# -- not: {allOf: [...required...]} exclusions -----------------------------------------------


def test_exclusion_of_resolution_and_size(v: Validator) -> None:
    bad = task(MUSE, resolution="2K", width=1600, height=1600, inputs={"referenceImages": [IMAGE]})
    error = only(v.validate_request(bad))
    assert error.code == "incompatibleParameters"
    assert error.parameter == ["resolution", "width", "height"]
    assert error.kind == Kind.INCOMPATIBLE
    assert error.message == "resolution cannot be used together with width and height"
    assert error.pointer == "/resolution"


@pytest.mark.parametrize(
    ("air", "inputs", "names"),
    [
        (
            SEEDANCE,
            {"frameImages": [IMAGE], "video": VIDEO},
            ["inputs.frameImages", "inputs.video"],
        ),
        (
            MINIMAX,
            {"frameImages": [IMAGE], "referenceImages": [IMAGE], "referenceVideos": [VIDEO]},
            ["inputs.frameImages", "inputs.referenceImages", "inputs.referenceVideos"],
        ),
        (LTX, {"frameImages": [IMAGE], "audio": VIDEO, "referenceImages": [IMAGE]}, None),
    ],
)
def test_exclusion_of_nested_inputs(
    v: Validator, air: str, inputs: dict[str, Any], names: list[str] | None
) -> None:
    errors = v.validate_request(task(air, inputs=inputs))
    incompatible = [e for e in errors if e.code == "incompatibleParameters"]
    error = incompatible[0]
    if names is not None:
        assert error.parameter == names
        assert error.message == f"{names[0]} cannot be used together with " + (
            " and ".join(names[1:]) if len(names) == 2 else f"{names[1]} and {names[2]}"
        )
    else:
        assert error.parameter == ["inputs.frameImages", "inputs.audio"]


# -- if / then ---------------------------------------------------------------------------------


def test_then_required_names_the_trigger(v: Validator) -> None:
    error = only(v.validate_request(task(SEEDANCE, settings={"operation": "extend"})))
    assert error.code == "missingVideo"
    assert error.parameter == ["settings.operation", "inputs.video"]
    assert error.pointer == "/settings/operation"
    assert error.kind == Kind.BROKEN_PAIR
    assert error.type == "string"
    assert error.message == (
        "Missing required parameter: 'inputs.video' (required when settings.operation is given)."
    )


@pytest.mark.parametrize(
    ("air", "fields", "code", "parameter", "phrase"),
    [
        (
            LTX,
            {"inputs": {"audio": VIDEO}},
            "missingReferenceImages",
            ["inputs.audio", "inputs.referenceImages"],
            "inputs.audio is given",
        ),
        (
            LTX,
            {"inputs": {"referenceImages": [IMAGE]}},
            "missingAudio",
            ["inputs.referenceImages", "inputs.audio"],
            "inputs.referenceImages is given",
        ),
        (
            MUSE,
            {"resolution": "2K"},
            "missingReferenceImages",
            ["resolution", "inputs.referenceImages"],
            "resolution is given",
        ),
    ],
)
def test_then_required_nested(
    v: Validator, air: str, fields: dict[str, Any], code: str, parameter: list[str], phrase: str
) -> None:
    error = only(v.validate_request(task(air, **fields)))
    assert (error.code, error.parameter) == (code, parameter)
    assert error.message.endswith(f"(required when {phrase}).")


def test_then_required_one_of_several(v: Validator) -> None:
    error = only(v.validate_request(task(MINIMAX, inputs={"referenceAudios": [VIDEO]})))
    assert error.code == "missingReferenceImages"
    assert error.parameter == [
        "inputs.referenceAudios",
        "inputs.referenceImages",
        "inputs.referenceVideos",
    ]
    assert error.message == (
        "Missing required parameter: one of 'inputs.referenceImages', 'inputs.referenceVideos' "
        "(required when inputs.referenceAudios is given)."
    )
    error = only(v.validate_request(task(MINIMAX, resolution="768p")))
    assert error.parameter == [
        "resolution",
        "inputs.frameImages",
        "inputs.referenceImages",
        "inputs.referenceVideos",
    ]


def test_then_required_under_a_negated_condition(v: Validator) -> None:
    error = only(v.validate_request(task(SEEDANCE, positivePrompt=None)))
    assert (error.code, error.parameter, error.kind) == (
        "missingPositivePrompt",
        "positivePrompt",
        Kind.MISSING,
    )
    assert error.message == (
        "Missing required parameter: 'positivePrompt' (required when none of "
        "inputs.frameImages, inputs.referenceImages, inputs.referenceVideos, "
        "inputs.referenceAudios, inputs.video is given)."
    )
    assert v.validate_request(task(SEEDANCE, positivePrompt=None, inputs={"video": VIDEO})) == []


def test_then_value_restriction_is_incompatible_naming_the_trigger(v: Validator) -> None:
    bad = task(SEEDANCE, settings={"operation": "edit"}, inputs={"video": VIDEO}, duration=5)
    error = only(v.validate_request(bad))
    assert error.code == "incompatibleParameters"
    assert error.parameter == ["settings.operation", "duration"]
    assert error.message == "duration: expected auto when settings.operation is 'edit'; found 5"
    bad["duration"] = "auto"
    assert v.validate_request(bad) == []


@pytest.mark.parametrize(
    ("fields", "parameter", "message"),
    [
        (
            {"fps": 50, "duration": 20},
            ["fps", "duration"],
            "duration: expected a number <= 10 when fps is 50; found 20",
        ),
        (
            {"width": 3840, "height": 2160, "duration": 20},
            ["width", "height", "duration"],
            "duration: expected a number <= 10 when width is 3840 and height is 2160; found 20",
        ),
    ],
)
def test_then_maximum_names_the_trigger(
    v: Validator, fields: dict[str, Any], parameter: list[str], message: str
) -> None:
    error = only(v.validate_request(task(LTX, **fields)))
    assert (error.code, error.parameter, error.message) == (
        "incompatibleParameters",
        parameter,
        message,
    )


def test_then_not_is_incompatible_naming_the_trigger(v: Validator) -> None:
    bad = task(SEEDANCE, inputs={"video": VIDEO}, width=1280, height=720)
    error = only(v.validate_request(bad))
    assert error.code == "incompatibleParameters"
    assert error.parameter == ["inputs.video", "width", "height"]
    assert error.message == (
        "inputs.video, width and height cannot be used together: width and height are not "
        "allowed when inputs.video is given"
    )
    audio = task(
        LTX,
        inputs={"audio": VIDEO, "referenceImages": [IMAGE]},
        duration=6,
        settings={"cameraMovement": "static"},
    )
    error = only(v.validate_request(audio))
    assert error.parameter == ["inputs.audio", "duration", "settings.cameraMovement"]


def test_then_false_schema_names_the_parameter_and_the_condition(v: Validator) -> None:
    box = {"id": "a", "referenceIndex": 0, "targetBox": [0, 0, 5, 5]}
    error = only(v.validate_request(task(BFL, settings={"boundingBoxes": [box]})))
    assert error.code == "incompatibleParameters"
    assert error.parameter == ["settings.boundingBoxes.0.referenceIndex", "inputs.referenceImages"]
    assert error.pointer == "/settings/boundingBoxes/0/referenceIndex"
    assert error.message == (
        "settings.boundingBoxes.0.referenceIndex: not allowed when inputs.referenceImages is not "
        "given; found 0"
    )
    box = {"id": "a", "targetBox": None}
    error = only(v.validate_request(task(BFL, settings={"boundingBoxes": [box]})))
    assert error.message == (
        "settings.boundingBoxes.0.targetBox: expected an array when inputs.referenceImages is "
        "not given; found null"
    )
    ok = task(BFL, inputs={"referenceImages": [IMAGE]}, settings={"boundingBoxes": [box]})
    assert v.validate_request(ok) == []


# -- width/height presets (oneOf of titled consts) -------------------------------------------


@pytest.mark.parametrize("air", [SEEDANCE, MINIMAX, MUSE, BFL, LTX])
def test_preset_lists_the_supported_sizes(v: Validator, air: str) -> None:
    error = only(v.validate_request(task(air, width=1000, height=1001)))
    assert error.code == "unsupportedDimensions"
    assert error.parameter == ["width", "height"]
    assert error.kind == Kind.BAD_PRESET
    assert error.type == "integer"
    sizes = error.allowedValues
    assert sizes and all("x" in size for size in sizes)
    assert error.message.startswith(
        "Unsupported use of width/height parameters. The specified dimensions (1000x1001) are "
        "not supported for the selected model. Supported values are: "
    )
    assert error.message.endswith(", ".join(f"'{size}'" for size in sizes) + ".")
    width, height = map(int, sizes[0].split("x"))
    assert v.validate_request(task(air, width=width, height=height)) == []


def test_conditional_preset_names_its_other_trigger(v: Validator) -> None:
    audio = {"audio": VIDEO, "referenceImages": [IMAGE]}
    error = only(v.validate_request(task(LTX, inputs=audio, width=1280, height=720)))
    assert error.code == "unsupportedDimensions"
    assert error.allowedValues == ["1920x1080", "1080x1920"]
    assert " for the selected model when inputs.audio is given. " in error.message


# -- contains, multipleOf, pattern, oneOf consts, oneOf of required -----------------------------


@pytest.mark.parametrize("air", [MINIMAX, SEEDANCE, LTX])
def test_contains(v: Validator, air: str) -> None:
    frames = [{"image": IMAGE, "frame": "last"}]
    error = only(v.validate_request(task(air, inputs={"frameImages": frames})))
    assert (error.code, error.parameter, error.type) == (
        "invalidFrameImages",
        "inputs.frameImages",
        "array",
    )
    assert error.message == (
        "inputs.frameImages: expected at least one item that is not an object whose frame is "
        "last or -1; found an array of 1 item without one"
    )
    frames.insert(0, {"image": IMAGE, "frame": "first"})
    assert v.validate_request(task(air, inputs={"frameImages": frames})) == []


@pytest.mark.parametrize(("opacity", "ok"), [(0.29, True), (0.57, True), (1, True), (0.295, False)])
def test_multiple_of_uses_decimal_arithmetic(v: Validator, opacity: float, ok: bool) -> None:
    mark = {"watermark": {"text": "hi", "opacity": opacity}}
    errors = v.validate_request(task(BFL, advancedFeatures=mark))
    if ok:
        assert errors == []
    else:
        error = only(errors)
        assert (error.code, error.type) == ("invalidOpacity", "float")
        assert error.message == (
            "advancedFeatures.watermark.opacity: expected a multiple of 0.01; found 0.295"
        )


def test_pattern(v: Validator) -> None:
    mark = {"watermark": {"text": "hi", "fontColor": "red"}}
    error = only(v.validate_request(task(MUSE, advancedFeatures=mark)))
    assert error.code == "invalidFontColor"
    assert error.message == (
        "advancedFeatures.watermark.fontColor: expected a string matching "
        "^#([A-Fa-f0-9]{6}|[A-Fa-f0-9]{3})$; found 'red'"
    )


def test_untitled_image_alternatives_are_described(v: Validator) -> None:
    error = only(v.validate_request(task(BFL, inputs={"referenceImages": ["not an image!"]})))
    assert error.message == (
        "inputs.referenceImages.0: expected a UUID, a URI, a data URI or base64 data; found "
        "'not an image!'"
    )


def test_one_of_const_enum(v: Validator) -> None:
    error = only(v.validate_request(task(BFL, deliveryMethod="stream")))
    assert (error.code, error.allowedValues, error.type) == (
        "invalidDeliveryMethod",
        ["sync", "async"],
        "string",
    )
    assert error.message == "deliveryMethod: expected one of sync, async; found 'stream'"


def test_one_of_required_members(v: Validator) -> None:
    both = {"watermark": {"text": "hi", "image": IMAGE}}
    error = only(v.validate_request(task(BFL, advancedFeatures=both)))
    assert error.code == "incompatibleParameters"
    assert error.parameter == [
        "advancedFeatures.watermark.text",
        "advancedFeatures.watermark.image",
    ]
    neither = {"watermark": {"opacity": 0.5}}
    error = only(v.validate_request(task(BFL, advancedFeatures=neither)))
    assert error.code == "missingText"
    assert error.message == (
        "Missing required parameter: one of 'advancedFeatures.watermark.text', "
        "'advancedFeatures.watermark.image'."
    )


# -- the wire shapes of points 2 to 4 on the official documents ------------------------------


def test_unknown_key_lists_the_documented_parameters(v: Validator) -> None:
    error = only(v.validate_request(task(UPSCALER, inputs={"video": VIDEO}, scale=2)))
    assert (error.code, error.parameter, error.kind) == (
        "unsupportedParameter",
        "scale",
        Kind.UNKNOWN_KEY,
    )
    allowed = [
        "model", "taskType", "taskUUID", "webhookURL", "includeCost", "uploadEndpoint", "ttl",
        "outputQuality", "outputType", "outputFormat", "deliveryMethod", "inputs.video",
    ]  # fmt: skip
    assert error.allowedValues == allowed
    assert error.message == (
        "Unsupported use of 'scale' parameter. This parameter is not supported for the selected "
        "model. Allowed values are: " + ", ".join(f"'{name}'" for name in allowed) + "."
    )


def test_missing_object_blames_its_required_leaf(v: Validator) -> None:
    error = only(v.validate_request(task(UPSCALER, inputs=None)))
    assert (error.code, error.parameter, error.type) == ("missingVideo", "inputs.video", "string")
    assert error.message == "Missing required parameter: 'inputs.video'."


def test_no_message_names_a_bare_keyword(official: Validator) -> None:
    """Every parameter of every document set to wrong values: messages name parameters."""
    weird: list[Any] = [None, True, -1, 1.5, "", "x", [], [1], {}, {"a": 1}, [{"frame": "last"}]]
    checked = 0
    for air in official.models:
        for path in official.contract.model(air).parameter_paths():
            for value in weird:
                bad = task(air)
                node: Any = bad
                *parents, last = path.split(".")
                for name in parents:
                    node = node.setdefault(name, {})
                if not isinstance(node, dict):
                    continue
                node[last] = value
                for error in official.validate_request(bad):
                    checked += 1
                    assert error.code and error.message
                    for raw in ("satisfying", "None", "False schema", "validator", "0x"):
                        assert raw not in error.message, (path, value, error.message)
    assert checked > 1000
