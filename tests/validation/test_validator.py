"""The Validator end to end: page examples, routing, batches, taskUUID history, odd input."""

from __future__ import annotations

import pytest

from runware_testkit.contract import load_contract
from runware_testkit.validation import (
    Validator,
    check_task,
    default_validator,
    validate_batch,
    validate_request,
    validate_result,
)
from runware_testkit.validation.codes import Kind

from .conftest import ALEPH, ALEPH2, DOC1, UUID4

CONTRACT = load_contract()
EXAMPLES = [(m.air, ex) for m in CONTRACT.models.values() for ex in m.examples]


@pytest.mark.parametrize(("air", "example"), EXAMPLES, ids=[e["title"] for _, e in EXAMPLES])
def test_page_example_request_is_valid(air, example):
    assert validate_request(example["request"]) == []


@pytest.mark.parametrize(("air", "example"), EXAMPLES, ids=[e["title"] for _, e in EXAMPLES])
def test_page_example_response_is_valid(air, example):
    assert validate_result(example["response"], model=air) == []


# Fragments of the runway:aleph@2.0 page ("Examples" of inputs.frameImages); the page has no
# complete request example.
ALEPH2_FRAME_EXAMPLES = [
    ["aac49721-1964-481a-ae78-8a4e29b91402"],
    [{"image": "aac49721-1964-481a-ae78-8a4e29b91402", "frame": "first"}],
    [
        "aac49721-1964-481a-ae78-8a4e29b91402",
        {"image": "3ad204c3-a9de-4963-8a1a-c3911e3afafe", "frame": "last"},
    ],
    [
        {"image": "aac49721-1964-481a-ae78-8a4e29b91402", "frame": "first"},
        "c00abf5f-6cdb-4642-a01d-1bfff7bc3cf7",
        {"image": "3ad204c3-a9de-4963-8a1a-c3911e3afafe", "frame": "last"},
    ],
]


@pytest.mark.parametrize("frames", ALEPH2_FRAME_EXAMPLES)
def test_aleph2_page_frame_image_examples_are_valid(task2, frames):
    task2["inputs"]["frameImages"] = frames
    assert validate_request(task2) == []


def test_result_missing_video_uuid():
    item = {"taskType": "videoInference", "taskUUID": UUID4}
    (error,) = validate_result(item, model=ALEPH)
    assert (error.code, error.parameter) == ("missingVideoUUID", "videoUUID")
    assert error.documentation == f"{DOC1}#response-videouuid"


def test_result_of_unknown_model():
    (error,) = validate_result({}, model="runway:0@0")
    assert error.code == "unknownModel"


@pytest.mark.parametrize(
    "task",
    [
        {"taskType": "authentication", "apiKey": "k"},
        {"taskType": "authentication", "apiKey": "k", "connectionSessionUUID": UUID4},
        {"taskType": "getResponse", "taskUUID": UUID4},
        {"taskType": "ping", "ping": True},
        {"taskType": "mediaStorage", "taskUUID": UUID4, "operation": "upload", "media": "aGk="},
        {"taskType": "mediaStorage", "taskUUID": UUID4, "operation": "delete", "media": UUID4},
    ],
)
def test_platform_tasks_valid(task):
    assert validate_request(task) == []


@pytest.mark.parametrize(
    ("task", "code", "parameter"),
    [
        ({"taskType": "authentication"}, "missingApiKey", "apiKey"),
        ({"taskType": "authentication", "apiKey": ""}, "invalidApiKey", "apiKey"),
        ({"taskType": "getResponse", "taskUUID": "x"}, "invalidTaskUUID", "taskUUID"),
        ({"taskType": "ping"}, "missingPing", "ping"),
        ({"taskType": "getResponse", "taskUUID": UUID4, "x": 1}, "unsupportedParameter", "x"),
    ],
)
def test_platform_tasks_invalid(task, code, parameter):
    (error,) = validate_request(task)
    assert (error.code, error.parameter, error.taskType) == (code, parameter, task["taskType"])


def test_unknown_model(task1, validator):
    task1["model"] = "runway:9@9"
    (error,) = validator.validate_request(task1)
    assert (error.code, error.parameter, error.pointer) == ("unknownModel", "model", "/model")
    assert error.allowedValues == [ALEPH, ALEPH2]
    assert error.message == (
        f"model: the kit has no contract for 'runway:9@9' (known models: {ALEPH}, {ALEPH2}); to "
        "add one, run `runware-testkit generate PAGE_OR_SCHEMA --out DIR`, then pass "
        "`--contract DIR` or set RUNWARE_TESTKIT_CONTRACTS=DIR"
    )
    assert error.kind == Kind.UNKNOWN_MODEL


