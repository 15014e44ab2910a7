"""One test per constraint kind: exact code, parameter, documentation anchor, allowedValues."""

from __future__ import annotations

import pytest

from runware_testkit.validation import RunwareError, Validator
from runware_testkit.validation.codes import Kind
from runware_testkit.validation.translate import expectation, finish

from .conftest import ALEPH, ALEPH2, DOC1, DOC2, UUID4


def only(errors: list[RunwareError]) -> RunwareError:
    assert len(errors) == 1, [e.to_dict() for e in errors]
    return errors[0]


@pytest.fixture(params=["fast", "slow"])
def v(request, validator, slow_validator) -> Validator:
    """Every test runs with and without the jsonschema_rs valid-path check."""
    return validator if request.param == "fast" else slow_validator


def test_required(v, task1):
    del task1["positivePrompt"]
    error = only(v.validate_request(task1))
    assert error.code == "missingPositivePrompt"
    assert error.parameter == "positivePrompt"
    assert error.pointer == "/positivePrompt"
    assert error.kind == Kind.MISSING
    assert error.documentation == f"{DOC1}#request-positiveprompt"
    assert error.taskUUID == task1["taskUUID"]
    assert error.taskType == "videoInference"
    assert error.message == "Missing required parameter: 'positivePrompt'."
    assert error.type == "string"


def test_required_nested(v, task2):
    del task2["inputs"]["video"]
    error = only(v.validate_request(task2))
    assert (error.code, error.parameter) == ("missingVideo", "inputs.video")
    assert error.documentation == f"{DOC2}#request-inputs-video"
    assert error.pointer == "/inputs/video"


def test_required_in_array_item(v, task2):
    task2["inputs"]["frameImages"] = [UUID4, {"frame": "last"}]
    error = only(v.validate_request(task2))
    assert (error.code, error.parameter) == ("missingImage", "inputs.frameImages.1.image")
    assert error.documentation == f"{DOC2}#request-inputs-frameimages-image"


def test_const(v):
    error = only(v.validate_request({"taskType": "ping", "ping": False}))
    assert (error.code, error.parameter, error.kind) == ("invalidPing", "ping", Kind.NOT_ALLOWED)
    assert error.allowedValues == [True]
    assert error.message == "ping: expected true; found false"


def test_const_in_result(v):
    item = {"taskType": "imageInference", "taskUUID": UUID4, "videoUUID": UUID4}
    error = only(v.validate_result(item, model=ALEPH))
    assert error.code == "invalidTaskType"
    assert error.allowedValues == ["videoInference"]
    assert error.documentation == f"{DOC1}#response-tasktype"


def test_enum_like_one_of(v, task1):
    task1["outputFormat"] = "AVI"
    error = only(v.validate_request(task1))
    assert error.code == "invalidOutputFormat"
    assert error.allowedValues == ["MP4", "WEBM", "MOV"]
    assert error.message == "outputFormat: expected one of MP4, WEBM, MOV; found 'AVI'"
    assert error.documentation == f"{DOC1}#request-outputformat"
    assert error.kind == Kind.NOT_ALLOWED


def test_enum_like_one_of_nested(v, task1):
    task1["providerSettings"]["runway"]["contentModeration"]["publicFigureThreshold"] = "high"
    error = only(v.validate_request(task1))
    assert error.code == "invalidPublicFigureThreshold"
    assert error.parameter == "providerSettings.runway.contentModeration.publicFigureThreshold"
    assert error.allowedValues == ["auto", "low"]
    assert error.documentation == (
        f"{DOC1}#request-providersettings-runway-contentmoderation-publicfigurethreshold"
    )


def test_enum_keyword(v):
    task = {"taskType": "mediaStorage", "taskUUID": UUID4, "operation": "copy", "media": "x"}
    error = only(v.validate_request(task))
    assert (error.code, error.allowedValues) == ("invalidOperation", ["upload", "delete"])


