"""Field-by-field comparison of a recorded answer with the fake's."""

from __future__ import annotations

import pytest

from runware_testkit.verify.compare import (
    collapse,
    compare_answers,
    compare_statuses,
    json_type,
    string_format,
)

UUID = "0b0f1a52-1e9a-4f6b-8d0e-2c3b4a5d6e7f"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("{{task:t1}}", "uuid"),
        ("{{url:u2}}", "uri"),
        ("https://x.test/{{url:u1}}", "uri"),
        (UUID, "uuid"),
        ("2026-11-29T19:04:11Z", "date-time"),
        ("https://im.runware.ai/a.mp4", "uri"),
        ("processing", None),
    ],
)
def test_string_formats(value: str, expected: str | None) -> None:
    assert string_format(value) == expected


def test_integers_and_floats_are_one_json_type() -> None:
    assert json_type(1) == json_type(0.5) == "number"
    assert json_type(True) == "boolean"


def test_volatile_values_compare_by_presence_and_type_only() -> None:
    recorded = {"data": [{"taskUUID": "{{task:t1}}", "seed": 7, "cost": 0.76}]}
    found = {"data": [{"taskUUID": UUID, "seed": 9182, "cost": 0.1}]}
    assert compare_answers(recorded, found) == []


def test_each_kind_of_field_drift() -> None:
    recorded = {"data": [{"taskUUID": "{{task:t1}}", "seed": 7, "gone": True}]}
    found = {"data": [{"taskUUID": "not-a-uuid", "seed": "7", "extra": 1}]}
    kinds = {(d.kind, d.pointer) for d in compare_answers(recorded, found, line=4)}
    assert kinds == {
        ("wrong-format", "/response/data/0/taskUUID"),
        ("wrong-type", "/response/data/0/seed"),
        ("missing-field", "/response/data/0/gone"),
        ("unexpected-field", "/response/data/0/extra"),
    }


def test_envelope_and_error_code_drift() -> None:
    recorded = {"errors": [{"code": "invalidModel", "message": "m"}]}
    found = {"errors": [{"code": "unknownModel", "message": "m"}], "data": []}
    drifts = compare_answers(recorded, found, recorded_status=400, found_status=404)
    assert [d.kind for d in drifts] == ["envelope", "envelope", "error-code"]


def test_status_sequences_count_repeats_once() -> None:
    assert collapse(["processing", "processing", "success"]) == ["processing", "success"]
    assert compare_statuses("t1", ["processing", "success"], ["processing"] * 2 + ["success"]) == []
    (drift,) = compare_statuses("t1", ["processing", "error"], ["processing", "success"], line=9)
    assert drift.kind == "status-sequence" and drift.line == 9
    assert "processing -> success, recorded processing -> error" in drift.message
