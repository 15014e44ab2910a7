"""Matching a live request against recorded ones (docs/cassettes.md, "Matching").

Two requests match when they are equal once placeholders are taken out and URL queries are
scrubbed on both sides: a placeholder (``{{task:t1}}``, or one inside a URL such as
``https://x/{{url:u1}}``) matches any value, and binds it; a recorded ``"[scrubbed]"`` (an API
key, a query value) matches any string. Order of keys never matters, order of array items does.

`match` answers the bindings (placeholder -> live value) of a match, or None; `closest` names
the recorded request nearest to one that matched nothing, with a unified diff; `substitute`
writes values back into a recorded answer.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

__all__ = [
    "PLACEHOLDER",
    "SCRUBBED",
    "Bindings",
    "closest",
    "match",
    "placeholders_in",
    "scrub_url",
    "substitute",
]

PLACEHOLDER = re.compile(r"\{\{(task|session|image|media|url|webhook):([A-Za-z]+\d+)\}\}")
"""A placeholder: ``{{kind:name}}`` (docs/cassettes.md, "Placeholders")."""
SCRUBBED = "[scrubbed]"
"""What a scrubbed secret is written as."""

Bindings = dict[str, str]
"""Placeholder text (``{{task:t1}}``) -> the live value it stands for."""

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def scrub_url(value: str) -> str:
    """`value` with every query value and any userinfo written ``[scrubbed]``; a string that is
    not a URL is returned as it is."""
    if not _URL.match(value):
        return value
    try:
        parts = urlsplit(value)
    except ValueError:
        return value
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{SCRUBBED}@{netloc.rsplit('@', 1)[1]}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode([(name, SCRUBBED) for name, _ in pairs], safe="[]")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def placeholders_in(value: Any) -> list[str]:
    """Every placeholder text found in `value` (a JSON value), in order of first appearance."""
    found: list[str] = []

    def visit(item: Any) -> None:
        if isinstance(item, str):
            for hit in PLACEHOLDER.finditer(item):
                if hit.group(0) not in found:
                    found.append(hit.group(0))
        elif isinstance(item, Mapping):
            for key in sorted(item):
                visit(item[key])
        elif isinstance(item, list):
            for element in item:
                visit(element)

    visit(value)
    return found


def match(recorded: Any, live: Any, bound: Mapping[str, str] | None = None) -> Bindings | None:
    """The bindings that make `live` equal to `recorded`, or None when they do not match.

    `bound` holds bindings already known (a placeholder seen before must stand for the same
    value again).
    """
    bindings: Bindings = dict(bound or {})
    return bindings if _match(recorded, live, bindings) else None


def _match(recorded: Any, live: Any, bindings: Bindings) -> bool:
    if isinstance(recorded, str):
        return isinstance(live, str) and _match_text(recorded, live, bindings)
    if isinstance(recorded, Mapping):
        if not isinstance(live, Mapping) or set(recorded) != set(live):
            return False
        return all(_match(recorded[key], live[key], bindings) for key in recorded)
    if isinstance(recorded, list):
        if not isinstance(live, list) or len(recorded) != len(live):
            return False
        return all(_match(r, v, bindings) for r, v in zip(recorded, live, strict=True))
    if isinstance(recorded, bool) or isinstance(live, bool):
        return recorded is live
    return recorded == live


def _match_text(recorded: str, live: str, bindings: Bindings) -> bool:
    if recorded == SCRUBBED:
        return True
    recorded_text, live_text = scrub_url(recorded), scrub_url(live)
    if "{{" not in recorded_text:
        return recorded_text == live_text
    pattern, names = _pattern(recorded_text)
    hit = pattern.fullmatch(live_text)
    if hit is None:
        return False
    for index, name in enumerate(names):
        value = hit.group(index + 1)
        if bindings.setdefault(name, value) != value:
            return False
    return True


def _pattern(text: str) -> tuple[re.Pattern[str], list[str]]:
    pieces: list[str] = []
    names: list[str] = []
    position = 0
    for hit in PLACEHOLDER.finditer(text):
        pieces.append(re.escape(text[position : hit.start()]))
        pieces.append("(.+?)" if hit.end() < len(text) else "(.+)")
        names.append(hit.group(0))
        position = hit.end()
    pieces.append(re.escape(text[position:]))
    return re.compile("".join(pieces), re.S), names


def substitute(value: Any, values: Mapping[str, str] | Callable[[str], str]) -> Any:
    """A copy of `value` with every placeholder replaced: by ``values[placeholder]``, or by
    ``values(placeholder)`` when `values` is a function; a placeholder missing from a mapping
    stays as it is."""

    def lookup(hit: re.Match[str]) -> str:
        if callable(values):
            return values(hit.group(0))
        return values.get(hit.group(0), hit.group(0))

    def visit(item: Any) -> Any:
        if isinstance(item, str):
            return PLACEHOLDER.sub(lookup, item) if "{{" in item else item
        if isinstance(item, Mapping):
            return {key: visit(element) for key, element in item.items()}
        if isinstance(item, list):
            return [visit(element) for element in item]
        return item

    return visit(value)


def closest(candidates: Sequence[Any], live: Any) -> tuple[int, str] | None:
    """The index of the recorded request in `candidates` nearest to `live`, and a unified diff
    (recorded -> live, keys sorted, URL queries scrubbed); None when there are no candidates."""
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
    """`live` with each value a placeholder of `recorded` stands for written as that
    placeholder, so a diff shows only what really differs."""
    if isinstance(recorded, str) and isinstance(live, str):
        return recorded if _match_text(recorded, live, {}) else live
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