def test_single_value_one_of(v, task2):
    task2["deliveryMethod"] = "sync"
    error = only(v.validate_request(task2))
    assert error.code == "invalidDeliveryMethod"
    assert error.allowedValues == ["async"]
    assert error.message == "deliveryMethod: expected async; found 'sync'"


def test_mixed_type_enum_prefers_allowed_values_over_type(v, task2):
    task2["inputs"]["frameImages"] = [{"image": UUID4, "frame": 2.5}]
    error = only(v.validate_request(task2))
    assert error.code == "invalidFrame"
    assert error.parameter == "inputs.frameImages.0.frame"
    assert error.allowedValues == ["first", "last", 0, -1]
    assert (
        error.message == "inputs.frameImages.0.frame: expected one of first, last, 0, -1; found 2.5"
    )


@pytest.mark.parametrize(
    ("key", "value", "code", "message"),
    [
        ("outputQuality", 5, "invalidOutputQuality", "expected an integer from 20 to 99; found 5"),
        ("numberResults", 5, "invalidNumberResults", "expected an integer from 1 to 4; found 5"),
        ("ttl", 59, "invalidTtl", "expected an integer >= 60; found 59"),
        ("seed", -1, "invalidSeed", "expected an integer from 0 to 4294967295; found -1"),
    ],
)
def test_minimum_maximum(v, task1, key, value, code, message):
    task1[key] = value
    error = only(v.validate_request(task1))
    assert (error.code, error.parameter, error.kind) == (code, key, Kind.OUT_OF_RANGE)
    assert error.message == f"{key}: {message}"
    assert error.documentation == f"{DOC1}#request-{key.lower()}"


def test_maximum_of_number(v, task2):
    task2["inputs"]["frameImages"] = [{"image": UUID4, "timestamp": 30.5}]
    error = only(v.validate_request(task2))
    assert error.code == "invalidTimestamp"
    assert error.message.endswith("expected a number from 0 to 30; found 30.5")


@pytest.mark.parametrize(
    ("prompt", "found"), [("", "found an empty string"), ("x" * 1001, "found 1001 characters")]
)
def test_length(v, task1, prompt, found):
    task1["positivePrompt"] = prompt
    error = only(v.validate_request(task1))
    assert (error.code, error.kind) == ("invalidPositivePrompt", Kind.BAD_LENGTH)
    assert error.message == f"positivePrompt: expected 1 to 1000 characters; {found}"


def test_type(v, task1):
    task1["includeCost"] = "yes"
    error = only(v.validate_request(task1))
    assert (error.code, error.kind) == ("invalidIncludeCost", Kind.WRONG_TYPE)
    assert error.message == "includeCost: expected a boolean; found 'yes'"
    assert error.documentation == f"{DOC1}#request-includecost"


@pytest.mark.parametrize(
    ("present", "absent", "code"),
    [("width", "height", "missingHeight"), ("height", "width", "missingWidth")],
)
def test_paired(v, task1, present, absent, code):
    del task1[absent]
    error = only(v.validate_request(task1))
    assert error.code == code
    assert error.parameter == ["width", "height"]
    assert error.pointer == f"/{present}"
    assert error.kind == Kind.BROKEN_PAIR
    assert error.documentation == f"{DOC1}#request-{present}"
    assert error.to_dict()["parameter"] == ["width", "height"]


def test_preset(v, task1):
    task1["width"] = 1000
    error = only(v.validate_request(task1))
    assert error.code == "unsupportedDimensions"
    assert error.parameter == ["width", "height"]
    assert error.pointer == "/width"
    assert error.kind == Kind.BAD_PRESET
    assert error.documentation == f"{DOC1}#request-width"
    assert error.allowedValues == [
        "1280x720", "720x1280", "1104x832", "832x1104", "960x960", "1584x672", "848x480", "640x480",
    ]  # fmt: skip
    assert error.type == "integer"
    assert error.message == (
        "Unsupported use of width/height parameters. The specified dimensions (1000x720) are not "
        "supported for the selected model. Supported values are: '1280x720', '720x1280', "
        "'1104x832', '832x1104', '960x960', '1584x672', '848x480', '640x480'."
    )


