"""The request linter: read task files with positions, validate them, report per line and column."""

from __future__ import annotations

from .loader import LoadError, Source, Task, collect, load, read_tasks
from .positions import JSONPositionError, Position, PositionMap, decode, parse, parse_documents
from .report import FORMATS, Diagnostic, LintResult, render
from .runner import Checker, lint_paths, lint_sources, locate

__all__ = [
    "FORMATS",
    "Checker",
    "Diagnostic",
    "JSONPositionError",
    "LintResult",
    "LoadError",
    "Position",
    "PositionMap",
    "Source",
    "Task",
    "collect",
    "decode",
    "lint_paths",
    "lint_sources",
    "load",
    "locate",
    "parse",
    "parse_documents",
    "read_tasks",
    "render",
]
