"""What a lint run found, and its output formats: text, json, SARIF 2.1.0 and GitHub annotations."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from .loader import LoadError

FORMATS = ("text", "json", "sarif", "github")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL_NAME = "runware-testkit"


SEVERITIES = ("error", "warning", "notice")


@dataclass(frozen=True)
class Diagnostic:
    """One finding in one task: where it is (1-based line and column) and what it says.

    ``severity`` is ``"error"`` (a problem Runware would reject), ``"warning"`` (accepted, but
    not in the documented spelling, e.g. ``outputFormat: "mp4"``) or ``"notice"`` (the task
    was not checked: the kit has no contract for its model). ``unchecked`` marks a task that
    was not checked, whatever its severity (``--unknown error`` makes those errors).
    """

    file: str
    line: int
    column: int
    code: str
    message: str
    parameter: str | list[str] | None = None
    taskUUID: str | None = None
    documentation: str | None = None
    severity: str = "error"
    unchecked: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON object of ``--format json``."""
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "parameter": self.parameter,
            "taskUUID": self.taskUUID,
            "documentation": self.documentation,
        }


@dataclass
class LintResult:
    """Everything a lint run found: findings, unreadable inputs, and how much was read.

    ``tasks`` counts every task read, ``unchecked`` those not checked (no contract for their
    model); the summary says ``tasks - unchecked`` were checked.
    """

    diagnostics: list[Diagnostic] = field(default_factory=list)
    failures: list[LoadError] = field(default_factory=list)
    files: int = 0
    tasks: int = 0

    @property
    def errors(self) -> list[Diagnostic]:
        """The findings of severity ``error``."""
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        """The findings of severity ``warning``."""
        return [d for d in self.diagnostics if d.severity == "warning"]

    @property
    def notices(self) -> list[Diagnostic]:
        """The findings of severity ``notice`` (tasks not checked)."""
        return [d for d in self.diagnostics if d.severity == "notice"]

    @property
    def unchecked(self) -> int:
        """How many tasks were not checked (no contract for their model)."""
        return sum(1 for d in self.diagnostics if d.unchecked)

    @property
    def exit_code(self) -> int:
        """The exit status without ``--strict`` (see `exit_status`)."""
        return self.exit_status()

    def exit_status(self, *, strict: bool = False) -> int:
        """2 if any input could not be linted, else 1 if any error was found (or, with
        ``strict``, any warning), else 0. Notices never fail a run."""
        if self.failures:
            return 2
        if self.errors or (strict and self.warnings):
            return 1
        return 0


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


UNREADABLE_CODE = "unreadableInput"
"""The code of an input that could not be linted, in ``--format json`` (the kit's own code, not
a Runware one; the other formats name such inputs in their own way)."""
_NAMED_INPUTS = 5
"""How many unreadable inputs the summary names before it says how many more there are."""


def _unreadable(failures: list[LoadError]) -> str:
    """``2 inputs could not be read (a.json, b.json)``, at most `_NAMED_INPUTS` names."""
    names = list(dict.fromkeys(failure.name for failure in failures))
    shown = ", ".join(names[:_NAMED_INPUTS])
    if len(names) > _NAMED_INPUTS:
        shown += f" and {len(names) - _NAMED_INPUTS} more"
    return f"{_plural(len(failures), 'input')} could not be read ({shown})"


def summary(result: LintResult) -> str:
    """One line: problems and warnings in how many files, of how many tasks and files checked,
    and which inputs could not be read. A run that read nothing says so, never "No problems"."""
    checked_tasks = result.tasks - result.unchecked
    checked = f"{_plural(checked_tasks, 'task')} in {_plural(result.files, 'file')} checked"
    if result.unchecked:
        checked += (
            f"; {_plural(result.unchecked, 'task')} not checked, the kit has no contract for "
            f"{'its' if result.unchecked == 1 else 'their'} model"
        )
    unreadable = f"; {_unreadable(result.failures)}" if result.failures else ""
    if not result.files and result.failures:
        return f"Nothing checked: {_unreadable(result.failures)}."
    errors, warnings = result.errors, result.warnings
    if not errors and not warnings:
        return f"No problems ({checked}){unreadable}."
    if not errors:
        return f"No problems, {_plural(len(warnings), 'warning')} ({checked}){unreadable}."
    files = len({d.file for d in (*errors, *warnings)})
    found = f"Found {_plural(len(errors), 'problem')}"
    if warnings:
        found += f" and {_plural(len(warnings), 'warning')}"
    return f"{found} in {_plural(files, 'file')} ({checked}){unreadable}."


def text_line(d: Diagnostic) -> str:
    """``file:line:col: code message``; warnings and notices say so after the position."""
    label = "" if d.severity == "error" else f"{d.severity}: "
    return f"{d.file}:{d.line}:{d.column}: {label}{d.code} {d.message}"


def format_text(result: LintResult, *, show_summary: bool = True) -> str:
    """One line per error and warning, then a summary line (notices go to `format_notices`)."""
    lines = [text_line(d) for d in result.diagnostics if d.severity != "notice"]
    if show_summary:
        lines.append(summary(result))
    return "".join(f"{line}\n" for line in lines)


