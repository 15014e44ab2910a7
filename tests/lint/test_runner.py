"""Placing validator errors at lines and columns, with a stand-in validator."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runware_testkit.lint.loader import Source, read_tasks
from runware_testkit.lint.runner import dotted_to_pointer, lint_paths, lint_sources, locate

TEXT = """\
{
  "taskType": "videoInference",
  "taskUUID": "u-1",
  "width": 7,
  "inputs": {
    "frameImages": [
      {"image": "x", "frame": 3}
    ],
    "typo": 1
  }
}
"""


@dataclass
class Err:
    code: str
    pointer: str | None = ""
    parameter: str | list[str] | None = None
    kind: str | None = None
    message: str = "m"
    taskUUID: str | None = None
    documentation: str | None = None


def where(error: Err, text: str = TEXT) -> tuple[int, int]:
    (task,) = read_tasks(text, "t.json")
    return locate(task, error)


def test_value_position() -> None:
    assert where(Err("invalidWidth", "/width", "width", "out of range")) == (4, 12)
    assert where(Err("invalidFrame", "/inputs/frameImages/0/frame", kind="not allowed")) == (7, 31)


def test_unknown_key_is_reported_at_the_key() -> None:
    assert where(Err("unsupportedParameter", "/inputs/typo", kind="unknown key")) == (9, 5)
    assert where(Err("unsupportedParameter", "/inputs/typo")) == (9, 5)
    assert where(Err("unsupportedParameter", "/width", kind="wrong model's parameter")) == (4, 3)


def test_missing_key_is_reported_at_the_object_that_lacks_it() -> None:
    assert where(Err("missingVideo", "/inputs/video", "inputs.video", "missing")) == (5, 13)
    assert where(Err("missingModel", "/model", "model", "missing")) == (1, 1)
    assert where(Err("missingImage", "/inputs/frameImages/0/image/x/y")) == (7, 17)


def test_cross_field_error_is_at_the_first_named_parameter_present() -> None:
    assert where(Err("unsupportedDimensions", "", ["width", "height"], "bad preset")) == (4, 12)
    assert where(Err("missingHeight", "/height", ["height", "width"], "broken pair")) == (4, 12)
    assert where(
        Err(
            "incompatibleParameters",
            "/inputs/frameImages/0",
            ["inputs.frameImages.0.frame", "inputs.frameImages.0.timestamp"],
        )
    ) == (7, 31)
    assert where(Err("x", "/nothing", ["a", "b"])) == (1, 1)


def test_pointer_falls_back_to_the_parameter_path() -> None:
    assert where(Err("invalidFrame", None, "inputs.frameImages.0.frame")) == (7, 31)
    assert where(Err("invalidRequestBody", None)) == (1, 1)
    assert dotted_to_pointer("a.b/c.0") == "/a/b~1c/0"
    assert dotted_to_pointer("") == ""


def test_task_in_an_array_uses_its_own_pointer() -> None:
    text = '[\n  {"taskType": "t"},\n  {"taskType": "t", "width": 1}\n]'
    tasks = read_tasks(text, "a.json")
    assert locate(tasks[1], Err("invalidWidth", "/width")) == (3, 30)
    assert locate(tasks[1], Err("missingModel", "/model")) == (3, 3)
    assert locate(tasks[0], Err("missingModel", "/model")) == (2, 3)


@dataclass
class Report:
    index: int | None
    errors: list[Err]


@dataclass
class Check:
    errors: list[Err]
    warnings: list[Err] = field(default_factory=list)


@dataclass
class Recorder:
    """A validator stand-in that reports a reused taskUUID and every 'bad' key."""

    calls: list[dict[str, Any]] = field(default_factory=list)
    bodies: list[int] = field(default_factory=list)
    modes: list[str] = field(default_factory=list)
    body_error: Err | None = None

    def check_task(self, task: dict[str, Any], *, seen_task_uuids: set[str], mode: str) -> Check:
        self.modes.append(mode)
        return Check(self.validate_request(task, seen_task_uuids=seen_task_uuids))

    def validate_request(self, task: dict[str, Any], *, seen_task_uuids: set[str]) -> list[Err]:
        self.calls.append(task)
        errors = []
        if "bad" in task:
            errors.append(Err("invalidBad", "/bad", "bad", taskUUID=task.get("taskUUID")))
        uuid = task.get("taskUUID")
        if uuid is not None and uuid in seen_task_uuids:
            errors.append(Err("conflictTaskUUID", "/taskUUID", "taskUUID", taskUUID=uuid))
        seen_task_uuids.add(uuid)
        return errors

    def validate_batch(self, body: list[Any], *, seen_task_uuids: set[str]) -> list[Report]:
        self.bodies.append(len(body))
        reports = [
            Report(i, self.validate_request(task, seen_task_uuids=seen_task_uuids))
            for i, task in enumerate(body)
        ]
        if self.body_error is not None:
            reports.append(Report(None, [self.body_error]))
        return reports


def test_lint_sources_shares_seen_uuids_and_counts(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(
        '[{"taskType": "t", "taskUUID": "1"},\n {"taskType": "t", "taskUUID": "2", "bad": 0}]'
    )
    (tmp_path / "b.jsonl").write_text('{"taskType": "t", "taskUUID": "1"}\n')
    (tmp_path / "c.json").write_text("7")
    recorder = Recorder()
    result = lint_paths([str(tmp_path), "missing.json"], checker=recorder)
    rows = [(d.file.rsplit("/", 1)[-1], d.line, d.column, d.code) for d in result.diagnostics]
    assert rows == [("a.json", 2, 44, "invalidBad"), ("b.jsonl", 1, 31, "conflictTaskUUID")]
    assert (result.files, result.tasks) == (2, 3)
    assert [str(f).rsplit("/", 1)[-1] for f in result.failures] == [
        "missing.json: no such file or directory",
        "c.json:1:1: not a task: expected an object with taskType, found a number",
    ]
    assert result.exit_code == 2
    assert result.diagnostics[0].taskUUID == "2"
    assert recorder.bodies == [2]
    assert len(recorder.calls) == 3
    assert recorder.modes == ["all"]


def test_arrays_are_request_bodies_and_objects_single_tasks() -> None:
    recorder = Recorder(body_error=Err("invalidRequestBody", None))
    text = (
        '{"taskType": "t"}\n[{"taskType": "t"}, {"taskType": "t", "bad": 1}]\n[{"taskType": "t"}]\n'
    )
    (source,) = [Source("<stdin>")]
    result = lint_sources([source], checker=recorder, stdin=io.BytesIO(text.encode()))
    assert recorder.bodies == [2, 1]
    assert [(d.code, d.line, d.column) for d in result.diagnostics] == [
        ("invalidRequestBody", 2, 1),
        ("invalidBad", 2, 46),
        ("invalidRequestBody", 3, 1),
    ]


def test_model_option_fills_in_a_missing_model_only() -> None:
    recorder = Recorder()
    stdin = io.BytesIO(b'{"taskType": "t"}\n{"taskType": "t", "model": "m"}\n')
    result = lint_sources([Source("<stdin>")], checker=recorder, model="forced", stdin=stdin)
    assert [c.get("model") for c in recorder.calls] == ["forced", "m"]
    assert result.exit_code == 0


def test_a_reused_task_uuid_names_where_it_was_first_used(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(
        '[{"taskType": "t", "taskUUID": "1"},\n {"taskType": "t", "taskUUID": "1"}]'
    )
    (tmp_path / "b.jsonl").write_text('{"taskType": "t", "taskUUID": "2"}\n')
    (tmp_path / "c.json").write_text('{\n  "taskType": "t",\n  "taskUUID": "2"\n}')
    result = lint_paths(
        [str(tmp_path / name) for name in ("a.json", "b.jsonl", "c.json")], checker=Recorder()
    )
    found = [(d.file.rsplit("/", 1)[-1], d.line, d.column, d.message) for d in result.diagnostics]
    a, b = tmp_path / "a.json", tmp_path / "b.jsonl"
    assert found == [
        ("a.json", 2, 32, f"m (first used at {a}:1:32)"),
        ("c.json", 3, 15, f"m (first used at {b}:1:31)"),
    ]


def test_warnings_and_unchecked_tasks() -> None:
    class Checker(Recorder):
        def check_task(self, task: dict[str, Any], *, seen_task_uuids: set[str], mode: str):
            if task.get("model") == "x:unknown@1":
                return Check([Err("unknownModel", "/model", "model", kind="unknown model")])
            return Check([], [Err("nonCanonicalValue", "/f", "f", message="f: 'mp4'")])

    text = '{"taskType": "t", "f": "mp4"}\n{"taskType": "t", "model": "x:unknown@1"}\n'
    for unknown, severity, status in (("notice", "notice", 0), ("error", "error", 1)):
        result = lint_sources(
            [Source("<stdin>")],
            checker=Checker(),
            stdin=io.BytesIO(text.encode()),
            unknown=unknown,
        )
        rows = [(d.severity, d.code, d.line, d.column) for d in result.diagnostics]
        assert rows == [
            ("warning", "nonCanonicalValue", 1, 24),
            (severity, "unknownModel", 2, 28),
        ]
        assert result.diagnostics[1].message == "task not checked: m"
        assert result.unchecked == 1
        assert result.exit_code == status