@pytest.mark.parametrize("model", [5, ["runway:2@1"], None])
def test_unknown_model_of_other_type(task1, model):
    task1["model"] = model
    (error,) = validate_request(task1)
    assert error.code == "unknownModel"


def test_missing_model(task1):
    del task1["model"]
    (error,) = validate_request(task1)
    assert (error.code, error.parameter) == ("missingModel", "model")


def test_unknown_and_missing_task_type(task1, validator):
    task1["taskType"] = "imageInference"
    (error,) = validator.validate_request(task1)
    assert (error.code, error.parameter) == ("unsupportedTaskType", "taskType")
    assert error.allowedValues == ["videoInference"]
    assert error.message == "taskType: expected videoInference for model runway:2@1; found " + (
        "'imageInference'"
    )
    task1["taskType"] = "videoInferencee"
    del task1["model"]
    (error,) = validate_request(task1)
    assert (error.code, error.parameter) == ("unsupportedTaskType", "taskType")
    known = default_validator().task_types  # model task types, then platform ones
    assert error.allowedValues == known
    assert known[0] == "videoInference" or "videoInference" in known
    assert known[-6:] == [
        "authentication", "getResponse", "mediaStorage", "ping", "imageUpload", "getTaskDetails",
    ]  # fmt: skip
    del task1["taskType"]
    (error,) = validator.validate_request(task1)
    assert error.code == "missingTaskType"


def test_conflict_with_history(task1):
    seen: set[str] = set()
    assert validate_request(task1, seen_task_uuids=seen) == []
    assert seen == {task1["taskUUID"]}
    (error,) = validate_request(task1, seen_task_uuids=seen)
    assert (error.code, error.parameter, error.kind) == (
        "conflictTaskUUID",
        "taskUUID",
        Kind.CONFLICT,
    )
    assert error.documentation == f"{DOC1}#request-taskuuid"
    assert "already used by an earlier task" in error.message


def test_invalid_task_does_not_claim_its_uuid(task1):
    seen: set[str] = set()
    task1["seed"] = -1
    assert validate_request(task1, seen_task_uuids=seen)
    assert seen == set()


def test_history_kept_by_validator(task1):
    seen: set[str] = set()
    own = Validator(seen_task_uuids=seen)
    assert own.validate_request(task1) == []
    assert own.validate_request(task1)[0].code == "conflictTaskUUID"
    assert validate_request(task1) == []  # the shared validator keeps no history


def test_get_response_reuses_uuid_without_conflict(task1):
    seen: set[str] = set()
    poll = {"taskType": "getResponse", "taskUUID": task1["taskUUID"]}
    reports = validate_batch([task1, poll, poll], seen_task_uuids=seen)
    assert [r.ok for r in reports] == [True, True, True]


def test_conflict_within_one_batch(task1):
    reports = validate_batch([task1, dict(task1)])
    assert reports[0].ok
    (error,) = reports[1].errors
    assert error.code == "conflictTaskUUID"
    assert "by task 0 of this request" in error.message
    assert reports[1].pointer(error) == "/1/taskUUID"


def test_batch_mixed_valid_and_invalid(task1, task2):
    bad = dict(task2, outputQuality=100)
    body = [{"taskType": "authentication", "apiKey": "k"}, task1, bad, 5, {"taskType": "nope"}]
    reports = validate_batch(body)
    assert [r.index for r in reports] == [0, 1, 2, 3, 4]
    assert [r.ok for r in reports] == [True, True, False, False, False]
    assert [e.code for e in reports[2].errors] == ["invalidOutputQuality"]
    assert [e.code for e in reports[3].errors] == ["invalidTask"]
    assert [e.code for e in reports[4].errors] == ["unsupportedTaskType"]
    assert reports[2].pointer(reports[2].errors[0]) == "/2/outputQuality"