def test_preset_is_not_reported_when_a_member_has_the_wrong_type(v, task1):
    task1["width"] = "1280"
    error = only(v.validate_request(task1))
    assert (error.code, error.parameter) == ("invalidWidth", "width")


@pytest.mark.parametrize(("count", "kind"), [(6, Kind.TOO_MANY_ITEMS), (0, Kind.TOO_FEW_ITEMS)])
def test_item_count(v, task2, count, kind):
    task2["inputs"]["frameImages"] = [UUID4] * count
    error = only(v.validate_request(task2))
    assert (error.code, error.parameter, error.kind) == (
        "invalidFrameImages",
        "inputs.frameImages",
        kind,
    )
    assert error.documentation == f"{DOC2}#request-inputs-frameimages"
    found = "no items" if count == 0 else f"{count} items"
    assert error.message == f"inputs.frameImages: expected 1 to 5 items; found {found}"


@pytest.mark.parametrize(
    ("uuid", "message"),
    [
        ("nope", "taskUUID: expected a UUID (8-4-4-4-12 hex digits); found 'nope'"),
        (
            "aac49721-1964-181a-ae78-8a4e29b91402",
            "taskUUID: expected a version 4 UUID; found "
            "'aac49721-1964-181a-ae78-8a4e29b91402' (version 1)",
        ),
    ],
)
def test_format_uuid(v, task1, uuid, message):
    task1["taskUUID"] = uuid
    error = only(v.validate_request(task1))
    assert (error.code, error.kind, error.message) == ("invalidTaskUUID", Kind.FORMAT, message)
    assert error.documentation == f"{DOC1}#request-taskuuid"


@pytest.mark.parametrize("url", ["not a url", "https://", "https://a b/c"])
def test_format_uri(v, task1, url):
    task1["webhookURL"] = url
    error = only(v.validate_request(task1))
    assert (error.code, error.kind) == ("invalidWebhookURL", Kind.FORMAT)
    assert error.documentation == f"{DOC1}#request-webhookurl"


@pytest.mark.parametrize(
    "image",
    [
        UUID4,
        "https://assets.example.com/a.jpg",
        "http://assets.example.com/a.jpg",
        "data:image/png;base64,iVBORw0KGgo=",
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==",
    ],
)
def test_image_forms_accepted(v, task1, task2, image):
    task1["inputs"]["referenceImages"] = [image]
    task2["inputs"]["frameImages"] = [image, {"image": image, "frame": -1}]
    assert v.validate_request(task1) == []
    assert v.validate_request(task2) == []


@pytest.mark.parametrize(
    "image",
    ["ftp://x", "data:image/png;base64,@@@", "aGVsbG8=\n", "https://", "data:image/png,abc"],
)
def test_image_forms_rejected(v, task1, image):
    task1["inputs"]["referenceImages"] = [UUID4, image]
    error = only(v.validate_request(task1))
    assert error.code == "invalidReferenceImages"
    assert error.parameter == "inputs.referenceImages.1"
    assert error.pointer == "/inputs/referenceImages/1"
    assert error.kind == Kind.NO_MATCH
    assert error.documentation == f"{DOC1}#request-inputs-referenceimages"
    assert error.message.startswith(
        "inputs.referenceImages.1: expected a UUID, an http(s) URL, a data URI or base64 image; "
        "found "
    )


def test_no_match_message(v, task2):
    task2["inputs"]["frameImages"] = ["ftp://x", 7]
    first, second = v.validate_request(task2)
    assert first.message == (
        "inputs.frameImages.0: expected a UUID, an http(s) URL, a data URI or base64 image; "
        "found 'ftp://x'"
    )
    assert second.message == (
        "inputs.frameImages.1: expected a UUID, an http(s) URL, a data URI, base64 image or an "
        "object with 'image'; found 7"
    )


