"""Schemas compiled once: a jsonschema validator for errors, a fast engine for the valid path.

The Python validator is Draft 2020-12 with the contract's `referencing.Registry`, the kit's own
format checks (`formats`) and two fixes, so the two engines agree: a ``pattern`` ending in ``$``
matches at the very end of the string, as ECMA-262 regexes do (Python's ``$`` also matches
before a final newline); ``multipleOf`` uses decimal arithmetic on the number as written
(``0.29`` is a multiple of ``0.01``, which binary floats deny: Runware's documents use
``multipleOf: 0.01`` for opacities). The fast engine is ``jsonschema_rs`` when it is
installed, fed the same format functions; any value it cannot take (a set, a non-string
key ...) falls back to Python.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from jsonschema import ValidationError
from jsonschema.validators import Draft202012Validator, extend
from referencing import Registry, Resource

from ..contract import Contract, ModelContract
from .fast_keywords import SubschemaChecks, fast_engine, keywords
from .formats import format_checker
from .semantic import SemanticRule, collect, on_step

try:  # optional accelerator
    import jsonschema_rs
except ImportError:  # pragma: no cover - exercised only without the wheel
    jsonschema_rs = None

__all__ = ["Compiled", "build_registry", "compile_schema"]


def _ecma_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    if validator.is_type(instance, "string") and not _matcher(pattern)(instance):
        yield ValidationError(f"does not match {pattern!r}")


@lru_cache(maxsize=256)
def _matcher(pattern: str) -> Callable[[str], bool]:
    """A linear-time matcher where possible: a contract from a user's document may hold a pattern
    such as ``^(a+)+$``, which Python's backtracking ``re`` takes exponential time to refuse. The
    fast engine's regex crate runs it in linear time; Python's ``re`` is the fallback."""
    if jsonschema_rs is not None:
        try:
            return jsonschema_rs.Draft202012Validator({"pattern": pattern}).is_valid
        except Exception:  # a pattern the fast engine cannot compile: Python decides
            pass
    compiled = _regex(pattern)
    return lambda text: compiled.search(text) is not None


@lru_cache(maxsize=256)
def _regex(pattern: str) -> re.Pattern[str]:
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + r"\Z"
    return re.compile(pattern)


def _decimal_multiple_of(validator: Any, step: Any, instance: Any, schema: Any) -> Iterator[Any]:
    if validator.is_type(instance, "number") and not on_step(instance, step):
        yield ValidationError(f"{instance!r} is not a multiple of {step!r}")


KitValidator = extend(
    Draft202012Validator, {"pattern": _ecma_pattern, "multipleOf": _decimal_multiple_of}
)


@dataclass(frozen=True)
class Compiled:
    """One schema ready to check instances: what a task or result is validated against."""

    name: str
    schema: dict[str, Any]
    python: Any
    fast: Any = None
    rules: tuple[SemanticRule, ...] = ()
    model: ModelContract | None = None
    documentation: str | None = field(default=None)
    lookups: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)
    """Answers read from ``schema`` by path (documentation anchors, API types), kept by the
    error translator: the schema never changes, so each is worked out once."""

    def is_valid(self, instance: Any) -> bool:
        """True when ``instance`` passes the schema (extension rules not included)."""
        if self.fast is not None:
            try:
                return bool(self.fast.is_valid(instance))
            except Exception:  # values the fast engine cannot convert: let Python decide
                pass
        try:
            return bool(self.python.is_valid(instance))
        except Exception:  # too deep or not JSON: the error path copes with it
            return False

    def iter_errors(self, instance: Any) -> Iterator[ValidationError]:
        """The jsonschema errors of ``instance``."""
        return self.python.iter_errors(instance)


def build_registry(contract: Contract) -> Registry:
    """A registry holding every schema of ``contract`` under its ``$id``."""
    resources = [(s["$id"], Resource.from_contents(s)) for s in contract.schemas() if "$id" in s]
    return Registry().with_resources(resources)


def compile_schema(
    name: str,
    schema: dict[str, Any],
    registry: Registry,
    *,
    model: ModelContract | None = None,
    fast: bool = True,
) -> Compiled:
    """Compile ``schema`` for both engines (the fast one only when ``fast`` and available).

    With the fast engine, the Python validator's error search also skips every subschema the
    fast engine passes (see `fast_keywords`): same errors, found without walking valid parts.
    """
    engine = fast_engine(schema) if fast else None
    python_class = KitValidator
    if fast and jsonschema_rs is not None:
        python_class = extend(KitValidator, keywords(SubschemaChecks()))
    python = python_class(schema, registry=registry, format_checker=format_checker())
    doc = schema.get("x-documentation")
    return Compiled(
        name=name,
        schema=schema,
        python=python,
        fast=engine,
        rules=collect(schema),
        model=model,
        documentation=doc if isinstance(doc, str) else None,
    )
