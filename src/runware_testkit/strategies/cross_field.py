"""Labels for tasks that break one cross-field rule, and which rules can be broken alone.

A cross-field clause (`rules.Clause`) is broken by drawing the object from a compiler told to
break it (`schema_walk.Compiler(broken=clause)`): that clause false, every other rule of the
object kept. The label says what a validator must report. Codes follow Runware's style and the
kit's code table (`validation.codes`); for the rule forms of Runware's published documents they
are:

- **broken pair** (``dependentRequired`` a -> b): ``missing{B}``; parameter ``[a, b]`` in
  schema order.
- **incompatible** (``not`` of an exclusion, ``if .. then: {not: ..}``, a ``oneOf`` of
  ``required`` with both keys held): ``incompatibleParameters``; parameter: every parameter the
  rule names that the task holds, in the order the rule names them, leaving out an object
  when a key inside it is listed too (``["resolution", "width", "height"]``,
  ``["inputs.frameImages", "inputs.video"]``).
- **bad preset** (``then: {oneOf: [titled presets]}``): ``unsupportedDimensions``; parameter:
  the preset keys (``["width", "height"]``).
- **broken condition**, ``then: {required: [k]}`` (also nested: ``properties: {inputs:
  {required: [video]}}``): ``missing{K}``; parameter: ``k``'s full dotted path.
- **broken condition**, ``then: {anyOf: [{required: [a]}, {required: [b]}]}`` or an object's
  ``oneOf``/``anyOf`` of ``required`` with no key held: ``missing{A}`` (the first
  alternative); parameter: the alternatives ``[a, b, ...]``.
- **broken condition**, ``then: {properties: {k: schema}}`` (``const``, ``maximum`` ...):
  ``invalid{K}``; parameter ``k``.

A ``then`` that requires a key which a ``dependentRequired`` pair already requires (width and
height) is not broken on its own: the task breaks the pair, and one ``missing{B}`` is expected
for both. A rule whose negation cannot be built (a ``then`` narrowing every item of an array)
is kept by every task but never broken on purpose.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jsonschema import Draft202012Validator

from ..validation.codes import Kind, code_for
from .refine import UnsupportedSchema
from .rules import (
    EXCLUSION,
    FORBID,
    OTHER,
    PAIR,
    PRESETS,
    REQUIRE,
    REQUIRE_ONE,
    VALUE,
    Clause,
    join,
    named_paths,
    present_paths,
    value_at,
)
from .scenarios import analyse, rules_of, schema_order

__all__ = [
    "BROKEN_CONDITION",
    "breakable_clauses",
    "clause_kind",
    "clause_label",
    "reached_objects",
]

#: Kind of a broken ``if``/``then`` requirement or value, or of a ``oneOf``/``anyOf`` of
#: ``required`` with none of its keys held.
BROKEN_CONDITION = "broken condition"

_KINDS: dict[str, str] = {
    PAIR: Kind.BROKEN_PAIR,
    EXCLUSION: Kind.INCOMPATIBLE,
    FORBID: Kind.INCOMPATIBLE,
    PRESETS: Kind.BAD_PRESET,
    REQUIRE: BROKEN_CONDITION,
    REQUIRE_ONE: BROKEN_CONDITION,
    VALUE: BROKEN_CONDITION,
}


def clause_kind(clause: Clause) -> str:
    """The violation kind of breaking ``clause``."""
    return _KINDS[clause.kind]


def breakable_clauses(schema: Mapping[str, Any]) -> list[Clause]:
    """The clauses of object ``schema`` a task can break while keeping every other rule."""
    clauses = rules_of(schema).clauses
    partners = {(c.where, c.paths[-1]) for c in clauses if c.kind == PAIR}
    out = []
    for clause in clauses:
        if clause.kind == OTHER:
            continue
        if clause.kind == REQUIRE and (clause.where, clause.paths[0]) in partners:
            continue
        try:
            analyse(schema, clause)
        except UnsupportedSchema:
            continue
        out.append(clause)
    return out


def reached_objects(schema: Mapping[str, Any]) -> set[str]:
    """Objects the rules of ``schema`` look inside (``inputs`` for ``inputs.video``).

    Replacing one of them by a value of another type would make the rules' ``properties`` and
    ``required`` about its keys vacuously true and fire conditions nobody asked for.
    """
    found: set[str] = set()
    for clause in rules_of(schema).clauses:
        for path in named_paths(clause.formula):
            parts = path.split(".")
            found.update(".".join(parts[:i]) for i in range(1, len(parts)))
    return found


def claims(clause: Clause, where: str) -> tuple[str, ...]:
    """Every parameter the clause's truth depends on (absolute paths under ``where``)."""
    return tuple(
        join(where, p) for p in dict.fromkeys([*named_paths(clause.formula), *clause.paths])
    )


def clause_label(
    clause: Clause, schema: Mapping[str, Any], instance: Any, where: str
) -> tuple[str, str | list[str], str]:
    """``(code, parameter, detail)`` a validator must report for ``instance`` (the object the
    clause is about, found at dotted ``where``) breaking ``clause``."""
    paths = list(clause.paths)
    full = [join(where, p) for p in paths]
    if clause.kind == PAIR:
        order = schema_order(schema)
        pair = sorted(paths, key=lambda p: order.index(p) if p in order else len(order))
        return (
            code_for("dependentRequired", full[1]),
            [join(where, p) for p in pair],
            f"{full[0]} without {full[1]}",
        )
    if clause.kind in (EXCLUSION, FORBID):
        held = [join(where, p) for p in present_paths(paths, instance)]
        return code_for("not:required", held[0]), held, f"{' and '.join(held)} together"
    if clause.kind == PRESETS:
        text = " x ".join(str(value_at(instance, p)) for p in paths)
        return code_for("oneOf:presets", where), full, f"{text} is not a preset"
    if clause.kind == REQUIRE:
        return code_for("required", full[0]), full[0], f"{full[0]} missing where a rule needs it"
    if clause.kind == REQUIRE_ONE:
        return (
            code_for("required", full[0]),
            full,
            f"none of {', '.join(full)} where a rule needs one",
        )
    if clause.kind == VALUE:
        value = value_at(instance, paths[0])
        error = next(Draft202012Validator(clause.schema).iter_errors(value))
        return (
            code_for(str(error.validator), full[0]),
            full[0],
            f"{full[0]} = {value!r} where a rule asks {clause.schema}",
        )
    raise ValueError(f"clause kind {clause.kind!r} is never broken on purpose")