def test_video_form(v, task2):
    task2["inputs"]["video"] = "data:video/mp4;base64,AAAA"
    error = only(v.validate_request(task2))
    assert error.code == "invalidVideo"
    assert error.message == (
        "inputs.video: expected a UUID or an http(s) URL; found 'data:video/mp4;base64,AAAA'"
    )


@pytest.mark.parametrize("stamp", [0, 0.29, 1.5, 29.99, 30])
def test_step_accepted(v, task2, stamp):
    task2["inputs"]["frameImages"] = [{"image": UUID4, "timestamp": stamp}]
    assert v.validate_request(task2) == []


@pytest.mark.parametrize("stamp", [0.291, 0.005, 29.999, float("nan")])
def test_step_rejected(v, task2, stamp):
    task2["inputs"]["frameImages"] = [UUID4, {"image": UUID4, "timestamp": stamp}]
    error = only(v.validate_request(task2))
    assert (error.code, error.kind) == ("invalidTimestamp", Kind.BAD_STEP)
    assert error.parameter == "inputs.frameImages.1.timestamp"
    assert error.documentation == f"{DOC2}#request-inputs-frameimages-timestamp"
    assert "expected a multiple of 0.01" in error.message


def test_incompatible(v, task2):
    task2["inputs"]["frameImages"] = [
        UUID4,
        UUID4,
        {"image": UUID4, "frame": "last", "timestamp": 2},
    ]
    error = only(v.validate_request(task2))
    assert error.code == "incompatibleParameters"
    assert error.parameter == ["inputs.frameImages.2.frame", "inputs.frameImages.2.timestamp"]
    assert error.pointer == "/inputs/frameImages/2/frame"
    assert error.kind == Kind.INCOMPATIBLE
    assert error.documentation == f"{DOC2}#request-inputs-frameimages-frame"


@pytest.mark.parametrize(
    ("path", "key", "hint"),
    [
        ((), "positivePromt", "did you mean 'positivePrompt'?"),
        ((), "PositivePrompt", "did you mean 'positivePrompt'?"),
        (("inputs",), "vidoe", "did you mean 'inputs.video'?"),
        ((), "video", "did you mean 'inputs.video'?"),
    ],
)
def test_unknown_key_with_suggestion(v, task1, path, key, hint):
    target = task1
    for name in path:
        target = target[name]
    target[key] = "x"
    error = only(v.validate_request(task1))
    dotted = ".".join([*path, key])
    assert (error.code, error.parameter, error.kind) == (
        "unsupportedParameter",
        dotted,
        Kind.UNKNOWN_KEY,
    )
    assert error.documentation == DOC1
    hint = hint[0].upper() + hint[1:]
    assert error.message.startswith(
        f"Unsupported use of '{dotted}' parameter. This parameter is not supported for the "
        f"selected model. {hint} Allowed values are: "
    )
    assert error.type is None


def test_unknown_key_in_array_item(v, task2):
    task2["inputs"]["frameImages"] = [{"image": UUID4, "frames": "first"}]
    error = only(v.validate_request(task2))
    assert error.parameter == "inputs.frameImages.0.frames"
    assert "Did you mean 'inputs.frameImages.0.frame'? Allowed values are: " in error.message
    assert error.message.endswith(
        "Allowed values are: 'inputs.frameImages.0.image', 'inputs.frameImages.0.frame', "
        "'inputs.frameImages.0.timestamp'."
    )
    assert error.allowedValues == [
        "inputs.frameImages.0.image",
        "inputs.frameImages.0.frame",
        "inputs.frameImages.0.timestamp",
    ]


