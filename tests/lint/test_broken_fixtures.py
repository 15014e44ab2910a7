"""One broken request file per rule: the lint run exits 1 with the expected code at line:col.

Three files fail nothing: an enum value in lower case (a warning) and two tasks for models the
kit has no contract for (notices); they exit 0 unless ``--strict`` / ``--unknown error``.
"""

from __future__ import annotations

import dataclasses
import json
from functools import cache
from pathlib import Path

import pytest

from runware_testkit.cli import main
from runware_testkit.contract import load_contract
from runware_testkit.validation import Validator

BROKEN = Path(__file__).parent / "fixtures" / "broken"
ALEPH_MODELS = ("runway:2@1", "runway:aleph@2.0")


@cache
def aleph_validator() -> Validator:
    """A validator over the two Aleph models the fixtures are written for (the shipped contract
    also holds models imported from Runware's OpenAPI documents)."""
    full = load_contract()
    models = {air: full.models[air] for air in ALEPH_MODELS}
    return Validator(dataclasses.replace(full, models=models))


@pytest.fixture(autouse=True)
def _aleph_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("runware_testkit.validation.default_validator", aleph_validator)


# file -> every (code, line, column) the linter must report for it, alone.
EXPECTED: dict[str, list[tuple[str, int, int]]] = {
    # required key missing: at the opening brace of the object that lacks it
    "missing-video.json": [("missingVideo", 8, 13)],
    # a missing object is reported at its first required leaf (inputs -> inputs.video)
    "missing-inputs.json": [("missingVideo", 1, 1)],
    # taskType that no model or platform task has
    "wrong-task-type.json": [("unsupportedTaskType", 2, 15)],
    # a single allowed value (const)
    "const-delivery-method.json": [("invalidDeliveryMethod", 11, 21)],
    # enum
    "enum-output-format.json": [("invalidOutputFormat", 11, 19)],
    # maximum / minimum
    "max-output-quality.json": [("invalidOutputQuality", 11, 20)],
    "min-number-results.json": [("invalidNumberResults", 11, 20)],
    # string length
    "empty-prompt.json": [("invalidPositivePrompt", 5, 21)],
    # paired width/height: at the member that is present
    "width-without-height.json": [("missingHeight", 6, 12)],
    # a width x height that is not a preset: at width
    "bad-preset.json": [("unsupportedDimensions", 6, 12)],
    # maxItems: at the array
    "too-many-frame-images.json": [("invalidFrameImages", 8, 20)],
    # format uuid / uri
    "bad-uuid.json": [("invalidTaskUUID", 3, 15)],
    "bad-uri.json": [("invalidWebhookURL", 11, 17)],
    # unknown key (with a spelling suggestion) and another model's parameter: at the key
    "unknown-key-suggestion.json": [("unsupportedParameter", 11, 3)],
    "other-model-parameter.json": [("unsupportedParameter", 10, 5)],
    # wrong type
    "wrong-type.json": [("invalidSeed", 11, 11)],
    # frame and timestamp together: at the first of them
    "incompatible-frame-and-timestamp.json": [("incompatibleParameters", 11, 18)],
    # the second task of an array body
    "batch-array.json": [("invalidWidth", 18, 14)],
    # a taskUUID repeated inside one body: a conflict even though its first use is invalid
    "duplicate-uuid-in-body.json": [("invalidSeed", 12, 13), ("conflictTaskUUID", 16, 17)],
    # JSON Lines: line 2 of the file
    "lines.jsonl": [("invalidOutputQuality", 2, 343)],
    # UTF-8 BOM, CRLF line ends, non-ASCII (an emoji) before the error on its line
    "bom-crlf-unicode.json": [("invalidSeed", 5, 67)],
}


# file -> every (severity, code, line, column) of a file that does not fail the run.
NOT_FAILING: dict[str, list[tuple[str, str, int, int]]] = {
    # an enum value in another letter case: accepted, with a warning at the value
    "enum-case-output-format.json": [("warning", "nonCanonicalValue", 9, 19)],
    # a model the kit has no contract for: the task is not checked (notice at the model)
    "unknown-model.json": [("notice", "unknownModel", 4, 12)],
    "unknown-model-image.json": [("notice", "unknownModel", 4, 12)],
}


