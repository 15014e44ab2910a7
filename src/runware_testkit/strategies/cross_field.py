"""Labels for tasks that break one cross-field rule, and which rules can be broken alone.

A cross-field clause (`rules.Clause`) is broken by drawing the object from a compiler told to
break it (`schema_walk.Compiler(broken=clause)`): that clause false, every other rule of the
object kept. The label says what a validator must report, in the conventions of the kit's
validator (`validation.translate`: a rule broken under an ``if`` names the parameters of the
condition the task holds, read with `validation.conditions.participants`):

- **broken pair** (``dependentRequired`` a -> b): ``missing{B}``; parameter ``[a, b]`` in
  schema order.
- **incompatible** (``not`` of an exclusion, a ``oneOf`` of ``required`` with both keys held):
  ``incompatibleParameters``; parameter: the parameters through which the excluded
  combination matches, an object left out when a key inside it is listed
  (``["resolution", "width", "height"]``, ``["inputs.frameImages", "inputs.video"]``). Under
  an ``if`` (``then: {not: ...}``) the condition's parameters come first
  (``["inputs.audio", "duration"]``).
- **bad preset** (``then: {oneOf: [titled presets]}``): ``unsupportedDimensions``; parameter:
  the preset keys (``["width", "height"]``).
- **broken condition**, ``then: {required: [k]}``: ``missing{Leaf}`` where the leaf is ``k``, or
  for a missing object the first key the ``then`` requires inside it (``inputs`` ->
  ``inputs.video``), or for an object that must hold one of several keys the first of them;
  parameter: the condition's parameters, then the leaf (or all the alternatives):
  ``["settings.operation", "inputs.video"]``. A condition met by an absence (``if: {not: ..}``)
  adds none: ``"positivePrompt"``.
- **broken condition**, ``then: {anyOf: [{required: [a]}, {required: [b]}]}`` or an object's
  ``oneOf``/``anyOf`` of ``required`` with no key held: ``missing{A}``; parameter: the
  condition's parameters, then the alternatives ``[a, b, ...]``.
- **broken condition**, ``then: {properties: {k: schema}}`` (``const``, ``maximum`` ...):
  ``incompatibleParameters`` with the condition's parameters then ``k``
  (``["settings.operation", "duration"]``); ``invalid{K}`` on ``k`` alone when the condition
  names no parameter the task holds.

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
from ..validation.conditions import mentioned, participants
from ..validation.schema_walk import required_leaf
from .refine import ANNOTATIONS, UnsupportedSchema
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


def _trigger_names(clause: Clause, instance: Any, where: str) -> tuple[list[str], list[str]]:
    """The parameters of the clause's ``if`` a validator names beside the broken one: those
    present through which the condition matched, and those whose absence set it off."""
    test = clause.test
    if test is None:
        return [], []
    base = join(where, test.where)
    path = base.split(".") if base else []
    negated = _negation(test.schema)
    if test.otherwise or negated is not None:
        return [], mentioned(negated if negated is not None else test.schema, path)
    found = value_at(instance, test.where)
    return participants(test.schema, found if isinstance(found, dict) else {}, path), []


def _negation(schema: Any) -> Any:
    if isinstance(schema, Mapping) and set(schema) - ANNOTATIONS == {"not"}:
        return schema["not"]
    return None


def _choices(schema: Any) -> list[str] | None:
    """The keys of an object schema that only asks for one of several keys, else None."""
    if not isinstance(schema, Mapping) or schema.get("required"):
        return None
    for keyword in ("anyOf", "oneOf"):
        branches = schema.get(keyword)
        if isinstance(branches, list) and branches:
            keys = []
            for branch in branches:
                required = branch.get("required") if isinstance(branch, Mapping) else None
                if (
                    not isinstance(required, list)
                    or not required
                    or set(branch) - ANNOTATIONS != {"required"}
                ):
                    return None
                keys.append(str(required[0]))
            return keys
    return None


def _conditional(
    code: str, own: list[str], present: list[str], absent: list[str], missing: bool
) -> tuple[str, str | list[str]]:
    """``(code, parameter)`` of an error raised under a condition: a missing parameter keeps its
    code and gets the condition's present parameters in front; any other becomes
    ``incompatibleParameters`` naming the condition and itself."""
    before = [n for n in present if n not in own]
    if missing:
        if not before:
            return code, own if len(own) > 1 else own[0]
        return code, [*before, *own]
    names = list(dict.fromkeys([*before, *own, *(n for n in absent if n not in own)]))
    if len(names) < 2:
        return code, own[0]
    return code_for("not:required"), names


def clause_label(
    clause: Clause, schema: Mapping[str, Any], instance: Any, where: str
) -> tuple[str, str | list[str], str]:
    """``(code, parameter, detail)`` a validator must report for ``instance`` (the object the
    clause is about, found at dotted ``where``) breaking ``clause``."""
    paths = list(clause.paths)
    full = [join(where, p) for p in paths]
    present, absent = _trigger_names(clause, instance, where)
    if clause.kind == PAIR:
        order = schema_order(schema)
        pair = sorted(paths, key=lambda p: order.index(p) if p in order else len(order))
        return (
            code_for("dependentRequired", full[1]),
            [join(where, p) for p in pair],
            f"{full[0]} without {full[1]}",
        )
    if clause.kind in (EXCLUSION, FORBID):
        if clause.schema is not None:
            base = join(where, clause.where)
            found = value_at(instance, clause.where)
            own = participants(clause.schema, found, base.split(".") if base else [])
            names = list(dict.fromkeys([*present, *own, *(n for n in absent if n not in own)]))
        else:
            names = [join(where, p) for p in present_paths(paths, instance)]
        return code_for("not:required", names[0]), names, f"{' and '.join(names)} together"
    if clause.kind == PRESETS:
        text = " x ".join(str(value_at(instance, p)) for p in paths)
        return code_for("oneOf:presets", where), full, f"{text} is not a preset"
    if clause.kind == REQUIRE:
        alternatives = _choices(clause.schema)
        if alternatives is not None:
            own = [join(full[0], k) for k in alternatives]
        else:
            leaf = required_leaf(clause.schema, _schema_at(schema, paths[0]))
            own = [".".join([full[0], *leaf])]
        code, parameter = _conditional(code_for("required", own[0]), own, present, absent, True)
        return code, parameter, f"{full[0]} missing where a rule needs it"
    if clause.kind == REQUIRE_ONE:
        code, parameter = _conditional(code_for("required", full[0]), full, present, absent, True)
        return code, parameter, f"none of {', '.join(full)} where a rule needs one"
    if clause.kind == VALUE:
        value = value_at(instance, paths[0])
        error = next(Draft202012Validator(clause.schema).iter_errors(value))
        own_code = code_for(str(error.validator), full[0])
        code, parameter = _conditional(own_code, full, present, absent, False)
        return code, parameter, f"{full[0]} = {value!r} where a rule asks {clause.schema}"
    raise ValueError(f"clause kind {clause.kind!r} is never broken on purpose")


def _schema_at(schema: Mapping[str, Any], path: str) -> Any:
    node: Any = schema
    for part in path.split("."):
        node = node.get("properties", {}).get(part) if isinstance(node, Mapping) else None
    return node
