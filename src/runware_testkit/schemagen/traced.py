"""A schema under construction that remembers where each keyword came from."""

from __future__ import annotations

from typing import Any

from .model import Source


def pointer_join(pointer: str, key: str | int) -> str:
    """Append one JSON-pointer token (escaping ``~`` and ``/``) to ``pointer``."""
    token = str(key).replace("~", "~0").replace("/", "~1")
    return f"{pointer}/{token}"


class Traced:
    """Records, for every keyword written through :meth:`put`, its source text.

    The record is a side map from JSON pointer (``/properties/seed/maximum``) to
    ``file:line`` (plus ``(inferred: reason)`` where the fact was inferred).
    """

    def __init__(self) -> None:
        self.sources: dict[str, str] = {}

    def put(
        self, node: dict[str, Any], pointer: str, key: str, value: Any, source: Source | str
    ) -> Any:
        """Set ``node[key] = value`` and record the source of ``pointer/key``."""
        node[key] = value
        self.sources[pointer_join(pointer, key)] = (
            source.as_text() if isinstance(source, Source) else source
        )
        return value

    def rebase(self, other: Traced, prefix: str) -> None:
        """Copy another record's entries under ``prefix`` (for a schema embedded in another)."""
        for pointer, text in other.sources.items():
            self.sources[prefix + pointer] = text

    def sorted(self) -> dict[str, str]:
        """The side map in pointer order, for stable output."""
        return dict(sorted(self.sources.items()))