@pytest.mark.parametrize(
    ("air", "where", "key", "owner"),
    [
        (ALEPH2, ("inputs",), "referenceImages", ALEPH),
        (ALEPH, ("inputs",), "frameImages", ALEPH2),
        (ALEPH2, (), "width", ALEPH),
        (ALEPH2, ("providerSettings",), None, ALEPH),
    ],
)
def test_other_models_parameter(v, task1, task2, air, where, key, owner):
    task = task2 if air == ALEPH2 else task1
    if key is None:
        task["providerSettings"] = {"runway": {}}
        expected = "providerSettings"
    else:
        target = task
        for name in where:
            target = target[name]
        target[key] = [UUID4]
        expected = ".".join([*where, key])
    errors = v.validate_request(task)
    error = next(e for e in errors if e.parameter == expected)
    assert error.code == "unsupportedParameter"
    assert error.kind == Kind.WRONG_MODEL
    assert f"Only {owner}" in error.message
    assert error.documentation == (DOC2 if air == ALEPH2 else DOC1)


def test_all_errors_at_once(v, task1):
    task1["outputFormat"] = "AVI"
    task1["seed"] = -5
    del task1["inputs"]["video"]
    errors = v.validate_request(task1)
    assert sorted(e.code for e in errors) == ["invalidOutputFormat", "invalidSeed", "missingVideo"]


def test_one_error_per_value(v, task2):
    task2["inputs"]["video"] = 5
    error = only(v.validate_request(task2))
    assert error.message == "inputs.video: expected a UUID or an http(s) URL; found 5"


def test_expectation_phrases():
    assert expectation({"type": "integer", "minimum": 1, "maximum": 4}) == "an integer from 1 to 4"
    assert expectation({"oneOf": [{"const": "a"}, {"const": "b"}]}) == "one of a, b"
    assert expectation({"const": "x"}) == "x"
    assert expectation(None) == "a value"


def test_finish_keeps_most_telling_error_per_value():
    wrong_type = RunwareError("invalidX", "t", "x", pointer="/x", kind=Kind.WRONG_TYPE)
    not_allowed = RunwareError("invalidX", "n", "x", pointer="/x", kind=Kind.NOT_ALLOWED)
    other = RunwareError("invalidY", "y", "y", pointer="/y", kind=Kind.OUT_OF_RANGE)
    assert finish([wrong_type, other, not_allowed]) == [not_allowed, other]


ALEPH_ALLOWED = [
    "taskType", "taskUUID", "outputType", "outputFormat", "outputQuality", "webhookURL",
    "deliveryMethod", "uploadEndpoint", "safety.checkContent", "safety.mode", "ttl",
    "includeCost", "numberResults", "inputs.referenceImages", "inputs.video", "model",
    "positivePrompt", "width", "height", "seed", "providerSettings",
]  # fmt: skip
ALEPH2_ALLOWED = [
    "taskType", "taskUUID", "outputType", "outputFormat", "outputQuality", "webhookURL",
    "deliveryMethod", "uploadEndpoint", "safety.checkContent", "safety.mode", "ttl",
    "includeCost", "numberResults", "inputs.frameImages", "inputs.video", "model",
    "positivePrompt",
]  # fmt: skip


@pytest.mark.parametrize(("air", "allowed"), [(ALEPH, ALEPH_ALLOWED), (ALEPH2, ALEPH2_ALLOWED)])
def test_unknown_key_message_lists_the_accepted_parameters(v, task1, task2, air, allowed):
    task = task1 if air == ALEPH else task2
    task["vjhProbe"] = 1
    error = only(v.validate_request(task))
    assert (error.code, error.parameter) == ("unsupportedParameter", "vjhProbe")
    assert error.allowedValues == allowed
    assert error.message == (
        "Unsupported use of 'vjhProbe' parameter. This parameter is not supported for the "
        "selected model. Allowed values are: " + ", ".join(f"'{name}'" for name in allowed) + "."
    )
    assert "pointer" not in error.to_dict() and error.to_dict()["allowedValues"] == allowed


def test_unknown_nested_key_lists_its_siblings(v, task2):
    task2["inputs"]["audio"] = "https://example.com/a.mp3"
    error = only(v.validate_request(task2))
    assert error.parameter == "inputs.audio"
    assert error.message.endswith("Allowed values are: 'inputs.frameImages', 'inputs.video'.")