def lint_json(
    capsys: pytest.CaptureFixture[str], *paths: str
) -> tuple[int, list[dict[str, object]]]:
    code = main(["lint", "--format", "json", *paths])
    return code, json.loads(capsys.readouterr().out)


@pytest.fixture(autouse=True)
def in_fixtures(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BROKEN)


def test_every_fixture_is_in_the_table() -> None:
    on_disk = {p.name for p in BROKEN.iterdir()}
    assert on_disk == {*EXPECTED, *NOT_FAILING, "duplicate-uuid-a.json", "duplicate-uuid-b.json"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_file(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, rows = lint_json(capsys, name)
    assert code == 1
    assert [(r["code"], r["line"], r["column"]) for r in rows] == EXPECTED[name]
    assert {r["file"] for r in rows} == {name}


@pytest.mark.parametrize("name", sorted(NOT_FAILING))
def test_file_that_does_not_fail(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, rows = lint_json(capsys, name)
    assert code == 0
    assert [(r["severity"], r["code"], r["line"], r["column"]) for r in rows] == NOT_FAILING[name]
    severity = NOT_FAILING[name][0][0]
    option = ["--strict"] if severity == "warning" else ["--unknown", "error"]
    assert main(["lint", "--format", "json", *option, name]) == 1
    rows = json.loads(capsys.readouterr().out)
    expected = "warning" if severity == "warning" else "error"
    assert [r["severity"] for r in rows] == [expected]


def test_unchecked_task_message_says_how_to_add_a_contract(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, rows = lint_json(capsys, "unknown-model-image.json")
    message = str(rows[0]["message"])
    assert message.startswith("task not checked: model: the kit has no contract for ")
    assert "runware-testkit generate PAGE_OR_SCHEMA --out DIR" in message
    assert "--contract DIR" in message and "RUNWARE_TESTKIT_CONTRACTS" in message


def test_bom_crlf_fixture_keeps_its_bytes() -> None:
    data = (BROKEN / "bom-crlf-unicode.json").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf{\r\n")
    assert data.count(b"\r\n") == data.count(b"\n")
    assert "🌆".encode() in data


def test_unknown_key_message_suggests_the_right_name(capsys: pytest.CaptureFixture[str]) -> None:
    _, rows = lint_json(capsys, "unknown-key-suggestion.json")
    message = str(rows[0]["message"])
    assert message.startswith(
        "Unsupported use of 'outputFromat' parameter. This parameter is not supported for the "
        "selected model. Did you mean 'outputFormat'? Allowed values are: 'taskType', "
    )
    _, rows = lint_json(capsys, "other-model-parameter.json")
    assert "runway:aleph@2.0" in str(rows[0]["message"])


def test_duplicate_task_uuid_across_two_files(capsys: pytest.CaptureFixture[str]) -> None:
    assert lint_json(capsys, "duplicate-uuid-a.json") == (0, [])
    assert lint_json(capsys, "duplicate-uuid-b.json") == (0, [])
    code, rows = lint_json(capsys, "duplicate-uuid-a.json", "duplicate-uuid-b.json")
    assert code == 1
    assert [(r["file"], r["code"], r["line"], r["column"]) for r in rows] == [
        ("duplicate-uuid-b.json", "conflictTaskUUID", 3, 15)
    ]


def test_whole_directory(capsys: pytest.CaptureFixture[str]) -> None:
    code, rows = lint_json(capsys, ".")
    assert code == 1
    found = sorted((r["file"], r["code"], r["line"], r["column"]) for r in rows)
    expected = [(name, *row) for name, found_rows in EXPECTED.items() for row in found_rows]
    expected += [(name, *row[1:]) for name, found_rows in NOT_FAILING.items() for row in found_rows]
    expected.append(("duplicate-uuid-b.json", "conflictTaskUUID", 3, 15))
    assert found == sorted(expected)
