"""Run the validator over files and place each error at a line and column.

Where an error is reported:

- an unknown key (``unsupportedParameter``): at the key;
- a rule spanning several fields (``parameter`` is a list): at the first of them present in
  the task (for ``["width", "height"]``, the width value);
- a missing key: at the opening brace of the object that lacks it (the nearest enclosing value
  that exists);
- anything else: at the offending value.

A file's lone task objects are checked one by one, its arrays as request bodies; one set of
claimed taskUUIDs spans the whole run, so a taskUUID reused in another file is a conflict, and
its message names where the taskUUID was first used (``file:line:col``).

Every problem is reported (the validator's ``mode="all"``). Accepted enum values in another
letter case are warnings. A task whose model the kit has no contract for (``unknownModel``
naming a model string) is not checked: it is reported as a notice, or as an error with
``unknown="error"``.
"""

from __future__ import annotations

from collections.abc import Iterable, MutableSet, Sequence
from dataclasses import replace
from itertools import groupby
from typing import Any, BinaryIO, Literal, Protocol

from .loader import LoadError, Source, Task, collect, load
from .positions import PositionMap
from .report import Diagnostic, LintResult

_KEY_KINDS = frozenset({"unknown key", "wrong model's parameter"})
_KEY_CODES = frozenset({"unsupportedParameter", "unknownParameter"})
_CONFLICT_CODE = "conflictTaskUUID"
_UNKNOWN_MODEL_KIND = "unknown model"

Unknown = Literal["notice", "error"]
UNKNOWN_CHOICES: tuple[str, ...] = ("notice", "error")


class Checker(Protocol):
    """What the linter needs of a validator (the :mod:`runware_testkit.validation` API)."""

    def check_task(
        self, task: Any, *, seen_task_uuids: MutableSet[str] | None = None, mode: str = "first"
    ) -> Any:
        """``errors`` and ``warnings`` of one task (called with ``mode="all"``)."""
        ...

    def validate_batch(
        self, body: Any, *, seen_task_uuids: MutableSet[str] | None = None
    ) -> list[Any]:
        """One report (``index``, ``errors``, ``warnings``) per task of a request body."""
        ...


def _default_checker() -> Checker:
    from ..validation import default_validator

    return default_validator()


def dotted_to_pointer(path: str) -> str:
    """The JSON pointer of a dotted parameter path (``inputs.frameImages.2`` -> ``/inputs/...``)."""
    if not path:
        return ""
    return "".join("/" + part.replace("~", "~0").replace("/", "~1") for part in path.split("."))


def locate(task: Task, error: Any) -> tuple[int, int]:
    """The 1-based (line, column) in the file at which to report ``error`` about ``task``."""
    positions = task.positions
    parameter = getattr(error, "parameter", None)
    if isinstance(parameter, list | tuple):
        for name in parameter:
            pointer = task.pointer + dotted_to_pointer(str(name))
            if pointer in positions:
                position = positions[pointer]
                return position.line, position.col
    pointer = getattr(error, "pointer", None)
    if pointer is None:
        pointer = dotted_to_pointer(parameter) if isinstance(parameter, str) else ""
    pointer = task.pointer + pointer
    if pointer in positions:
        position = positions[pointer]
        if getattr(error, "kind", None) in _KEY_KINDS or getattr(error, "code", "") in _KEY_CODES:
            return position.key_line, position.key_col
        return position.line, position.col
    return _enclosing(positions, pointer, task.pointer)


def _enclosing(positions: PositionMap, pointer: str, root: str) -> tuple[int, int]:
    """The position of the nearest value enclosing ``pointer`` that exists in the file."""
    while len(pointer) > len(root) and pointer not in positions:
        pointer = pointer[: pointer.rfind("/")]
    if pointer not in positions:
        pointer = root
    position = positions[pointer]
    return position.line, position.col


def is_unchecked(task: dict[str, Any], error: Any) -> bool:
    """True when ``error`` says the kit has no contract for the task's model (a string)."""
    return getattr(error, "kind", None) == _UNKNOWN_MODEL_KIND and isinstance(
        task.get("model"), str
    )


def _diagnostic(
    name: str, task: Task, error: Any, *, severity: str = "error", unchecked: bool = False
) -> Diagnostic:
    line, col = locate(task, error)
    parameter = error.parameter
    return Diagnostic(
        file=name,
        line=line,
        column=col,
        code=error.code,
        message=f"task not checked: {error.message}" if unchecked else error.message,
        parameter=list(parameter) if isinstance(parameter, list | tuple) else parameter,
        taskUUID=error.taskUUID,
        documentation=error.documentation,
        severity=severity,
        unchecked=unchecked,
    )


