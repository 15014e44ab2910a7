"""Read an object schema's cross-field rules as clauses over presence and value facts.

Runware's request schemas put their cross-field rules in the task object's ``allOf`` (and the
Aleph contract puts one in a frame-image item's ``not``): ``dependentRequired``, ``not`` of
``required``/``anyOf``/``allOf`` (mutually exclusive inputs), ``if``/``then`` whose ``then``
requires, forbids, narrows a value or lists titled width/height presets, and ``oneOf``/``anyOf``
of ``required``. A rule may reach into a nested object (``properties: {inputs: {required:
[video]}}``). This module turns each rule into `Clause` objects whose `Formula` is built from two
kinds of facts about the object:

- `Present(path)`: the dotted parameter is in the task;
- `Holds(path, schema)`: its value is valid against ``schema`` (``{"const": "edit"}``,
  ``{"maximum": 10}``, ``{"items": {...}}``).

A clause is one obligation that can be broken on its own (one pair partner, one required key
of a ``then``, one exclusion), so the invalid strategies can break exactly one and label it.
The rules of nested objects reached through ``properties`` are read too, guarded by the
nested object's presence. Keywords a rule uses outside these forms raise `UnsupportedSchema`
naming the keyword and where it is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .refine import ANNOTATIONS, UnsupportedSchema, accepts, json_key

__all__ = [
    "FALSE",
    "TRUE",
    "All",
    "Any_",
    "Clause",
    "Formula",
    "Holds",
    "Not",
    "One",
    "Present",
    "Trigger",
    "holds_on",
    "implies",
    "join",
    "named_paths",
    "read_clauses",
    "value_at",
]

ClauseKind = str
#: Clause kinds: what breaking the clause means.
PAIR = "pair"  # dependentRequired a -> b
EXCLUSION = "exclusion"  # not F, unconditional
FORBID = "forbid"  # if C then not F
PRESETS = "presets"  # if C then oneOf of titled const presets
REQUIRE = "require"  # if C then required key
REQUIRE_ONE = "require one"  # if C then at least one of the keys
VALUE = "value"  # if C then the value of a key is narrowed
OTHER = "other"  # enforced, never broken on purpose

#: Keywords that may appear in a cross-field rule applied to an object.
_OBJECT_RULE_KEYS = frozenset(
    {
        "type",
        "required",
        "properties",
        "dependentRequired",
        "allOf",
        "anyOf",
        "oneOf",
        "not",
        "if",
        "then",
        "else",
        "additionalProperties",
    }
)


def join(path: str, name: str) -> str:
    """Dotted path of child ``name`` under ``path`` (either may be empty)."""
    return f"{path}.{name}" if path and name else path or name


# -- formulas --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Present:
    """The parameter at ``path`` is in the task."""

    path: str


@dataclass(frozen=True)
class Holds:
    """The value at ``path`` is valid against ``schema``."""

    path: str
    key: str
    schema: Any = field(compare=False, hash=False)

    @staticmethod
    def of(path: str, schema: Any) -> Holds:
        """The fact for ``path`` and ``schema`` (compared by the schema's JSON text)."""
        return Holds(path, json_key(schema), schema)


@dataclass(frozen=True)
class All:
    """Every part holds (no parts: true)."""

    parts: tuple[Formula, ...]


@dataclass(frozen=True)
class Any_:
    """Some part holds (no parts: false)."""

    parts: tuple[Formula, ...]


@dataclass(frozen=True)
class One:
    """Exactly one part holds."""

    parts: tuple[Formula, ...]


@dataclass(frozen=True)
class Not:
    """The part does not hold."""

    part: Formula


Formula = Present | Holds | All | Any_ | One | Not
TRUE: Formula = All(())
FALSE: Formula = Any_(())


def implies(condition: Formula, consequence: Formula) -> Formula:
    """``condition -> consequence``."""
    if condition == TRUE:
        return consequence
    return Any_((Not(condition), consequence))


def conjunction(parts: list[Formula]) -> Formula:
    """``All`` of ``parts`` with trivial parts dropped (a single part is returned as is)."""
    kept = tuple(p for p in parts if p != TRUE)
    return kept[0] if len(kept) == 1 else All(kept)


def atoms(formula: Formula) -> Iterator[Present | Holds]:
    """The facts ``formula`` mentions, in the order it names them."""
    if isinstance(formula, Present | Holds):
        yield formula
    elif isinstance(formula, Not):
        yield from atoms(formula.part)
    else:
        for part in formula.parts:
            yield from atoms(part)


def named_paths(formula: Formula) -> list[str]:
    """The parameters ``formula`` names, in order, without repeats."""
    return list(dict.fromkeys(a.path for a in atoms(formula)))


def evaluate(formula: Formula, fact: Callable[[Present | Holds], bool | None]) -> bool | None:
    """Kleene three-valued truth of ``formula`` (None: unknown) given the truth of each fact."""
    if isinstance(formula, bool):
        return formula
    if isinstance(formula, Not):
        inner = evaluate(formula.part, fact)
        return None if inner is None else not inner
    if not isinstance(formula, All | Any_ | One):
        return fact(formula)
    values = [evaluate(p, fact) for p in formula.parts]
    if isinstance(formula, All):
        return False if False in values else (None if None in values else True)
    if isinstance(formula, Any_):
        return True if True in values else (None if None in values else False)
    sure = values.count(True)
    unsure = values.count(None)
    if sure > 1 or sure + unsure == 0:
        return False
    return True if unsure == 0 else None


_MISSING = object()


def value_at(instance: Any, path: str) -> Any:
    """The value at dotted ``path`` of ``instance`` (objects only), or a private sentinel."""
    node = instance
    for part in path.split(".") if path else []:
        if not isinstance(node, dict) or part not in node:
            return _MISSING
        node = node[part]
    return node


def holds_on(formula: Formula, instance: Any) -> bool:
    """The truth of ``formula`` on a concrete task (``instance`` holds the rule's object)."""

    def fact(atom: Present | Holds) -> bool:
        value = value_at(instance, atom.path)
        if isinstance(atom, Present):
            return value is not _MISSING
        return value is _MISSING or accepts(atom.schema, value)

    return bool(evaluate(formula, fact))


def present_paths(paths: list[str], instance: Any) -> list[str]:
    """Those of ``paths`` present in ``instance``, without any that is an ancestor of another."""
    held = [p for p in paths if value_at(instance, p) is not _MISSING]
    return [p for p in held if not any(q.startswith(p + ".") for q in held)]


# -- clauses ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Trigger:
    """An ``if`` schema as written, the object path it applies at, and whether the clause is in
    its ``else`` (where the condition's absence triggers it)."""

    schema: Any
    where: str
    otherwise: bool = False


@dataclass(frozen=True, eq=False)
class Clause:
    """One obligation of a cross-field rule.

    ``formula`` is the obligation (true on a valid task); ``condition`` its ``if`` part (TRUE
    for an unconditional rule) and ``effect`` what the rule asks when the condition holds
    (for an exclusion: the combination it forbids). ``paths`` are the parameters a label names
    (pair: the key and its partner; require: the required key; presets: the preset keys; value:
    the narrowed key; exclusion/forbid: every parameter the rule names). Paths are relative to
    the object the rules were read from.
    """

    kind: ClauseKind
    formula: Formula
    condition: Formula
    effect: Formula
    paths: tuple[str, ...]
    where: str = ""
    origin: str = ""
    schema: Any = field(default=None, compare=False, hash=False)
    test: Trigger | None = None
    """The ``if`` the clause's ``then``/``else`` belongs to, as written (None: no ``if``)."""

    @property
    def breakable(self) -> bool:
        """Whether the invalid strategies break this clause on purpose."""
        return self.kind != OTHER


class _Reader:
    """Reads the rules of one object schema and of the objects nested in it by properties."""

    def __init__(self, root: Mapping[str, Any]) -> None:
        self.root = root
        self.clauses: list[Clause] = []
        self.couplings: list[tuple[str, ...]] = []
        self.test: Trigger | None = None

    # -- where things are --
    def schema_at(self, path: str) -> Any:
        node: Any = self.root
        for part in path.split(".") if path else []:
            props = node.get("properties", {}) if isinstance(node, Mapping) else {}
            if part not in props:
                raise UnsupportedSchema(f"{path}: a cross-field rule names an unknown parameter")
            node = props[part]
        return node

    def is_object(self, path: str) -> bool:
        node = self.schema_at(path)
        return isinstance(node, Mapping) and (
            node.get("type") == "object" or ("properties" in node and "type" not in node)
        )

    # -- formulas --
    def formula(self, node: Any, where: str) -> Formula:
        """The meaning of rule ``node`` applied to the object at ``where``."""
        if node is True:
            return TRUE
        if node is False:
            return FALSE
        parts: list[Formula] = []
        for key, value in node.items():
            if key in ANNOTATIONS or key.startswith("x-") or key in ("then", "else"):
                continue
            if key == "type":
                if "object" not in ([value] if isinstance(value, str) else value):
                    parts.append(FALSE)
            elif key == "additionalProperties":
                if value is not True:
                    raise UnsupportedSchema(f"{where or '<root>'}: additionalProperties in a rule")
            elif key == "required":
                parts += [Present(join(where, name)) for name in value]
            elif key == "properties":
                props = [(join(where, n), sub) for n, sub in value.items()]
                for path, sub in props:
                    parts.append(implies(Present(path), self.child(sub, path)))
                valued = [p for p, sub in props if not self.is_object(p) and _constrains(sub)]
                if len(valued) > 1:
                    self.couplings.append(tuple(valued))
            elif key == "dependentRequired":
                for name, partners in value.items():
                    for partner in partners:
                        parts.append(
                            implies(Present(join(where, name)), Present(join(where, partner)))
                        )
            elif key == "allOf":
                parts += [self.formula(p, where) for p in value]
            elif key == "anyOf":
                parts.append(Any_(tuple(self.formula(p, where) for p in value)))
            elif key == "oneOf":
                parts.append(One(tuple(self.formula(p, where) for p in value)))
            elif key == "not":
                parts.append(Not(self.formula(value, where)))
            elif key == "if":
                condition = self.formula(value, where)
                parts.append(implies(condition, self.formula(node.get("then", True), where)))
                parts.append(implies(Not(condition), self.formula(node.get("else", True), where)))
            else:
                raise UnsupportedSchema(
                    f"{where or '<root>'}: keyword {key!r} in a cross-field rule"
                )
        return conjunction(parts)

    def child(self, sub: Any, path: str) -> Formula:
        if sub is True:
            return TRUE
        if sub is False:
            return FALSE
        if self.is_object(path) and set(sub) - ANNOTATIONS <= _OBJECT_RULE_KEYS:
            return self.formula(sub, path)
        if not _constrains(sub):
            return TRUE
        return Holds.of(path, sub)

    # -- clauses --
    def add(
        self,
        kind: ClauseKind,
        formula: Formula,
        condition: Formula,
        effect: Formula,
        paths: list[str],
        where: str,
        origin: str,
        schema: Any = None,
    ) -> None:
        guard = [Present(p) for p in _ancestors(where)]
        guarded = implies(conjunction(guard), formula) if guard else formula
        self.clauses.append(
            Clause(
                kind,
                guarded,
                conjunction([*guard, condition]),
                effect,
                tuple(dict.fromkeys(paths)),
                where,
                origin,
                schema,
                self.test,
            )
        )

    def read(self, schema: Mapping[str, Any], where: str) -> None:
        """Clauses of the rules written on the object schema at ``where``, then its children."""
        own = {
            k: v
            for k, v in schema.items()
            if k in ("allOf", "not", "oneOf", "anyOf", "dependentRequired", "if")
        }
        if "if" in own:
            own["then"] = schema.get("then", True)
            own["else"] = schema.get("else", True)
        self.rule(own, where, TRUE, where or "<root>")
        for name, child in schema.get("properties", {}).items():
            path = join(where, name)
            if isinstance(child, Mapping) and self.is_object(path):
                self.read(child, path)

    def rule(self, node: Mapping[str, Any], where: str, condition: Formula, origin: str) -> None:
        """Split ``node`` (applied to the object at ``where`` when ``condition`` holds)."""
        for key, value in node.items():
            if key in ANNOTATIONS or key.startswith("x-") or key in ("then", "else"):
                continue
            here = f"{origin}/{key}"
            if key == "allOf":
                for index, part in enumerate(value):
                    self.rule(part, where, condition, f"{here}/{index}")
            elif key == "dependentRequired":
                for name, partners in value.items():
                    for partner in partners:
                        a, b = join(where, name), join(where, partner)
                        effect = implies(Present(a), Present(b))
                        self.add(
                            PAIR, implies(condition, effect), condition, effect, [a, b], where, here
                        )
            elif key == "required":
                for name in value:
                    path = join(where, name)
                    self.add(
                        REQUIRE,
                        implies(condition, Present(path)),
                        condition,
                        Present(path),
                        [path],
                        where,
                        here,
                        node.get("properties", {}).get(name),
                    )
            elif key == "not":
                effect = self.formula(value, where)
                kind = EXCLUSION if condition == TRUE else FORBID
                paths = [*named_paths(condition), *named_paths(effect)]
                self.add(
                    kind,
                    implies(condition, Not(effect)),
                    condition,
                    effect,
                    paths,
                    where,
                    here,
                    value,
                )
            elif key == "if":
                test = self.formula(value, where)
                outer = self.test
                self.test = Trigger(value, where)
                self.rule(
                    _as_rule(node.get("then", True)),
                    where,
                    conjunction([condition, test]),
                    f"{origin}/then",
                )
                self.test = Trigger(value, where, otherwise=True)
                self.rule(
                    _as_rule(node.get("else", True)),
                    where,
                    conjunction([condition, Not(test)]),
                    f"{origin}/else",
                )
                self.test = outer
            elif key == "properties":
                for name, sub in value.items():
                    self.consequence(sub, join(where, name), condition, f"{here}/{name}")
            elif key in ("oneOf", "anyOf"):
                self.alternatives(key, value, where, condition, here)
            elif (key == "type" and "object" in ([value] if isinstance(value, str) else value)) or (
                key == "additionalProperties" and value is True
            ):
                continue
            else:
                effect = self.formula({key: value}, where)
                self.add(
                    OTHER,
                    implies(condition, effect),
                    condition,
                    effect,
                    named_paths(effect),
                    where,
                    here,
                )

    def consequence(self, sub: Any, path: str, condition: Formula, origin: str) -> None:
        """``properties: {name: sub}`` of a rule: the value at ``path``, when present."""
        guarded = conjunction([condition, Present(path)])
        if sub is False:
            self.add(
                FORBID,
                implies(condition, Not(Present(path))),
                condition,
                Present(path),
                [*named_paths(condition), path],
                path.rpartition(".")[0],
                origin,
            )
        elif isinstance(sub, Mapping) and self.is_object(path):
            self.rule(sub, path, guarded, origin)
        elif isinstance(sub, Mapping) and _constrains(sub):
            fact = Holds.of(path, sub)
            self.add(
                VALUE,
                implies(guarded, fact),
                guarded,
                fact,
                [path],
                path.rpartition(".")[0],
                origin,
                sub,
            )

    def alternatives(
        self, key: str, branches: list[Any], where: str, condition: Formula, origin: str
    ) -> None:
        keys = [_single_required(b) for b in branches]
        if all(k is not None for k in keys):
            paths = [join(where, k) for k in keys if k is not None]
            some = Any_(tuple(Present(p) for p in paths))
            self.add(REQUIRE_ONE, implies(condition, some), condition, some, paths, where, origin)
            if key == "oneOf":
                for i, a in enumerate(paths):
                    for b in paths[i + 1 :]:
                        both = All((Present(a), Present(b)))
                        kind = EXCLUSION if condition == TRUE else FORBID
                        self.add(
                            kind,
                            implies(condition, Not(both)),
                            condition,
                            both,
                            [*named_paths(condition), a, b],
                            where,
                            origin,
                        )
            return
        effect = self.formula({key: branches}, where)
        presets = _presets(branches) if key == "oneOf" else None
        kind = PRESETS if presets else OTHER
        paths = list(presets[0].values) if presets else named_paths(effect)
        self.add(
            kind,
            implies(condition, effect),
            condition,
            effect,
            [join(where, p) for p in paths] if presets else paths,
            where,
            origin,
            presets,
        )


@dataclass(frozen=True)
class Preset:
    """One titled option of a preset ``oneOf`` (e.g. "720p (16:9)": width 1280, height 720)."""

    title: str
    values: dict[str, Any]


def _presets(branches: list[Any]) -> tuple[Preset, ...] | None:
    """The presets of a ``oneOf`` whose branches each give two or more keys a ``const``."""
    found = []
    for index, branch in enumerate(branches):
        if not isinstance(branch, Mapping) or set(branch) - ANNOTATIONS != {"properties"}:
            return None
        props = branch["properties"]
        if len(props) < 2 or not all(
            isinstance(s, Mapping) and "const" in s for s in props.values()
        ):
            return None
        values = {name: sub["const"] for name, sub in props.items()}
        found.append(Preset(branch.get("title", f"preset {index}"), values))
    names = {tuple(p.values) for p in found}
    return tuple(found) if len(names) == 1 else None


def _single_required(branch: Any) -> str | None:
    if isinstance(branch, Mapping) and set(branch) - ANNOTATIONS == {"required"}:
        required = branch["required"]
        if len(required) == 1:
            return required[0]
    return None


def _as_rule(node: Any) -> Mapping[str, Any]:
    if node is True:
        return {}
    if node is False:
        return {"not": {}}
    return node


def _constrains(sub: Any) -> bool:
    return sub is False or (
        isinstance(sub, Mapping)
        and any(k not in ANNOTATIONS and not k.startswith("x-") for k in sub)
    )


def _ancestors(where: str) -> list[str]:
    parts = where.split(".") if where else []
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


@dataclass
class RuleSet:
    """The clauses of one object schema (and its nested objects), with value couplings.

    ``couplings`` are groups of keys whose values a single rule branch fixes together (a
    width/height preset); they are drawn as one unit.
    """

    clauses: list[Clause]
    couplings: list[tuple[str, ...]]

    @property
    def empty(self) -> bool:
        """True when the object has no cross-field rule."""
        return not self.clauses


def read_clauses(schema: Mapping[str, Any]) -> RuleSet:
    """Every cross-field clause of object ``schema`` and the objects nested in its properties.

    Raises `UnsupportedSchema` for rule keywords outside the supported forms.
    """
    reader = _Reader(schema)
    reader.read(schema, "")
    return RuleSet(reader.clauses, reader.couplings)
