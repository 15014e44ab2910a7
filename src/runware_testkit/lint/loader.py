"""Find the files a lint run reads and load the tasks they hold, with their positions.

A file holds one task object, an array of task objects, or JSON Lines (one task or array of
tasks per line). Anything else is a :class:`LoadError`, which names the file and, when known,
the line and column.
"""

from __future__ import annotations

import glob
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from .positions import JSONPositionError, PositionMap, decode, parse_documents

STDIN = "-"
STDIN_NAME = "<stdin>"
LINT_SUFFIXES = (".json", ".jsonl")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
_GLOB_CHARS = frozenset("*?[")
_SKIPPED_DIRS = frozenset({"node_modules", "__pycache__"})
MAX_INPUT_BYTES = 64 * 1024 * 1024
"""Largest input read (64 MiB): a stored request body is far smaller, and a device such as
/dev/zero or an endless pipe must end in an error, not in all of memory."""


class LoadError(Exception):
    """An input that cannot be linted: a missing path, unreadable bytes, invalid JSON, no tasks."""

    def __init__(self, name: str, message: str, line: int | None = None, col: int | None = None):
        super().__init__(message)
        self.name = name
        self.message = message
        self.line = line
        self.col = col

    def __str__(self) -> str:
        where = f"{self.name}:{self.line}:{self.col}" if self.line is not None else self.name
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Source:
    """One input of a lint run: a file, or standard input when ``path`` is None."""

    name: str
    path: Path | None = None


@dataclass(frozen=True)
class Task:
    """One task object read from a file, with the positions of everything in it.

    ``pointer`` is where the task sits in its document ("" for a lone object, "/2" for the third
    item of an array); ``positions`` covers the whole document, so a pointer into the task is
    ``task.pointer + inner_pointer``. ``document`` counts the values of the file (one per line
    of JSON Lines); the tasks of one array share it, and are one request body.
    """

    value: dict[str, Any]
    pointer: str
    positions: PositionMap
    index: int
    document: int = 0


@dataclass(frozen=True)
class LoadedFile:
    """The tasks of one input, in file order."""

    source: Source
    tasks: list[Task]


def collect(args: Sequence[str]) -> tuple[list[Source], list[LoadError]]:
    """Expand command-line paths into sources; returns them and one error per unusable path.

    An argument may be a file (read whatever its name), a directory (every ``*.json`` and
    ``*.jsonl`` below it, skipping hidden directories; files found under ``.`` are named
    without a leading ``./``), a glob (``**`` matches any depth, also
    when the shell did not expand it) or ``-`` for standard input. Files are deduplicated.
    """
    sources: list[Source] = []
    errors: list[LoadError] = []
    seen: set[object] = set()

    def add(source: Source) -> None:
        key = _identity(source.path) if source.path is not None else STDIN
        if key not in seen:
            seen.add(key)
            sources.append(source)

    for arg in args:
        if arg == STDIN:
            add(Source(STDIN_NAME))
            continue
        path = Path(arg)
        if path.is_dir():
            found = list(_walk(arg))
            if not found:
                errors.append(LoadError(arg, "no .json or .jsonl files in this directory"))
            for name in found:
                add(Source(name, Path(name)))
        elif path.exists():
            add(Source(arg, path))
        elif _GLOB_CHARS & set(arg):
            matches = sorted(glob.glob(arg, recursive=True))
            files = [m for m in matches if not Path(m).is_dir()]
            for match in (m for m in matches if Path(m).is_dir()):
                files += _walk(match)
            if not files:
                errors.append(LoadError(arg, "no files matched"))
            for name in files:
                add(Source(name, Path(name)))
        else:
            errors.append(LoadError(arg, "no such file or directory"))
    return sources, errors


def _identity(path: Path) -> object:
    """What makes two paths the same file: device and inode, or the absolute path."""
    try:
        stat = os.stat(path)
    except OSError:
        return os.path.abspath(path)
    return (stat.st_dev, stat.st_ino)


def _walk(directory: str) -> Iterable[str]:
    """Every lintable file below ``directory``, in sorted order."""
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIPPED_DIRS)
        for name in sorted(files):
            if name.lower().endswith(LINT_SUFFIXES):
                path = os.path.join(root, name)
                yield path[2:] if path.startswith("./") else path


def load(source: Source, stdin: BinaryIO | None = None) -> LoadedFile:
    """Read ``source`` and return its tasks; raises :class:`LoadError` if it cannot be linted."""
    try:
        if source.path is None:
            data = (stdin or sys.stdin.buffer).read(MAX_INPUT_BYTES + 1)
        else:
            with source.path.open("rb") as handle:
                data = handle.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise LoadError(source.name, exc.strerror or str(exc)) from None
    if len(data) > MAX_INPUT_BYTES:
        raise LoadError(
            source.name,
            f"larger than {MAX_INPUT_BYTES // (1024 * 1024)} MiB: not a stored request body",
        )
    jsonl = True if source.name.lower().endswith(JSONL_SUFFIXES) else None
    return LoadedFile(source, read_tasks(data, source.name, jsonl=jsonl))


def read_tasks(data: bytes | str, name: str, *, jsonl: bool | None = None) -> list[Task]:
    """The tasks held by a file's content; ``jsonl=None`` detects JSON Lines.

    Raises :class:`LoadError` for bytes that are not UTF-8, invalid JSON, an empty file, and
    content that is not a task (a value that is not an object, an object without ``taskType``).
    """
    try:
        text = decode(data) if isinstance(data, bytes) else data
        documents = parse_documents(text, jsonl=jsonl, lazy=True)
    except JSONPositionError as exc:
        raise LoadError(name, exc.message, exc.line, exc.col) from None
    if not documents:
        raise LoadError(name, "empty file: expected a task object or an array of tasks")
    tasks: list[Task] = []
    for number, document in enumerate(documents):
        value, positions = document.value, document.positions
        if isinstance(value, list):
            if not value:
                line, col = positions[""][:2]
                raise LoadError(name, "empty array: expected at least one task", line, col)
            items = [(f"/{i}", item) for i, item in enumerate(value)]
        else:
            items = [("", value)]
        for pointer, item in items:
            _check_task(item, name, positions, pointer)
            tasks.append(Task(item, pointer, positions, len(tasks), number))
    return tasks


def _check_task(item: Any, name: str, positions: PositionMap, pointer: str) -> None:
    if isinstance(item, dict) and "taskType" in item:
        return
    line, col = positions[pointer][:2]
    if not isinstance(item, dict):
        found = _describe(item)
        raise LoadError(
            name, f"not a task: expected an object with taskType, found {found}", line, col
        )
    if "taskType" not in item:
        raise LoadError(name, 'not a task: the object has no "taskType"', line, col)


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array"
