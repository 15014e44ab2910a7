"""Each kind of documented constraint is enforced by the generated request schemas."""

import copy
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parents[2]


def _schema(slug):
    return json.loads((ROOT / f"schemas/models/{slug}/request.schema.json").read_text())


ALEPH = Draft202012Validator(
    _schema("runway-aleph"), format_checker=Draft202012Validator.FORMAT_CHECKER
)
ALEPH2 = Draft202012Validator(
    _schema("runway-aleph-2-0"), format_checker=Draft202012Validator.FORMAT_CHECKER
)
BASE = {
    "taskType": "videoInference",
    "taskUUID": "ad5b1580-b3de-471f-adaa-fe87e4f9e1f1",
    "model": "runway:2@1",
    "positivePrompt": "a skater in a flooded cathedral",
    "inputs": {"video": "https://example.com/in.mp4"},
}
BASE2 = {**BASE, "model": "runway:aleph@2.0"}


def _with(base, **changes):
    task = copy.deepcopy(base)
    for path, value in changes.items():
        node = task
        *parents, last = path.split("__")
        for part in parents:
            node = node.setdefault(part, {})
        if value is ...:
            node.pop(last)
        else:
            node[last] = value
    return task


def _failing_keywords(validator, task):
    return {e.validator for e in validator.iter_errors(task)}


def test_bases_are_valid():
    assert not list(ALEPH.iter_errors(BASE))
    assert not list(ALEPH2.iter_errors(BASE2))


@pytest.mark.parametrize(
    ("validator", "task", "keyword"),
    [
        (ALEPH, _with(BASE, positivePrompt=...), "required"),
        (ALEPH, _with(BASE, inputs__video=...), "required"),
        (ALEPH, _with(BASE, taskType="imageInference"), "const"),
        (ALEPH, _with(BASE, outputFormat="AVI"), "oneOf"),
        (ALEPH, _with(BASE, outputQuality=100), "maximum"),
        (ALEPH, _with(BASE, ttl=59), "minimum"),
        (ALEPH, _with(BASE, numberResults=0), "minimum"),
        (ALEPH, _with(BASE, positivePrompt=""), "minLength"),
        (ALEPH, _with(BASE, positivePrompt="x" * 1001), "maxLength"),
        (ALEPH, _with(BASE, width=1280), "dependentRequired"),
        (ALEPH, _with(BASE, width=1280, height=1280), "oneOf"),
        (ALEPH, _with(BASE, taskUUID="not-a-uuid"), "format"),
        (ALEPH, _with(BASE, inputs__video="ftp:/x y"), "anyOf"),
        (ALEPH, _with(BASE, frameImages=["x"]), "additionalProperties"),
        (ALEPH2, _with(BASE2, width=1280, height=720), "additionalProperties"),
        (
            ALEPH2,
            _with(BASE2, inputs__frameImages=["aac49721-1964-481a-ae78-8a4e29b91402"] * 6),
            "maxItems",
        ),
        (ALEPH2, _with(BASE2, inputs__frameImages=[]), "minItems"),
        (
            ALEPH2,
            _with(
                BASE2,
                inputs__frameImages=[
                    {
                        "image": "aac49721-1964-481a-ae78-8a4e29b91402",
                        "frame": "first",
                        "timestamp": 1.5,
                    }
                ],
            ),
            "anyOf",
        ),
        (
            ALEPH2,
            _with(
                BASE2,
                inputs__frameImages=[
                    {"image": "aac49721-1964-481a-ae78-8a4e29b91402", "frame": "middle"}
                ],
            ),
            "anyOf",
        ),
        (
            ALEPH2,
            _with(
                BASE2,
                inputs__frameImages=[
                    {"image": "aac49721-1964-481a-ae78-8a4e29b91402", "timestamp": 31}
                ],
            ),
            "anyOf",
        ),
    ],
)
def test_violation_is_rejected(validator, task, keyword):
    assert keyword in _failing_keywords(validator, task)


@pytest.mark.parametrize(
    "task",
    [
        _with(BASE, width=848, height=480),
        _with(BASE, safety={"checkContent": True, "mode": "full"}),
        _with(
            BASE,
            providerSettings={"runway": {"contentModeration": {"publicFigureThreshold": "low"}}},
        ),
        _with(BASE, inputs__referenceImages=["data:image/png;base64,iVBORw0KGgo="]),
        _with(
            BASE2,
            inputs__frameImages=[
                "aac49721-1964-481a-ae78-8a4e29b91402",
                {"image": "https://example.com/a.png", "frame": -1},
                {"image": "iVBORw0KGgo=", "timestamp": 2.25},
            ],
        ),
    ],
)
def test_documented_forms_are_accepted(task):
    validator = ALEPH2 if task["model"] == "runway:aleph@2.0" else ALEPH
    assert not list(validator.iter_errors(task))