@pytest.mark.parametrize(
    ("body", "found"),
    [({}, "an empty object"), ([], "an empty array"), ("[]", "'[]'"), (None, "null")],
)
def test_batch_body_not_a_non_empty_array(body, found):
    (report,) = validate_batch(body)
    assert report.index is None
    (error,) = report.errors
    assert error.code == "invalidRequestBody"
    assert error.kind == Kind.BAD_BODY
    assert error.message == f"request body: expected a non-empty JSON array of tasks; found {found}"


@pytest.mark.parametrize("task", [None, 5, "task", [], [{}], True, 1.5])
def test_non_object_task(task):
    (error,) = validate_request(task)
    assert (error.code, error.parameter, error.pointer) == ("invalidTask", None, "")
    assert error.to_dict() == {"code": "invalidTask", "message": error.message}


def _deep(depth: int) -> list:
    root: list = []
    node = root
    for _ in range(depth):
        child: list = []
        node.append(child)
        node = child
    return root


WEIRD = [
    None, True, -(2**70), 2**5000, float("nan"), float("inf"), "x" * 200_000, "", [], {}, [[[]]],
    {1: 2}, {"a": {"b": {"c": [None]}}}, {1, 2}, 1j, b"x", (1, 2), object(), _deep(50_000),
]  # fmt: skip
PLACES = ["positivePrompt", "seed", "inputs", "inputs.video", "inputs.referenceImages", "extra"]
PLACES += ["model", "taskType", "taskUUID", "width", "providerSettings", "inputs.referenceImages.0"]


@pytest.mark.parametrize("value", WEIRD, ids=lambda w: type(w).__name__)
@pytest.mark.parametrize("place", PLACES)
def test_weird_values_give_errors_not_exceptions(task1, validator, slow_validator, place, value):
    target, names = task1, place.split(".")
    for name in names[:-2] if names[-1] == "0" else names[:-1]:
        target = target[name]
    if names[-1] == "0":
        target[names[-2]] = [value]
    else:
        target[names[-1]] = value
    fast = validator.validate_request(task1)
    slow = slow_validator.validate_request(task1)
    assert fast == slow
    assert all(isinstance(e.message, str) and len(e.message) < 2000 for e in fast)
    reports = validator.validate_batch([task1, value])
    assert len(reports) == 2


def test_weird_bodies():
    for body in WEIRD:
        reports = validate_batch(body)
        assert reports and all(isinstance(r.errors, tuple) for r in reports)


def test_many_unknown_keys_are_capped(task1):
    for i in range(500):
        task1[f"k{i}"] = i
    errors = validate_request(task1)
    assert len(errors) == 101
    assert errors[-1].message == "task: 400 more unknown keys not listed"


def test_read_only_history_is_only_read(task1):
    seen = frozenset({task1["taskUUID"]})
    assert validate_request(task1, seen_task_uuids=seen)[0].code == "conflictTaskUUID"
    task1["taskUUID"] = UUID4
    assert validate_request(task1, seen_task_uuids=seen) == []


@pytest.mark.parametrize(
    ("task_type", "model"),
    [
        ("videoInference", "runway:9@9"),
        ("imageInference", "acme:paint@1"),
        ("upscale", "acme:upscale@2"),
        ("audioInference", "elevenlabs:1@1"),
    ],
)
def test_a_model_without_contract_gives_one_unknown_model(task_type: str, model: str) -> None:
    task = {"taskType": task_type, "taskUUID": UUID4, "model": model, "positivePrompt": "x"}
    (error,) = validate_request(task)
    assert (error.code, error.parameter, error.taskType) == ("unknownModel", "model", task_type)
    assert error.message.startswith(f"model: the kit has no contract for '{model}' ")
    assert "`runware-testkit generate PAGE_OR_SCHEMA --out DIR`" in error.message
    assert "`--contract DIR` or set RUNWARE_TESTKIT_CONTRACTS=DIR" in error.message
    (first,) = check_task(task).errors
    assert first == error


def test_a_user_contract_makes_the_model_known(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    from .official import BFL, PRIVATE_FLUX, build_contract, task

    flux = task(PRIVATE_FLUX)
    assert [e.code for e in validate_request(flux)] == ["unknownModel"]
    contract = build_contract(tmp_path, rename={BFL: PRIVATE_FLUX})
    monkeypatch.setenv("RUNWARE_TESTKIT_CONTRACTS", str(contract))
    assert PRIVATE_FLUX in default_validator().models
    assert validate_request(flux) == []
    assert [e.code for e in validate_request({**flux, "width": 5})] == ["missingHeight"]
