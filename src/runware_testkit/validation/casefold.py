"""Enum values in another letter case: accepted, with a warning naming the canonical spelling.

Runware's own ComfyUI nodes send ``outputFormat`` in lower case (``"mp4"``) while the schemas
list ``MP4``; no rejection of that was ever captured (PROTOCOL.md "Enum case" [I]). So the
validator matches **string enums** regardless of case: a parameter whose allowed values are
all strings, written as ``enum`` or as a oneOf of ``const`` branches (Runware's style), the
single-value ones included (``deliveryMethod``: ``"ASYNC"`` is read as ``async``). A value is
folded only when exactly one allowed value equals it ignoring case (`str.casefold`). Not
folded: ``const`` (``taskType``, ``model``), enums that mix strings with other values
(``frameImages[].frame``: ``first``/``last``/``0``/``-1``), and free strings.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .errors import RunwareError, ValidationWarning
from .pointers import parse_pointer

__all__ = [
    "CASE_FOLDED_FAILURES",
    "Fold",
    "apply_folds",
    "canonical_spelling",
    "case_folds",
    "warning_for",
]

# The failures (see `codes.RULES`) of enum-like parameters.
CASE_FOLDED_FAILURES = frozenset({"enum", "oneOf:consts"})

WARNING_CODE = "nonCanonicalValue"


@dataclass(frozen=True)
class Fold:
    """One enum value read in its canonical spelling."""

    path: tuple[str | int, ...]
    value: str
    canonical: str
    error: RunwareError


def canonical_spelling(value: Any, allowed: Iterable[Any]) -> str | None:
    """The allowed value that string ``value`` is read as, or None if it is not folded.

    ``allowed`` are the values of one enum; only an enum of strings folds, and only to the one
    value that equals ``value`` ignoring case (``canonical_spelling("mp4", ["MP4", "MOV"])``
    is ``"MP4"``; an exact match returns itself).
    """
    values = list(allowed)
    if not isinstance(value, str) or not values or not all(isinstance(v, str) for v in values):
        return None
    matches = [v for v in values if v.casefold() == value.casefold()]
    return matches[0] if len(matches) == 1 else None


def case_folds(errors: Iterable[RunwareError], instance: Any) -> list[Fold]:
    """The enum errors of ``errors`` that only differ from an allowed value by letter case."""
    found = []
    for error in errors:
        allowed = error.allowedValues
        if error.failure not in CASE_FOLDED_FAILURES or not allowed:
            continue
        path = parse_pointer(error.pointer)
        value = _get(instance, path)
        canonical = canonical_spelling(value, allowed)
        if canonical is not None and canonical != value:
            found.append(Fold(tuple(path), value, canonical, error))
    return found


def apply_folds(instance: Any, folds: Iterable[Fold]) -> Any:
    """A copy of ``instance`` with every folded value replaced by its canonical spelling."""
    patched = copy.deepcopy(instance)
    for fold in folds:
        _set(patched, list(fold.path), fold.canonical)
    return patched


def warning_for(fold: Fold) -> ValidationWarning:
    """The warning that reports ``fold``."""
    error = fold.error
    name = error.parameter if isinstance(error.parameter, str) else ".".join(map(str, fold.path))
    message = (
        f"{name}: {fold.value!r} accepted as {fold.canonical!r}; enum values are matched "
        f"regardless of case, the documented spelling is {fold.canonical!r}"
    )
    return ValidationWarning(
        code=WARNING_CODE,
        message=message,
        parameter=name,
        value=fold.value,
        canonical=fold.canonical,
        taskType=error.taskType,
        taskUUID=error.taskUUID,
        documentation=error.documentation,
        pointer=error.pointer,
    )


def _get(node: Any, path: list[str | int]) -> Any:
    for part in path:
        if isinstance(node, dict) and str(part) in node:
            node = node[str(part)]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            return None
    return node


def _set(node: Any, path: list[str | int], value: Any) -> None:
    for part in path[:-1]:
        node = node[str(part)] if isinstance(node, dict) else node[int(part)]
    last = path[-1]
    if isinstance(node, dict):
        node[str(last)] = value
    else:
        node[int(last)] = value
