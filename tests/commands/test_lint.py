"""``runware-testkit lint``: exit status, inputs, options, and every output format (snapshots)."""

from __future__ import annotations

import dataclasses
import io
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator

from runware_testkit import __version__
from runware_testkit.cli import main
from runware_testkit.contract import load_contract
from runware_testkit.validation import Validator

BROKEN = Path(__file__).parents[1] / "lint" / "fixtures" / "broken"

VALID = {
    "taskType": "videoInference",
    "taskUUID": "6b2f0a52-0b9f-4c3e-9f77-1d2a4c1e8b01",
    "model": "runway:2@1",
    "positivePrompt": "A lighthouse in a storm",
    "inputs": {"video": "https://example.com/clip.mp4"},
}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["lint", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path: Path, content: Any) -> str:
    text = content if isinstance(content, str | bytes) else json.dumps(content, indent=2)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path.name


# --- exit status ---------------------------------------------------------------------------------


def test_clean_file_exits_0(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name = write(workdir / "ok.json", VALID)
    assert run(capsys, name) == (0, "No problems (1 task in 1 file checked).\n", "")


def test_problem_exits_1(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name = write(workdir / "bad.json", {**VALID, "outputQuality": 1})
    code, out, err = run(capsys, name)
    assert code == 1
    assert out.splitlines() == [
        "bad.json:9:20: invalidOutputQuality outputQuality: expected an integer from 20 to 99; "
        "found 1",
        "Found 1 problem in 1 file (1 task in 1 file checked).",
    ]
    assert err == ""


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            '{"taskType": "videoInference", "model": }',
            "bad.json:1:41: unexpected character '}': expected a value",
        ),
        ("", "bad.json: empty file: expected a task object or an array of tasks"),
        ("42\n", "bad.json:1:1: not a task: expected an object with taskType, found a number"),
        ('{"model": "runway:2@1"}', 'bad.json:1:1: not a task: the object has no "taskType"'),
        (b"\xff\xfe\x00", "bad.json:1:1: not valid UTF-16 (byte 0x00); save the file as UTF-8"),
        (b'{"a": "\xc3"}', "bad.json:1:8: not valid UTF-8 (byte 0xc3); save the file as UTF-8"),
    ],
)
def test_unreadable_input_exits_2_naming_the_file(
    workdir: Path, capsys: pytest.CaptureFixture[str], content: str | bytes, message: str
) -> None:
    write(workdir / "bad.json", content)
    write(workdir / "ok.json", VALID)
    code, out, err = run(capsys, "bad.json", "ok.json")
    assert code == 2
    assert err == message + "\n"
    assert out == (
        "No problems (1 task in 1 file checked); 1 input could not be read (bad.json).\n"
    )


def test_unreadable_wins_over_problems(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(workdir / "bad.json", {**VALID, "seed": -1})
    code, _, err = run(capsys, "bad.json", "missing.json")
    assert code == 2
    assert err == "missing.json: no such file or directory\n"


def test_no_files_matched_and_empty_directory(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "empty").mkdir()
    code, out, err = run(capsys, "requests/**/*.json", "empty")
    assert code == 2
    assert err.splitlines() == [
        "requests/**/*.json: no files matched",
        "empty: no .json or .jsonl files in this directory",
    ]
    assert out == "Nothing checked: 2 inputs could not be read (requests/**/*.json, empty).\n"


def test_bad_usage_exits_2(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["lint"])
    assert info.value.code == 2
    with pytest.raises(SystemExit) as info:
        main(["lint", "--format", "xml", "x.json"])
    assert info.value.code == 2
    write(workdir / "ok.json", VALID)
    code, out, err = run(capsys, "--model", "runway:9@9", "ok.json")
    assert (code, out) == (2, "")
    known = ", ".join(load_contract().models)
    assert f"unknown --model 'runway:9@9'; known models: {known}" in err
    assert "runway:2@1, " in known and "minimax:h3@0" in known


def test_format_choices_match_the_formatters() -> None:
    from runware_testkit.commands import lint
    from runware_testkit.lint import report

    assert lint.FORMATS == report.FORMATS == tuple(report.FORMATTERS)


# --- inputs and options --------------------------------------------------------------------------


def test_stdin(
    workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    body = json.dumps([VALID, {**VALID, "taskUUID": "nope"}], indent=2).encode()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(body)))
    code, out, _ = run(capsys, "-")
    assert code == 1
    assert out.splitlines()[0].startswith("<stdin>:13:17: invalidTaskUUID ")


def test_glob_expanded_without_a_shell(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "a" / "b").mkdir(parents=True)
    write(workdir / "a" / "b" / "deep.json", {**VALID, "seed": -1})
    write(workdir / "a" / "skip.txt", "not json")
    code, out, _ = run(capsys, "**/*.json")
    assert code == 1
    assert out.startswith("a/b/deep.json:")


