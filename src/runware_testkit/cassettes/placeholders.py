"""Placeholders: identifiers made up anew on every run, written as ``{{kind:name}}``.

docs/cassettes.md, "Placeholders". Kinds and the name prefix of each: ``task`` (t1, t2, ...: a
``taskUUID``), ``session`` (s: ``connectionSessionUUID``), ``image`` (i: an ``imageUUID`` the API
made up), ``media`` (m: a ``videoUUID``/``mediaUUID``/``audioUUID`` the API made up), ``url`` (u: a
result URL the API made up, any key ending in ``URL`` in an answer), ``webhook`` (w: a
``webhookURL`` the client gave). The same value always gets the same placeholder; a known value is
replaced wherever it occurs, as a whole string or inside a URL.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, MutableMapping
from typing import Any, Literal

PlaceholderKind = Literal["task", "session", "image", "media", "url", "webhook"]
PREFIXES: dict[str, str] = {
    "task": "t",
    "session": "s",
    "image": "i",
    "media": "m",
    "url": "u",
    "webhook": "w",
}
PLACEHOLDER = re.compile(r"\{\{(task|session|image|media|url|webhook):([a-z]\d+)\}\}")

# Keys whose value a client makes up (registered from requests and answers alike).
CLIENT_KEYS: dict[str, str] = {"taskUUID": "task", "webhookURL": "webhook"}
# Keys whose value the API makes up (registered from answers only).
SERVER_KEYS: dict[str, str] = {
    "taskUUID": "task",
    "connectionSessionUUID": "session",
    "imageUUID": "image",
    "videoUUID": "media",
    "mediaUUID": "media",
    "audioUUID": "media",
}
# Keys ending in URL that are not result URLs.
NOT_RESULT_URLS: frozenset[str] = frozenset({"webhookURL", "uploadEndpoint"})
_MIN_INNER_LENGTH = 8


def placeholder_text(kind: str, name: str) -> str:
    """``{{kind:name}}``, e.g. ``placeholder_text("task", "t1") == "{{task:t1}}"``."""
    return "{{" + kind + ":" + name + "}}"


def parse_placeholder(text: str) -> tuple[str, str] | None:
    """``(kind, name)`` when ``text`` is exactly one placeholder, else ``None``."""
    match = PLACEHOLDER.fullmatch(text)
    return (match.group(1), match.group(2)) if match else None


class Placeholders:
    """The placeholder table of one cassette: live value -> placeholder, numbered per kind.

    Thread-safe. ``substitute(value, origin=...)`` registers the identifiers ``value`` holds
    (``origin`` is ``"client"`` for what a client sent, ``"server"`` for what an API answered) and
    returns a copy with every known value replaced.
    """

    def __init__(self) -> None:
        self._by_value: dict[str, str] = {}
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()

    def register(self, kind: PlaceholderKind | str, value: str) -> str:
        """The placeholder of ``value`` (a new one of ``kind`` if unknown): ``{{task:t1}}``."""
        if kind not in PREFIXES:
            raise ValueError(f"unknown placeholder kind {kind!r}; known: {sorted(PREFIXES)}")
        with self._lock:
            known = self._by_value.get(value)
            if known is None:
                self._counts[kind] = self._counts.get(kind, 0) + 1
                known = placeholder_text(kind, f"{PREFIXES[kind]}{self._counts[kind]}")
                self._by_value[value] = known
            return known

    def lookup(self, value: str) -> str | None:
        """The placeholder already given to ``value``, or ``None``."""
        with self._lock:
            return self._by_value.get(value)

    def name_of(self, value: str) -> str | None:
        """The bare name (``t1``) of the placeholder given to ``value``, or ``None``."""
        known = self.lookup(value)
        parsed = parse_placeholder(known) if known else None
        return parsed[1] if parsed else None

    def substitute(self, value: Any, *, origin: Literal["client", "server"]) -> Any:
        """Register the identifiers in ``value``, then return a copy with placeholders in."""
        self._register_in(value, origin)
        with self._lock:
            table = dict(self._by_value)
        inner = sorted(
            (item for item in table.items() if len(item[0]) >= _MIN_INNER_LENGTH),
            key=lambda item: len(item[0]),
            reverse=True,
        )
        return _replace(value, table, inner)

    def _register_in(self, value: Any, origin: str) -> None:
        if isinstance(value, list):
            for item in value:
                self._register_in(item, origin)
            return
        if not isinstance(value, dict):
            return
        keys = CLIENT_KEYS if origin == "client" else SERVER_KEYS
        for key, item in value.items():
            if isinstance(item, str) and item and not PLACEHOLDER.search(item):
                kind = keys.get(key)
                if kind is None and origin == "server" and _is_result_url(key, item):
                    kind = "url"
                if kind is not None:
                    self.register(kind, item)
            else:
                self._register_in(item, origin)


def _is_result_url(key: str, value: str) -> bool:
    return (
        key.endswith("URL")
        and key not in NOT_RESULT_URLS
        and value.lower().startswith(("http://", "https://"))
    )


def _replace(value: Any, table: dict[str, str], inner: list[tuple[str, str]]) -> Any:
    if isinstance(value, dict):
        return {key: _replace(item, table, inner) for key, item in value.items()}
    if isinstance(value, list):
        return [_replace(item, table, inner) for item in value]
    if isinstance(value, str):
        whole = table.get(value)
        if whole is not None:
            return whole
        if "://" in value:
            for live, placeholder in inner:
                if live in value:
                    value = value.replace(live, placeholder)
        return value
    return value


def fill_placeholders(
    value: Any,
    values: MutableMapping[str, str],
    fresh: Callable[[str, str], str] | None = None,
) -> Any:
    """A copy of recorded ``value`` with each placeholder replaced by its live value.

    ``values`` maps placeholder text (``{{task:t1}}``) to the live value (``match_request`` builds
    it). A placeholder missing from ``values`` is given ``fresh(kind, name)`` (stored in
    ``values`` so later uses agree); without ``fresh`` it raises ``KeyError`` naming it.
    """

    def live(match: re.Match[str]) -> str:
        text = match.group(0)
        if text not in values:
            if fresh is None:
                raise KeyError(f"no live value for placeholder {text}")
            values[text] = fresh(match.group(1), match.group(2))
        return values[text]

    if isinstance(value, dict):
        return {key: fill_placeholders(item, values, fresh) for key, item in value.items()}
    if isinstance(value, list):
        return [fill_placeholders(item, values, fresh) for item in value]
    if isinstance(value, str) and "{{" in value:
        return PLACEHOLDER.sub(live, value)
    return value
