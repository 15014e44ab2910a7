"""Output formats of a lint run: text, json, SARIF 2.1.0, GitHub annotations."""

from __future__ import annotations

import json

from runware_testkit.lint.loader import LoadError
from runware_testkit.lint.report import (
    Diagnostic,
    LintResult,
    artifact_uri,
    format_notices,
    github_command,
    render,
    sarif_log,
    summary,
)

DOCS = "https://runware.ai/docs/models/runway-aleph"


def result(**kwargs: object) -> LintResult:
    diagnostics = [
        Diagnostic(
            "a b/x.json",
            3,
            5,
            "invalidWidth",
            "Invalid value for width: 7.",
            "width",
            "u-1",
            f"{DOCS}#request-width",
        ),
        Diagnostic(
            "y.jsonl",
            1,
            2,
            "unsupportedDimensions",
            "Use 1280x720, or: 100%,\nnot",
            ["width", "height"],
            None,
            None,
        ),
        Diagnostic(
            "y.jsonl", 4, 1, "invalidWidth", "again", "width", None, f"{DOCS}#request-width"
        ),
    ]
    return LintResult(**{"diagnostics": diagnostics, "files": 3, "tasks": 4, **kwargs})


def test_exit_codes() -> None:
    assert LintResult().exit_code == 0
    assert result().exit_code == 1
    assert result(failures=[LoadError("z.json", "empty file")]).exit_code == 2


def test_summary() -> None:
    assert summary(LintResult(files=1, tasks=1)) == "No problems (1 task in 1 file checked)."
    assert summary(result()) == "Found 3 problems in 2 files (4 tasks in 3 files checked)."
    assert summary(result(failures=[LoadError("z", "m")])) == (
        "Found 3 problems in 2 files (4 tasks in 3 files checked); 1 input could not be read (z)."
    )


def test_summary_of_a_run_that_read_nothing_never_says_no_problems() -> None:
    assert summary(LintResult(failures=[LoadError("bad.json", "empty file")])) == (
        "Nothing checked: 1 input could not be read (bad.json)."
    )
    many = [LoadError(f"f{i}.json", "empty file") for i in range(7)]
    assert summary(LintResult(failures=many)) == (
        "Nothing checked: 7 inputs could not be read "
        "(f0.json, f1.json, f2.json, f3.json, f4.json and 2 more)."
    )
    both = LintResult(files=1, tasks=2, failures=[LoadError("a.json", "m", 1, 1)])
    assert summary(both) == (
        "No problems (2 tasks in 1 file checked); 1 input could not be read (a.json)."
    )


def test_every_format_names_unreadable_inputs() -> None:
    failures = [LoadError("gone.json", "no such file or directory"), LoadError("b.json", "x", 2, 7)]
    broken = LintResult(failures=failures)
    for fmt in ("text", "github"):
        assert "gone.json" in render(broken, fmt) and "b.json" in render(broken, fmt)
    rows = json.loads(render(broken, "json"))
    assert [(r["file"], r["line"], r["column"], r["code"], r["message"]) for r in rows] == [
        ("gone.json", None, None, "unreadableInput", "no such file or directory"),
        ("b.json", 2, 7, "unreadableInput", "x"),
    ]
    assert all(list(r) == list(rows[0]) for r in rows)
    notifications = sarif_log(broken, "1")["runs"][0]["invocations"][0]
    assert [n["message"]["text"] for n in notifications["toolExecutionNotifications"]] == [
        "no such file or directory",
        "x",
    ]


def test_text() -> None:
    assert render(result(), "text").splitlines() == [
        "a b/x.json:3:5: invalidWidth Invalid value for width: 7.",
        "y.jsonl:1:2: unsupportedDimensions Use 1280x720, or: 100%,",
        "not",
        "y.jsonl:4:1: invalidWidth again",
        "Found 3 problems in 2 files (4 tasks in 3 files checked).",
    ]
    assert render(result(), "text", show_summary=False).count("\n") == 4


def test_json_objects_have_stable_keys() -> None:
    rows = json.loads(render(result(), "json"))
    assert [list(r) for r in rows] == [
        [
            "file",
            "line",
            "column",
            "severity",
            "code",
            "message",
            "parameter",
            "taskUUID",
            "documentation",
        ]
    ] * 3
    assert rows[1]["parameter"] == ["width", "height"]
    assert rows[1]["taskUUID"] is None
    assert json.loads(render(LintResult(), "json")) == []


def test_github_escaping() -> None:
    assert github_command("a,b:c.json", 1, 2, "x", "50%\r\nok") == (
        "::error file=a%2Cb%3Ac.json,line=1,col=2,title=x::50%25%0D%0Aok"
    )
    assert github_command("f", None, None, "t", "m") == "::error file=f,title=t::m"
    lines = render(result(failures=[LoadError("z.json", "bad", 2, 3)]), "github").splitlines()
    assert lines == [
        "::error file=z.json,line=2,col=3,title=unreadable input::bad",
        "::error file=a b/x.json,line=3,col=5,title=invalidWidth::Invalid value for width: 7.",
        "::error file=y.jsonl,line=1,col=2,title=unsupportedDimensions::"
        "Use 1280x720, or: 100%25,%0Anot",
        "::error file=y.jsonl,line=4,col=1,title=invalidWidth::again",
        "Found 3 problems in 2 files (4 tasks in 3 files checked); 1 input could not be read "
        "(z.json).",
    ]


