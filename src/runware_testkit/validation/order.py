"""Runware's order of checks: which error of a bad task Runware answers with.

Runware answers a bad task with one error, from the first failing check in this order
(PROTOCOL.md "How Runware reports a bad request", captured live by a public client [C3]):

1. the task cannot be routed: not an object, no or unknown ``taskType``, no or unknown
   ``model`` (the validator reports these alone);
2. unknown parameter names (``unsupportedParameter``);
3. missing required parameters (``missing*``, including a broken pair such as width without
   height);
4. the prompt (``positivePrompt``, ``negativePrompt``: any other error about a parameter whose
   name ends in ``Prompt``);
5. values (sizes, durations, enums, formats, incompatible combinations ...);
6. a reused taskUUID (``conflictTaskUUID``), once the task itself is valid [I]: the kit claims
   a taskUUID only for accepted tasks, like a server that creates no task for a rejected one.

Within one category, errors keep the validator's order (for unknown keys, their order in the
task; for missing ones, the order of the schema's ``required`` lists).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum

from .codes import Kind
from .errors import RunwareError

__all__ = ["Category", "category_of", "first_error", "runware_order"]


class Category(IntEnum):
    """The check an error belongs to; lower values are checked first."""

    ROUTING = 0
    UNKNOWN_PARAMETER = 1
    MISSING = 2
    PROMPT = 3
    VALUE = 4
    CONFLICT = 5


_ROUTING_KINDS = {Kind.BAD_BODY, Kind.BAD_TASK, Kind.UNKNOWN_TASK_TYPE, Kind.UNKNOWN_MODEL}
_UNKNOWN_KINDS = {Kind.UNKNOWN_KEY, Kind.WRONG_MODEL}
_MISSING_KINDS = {Kind.MISSING, Kind.BROKEN_PAIR}
# Enum members read once: on Python 3.11 each ``Kind.X``/``Category.X`` lookup costs about a
# microsecond, which made `category_of` cost several.
_MISSING, _CONFLICT = Kind.MISSING, Kind.CONFLICT
_ROUTING, _UNKNOWN_PARAMETER, _MISSING_PARAMETER, _PROMPT, _VALUE, _CONFLICTING = (
    Category.ROUTING,
    Category.UNKNOWN_PARAMETER,
    Category.MISSING,
    Category.PROMPT,
    Category.VALUE,
    Category.CONFLICT,
)
_ROUTING_NAMES = (["taskType"], ["model"])


def category_of(error: RunwareError) -> Category:
    """The check of Runware's order that ``error`` comes from."""
    kind = error.kind
    if kind in _ROUTING_KINDS:
        return _ROUTING
    if kind == _MISSING and error.parameters in _ROUTING_NAMES:
        return _ROUTING
    if kind in _UNKNOWN_KINDS:
        return _UNKNOWN_PARAMETER
    if kind in _MISSING_KINDS:
        return _MISSING_PARAMETER
    if kind == _CONFLICT:
        return _CONFLICTING
    if any(_is_prompt(name) for name in error.parameters):
        return _PROMPT
    return _VALUE


def runware_order(errors: Iterable[RunwareError]) -> list[RunwareError]:
    """``errors`` sorted into Runware's order of checks (stable within a category)."""
    return sorted(errors, key=category_of)


def first_error(errors: Iterable[RunwareError]) -> RunwareError | None:
    """The one error Runware would answer with, or None when there is none."""
    best: RunwareError | None = None
    best_category = len(Category)
    for error in errors:
        category = category_of(error)
        if category < best_category:
            best, best_category = error, category
            if category == _ROUTING:
                break
    return best


def _is_prompt(path: str) -> bool:
    if "Prompt" not in path:
        return False
    names = [part for part in path.split(".") if part and not part.lstrip("-").isdigit()]
    return len(names) == 1 and names[0].endswith("Prompt")
