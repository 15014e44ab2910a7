"""Naming the recorded request nearest to one that matched none (for strict replay's error).

Matching itself is the cassettes package's (`cassettes.match_request`, docs/cassettes.md
"Matching"); this module only explains a miss: `closest` picks the nearest recorded request and
gives a unified diff in which the values a placeholder stands for read as the placeholder, so
only real differences show.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from ...cassettes import match_request, scrub_url

__all__ = ["closest"]


def closest(candidates: Sequence[Any], live: Any) -> tuple[int, str] | None:
    """The index of the recorded request in `candidates` nearest to `live`, and a unified diff
    (recorded -> received, keys sorted, URL queries scrubbed); None when there are none."""
    if not candidates:
        return None
    scores = [
        difflib.SequenceMatcher(None, _lines(candidate), _lines(_masked(candidate, live))).ratio()
        for candidate in candidates
    ]
    best = max(range(len(candidates)), key=lambda index: scores[index])
    diff = difflib.unified_diff(
        _lines(candidates[best]),
        _lines(_masked(candidates[best], live)),
        "recorded",
        "received",
        lineterm="",
        n=2,
    )
    return best, "\n".join(diff)


def _masked(recorded: Any, live: Any) -> Any:
    """`live` with each value that a string of `recorded` matches written as that string (a
    placeholder, a scrubbed key), so a diff shows only what really differs."""
    if isinstance(recorded, str) and isinstance(live, str):
        return recorded if match_request(recorded, live) is not None else live
    if isinstance(recorded, Mapping) and isinstance(live, Mapping):
        return {
            key: _masked(recorded[key], value) if key in recorded else value
            for key, value in live.items()
        }
    if isinstance(recorded, list) and isinstance(live, list):
        return [
            _masked(recorded[index], value) if index < len(recorded) else value
            for index, value in enumerate(live)
        ]
    return live


def _lines(value: Any) -> list[str]:
    return json.dumps(_scrubbed(value), indent=2, sort_keys=True, ensure_ascii=False).splitlines()


def _scrubbed(value: Any) -> Any:
    if isinstance(value, str):
        return scrub_url(value)
    if isinstance(value, Mapping):
        return {key: _scrubbed(element) for key, element in value.items()}
    if isinstance(value, list):
        return [_scrubbed(element) for element in value]
    return value