def _findings(
    name: str,
    task: Task,
    value: dict[str, Any],
    errors: Iterable[Any],
    warnings: Iterable[Any],
    unknown: str,
) -> list[Diagnostic]:
    found = []
    for error in errors:
        if is_unchecked(value, error):
            severity = "error" if unknown == "error" else "notice"
            found.append(_diagnostic(name, task, error, severity=severity, unchecked=True))
        else:
            found.append(_diagnostic(name, task, error))
    found += [_diagnostic(name, task, warning, severity="warning") for warning in warnings]
    return found


def lint_tasks(
    name: str,
    tasks: Iterable[Task],
    *,
    checker: Checker,
    seen_task_uuids: MutableSet[str],
    model: str | None = None,
    unknown: Unknown = "notice",
) -> list[Diagnostic]:
    """Validate the tasks of one file; ``model`` fills in a task's missing ``model``.

    A lone task object is checked on its own, an array as one request body (so a taskUUID
    repeated inside it is a conflict even when its first use has other errors). ``unknown``
    is the severity of a task not checked for want of a contract for its model.
    """
    found = []
    for _, group in groupby(tasks, key=lambda t: t.document):
        members = list(group)
        values = [_with_model(t.value, model) for t in members]
        if members[0].pointer:
            reports = checker.validate_batch(values, seen_task_uuids=seen_task_uuids)
            for report in reports:
                index = report.index
                task = members[index] if index is not None else replace(members[0], pointer="")
                value = values[index] if index is not None else {}
                warnings = getattr(report, "warnings", ())
                found += _findings(name, task, value, report.errors, warnings, unknown)
        else:
            check = checker.check_task(values[0], seen_task_uuids=seen_task_uuids, mode="all")
            found += _findings(name, members[0], values[0], check.errors, check.warnings, unknown)
    found.sort(key=lambda d: (d.line, d.column))
    return found


def _with_model(task: dict[str, Any], model: str | None) -> dict[str, Any]:
    if model is None or "model" in task:
        return task
    return {**task, "model": model}


def lint_sources(
    sources: Sequence[Source],
    *,
    checker: Checker | None = None,
    model: str | None = None,
    stdin: BinaryIO | None = None,
    unknown: Unknown = "notice",
) -> LintResult:
    """Load and validate every source; a taskUUID may appear once across all of them."""
    checker = checker or _default_checker()
    result = LintResult()
    seen: set[str] = set()
    first_use: dict[str, str] = {}
    for source in sources:
        try:
            loaded = load(source, stdin=stdin)
        except LoadError as exc:
            result.failures.append(exc)
            continue
        result.files += 1
        result.tasks += len(loaded.tasks)
        found = lint_tasks(
            source.name,
            loaded.tasks,
            checker=checker,
            seen_task_uuids=seen,
            model=model,
            unknown=unknown,
        )
        _record_first_uses(first_use, source.name, loaded.tasks)
        result.diagnostics += [_name_first_use(d, first_use) for d in found]
    return result


def _record_first_uses(first_use: dict[str, str], name: str, tasks: Iterable[Task]) -> None:
    """Remember ``file:line:col`` of each taskUUID's first appearance in the run."""
    for task in tasks:
        uuid = task.value.get("taskUUID")
        position = task.positions.get(task.pointer + "/taskUUID")
        if isinstance(uuid, str) and position is not None:
            first_use.setdefault(uuid, f"{name}:{position.line}:{position.col}")


def _name_first_use(diagnostic: Diagnostic, first_use: dict[str, str]) -> Diagnostic:
    """A reused taskUUID's diagnostic, its message naming where the taskUUID was first used."""
    if diagnostic.code != _CONFLICT_CODE or diagnostic.taskUUID not in first_use:
        return diagnostic
    where = first_use[diagnostic.taskUUID]
    if where == f"{diagnostic.file}:{diagnostic.line}:{diagnostic.column}":
        return diagnostic
    return replace(diagnostic, message=f"{diagnostic.message} (first used at {where})")


def lint_paths(
    paths: Sequence[str],
    *,
    checker: Checker | None = None,
    model: str | None = None,
    stdin: BinaryIO | None = None,
    unknown: Unknown = "notice",
) -> LintResult:
    """Lint command-line paths (files, directories, globs, ``-``); see :func:`loader.collect`."""
    sources, failures = collect(paths)
    result = lint_sources(sources, checker=checker, model=model, stdin=stdin, unknown=unknown)
    result.failures[:0] = failures
    return result
