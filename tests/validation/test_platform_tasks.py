"""imageUpload and getTaskDetails: checked in code, getTaskDetails claims no taskUUID."""

from __future__ import annotations

import pytest

from runware_testkit.validation import Validator
from runware_testkit.validation.platform_tasks import (
    BUILTIN_PLATFORM_REQUESTS,
    REFERENCING_TASK_TYPES,
)

from .conftest import UUID4


@pytest.mark.parametrize(
    "image",
    [
        "https://example.com/a.png",
        "data:image/png;base64,iVBORw0KGgo=",
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
    ],
)
def test_image_upload_accepts_url_data_uri_and_base64(validator: Validator, image: str) -> None:
    assert (
        validator.validate_request({"taskType": "imageUpload", "taskUUID": UUID4, "image": image})
        == []
    )


@pytest.mark.parametrize(
    ("task", "code", "parameter"),
    [
        ({"taskType": "imageUpload", "taskUUID": UUID4}, "missingImage", "image"),
        (
            {"taskType": "imageUpload", "taskUUID": UUID4, "image": "ftp://x/a.png"},
            "invalidImage",
            "image",
        ),
        ({"taskType": "imageUpload", "taskUUID": UUID4, "image": ""}, "invalidImage", "image"),
        ({"taskType": "imageUpload", "taskUUID": UUID4, "image": 5}, "invalidImage", "image"),
        (
            {"taskType": "imageUpload", "taskUUID": UUID4, "image": "https://e.com/a", "x": 1},
            "unsupportedParameter",
            "x",
        ),
        ({"taskType": "imageUpload", "image": "https://e.com/a"}, "missingTaskUUID", "taskUUID"),
        ({"taskType": "getTaskDetails"}, "missingTaskUUID", "taskUUID"),
        ({"taskType": "getTaskDetails", "taskUUID": "nope"}, "invalidTaskUUID", "taskUUID"),
        (
            {"taskType": "getTaskDetails", "taskUUID": UUID4, "model": "runway:2@1"},
            "unsupportedParameter",
            "model",
        ),
    ],
)
def test_invalid_platform_tasks(
    validator: Validator, task: dict, code: str, parameter: str
) -> None:
    (error,) = validator.validate_request(task)
    assert (error.code, error.parameter, error.taskType) == (code, parameter, task["taskType"])


def test_unknown_key_of_a_platform_task_lists_its_fields(validator: Validator) -> None:
    (error,) = validator.validate_request({"taskType": "getTaskDetails", "taskUUID": UUID4, "a": 1})
    assert error.message == (
        "Unsupported use of 'a' parameter. This parameter is not supported for getTaskDetails "
        "tasks. Allowed values are: 'taskType', 'taskUUID'."
    )


def test_get_task_details_names_another_task(validator: Validator, task1: dict) -> None:
    assert "getTaskDetails" in REFERENCING_TASK_TYPES
    seen: set[str] = set()
    assert validator.validate_request(task1, seen_task_uuids=seen) == []
    details = {"taskType": "getTaskDetails", "taskUUID": task1["taskUUID"]}
    for _ in range(2):
        assert validator.validate_request(details, seen_task_uuids=seen) == []
    assert seen == {task1["taskUUID"]}
    reports = validator.validate_batch([details, details])
    assert all(r.ok for r in reports)


def test_image_upload_claims_its_uuid(validator: Validator) -> None:
    seen: set[str] = set()
    upload = {"taskType": "imageUpload", "taskUUID": UUID4, "image": "https://e.com/a.png"}
    assert validator.validate_request(upload, seen_task_uuids=seen) == []
    (error,) = validator.validate_request(upload, seen_task_uuids=seen)
    assert error.code == "conflictTaskUUID"


def test_builtin_schemas_are_closed_and_listed(validator: Validator) -> None:
    for schema in BUILTIN_PLATFORM_REQUESTS.values():
        assert schema["additionalProperties"] is False
        assert schema["x-source"].startswith("PROTOCOL.md")
    assert validator.task_types[-2:] == ["imageUpload", "getTaskDetails"]