def test_very_long_unknown_key_is_cut_short(v, task1):
    task1["k" * 500] = 1
    error = only(v.validate_request(task1))
    assert error.message.startswith("Unsupported use of 'kkkk")
    assert "(500 characters) parameter" in error.message
    assert len(error.message) < 1200


@pytest.mark.parametrize("air", [ALEPH, ALEPH2])
def test_missing_inputs_blames_the_required_leaf(v, task1, task2, air):
    task = task1 if air == ALEPH else task2
    del task["inputs"]
    error = only(v.validate_request(task))
    assert (error.code, error.parameter, error.kind) == (
        "missingVideo",
        "inputs.video",
        Kind.MISSING,
    )
    assert error.pointer == "/inputs/video"
    assert error.message == "Missing required parameter: 'inputs.video'."
    assert error.to_dict()["type"] == "string"


@pytest.mark.parametrize(
    ("change", "code", "type_"),
    [
        ({"seed": "42"}, "invalidSeed", "integer"),
        ({"outputQuality": 1}, "invalidOutputQuality", "integer"),
        ({"includeCost": "yes"}, "invalidIncludeCost", "boolean"),
        ({"outputFormat": "GIF"}, "invalidOutputFormat", "string"),
        ({"inputs": "x"}, "invalidInputs", "object"),
        ({"providerSettings": 5}, "invalidProviderSettings", "object"),
        ({"width": 1000}, "unsupportedDimensions", "integer"),
        ({"positivePromt": "x"}, "unsupportedParameter", None),
    ],
)
def test_type_of_the_parameter(v, task1, change, code, type_):
    task1.update(change)
    error = only(v.validate_request(task1))
    assert (error.code, error.type) == (code, type_)
    assert ("type" in error.to_dict()) == (type_ is not None)


def test_type_float_and_array(v, task2):
    task2["inputs"]["frameImages"] = [{"image": UUID4, "timestamp": -1}]
    error = only(v.validate_request(task2))
    assert (error.code, error.type) == ("invalidTimestamp", "float")
    task2["inputs"]["frameImages"] = []
    error = only(v.validate_request(task2))
    assert (error.code, error.type) == ("invalidFrameImages", "array")
    task2["inputs"]["frameImages"] = [{"image": UUID4, "frame": "middle"}]
    error = only(v.validate_request(task2))
    assert (error.code, error.type) == ("invalidFrame", None)  # strings and integers


def test_condition_is_named_once_through_nested_alternatives():
    from referencing import Registry

    from runware_testkit.validation.compiled import compile_schema
    from runware_testkit.validation.translate import Translator

    schema = {
        "type": "object",
        "properties": {"a": {"type": "string"}, "x": {}},
        "allOf": [
            {
                "if": {"required": ["a"]},
                "then": {
                    "properties": {
                        "x": {"anyOf": [{"type": "integer", "minimum": 5}, {"type": "array"}]}
                    }
                },
            }
        ],
    }
    target = compile_schema("t", schema, Registry())
    instance = {"a": "on", "x": 1}
    translator = Translator(target, None, instance=instance)
    error = only(finish(translator.translate(target.iter_errors(instance))))
    assert (error.code, error.parameter) == ("incompatibleParameters", ["a", "x"])
    assert error.message == "x: expected an integer >= 5 when a is given; found 1"


def test_one_missing_partner_is_one_error_on_an_imported_model() -> None:
    # dependentRequired and the presets' if/then both see height without width: one error.
    from runware_testkit.validation import validate_request

    task = {
        "taskType": "videoInference",
        "taskUUID": "8d3c2a52-4c1b-4d6e-9f3a-2b1c0d9e8f7a",
        "model": "bytedance:seedance@2.5",
        "positivePrompt": "a paper boat",
        "height": 720,
    }
    assert [(e.code, e.parameter) for e in validate_request(task)] == [
        ("missingWidth", ["width", "height"])
    ]
