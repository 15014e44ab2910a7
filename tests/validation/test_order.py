"""Runware's order of checks: one error per task, from the first failing check."""

from __future__ import annotations

import pytest

from runware_testkit.validation import (
    Category,
    RunwareError,
    Validator,
    category_of,
    check_task,
    first_error,
    runware_order,
)
from runware_testkit.validation.codes import Kind

from .conftest import ALEPH, ALEPH2
from .official import MINIMAX, MUSE, task


def err(kind: Kind, parameter: str | list[str] | None = "seed", code: str = "c") -> RunwareError:
    return RunwareError(code=code, message=code, parameter=parameter, kind=kind)


@pytest.mark.parametrize(
    ("error", "category"),
    [
        (err(Kind.BAD_TASK, None), Category.ROUTING),
        (err(Kind.UNKNOWN_MODEL, "model"), Category.ROUTING),
        (err(Kind.MISSING, "model"), Category.ROUTING),
        (err(Kind.UNKNOWN_KEY, "widht"), Category.UNKNOWN_PARAMETER),
        (err(Kind.WRONG_MODEL, "width"), Category.UNKNOWN_PARAMETER),
        (err(Kind.MISSING, "inputs.video"), Category.MISSING),
        (err(Kind.BROKEN_PAIR, ["width", "height"]), Category.MISSING),
        (err(Kind.BAD_LENGTH, "positivePrompt"), Category.PROMPT),
        (err(Kind.WRONG_TYPE, "negativePrompt"), Category.PROMPT),
        (err(Kind.BAD_PRESET, ["width", "height"]), Category.VALUE),
        (err(Kind.NOT_ALLOWED, "outputFormat"), Category.VALUE),
        (err(Kind.INCOMPATIBLE, ["inputs.frameImages.0.frame", "x"]), Category.VALUE),
        (err(Kind.CONFLICT, "taskUUID"), Category.CONFLICT),
    ],
)
def test_category_of(error: RunwareError, category: Category) -> None:
    assert category_of(error) == category


def test_first_error_and_order_are_stable_within_a_category() -> None:
    value_a, value_b = err(Kind.OUT_OF_RANGE, "seed", "a"), err(Kind.NOT_ALLOWED, "ttl", "b")
    missing = err(Kind.MISSING, "inputs.video", "m")
    unknown = err(Kind.UNKNOWN_KEY, "widht", "u")
    errors = [value_a, missing, value_b, unknown]
    assert runware_order(errors) == [unknown, missing, value_a, value_b]
    assert first_error(errors) is unknown
    assert first_error([value_b, value_a]) is value_b
    assert first_error([]) is None


@pytest.mark.parametrize("air", [ALEPH, ALEPH2])
def test_each_check_in_turn_on_both_aleph_models(validator: Validator, air: str) -> None:
    bad = {
        "taskType": "videoInference",
        "taskUUID": "3ad204c3-a9de-4963-8a1a-c3911e3afafe",
        "model": air,
        "positivePrompt": "",
        "outputQuality": 5,
        "widht": 1280,
    }
    every = validator.check_task(bad, mode="all").errors
    assert {e.code for e in every} == {
        "unsupportedParameter",
        "missingVideo",
        "invalidPositivePrompt",
        "invalidOutputQuality",
    }
    expected = ["unsupportedParameter", "missingVideo", "invalidPositivePrompt"]
    expected.append("invalidOutputQuality")
    for code in expected:
        check = validator.check_task(bad)
        assert [e.code for e in check.errors] == [code]
        assert check.error is check.errors[0]
        assert not check.ok
        if code == "unsupportedParameter":
            del bad["widht"]
        elif code == "missingVideo":
            bad["inputs"] = {"video": "https://example.com/in.mp4"}
        elif code == "invalidPositivePrompt":
            bad["positivePrompt"] = "a dog"
        else:
            bad["outputQuality"] = 50
    assert validator.check_task(bad).ok


def test_all_mode_is_validate_request(validator: Validator, task1: dict) -> None:
    task1["seed"] = -1
    task1["widht"] = 2
    assert list(validator.check_task(task1, mode="all").errors) == validator.validate_request(task1)
    assert len(validator.validate_request(task1)) == 2


def test_conflict_comes_last(validator: Validator, task1: dict) -> None:
    seen = {task1["taskUUID"]}
    task1["seed"] = -1
    check = validator.check_task(task1, seen_task_uuids=seen, mode="all")
    assert [e.code for e in check.errors] == ["invalidSeed", "conflictTaskUUID"]
    assert [e.code for e in validator.check_task(task1, seen_task_uuids=seen).errors] == [
        "invalidSeed"
    ]
    del task1["seed"]
    assert [e.code for e in validator.check_task(task1, seen_task_uuids=seen).errors] == [
        "conflictTaskUUID"
    ]


def test_first_mode_claims_like_validate_request(validator: Validator, task1: dict) -> None:
    seen: set[str] = set()
    assert validator.check_task(task1, seen_task_uuids=seen).ok
    assert seen == {task1["taskUUID"]}


def test_bad_mode_is_refused(validator: Validator, task1: dict) -> None:
    with pytest.raises(ValueError, match="mode: expected 'first' or 'all'; found 'some'"):
        validator.check_task(task1, mode="some")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="mode"):
        validator.validate_batch([task1], mode="one")  # type: ignore[arg-type]


def test_batch_first_mode_keeps_one_error_per_task(validator: Validator, task1: dict) -> None:
    other = {**task1, "taskUUID": "c00abf5f-6cdb-4642-a01d-1bfff7bc3cf7", "seed": -1, "x": 1}
    reports = validator.validate_batch([task1, other], mode="first")
    assert [[e.code for e in r.errors] for r in reports] == [[], ["unsupportedParameter"]]
    reports = validator.validate_batch([task1, other])
    assert [len(r.errors) for r in reports] == [0, 2]


def test_module_level_check_task_uses_the_shared_validator(task1: dict) -> None:
    del task1["inputs"]
    (error,) = check_task(task1).errors
    assert (error.code, error.parameter) == ("missingVideo", "inputs.video")


def test_order_on_an_official_document(official: Validator) -> None:
    bad = task(MINIMAX, foo=1, positivePrompt="x", duration=99, width=5)
    assert official.check_task(bad).error.code == "unsupportedParameter"
    del bad["foo"]
    first = official.check_task(bad).error
    assert (first.code, first.parameter) == ("missingHeight", ["width", "height"])
    del bad["width"]
    assert official.check_task(bad).error.code == "invalidPositivePrompt"
    bad["positivePrompt"] = "a lighthouse"
    assert official.check_task(bad).error.code == "invalidDuration"
    no_prompt = task(MUSE, positivePrompt=None, outputQuality=5)
    assert official.check_task(no_prompt).error.code == "missingPositivePrompt"
