"""Rendering a verify run: ``text`` (one line per drift and a summary), ``json``, ``sarif``
(SARIF 2.1.0: one rule per drift kind, each result located at the cassette file and line)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from .compare import KINDS
from .runner import CassetteResult

__all__ = ["FORMATS", "SARIF_SCHEMA", "VerifyRun", "render"]

FORMATS = ("text", "json", "sarif")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL_NAME = "runware-testkit verify"


@dataclass
class VerifyRun:
    """The results of every cassette verified, and the ones that could not be read."""

    results: list[CassetteResult] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    """One message per unreadable cassette (it names the file and line)."""

    @property
    def drift_count(self) -> int:
        """How many drifts were found in all."""
        return sum(len(r.drifts) for r in self.results)

    def exit_status(self) -> int:
        """2 when a cassette could not be read, else 1 on drift, else 0."""
        if self.unreadable:
            return 2
        return 1 if self.drift_count else 0


def summary(run: VerifyRun) -> str:
    """One sentence: cassettes, interactions compared and skipped, drifts by kind."""
    compared = sum(r.compared for r in run.results)
    skipped = sum(r.skipped for r in run.results)
    text = (
        f"{_plural(len(run.results), 'cassette')} verified, "
        f"{_plural(compared, 'interaction')} compared, {skipped} skipped"
    )
    if run.unreadable:
        text += f", {_plural(len(run.unreadable), 'cassette')} unreadable"
    kinds = Counter(d.kind for r in run.results for d in r.drifts)
    if not kinds:
        if run.unreadable:
            return text + ": no drift in what could be read."
        return text + ": no drift."
    listed = ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items()))
    return text + f": {_plural(sum(kinds.values()), 'drift')} ({listed})."


def format_text(run: VerifyRun) -> str:
    """``FILE:LINE: KIND: POINTER: MESSAGE`` per drift, then the summary (unreadable cassettes
    are named on standard error by the command)."""
    out = [
        f"{r.path}:{d.line}: {d.kind}: {d.pointer}: {d.message}"
        for r in run.results
        for d in r.drifts
    ]
    out.append(summary(run))
    return "\n".join(out) + "\n"


def format_json(run: VerifyRun) -> str:
    """The run as one JSON document."""
    document = {
        "cassettes": [
            {
                "path": r.path,
                "compared": r.compared,
                "skipped": r.skipped,
                "drifts": [d.to_dict() for d in r.drifts],
            }
            for r in run.results
        ],
        "unreadable": run.unreadable,
        "drifts": run.drift_count,
        "summary": summary(run),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def sarif_log(run: VerifyRun, version: str) -> dict[str, Any]:
    """The SARIF 2.1.0 log: every drift kind a rule, every drift an ``error`` result."""
    kinds = list(KINDS)
    rules = [
        {
            "id": kind,
            "name": kind,
            "shortDescription": {"text": text},
            "defaultConfiguration": {"level": "error"},
        }
        for kind, text in KINDS.items()
    ]
    results = [
        {
            "ruleId": d.kind,
            "ruleIndex": kinds.index(d.kind),
            "level": "error",
            "message": {"text": f"{d.pointer}: {d.message}"},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(r.path)},
                        **({"region": {"startLine": d.line}} if d.line else {}),
                    }
                }
            ],
            "properties": {"pointer": d.pointer},
        }
        for r in run.results
        for d in r.drifts
    ]
    notifications = [{"level": "error", "message": {"text": m}} for m in run.unreadable]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": TOOL_NAME, "version": version, "rules": rules}},
                "invocations": [
                    {
                        "executionSuccessful": not run.unreadable,
                        "toolExecutionNotifications": notifications,
                    }
                ],
                "results": results,
            }
        ],
    }


def format_sarif(run: VerifyRun) -> str:
    """The SARIF log as indented JSON."""
    from .._version import __version__

    return json.dumps(sarif_log(run, __version__), indent=2, ensure_ascii=False) + "\n"


def render(run: VerifyRun, fmt: str) -> str:
    """The run in format `fmt` (one of `FORMATS`)."""
    return {"text": format_text, "json": format_json, "sarif": format_sarif}[fmt](run)


def _uri(name: str) -> str:
    path = PurePath(name)
    if path.is_absolute():
        return path.as_uri()
    return quote(path.as_posix(), safe="/")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
