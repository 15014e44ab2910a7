"""Enum values in another letter case: accepted, with a warning naming the canonical spelling."""

from __future__ import annotations

import copy

import pytest

from runware_testkit.validation import ValidationWarning, Validator
from runware_testkit.validation.casefold import canonical_spelling

from .conftest import ALEPH, ALEPH2, DOC2, UUID4
from .official import BFL, task


@pytest.mark.parametrize(
    ("value", "allowed", "canonical"),
    [
        ("mp4", ["MP4", "WEBM", "MOV"], "MP4"),
        ("Webm", ["MP4", "WEBM", "MOV"], "WEBM"),
        ("MP4", ["MP4", "WEBM"], "MP4"),
        ("ASYNC", ["async"], "async"),
        ("gif", ["MP4", "WEBM"], None),
        ("auto", ["auto", "AUTO"], None),  # two spellings: no way to choose
        ("FIRST", ["first", "last", 0, -1], None),  # mixed enum: exact match only
        (4, ["MP4"], None),
        ("mp4", [], None),
    ],
)
def test_canonical_spelling(value: object, allowed: list[object], canonical: str | None) -> None:
    assert canonical_spelling(value, allowed) == canonical


@pytest.mark.parametrize("air", [ALEPH, ALEPH2])
def test_lower_case_enums_accepted_with_warnings(validator: Validator, air: str) -> None:
    original = {
        "taskType": "videoInference",
        "taskUUID": "3ad204c3-a9de-4963-8a1a-c3911e3afafe",
        "model": air,
        "positivePrompt": "A lighthouse in a storm",
        "inputs": {"video": "https://example.com/in.mp4"},
        "outputFormat": "mp4",
        "outputType": "url",
        "deliveryMethod": "Async",
        "safety": {"mode": "FAST"},
    }
    given = copy.deepcopy(original)
    assert validator.validate_request(given) == []
    check = validator.check_task(given)
    assert check.ok
    assert given == original  # never changed in place
    assert check.task == {
        **original,
        "outputFormat": "MP4",
        "outputType": "URL",
        "deliveryMethod": "async",
        "safety": {"mode": "fast"},
    }
    by_parameter = {w.parameter: w for w in check.warnings}
    assert set(by_parameter) == {"outputFormat", "outputType", "deliveryMethod", "safety.mode"}
    warning = by_parameter["outputFormat"]
    assert isinstance(warning, ValidationWarning)
    assert (warning.code, warning.value, warning.canonical) == ("nonCanonicalValue", "mp4", "MP4")
    assert warning.pointer == "/outputFormat"
    assert warning.taskUUID == original["taskUUID"]
    assert warning.message == (
        "outputFormat: 'mp4' accepted as 'MP4'; enum values are matched regardless of case, "
        "the documented spelling is 'MP4'"
    )
    assert by_parameter["safety.mode"].pointer == "/safety/mode"
    assert warning.to_dict()["canonical"] == "MP4"
    assert "pointer" not in warning.to_dict()


def test_canonical_input_has_no_warnings_and_is_returned_as_is(validator, task2) -> None:
    check = validator.check_task(task2)
    assert (check.errors, check.warnings) == ((), ())
    assert check.task is task2


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"taskType": "VIDEOINFERENCE"}, "unsupportedTaskType"),  # const: exact
        ({"model": "RUNWAY:ALEPH@2.0"}, "unknownModel"),  # the AIR is not an enum
        ({"outputFormat": "gif"}, "invalidOutputFormat"),  # no allowed value matches
    ],
)
def test_not_folded(validator: Validator, task2: dict, change: dict, code: str) -> None:
    task2.update(change)
    check = validator.check_task(task2)
    assert [e.code for e in check.errors] == [code]
    assert check.warnings == ()


def test_mixed_enum_is_exact(validator: Validator, task2: dict) -> None:
    task2["inputs"]["frameImages"] = [{"image": UUID4, "frame": "FIRST"}]
    check = validator.check_task(task2)
    assert check.error.code == "invalidFrame"
    assert check.warnings == ()


def test_folded_value_and_a_real_error(validator: Validator, task2: dict) -> None:
    task2["outputFormat"] = "mov"
    task2["outputQuality"] = 5
    check = validator.check_task(task2, mode="all")
    assert [e.code for e in check.errors] == ["invalidOutputQuality"]
    assert [w.canonical for w in check.warnings] == ["MOV"]
    assert check.warnings[0].documentation == f"{DOC2}#request-outputformat"


def test_batch_reports_carry_warnings(validator: Validator, task1: dict, task2: dict) -> None:
    task2["outputFormat"] = "webm"
    reports = validator.validate_batch([task1, task2])
    assert [len(r.warnings) for r in reports] == [0, 1]
    assert reports[1].ok
    assert reports[1].pointer(reports[1].warnings[0]) == "/1/outputFormat"


def test_folded_task_claims_its_uuid(validator: Validator, task2: dict) -> None:
    seen: set[str] = set()
    task2["outputFormat"] = "webm"
    assert validator.check_task(task2, seen_task_uuids=seen).ok
    assert seen == {task2["taskUUID"]}


def test_official_document_enum(official: Validator) -> None:
    check = official.check_task(task(BFL, outputFormat="webp", deliveryMethod="SYNC"))
    assert check.ok
    assert {(w.parameter, w.canonical) for w in check.warnings} == {
        ("outputFormat", "WEBP"),
        ("deliveryMethod", "sync"),
    }
