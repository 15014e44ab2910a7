"""Paths inside a task: JSON pointers (``/inputs/frameImages/2``) and dotted paths."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["dotted", "parse_pointer", "pointer"]


def pointer(path: Iterable[str | int]) -> str:
    """The JSON pointer (RFC 6901) of ``path``; ``""`` is the task itself."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def dotted(path: Iterable[str | int]) -> str:
    """The dotted parameter path of ``path``, as Runware's ``parameter`` field spells it."""
    return ".".join(str(part) for part in path)


def parse_pointer(text: str) -> list[str | int]:
    """The path of a JSON pointer written by `pointer`; all-digit parts become array indexes.

    Only for pointers into a task, whose object keys are parameter names (never all digits).
    """
    if not text:
        return []
    parts = [part.replace("~1", "/").replace("~0", "~") for part in text[1:].split("/")]
    return [int(part) if part.isdigit() else part for part in parts]
