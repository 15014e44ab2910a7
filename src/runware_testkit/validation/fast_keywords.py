"""Applicator keywords that skip the subschemas an instance already passes.

jsonschema's error search walks every subschema of a schema, valid parts included: for a task
with three bad values out of twenty, most of the time goes into proving the other seventeen
good. `SubschemaChecks` answers "does this value pass this subschema?" with the fast engine
(``jsonschema_rs``, one compiled validator per subschema, built on first use), and
`keywords` gives replacements for ``properties``, ``items``, ``allOf``, ``anyOf``,
``oneOf``, ``not`` and ``if`` that descend only into the parts that fail. A part the fast
engine passes yields no error in the Python engine either (the two engines agree, which the
valid path already relies on), so the errors, their order and their paths are unchanged.

When the fast engine cannot answer (not installed, a subschema holding a ``$ref``, a value it
cannot convert), the keyword does exactly what jsonschema's own does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from jsonschema import ValidationError
from jsonschema import _keywords as jsonschema_keywords

from .formats import FORMATS

try:  # optional accelerator
    import jsonschema_rs
except ImportError:  # pragma: no cover - exercised only without the wheel
    jsonschema_rs = None

__all__ = ["SubschemaChecks", "fast_engine", "keywords"]

# Keywords that open a new resolution scope: a subschema holding one gets jsonschema's own descent.
_SCOPE_KEYWORDS = frozenset({"$id", "$anchor", "$dynamicAnchor"})

# Validators kept per (subschema, parent); a bound against parents made afresh on each call
# (a ``$ref`` target is entered through a new validator every time).
_MAX_EVOLVED = 4096

Keyword = Callable[[Any, Any, Any, Any], Iterator[ValidationError]]


class SubschemaChecks:
    """Fast validity answers for the subschemas of one schema (cached by object identity).

    The cache holds each subschema it was asked about, so an identity is never reused while
    its answer is kept; the schemas belong to one compiled contract schema and live as long.
    """

    def __init__(self) -> None:
        self._engines: dict[int, tuple[Any, Any]] = {}
        self._evolved: dict[tuple[int, int], tuple[Any, Any, Any]] = {}
        self._consts: dict[int, tuple[Any, bool]] = {}

    def descend(
        self,
        validator: Any,
        instance: Any,
        subschema: Any,
        path: str | int | None = None,
        schema_path: str | int | None = None,
    ) -> Iterator[ValidationError]:
        """``validator.descend(...)``: the same errors with the same paths, from a validator
        for ``subschema`` built once (jsonschema builds one per call). Only a subschema that
        opens no new scope (no ``$id``, ``$anchor``, ``$dynamicAnchor``) is kept, as its
        validator resolves references exactly like its parent's."""
        if not isinstance(subschema, dict) or not _SCOPE_KEYWORDS.isdisjoint(subschema):
            yield from validator.descend(instance, subschema, path=path, schema_path=schema_path)
            return
        key = (id(subschema), id(validator))
        held = self._evolved.get(key)
        if held is None:
            if len(self._evolved) >= _MAX_EVOLVED:
                self._evolved.clear()
            held = (subschema, validator, validator.evolve(schema=subschema))
            self._evolved[key] = held
        for error in held[2].iter_errors(instance):
            if path is not None:
                error.path.appendleft(path)
            if schema_path is not None:
                error.schema_path.appendleft(schema_path)
            yield error

    def only_const(self, validator: Any, subschema: Any) -> bool:
        """True when ``const`` is the only keyword of ``subschema`` that validates anything
        (the others are annotations such as ``title``)."""
        held = self._consts.get(id(subschema))
        if held is None:
            alone = (
                isinstance(subschema, dict)
                and "const" in subschema
                and not any(k in validator.VALIDATORS for k in subschema if k != "const")
            )
            held = self._consts[id(subschema)] = (subschema, alone)
        return held[1]

    def passes(self, subschema: Any, instance: Any) -> bool:
        """True only when the fast engine says ``instance`` passes ``subschema``; False when it
        fails or when the fast engine cannot tell."""
        return self.decides(subschema, instance) is True

    def decides(self, subschema: Any, instance: Any) -> bool | None:
        """The fast engine's verdict, or None when it cannot tell."""
        held = self._engines.get(id(subschema))
        if held is None:
            engine = fast_engine(subschema)
            held = (subschema, engine.is_valid if engine is not None else None)
            self._engines[id(subschema)] = held
        is_valid = held[1]
        if is_valid is None:
            return None
        try:
            return bool(is_valid(instance))
        except Exception:  # a value the fast engine cannot convert
            return None