def format_notices(result: LintResult) -> str:
    """The notices of a text report (tasks not checked), for standard error."""
    return "".join(f"{text_line(d)}\n" for d in result.notices)


def unreadable_entry(failure: LoadError) -> dict[str, Any]:
    """An unreadable input as a ``--format json`` entry: the keys of :meth:`Diagnostic.to_dict`,
    severity ``error``, code `UNREADABLE_CODE`, line and column where known (else null)."""
    entry = Diagnostic(failure.name, 0, 0, UNREADABLE_CODE, failure.message).to_dict()
    return {**entry, "line": failure.line, "column": failure.col}


def format_json(result: LintResult, *, show_summary: bool = True) -> str:
    """A JSON array: one entry per unreadable input (code ``unreadableInput``), then one per
    finding, each with the keys of :meth:`Diagnostic.to_dict`."""
    rows = [unreadable_entry(f) for f in result.failures]
    rows += [d.to_dict() for d in result.diagnostics]
    return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_command(
    file: str,
    line: int | None,
    col: int | None,
    title: str,
    message: str,
    level: str = "error",
) -> str:
    """One ``::error`` (or ``::warning``, ``::notice``) workflow command, escaped as GitHub
    Actions requires."""
    props = [f"file={_escape_property(file)}"]
    if line is not None:
        props.append(f"line={line}")
    if col is not None:
        props.append(f"col={col}")
    props.append(f"title={_escape_property(title)}")
    return f"::{level} {','.join(props)}::{_escape_data(message)}"


def format_github(result: LintResult, *, show_summary: bool = True) -> str:
    """GitHub Actions annotations: ``::error`` per problem and per unreadable input,
    ``::warning`` per warning, ``::notice`` per task not checked."""
    lines = [
        github_command(f.name, f.line, f.col, "unreadable input", f.message)
        for f in result.failures
    ]
    lines += [
        github_command(d.file, d.line, d.column, d.code, d.message, d.severity)
        for d in result.diagnostics
    ]
    if show_summary:
        lines.append(summary(result))
    return "".join(f"{line}\n" for line in lines)


def artifact_uri(name: str) -> str:
    """A SARIF artifact URI for a reported file name: relative stays relative, with ``/``."""
    path = PurePath(name)
    if path.is_absolute():
        return path.as_uri()
    return quote(path.as_posix(), safe="/")


def sarif_log(result: LintResult, version: str) -> dict[str, Any]:
    """The SARIF 2.1.0 log of a lint run: one rule per code, one result per finding (level
    ``error``, ``warning`` or ``note`` for a task not checked)."""
    rules: list[dict[str, Any]] = []
    rule_index: dict[str, int] = {}
    results = []
    for d in result.diagnostics:
        if d.code not in rule_index:
            rule_index[d.code] = len(rules)
            rule: dict[str, Any] = {
                "id": d.code,
                "name": d.code,
                "shortDescription": {"text": _rule_text(d)},
                "defaultConfiguration": {"level": _SARIF_LEVELS[d.severity]},
            }
            rules.append(rule)
        rule = rules[rule_index[d.code]]
        if d.documentation and "helpUri" not in rule:
            rule["helpUri"] = d.documentation
        properties: dict[str, Any] = {}
        for key in ("parameter", "taskUUID", "documentation"):
            if getattr(d, key) is not None:
                properties[key] = getattr(d, key)
        results.append(
            {
                "ruleId": d.code,
                "ruleIndex": rule_index[d.code],
                "level": _SARIF_LEVELS[d.severity],
                "message": {"text": d.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": artifact_uri(d.file)},
                            "region": {"startLine": d.line, "startColumn": d.column},
                        }
                    }
                ],
                "properties": properties,
            }
        )
    notifications = [
        {
            "level": "error",
            "message": {"text": failure.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": artifact_uri(failure.name)},
                        **(
                            {"region": {"startLine": failure.line, "startColumn": failure.col}}
                            if failure.line is not None
                            else {}
                        ),
                    }
                }
            ],
        }
        for failure in result.failures
    ]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL_NAME,
                        "version": version,
                        "rules": rules,
                    }
                },
                "invocations": [
                    {
                        "executionSuccessful": not result.failures,
                        "toolExecutionNotifications": notifications,
                    }
                ],
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


_SARIF_LEVELS = {"error": "error", "warning": "warning", "notice": "note"}


def _rule_text(d: Diagnostic) -> str:
    if d.severity == "warning":
        return f"runware-testkit warning {d.code}"
    if d.unchecked:
        return f"Task not checked ({d.code})"
    return f"Runware error {d.code}"


def format_sarif(result: LintResult, *, show_summary: bool = True) -> str:
    """The SARIF 2.1.0 log as indented JSON."""
    from .._version import __version__

    return json.dumps(sarif_log(result, __version__), indent=2, ensure_ascii=False) + "\n"


FORMATTERS: dict[str, Callable[..., str]] = {
    "text": format_text,
    "json": format_json,
    "sarif": format_sarif,
    "github": format_github,
}


def render(result: LintResult, fmt: str, *, show_summary: bool = True) -> str:
    """The report of ``result`` in format ``fmt`` (one of :data:`FORMATS`)."""
    return FORMATTERS[fmt](result, show_summary=show_summary)
