"""RunwareError: wire form and hashing."""

from __future__ import annotations

from runware_testkit.validation import RunwareError


def test_to_dict_omits_none_and_internal_fields():
    error = RunwareError(
        code="invalidSeed",
        message="seed: expected an integer from 0 to 4294967295; found -1",
        parameter="seed",
        taskType="videoInference",
        pointer="/seed",
        kind="out of range",
    )
    assert error.to_dict() == {
        "code": "invalidSeed",
        "message": "seed: expected an integer from 0 to 4294967295; found -1",
        "parameter": "seed",
        "taskType": "videoInference",
    }


def test_list_parameter_is_hashable_and_copied():
    error = RunwareError(code="missingHeight", message="m", parameter=["width", "height"])
    assert error.to_dict()["parameter"] == ["width", "height"]
    assert error.to_dict()["parameter"] is not error.parameter
    assert len({error, error}) == 1
    assert error.parameters == ["width", "height"]


def test_parameters_of_single_and_none():
    assert RunwareError(code="c", message="m", parameter="seed").parameters == ["seed"]
    assert RunwareError(code="c", message="m").parameters == []


def test_type_is_on_the_wire_and_failure_is_not():
    error = RunwareError(
        code="invalidSeed", message="m", parameter="seed", type="integer", failure="minimum"
    )
    assert error.to_dict() == {
        "code": "invalidSeed",
        "message": "m",
        "parameter": "seed",
        "type": "integer",
    }
    assert error == RunwareError(
        code="invalidSeed", message="m", parameter="seed", type="integer", failure="maximum"
    )


def test_validation_warning_wire_form():
    from runware_testkit.validation import ValidationWarning

    warning = ValidationWarning(
        code="nonCanonicalValue",
        message="m",
        parameter="outputFormat",
        value="mp4",
        canonical="MP4",
        pointer="/outputFormat",
    )
    assert warning.to_dict() == {
        "code": "nonCanonicalValue",
        "message": "m",
        "parameter": "outputFormat",
        "value": "mp4",
        "canonical": "MP4",
    }