def test_artifact_uri() -> None:
    assert artifact_uri("a b/x.json") == "a%20b/x.json"
    assert artifact_uri("/tmp/é.json") == "file:///tmp/%C3%A9.json"


def test_sarif_structure() -> None:
    log = sarif_log(result(failures=[LoadError("z.json", "empty file")]), "9.9")
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-2.1.0.json")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "runware-testkit"
    assert driver["version"] == "9.9"
    assert [r["id"] for r in driver["rules"]] == ["invalidWidth", "unsupportedDimensions"]
    assert driver["rules"][0]["helpUri"] == f"{DOCS}#request-width"
    assert "helpUri" not in driver["rules"][1]
    assert [(r["ruleId"], r["ruleIndex"]) for r in run["results"]] == [
        ("invalidWidth", 0),
        ("unsupportedDimensions", 1),
        ("invalidWidth", 0),
    ]
    first = run["results"][0]
    assert first["level"] == "error"
    assert first["message"] == {"text": "Invalid value for width: 7."}
    assert first["locations"] == [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": "a%20b/x.json"},
                "region": {"startLine": 3, "startColumn": 5},
            }
        }
    ]
    assert first["properties"] == {
        "parameter": "width",
        "taskUUID": "u-1",
        "documentation": f"{DOCS}#request-width",
    }
    assert run["columnKind"] == "unicodeCodePoints"
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"][0]["message"] == {"text": "empty file"}
    assert json.loads(render(result(), "sarif"))["runs"][0]["results"] == run["results"]


def with_findings() -> LintResult:
    """An error, a warning, and a task not checked (a notice)."""
    return LintResult(
        diagnostics=[
            Diagnostic("a.json", 2, 3, "invalidSeed", "seed: bad", "seed"),
            Diagnostic(
                "a.json", 5, 1, "nonCanonicalValue", "outputFormat: 'mp4'", severity="warning"
            ),
            Diagnostic(
                "b.json", 4, 12, "unknownModel", "task not checked: model", "model",
                severity="notice", unchecked=True,
            ),
        ],
        files=2,
        tasks=3,
    )  # fmt: skip


def test_severities_and_exit_status() -> None:
    found = with_findings()
    assert [d.code for d in found.errors] == ["invalidSeed"]
    assert [d.code for d in found.warnings] == ["nonCanonicalValue"]
    assert [d.code for d in found.notices] == ["unknownModel"]
    assert found.unchecked == 1
    assert (found.exit_code, found.exit_status(strict=True)) == (1, 1)
    only_warning = LintResult(diagnostics=found.diagnostics[1:], files=2, tasks=3)
    assert (only_warning.exit_code, only_warning.exit_status(strict=True)) == (0, 1)
    only_notice = LintResult(diagnostics=found.diagnostics[2:], files=1, tasks=1)
    assert (only_notice.exit_code, only_notice.exit_status(strict=True)) == (0, 0)


def test_summary_counts_warnings_and_unchecked_tasks() -> None:
    found = with_findings()
    assert summary(found) == (
        "Found 1 problem and 1 warning in 1 file (2 tasks in 2 files checked; 1 task not "
        "checked, the kit has no contract for its model)."
    )
    only_warning = LintResult(diagnostics=found.diagnostics[1:2], files=1, tasks=1)
    assert summary(only_warning) == "No problems, 1 warning (1 task in 1 file checked)."


def test_text_puts_notices_apart() -> None:
    found = with_findings()
    assert render(found, "text", show_summary=False).splitlines() == [
        "a.json:2:3: invalidSeed seed: bad",
        "a.json:5:1: warning: nonCanonicalValue outputFormat: 'mp4'",
    ]
    assert format_notices(found) == ("b.json:4:12: notice: unknownModel task not checked: model\n")


def test_machine_formats_carry_the_severity() -> None:
    found = with_findings()
    rows = json.loads(render(found, "json"))
    assert [r["severity"] for r in rows] == ["error", "warning", "notice"]
    lines = render(found, "github", show_summary=False).splitlines()
    assert [line.split(" ", 1)[0] for line in lines] == ["::error", "::warning", "::notice"]
    (run,) = sarif_log(found, "1")["runs"]
    assert [r["level"] for r in run["results"]] == ["error", "warning", "note"]
    levels = {r["id"]: r["defaultConfiguration"]["level"] for r in run["tool"]["driver"]["rules"]}
    assert levels == {
        "invalidSeed": "error",
        "nonCanonicalValue": "warning",
        "unknownModel": "note",
    }