def test_model_option_fills_a_missing_model(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stored = {k: v for k, v in VALID.items() if k != "model"}
    name = write(workdir / "stored.json", stored)
    assert run(capsys, name)[0] == 1
    assert run(capsys, "--model", "runway-aleph", name)[0] == 0
    other = write(
        workdir / "other.json",
        {
            **VALID,
            "taskUUID": "6b2f0a52-0b9f-4c3e-9f77-1d2a4c1e8b02",
            "inputs": {"video": "x", "frameImages": ["y"]},
        },
    )
    code, out, _ = run(capsys, "--model", "runway:aleph@2.0", other)
    assert code == 1
    assert "unsupportedParameter" in out


def test_warning_exits_0_unless_strict(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name = write(workdir / "lower.json", {**VALID, "outputFormat": "webm"})
    code, out, err = run(capsys, name)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "lower.json:9:19: warning: nonCanonicalValue outputFormat: 'webm' accepted as 'WEBM'; "
        "enum values are matched regardless of case, the documented spelling is 'WEBM'",
        "No problems, 1 warning (1 task in 1 file checked).",
    ]
    assert run(capsys, "--strict", name)[0] == 1
    assert run(capsys, "--strict", "-q", name) == (1, "", "")


def test_unknown_model_is_a_notice_unless_unknown_error(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = write(workdir / "image.json", {**VALID, "taskType": "imageInference", "model": "x:y@1"})
    code, out, err = run(capsys, name)
    assert code == 0
    assert out == (
        "No problems (0 tasks in 1 file checked; 1 task not checked, the kit has no contract "
        "for its model).\n"
    )
    assert err.startswith("image.json:4:12: notice: unknownModel task not checked: model: ")
    code, out, err = run(capsys, "--unknown", "error", name)
    assert (code, err) == (1, "")
    assert out.startswith("image.json:4:12: unknownModel task not checked: model: ")
    assert out.endswith(
        "Found 1 problem in 1 file (0 tasks in 1 file checked; 1 task not checked, the kit has "
        "no contract for its model).\n"
    )
    code, out, _ = run(capsys, "--format", "github", name)
    assert code == 0
    assert out.startswith("::notice file=image.json,line=4,col=12,title=unknownModel::")
    with pytest.raises(SystemExit) as info:
        main(["lint", "--unknown", "maybe", name])
    assert info.value.code == 2


def test_quiet_and_no_summary(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name = write(workdir / "bad.json", {**VALID, "seed": -1})
    assert run(capsys, "-q", name) == (1, "", "")
    code, out, _ = run(capsys, "--no-summary", name)
    assert code == 1
    assert out.count("\n") == 1
    assert run(capsys, "--no-summary", "--format", "github", name)[1].count("\n") == 1


# --- formats (snapshots over the broken fixtures) ------------------------------------------------


@cache
def aleph_validator() -> Validator:
    """A validator over the two Aleph models the broken fixtures are written for."""
    full = load_contract()
    models = {air: full.models[air] for air in ("runway:2@1", "runway:aleph@2.0")}
    return Validator(dataclasses.replace(full, models=models))


@pytest.fixture
def in_broken(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BROKEN)
    monkeypatch.setattr("runware_testkit.validation.default_validator", aleph_validator)


def normalized(out: str, fmt: str) -> str:
    if fmt != "sarif":
        return out
    log = json.loads(out)
    assert log["runs"][0]["tool"]["driver"]["version"] == __version__
    log["runs"][0]["tool"]["driver"]["version"] = "<version>"
    return json.dumps(log, indent=2, ensure_ascii=False)


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_format_snapshot(
    fmt: str, in_broken: None, capsys: pytest.CaptureFixture[str], snapshot: Any
) -> None:
    code, out, err = run(capsys, "--format", fmt, ".")
    assert code == 1
    # The text format puts the tasks not checked on standard error; the others report them.
    assert err == (notices() if fmt == "text" else "")
    assert normalized(out, fmt) == snapshot


def notices() -> str:
    """The notices of the broken fixtures' two tasks for models without a contract."""
    from runware_testkit import validation

    known = ", ".join(validation.default_validator().models)
    return "".join(
        f"{name}:4:12: notice: unknownModel task not checked: model: the kit has no contract "
        f"for '{model}' (known models: {known}); to add one, run `runware-testkit generate "
        "PAGE_OR_SCHEMA --out DIR`, then pass `--contract DIR` or set "
        "RUNWARE_TESTKIT_CONTRACTS=DIR\n"
        for name, model in (
            ("unknown-model-image.json", "acme:paint@1"),
            ("unknown-model.json", "runway:3@1"),
        )
    )


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_format_snapshot_with_unreadable_input(
    fmt: str, workdir: Path, capsys: pytest.CaptureFixture[str], snapshot: Any
) -> None:
    write(workdir / "broken.json", '[\n  {"taskType": "videoInference",}\n]\n')
    write(workdir / "seed.json", {**VALID, "seed": 4294967296})
    code, out, err = run(capsys, "--format", fmt, "broken.json", "seed.json")
    assert code == 2
    assert err == "broken.json:2:32: trailing comma before '}'\n"
    assert normalized(out, fmt) == snapshot


# --- SARIF structure -----------------------------------------------------------------------------

# The parts of the SARIF 2.1.0 schema (OASIS) that the linter's log uses, with the same
# required properties, enums and closed objects.
_MESSAGE = {
    "type": "object",
    "required": ["text"],
    "additionalProperties": False,
    "properties": {"text": {"type": "string"}},
}
_REGION = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "startLine": {"type": "integer", "minimum": 1},
        "startColumn": {"type": "integer", "minimum": 1},
    },
}
_LOCATION = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "physicalLocation": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "artifactLocation": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {"uri": {"type": "string", "format": "uri-reference"}},
                },
                "region": _REGION,
            },
        }
    },
}
_LEVEL = {"enum": ["none", "note", "warning", "error"]}
SARIF_SUBSET = {
    "type": "object",
    "required": ["version", "runs"],
    "additionalProperties": False,
    "properties": {
        "$schema": {"type": "string", "format": "uri"},
        "version": {"enum": ["2.1.0"]},
        "runs": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["tool"],
                "additionalProperties": False,
                "properties": {
                    "tool": {
                        "type": "object",
                        "required": ["driver"],
                        "additionalProperties": False,
                        "properties": {
                            "driver": {
                                "type": "object",
                                "required": ["name"],
                                "additionalProperties": False,
                                "properties": {
                                    "name": {"type": "string"},
                                    "version": {"type": "string"},
                                    "rules": {
                                        "type": "array",
                                        "uniqueItems": True,
                                        "items": {
                                            "type": "object",
                                            "required": ["id"],
                                            "additionalProperties": False,
                                            "properties": {
                                                "id": {"type": "string"},
                                                "name": {"type": "string"},
                                                "shortDescription": _MESSAGE,
                                                "defaultConfiguration": {
                                                    "type": "object",
                                                    "additionalProperties": False,
                                                    "properties": {"level": _LEVEL},
                                                },
                                                "helpUri": {"type": "string", "format": "uri"},
                                            },
                                        },
                                    },
                                },
                            }
                        },
                    },
                    "invocations": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["executionSuccessful"],
                            "additionalProperties": False,
                            "properties": {
                                "executionSuccessful": {"type": "boolean"},
                                "toolExecutionNotifications": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "required": ["message"],
                                        "additionalProperties": False,
                                        "properties": {
                                            "level": _LEVEL,
                                            "message": _MESSAGE,
                                            "locations": {"type": "array", "items": _LOCATION},
                                        },
                                    },
                                },
                            },
                        },
                    },
                    "columnKind": {"enum": ["utf16CodeUnits", "unicodeCodePoints"]},
                    "results": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["message"],
                            "additionalProperties": False,
                            "properties": {
                                "ruleId": {"type": "string"},
                                "ruleIndex": {"type": "integer", "minimum": -1},
                                "level": _LEVEL,
                                "message": _MESSAGE,
                                "locations": {"type": "array", "items": _LOCATION},
                                "properties": {"type": "object"},
                            },
                        },
                    },
                },
            },
        },
    },
}