def keywords(checks: SubschemaChecks) -> dict[str, Keyword]:
    """Replacements for jsonschema's applicator keywords that skip passing subschemas."""
    passes, descend = checks.passes, checks.descend

    def properties(validator: Any, props: Any, instance: Any, schema: Any) -> Iterator[Any]:
        if not isinstance(instance, dict):
            return
        for name, subschema in props.items():
            if name in instance:
                value = instance[name]
                if passes(subschema, value):
                    continue
                yield from descend(validator, value, subschema, path=name, schema_path=name)

    def items(validator: Any, each: Any, instance: Any, schema: Any) -> Iterator[Any]:
        if each is False or not isinstance(instance, list):
            yield from jsonschema_keywords.items(validator, each, instance, schema)
            return
        prefix = len(schema.get("prefixItems", []))
        for index in range(prefix, len(instance)):
            if passes(each, instance[index]):
                continue
            yield from descend(validator, instance[index], each, path=index)

    def all_of(validator: Any, branches: Any, instance: Any, schema: Any) -> Iterator[Any]:
        for index, subschema in enumerate(branches):
            if passes(subschema, instance):
                continue
            yield from descend(validator, instance, subschema, schema_path=index)

    def branch(validator: Any, instance: Any, subschema: Any, index: int) -> list[Any]:
        """The errors of alternative ``index``, as jsonschema's descent would give them."""
        verdict = checks.decides(subschema, instance)
        if verdict is True:
            return []
        if verdict is False and checks.only_const(validator, subschema):
            # Runware's enum style, a oneOf of {"const": ...}: the one error jsonschema's
            # ``const`` keyword raises, built without a descent.
            const = subschema["const"]
            error = ValidationError(
                f"{const!r} was expected",
                validator="const",
                validator_value=const,
                instance=instance,
                schema=subschema,
                schema_path=[index, "const"],
                type_checker=validator.TYPE_CHECKER,
            )
            return [error]
        return list(descend(validator, instance, subschema, schema_path=index))

    def any_of(validator: Any, branches: Any, instance: Any, schema: Any) -> Iterator[Any]:
        found = []
        for index, subschema in enumerate(branches):
            errors = branch(validator, instance, subschema, index)
            if not errors:
                return
            found.extend(errors)
        yield ValidationError(
            f"{instance!r} is not valid under any of the given schemas", context=found
        )

    def one_of(validator: Any, branches: Any, instance: Any, schema: Any) -> Iterator[Any]:
        found = []
        first_valid: Any = None
        rest = len(branches)
        for index, subschema in enumerate(branches):
            errors = branch(validator, instance, subschema, index)
            if not errors:
                first_valid, rest = subschema, index + 1
                break
            found.extend(errors)
        else:
            yield ValidationError(
                f"{instance!r} is not valid under any of the given schemas", context=found
            )
        more = [each for each in branches[rest:] if _valid(checks, validator, each, instance)]
        if more:
            more.append(first_valid)
            reprs = ", ".join(repr(each) for each in more)
            yield ValidationError(f"{instance!r} is valid under each of {reprs}")

    def not_(validator: Any, excluded: Any, instance: Any, schema: Any) -> Iterator[Any]:
        if _valid(checks, validator, excluded, instance):
            yield ValidationError(f"{instance!r} should not be valid under {excluded!r}")

    def if_(validator: Any, condition: Any, instance: Any, schema: Any) -> Iterator[Any]:
        branch = "then" if _valid(checks, validator, condition, instance) else "else"
        if branch in schema and not passes(schema[branch], instance):
            yield from descend(validator, instance, schema[branch], schema_path=branch)

    return {
        "properties": properties,
        "items": items,
        "allOf": all_of,
        "anyOf": any_of,
        "oneOf": one_of,
        "not": not_,
        "if": if_,
    }


def _valid(checks: SubschemaChecks, validator: Any, subschema: Any, instance: Any) -> bool:
    verdict = checks.decides(subschema, instance)
    if verdict is None:
        return bool(validator.evolve(schema=subschema).is_valid(instance))
    return verdict


def fast_engine(subschema: Any) -> Any:
    """A ``jsonschema_rs`` validator for ``subschema``, or None when the fast engine is not
    installed, the schema holds a reference (only the Python engine has the registry) or the
    fast engine rejects it. It uses the kit's format functions, as the Python engine does."""
    if jsonschema_rs is None or not isinstance(subschema, dict | bool) or _has_ref(subschema):
        return None
    try:
        return jsonschema_rs.Draft202012Validator(
            subschema, formats=dict(FORMATS), validate_formats=True
        )
    except Exception:  # a subschema the fast engine rejects: Python decides
        return None


def _has_ref(node: Any) -> bool:
    if isinstance(node, dict):
        return "$ref" in node or "$dynamicRef" in node or any(_has_ref(v) for v in node.values())
    if isinstance(node, list):
        return any(_has_ref(v) for v in node)
    return False