def test_sarif_log_is_valid(in_broken: None, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "--format", "sarif", ".", "missing.json")
    log = json.loads(out)
    checker = Draft7Validator(SARIF_SUBSET, format_checker=Draft7Validator.FORMAT_CHECKER)
    assert list(checker.iter_errors(log)) == []
    (run_,) = log["runs"]
    rules = run_["tool"]["driver"]["rules"]
    assert sorted(r["id"] for r in rules) == sorted({r["ruleId"] for r in run_["results"]})
    for result in run_["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    assert all(
        r.get("helpUri", "https://runware.ai/docs/").startswith("https://runware.ai/docs/")
        for r in rules
    )
    assert "helpUri" not in next(r for r in rules if r["id"] == "unknownModel")
    assert run_["invocations"][0]["executionSuccessful"] is False


# --- a user contract built from Runware's published documents -----------------------------------


@pytest.fixture
def no_user_contracts() -> Iterator[None]:
    """``--contract`` registers directories for the whole process: forget them afterwards."""
    from runware_testkit.contract import use_contracts

    use_contracts([])
    yield
    use_contracts([])


def test_lint_with_a_contract_from_official_documents(
    workdir: Path, capsys: pytest.CaptureFixture[str], no_user_contracts: None
) -> None:
    from tests.validation.official import BFL, PRIVATE_FLUX, build_contract, task

    contract = build_contract(workdir / "contract", rename={BFL: PRIVATE_FLUX})
    name = write(workdir / "image.json", task(PRIVATE_FLUX, width=1024, outputFormat="png"))
    code, out, err = run(capsys, name)
    assert code == 0
    assert "notice: unknownModel task not checked" in err
    code, out, err = run(capsys, "--contract", str(contract), name)
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        "image.json:6:12: missingHeight Missing required parameter: 'height'. width and height "
        "go together: width was given without height.",
        "image.json:7:19: warning: nonCanonicalValue outputFormat: 'png' accepted as 'PNG'; enum "
        "values are matched regardless of case, the documented spelling is 'PNG'",
        "Found 1 problem and 1 warning in 1 file (1 task in 1 file checked).",
    ]
