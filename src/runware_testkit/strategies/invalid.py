"""Invalid tasks with labelled violations: a valid task from the contract, then broken on purpose.

Every violation targets a *site* read from the request schema (a property with ``minimum``, an
enum, an array with ``maxItems``, a required key, a cross-field rule ...), and its expected error
code comes from the validator's code table (`validation.codes`). Violations of one example never
touch the same parameter, nor one inside another (removing ``inputs`` and breaking
``inputs.video`` are never combined), so the validator reports exactly the labels.

The sites of one example are chosen first; the valid task they are made in is then drawn with
the parameters they touch present (so a site inside ``inputs.frameImages`` gets a task whose
other inputs agree with the exclusions) and, for a cross-field rule of the task object, drawn
breaking that one rule and keeping all the others (`cross_field`, which also documents the
labels of these kinds). A rule of an array item's object (``frame`` and ``timestamp`` together)
is broken by replacing one item with an item drawn to break it.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from ..contract import Contract, ModelContract, load_contract
from ..validation.casefold import canonical_spelling
from ..validation.codes import Kind, code_for
from ..validation.formats import format_checker, is_uuid
from ..validation.schema_walk import required_leaf
from .cross_field import (
    BROKEN_CONDITION,
    breakable_clauses,
    claims,
    clause_kind,
    clause_label,
    reached_objects,
)
from .refine import UnsupportedSchema, exclude, json_type
from .rules import VALUE, Clause
from .scenarios import analyse, rules_of
from .schema_walk import (
    PRESENT,
    Compiler,
    compile_schema,
    enum_values,
    item_choices,
    join,
    object_rules,
)
from .valid import model_contracts

#: Kind of an array that lacks the item its ``contains`` asks for.
MISSING_ITEM = "missing item"

#: The violation kinds this module produces (values of `validation.codes.Kind`, plus
#: ``"broken condition"`` and ``"missing item"``, whose codes `cross_field` documents).
KINDS: tuple[str, ...] = (
    Kind.MISSING,
    Kind.WRONG_TYPE,
    Kind.OUT_OF_RANGE,
    Kind.NOT_ALLOWED,
    Kind.UNKNOWN_KEY,
    Kind.BROKEN_PAIR,
    Kind.BAD_PRESET,
    Kind.WRONG_MODEL,
    Kind.TOO_MANY_ITEMS,
    Kind.TOO_FEW_ITEMS,
    Kind.FORMAT,
    Kind.NO_MATCH,
    Kind.BAD_LENGTH,
    Kind.BAD_STEP,
    Kind.PATTERN,
    Kind.INCOMPATIBLE,
    BROKEN_CONDITION,
    MISSING_ITEM,
    Kind.UNKNOWN_MODEL,
    Kind.CONFLICT,
)
#: Other spellings accepted in ``kinds=``.
ALIASES: dict[str, str] = {
    "bad format": Kind.FORMAT,
    "too long": Kind.BAD_LENGTH,
    "conflicting": Kind.INCOMPATIBLE,
    "wrong model": Kind.WRONG_MODEL,
    "reused taskUUID": Kind.CONFLICT,
    "broken rule": BROKEN_CONDITION,
}
#: Fields the validator reads to pick the schema: breaking them hides every other error.
ROUTING = ("taskType", "model")

_WILD = "*"
_TYPE_SAMPLES: dict[str, Any] = {
    "string": "12",
    "integer": 7,
    "boolean": True,
    "array": ["a"],
    "object": {"a": 1},
}
_BAD_FORMATS = {
    "uuid": ["not-a-uuid", "12345678-1234-1234-1234-1234567890", "{0f8fad5b-d9cb-469f-a165}"],
    "uri": ["example.com/hook", "not a url", "http//example.com/x", "https://exa mple.com/x"],
}
_BAD_MEDIA = [
    "ftp://example.com/input.png",
    "file:///tmp/input.mp4",
    "C:\\media\\input.png",
    "not a media reference",
    "data:image/png;base64,@@@@",
    "input.mp4",
]
_UUID_V3 = "6fa459ea-ee8a-3ca4-894e-db77e160355e"
_UNKNOWN_MODELS = ["runway:2@2", "runway:aleph@9.9", "runware:100@1"]
_UNKNOWN_NAMES = ["fps", "motionStrength", "cfgScale", "styleHint", "colorGrade", "extra"]
_BAD_PATTERNS = ["red", "#12", "#GGGGGG", "12345", "not matching", ""]
# A claim every cross-field rule of the task object makes: at most one of them per example.
_RULES_CLAIM = "#rules"
# Kinds that replace a value (and so may also fail a rule that narrows it).
_VALUE_KINDS = frozenset(
    {
        Kind.WRONG_TYPE,
        Kind.OUT_OF_RANGE,
        Kind.NOT_ALLOWED,
        Kind.FORMAT,
        Kind.PATTERN,
        Kind.NO_MATCH,
        Kind.BAD_LENGTH,
        Kind.BAD_STEP,
        Kind.TOO_MANY_ITEMS,
        Kind.TOO_FEW_ITEMS,
        "missing item",
    }
)


@dataclass(frozen=True)
class Violation:
    """One deliberate error: the code and parameter the validator must report, and why."""

    code: str
    parameter: str | list[str]
    kind: str
    detail: str

    def key(self) -> tuple[str, str | tuple[str, ...]]:
        """``(code, parameter)`` with a list parameter as a tuple, for set comparison."""
        param = self.parameter
        return self.code, tuple(param) if isinstance(param, list) else param


@dataclass(frozen=True)
class InvalidExample:
    """An invalid task, the violations it holds, and the taskUUIDs already seen (if any)."""

    task: dict[str, Any]
    violations: list[Violation]
    model: str
    seen_task_uuids: frozenset[str] = field(default_factory=frozenset)

    def expected(self) -> set[tuple[str, str | tuple[str, ...]]]:
        """The ``(code, parameter)`` pairs a validator must report, no more, no fewer."""
        return {v.key() for v in self.violations}


@dataclass(frozen=True)
class _RuleSite:
    """A cross-field clause of the object schema found at ``where`` (``*`` = any item)."""

    where: str
    schema: Mapping[str, Any]
    clause: Clause
    array: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class _Site:
    """Where one kind of violation can be made: a path pattern (``*`` = any array item)."""

    kind: str
    path: str
    schema: Mapping[str, Any] = field(hash=False, compare=False)
    solo: bool = False
    claims: tuple[str, ...] = ()
    extra: Any = field(default=None, hash=False, compare=False)
    pins: tuple[str, ...] = ()
    quiet: tuple[Clause, ...] = field(default=(), hash=False, compare=False)
    """Rules of the task object whose condition must be off in the valid task: they narrow
    the value this site breaks (a duration that must be "auto" during an edit)."""

    def footprint(self) -> tuple[str, ...]:
        return self.claims or (self.path,)

    @property
    def rule(self) -> _RuleSite | None:
        """The cross-field clause this site breaks, if it breaks one."""
        return self.extra if isinstance(self.extra, _RuleSite) else None


def _parts(path: str) -> list[str]:
    return path.split(".") if path else []


def _bare(path: str) -> str:
    """``path`` without its ``*`` segments: how pins name a key of every array item."""
    return ".".join(p for p in _parts(path) if p != _WILD)


def _overlaps(a: str, b: str) -> bool:
    """True when one path equals, or lies inside, the other (``*`` matches any index)."""
    return all(x == y or _WILD in (x, y) for x, y in zip(_parts(a), _parts(b), strict=False))


def _types(schema: Mapping[str, Any]) -> set[str]:
    kind = schema.get("type")
    if isinstance(kind, str):
        found = {kind}
    elif isinstance(kind, list):
        found = set(kind)
    elif "anyOf" in schema:
        found = set().union(*(_types(c) for c in schema["anyOf"]))
    else:
        values = enum_values(schema) or []
        found = {json_type(v) for v in values}
    if "number" in found:
        found.add("integer")
    return found


@cache
def _checker() -> Any:
    return format_checker()


def _rejects(schema: Mapping[str, Any], value: Any) -> bool:
    return not Draft202012Validator(dict(schema), format_checker=_checker()).is_valid(value)


# -- sites, read from the schema -------------------------------------------------------------
class _Reader:
    """Collects the sites of one model."""

    def __init__(self, model: ModelContract, contract: Contract) -> None:
        self.model = model
        self.contract = contract
        self.found: list[_Site] = []
        self.reached = reached_objects(model.request)
        self.narrowing = [c for c in rules_of(model.request).clauses if c.kind == VALUE]

    def sites(self) -> list[_Site]:
        request = self.model.request
        self._walk(request, "")
        for clause in breakable_clauses(request):
            self.found.append(
                _Site(
                    clause_kind(clause),
                    clause.paths[0],
                    request,
                    claims=(*claims(clause, ""), _RULES_CLAIM),
                    extra=_RuleSite("", request, clause),
                )
            )
        root_required = set(request.get("required", []))
        for name in ROUTING:
            if name in root_required:
                self.add(Kind.MISSING, name, request["properties"][name], solo=True)
        if "model" in request.get("properties", {}):
            self.add(Kind.UNKNOWN_MODEL, "model", request["properties"]["model"], solo=True)
        if "taskUUID" in request.get("properties", {}):
            self.add(Kind.CONFLICT, "taskUUID", request["properties"]["taskUUID"])
        self._wrong_model_sites()
        return [
            s for s in self.found if _feasible(self.model, self.contract, s.pins, s.rule, s.quiet)
        ]

    def add(self, kind: str, path: str, schema: Mapping[str, Any], **kw: Any) -> None:
        if "pins" not in kw and kind not in (Kind.UNKNOWN_MODEL, Kind.CONFLICT):
            kw["pins"] = (_bare(path),)
        if kind in _VALUE_KINDS:
            bare = _bare(path)
            kw["quiet"] = tuple(
                c for c in self.narrowing if bare == c.paths[0] or bare.startswith(c.paths[0] + ".")
            )
        self.found.append(_Site(kind, path, schema, **kw))

    def _walk(self, schema: Mapping[str, Any], path: str, *, required: bool = False) -> None:
        if path and path not in ROUTING:
            self._leaf(schema, path, required)
        if schema.get("type") == "object" or "properties" in schema:
            self._object(schema, path)
        if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
            item = join(path, _WILD)
            self._leaf(schema["items"], item, required=False)
            for choice in item_choices(schema):
                if choice.get("type") == "object":
                    self._object(choice, item, array=schema)

    def _object(
        self, schema: Mapping[str, Any], path: str, array: Mapping[str, Any] | None = None
    ) -> None:
        props: dict[str, Any] = schema.get("properties", {})
        required = set(schema.get("required", []))
        parent = _bare(path)
        self.found.append(
            _Site(
                Kind.UNKNOWN_KEY,
                join(path, "+"),
                schema,
                claims=(join(path, "+"),),
                extra=path,
                pins=(parent,) if parent else (),
            )
        )
        grouped = {m for v in analyse(schema).variables if len(v.members) > 1 for m in v.members}
        if array is not None and "contains" not in array:
            for clause in breakable_clauses(schema):
                self.found.append(
                    _Site(
                        clause_kind(clause),
                        join(path, clause.paths[0]),
                        schema,
                        claims=claims(clause, path),
                        extra=_RuleSite(path, schema, clause, array),
                        pins=(_bare(join(path, clause.paths[0])),),
                    )
                )
        for name, child in props.items():
            child_path = join(path, name)
            if name in grouped or child_path in ROUTING or not isinstance(child, dict):
                continue
            self._walk(child, child_path, required=name in required)

    def _leaf(self, schema: Mapping[str, Any], path: str, required: bool) -> None:
        def add(kind: str, **kw: Any) -> None:
            self.add(kind, path, schema, **kw)

        if required:
            add(Kind.MISSING)
        if _bare(path) not in self.reached:
            add(Kind.WRONG_TYPE)
        if "minimum" in schema or "maximum" in schema:
            add(Kind.OUT_OF_RANGE)
        if enum_values(schema) is not None or "const" in schema:
            add(Kind.NOT_ALLOWED)
        if "format" in schema and "anyOf" not in schema:
            bad = [v for v in _BAD_FORMATS.get(schema["format"], []) if _rejects(schema, v)]
            if schema.get("x-uuid-version") == 4:
                bad.append(_UUID_V3)
            if bad:
                add(Kind.FORMAT, extra=bad)
        if "pattern" in schema and "anyOf" not in schema and "format" not in schema:
            bad = [v for v in _BAD_PATTERNS if _rejects(schema, v)]
            if bad:
                add(Kind.PATTERN, extra=bad)
        if "anyOf" in schema:
            bad = [v for v in _BAD_MEDIA if _rejects(schema, v)]
            if bad:
                add(Kind.NO_MATCH, extra=bad)
        if "maxLength" in schema or schema.get("minLength", 0) > 0:
            add(Kind.BAD_LENGTH)
        if "x-step" in schema or "multipleOf" in schema:
            add(Kind.BAD_STEP)
        if schema.get("type") == "array":
            if "maxItems" in schema:
                add(Kind.TOO_MANY_ITEMS)
            if schema.get("minItems", 0) > 0:
                add(Kind.TOO_FEW_ITEMS)
            if "contains" in schema and _without_witness(schema) is not None:
                add(MISSING_ITEM)

    def _wrong_model_sites(self) -> None:
        mine = set(self.model.parameter_paths())
        holders = _object_paths(self.model.request)
        seen: set[str] = set()
        for other in self.contract.models.values():
            if other.air == self.model.air:
                continue
            for path in other.parameter_paths():
                parent = path.rpartition(".")[0]
                if path in mine or parent not in holders or path in seen:
                    continue
                schema = other.property_schema(path)
                if schema is not None:
                    seen.add(path)
                    pins = (parent,) if parent else ()
                    self.add(Kind.WRONG_MODEL, path, schema, extra=other.air, pins=pins)


def _without_witness(schema: Mapping[str, Any]) -> Any:
    """The item schema of ``schema`` minus the items its ``contains`` asks for (None: none)."""
    try:
        return exclude(schema["items"], schema["contains"])
    except UnsupportedSchema:
        return None


def _object_paths(schema: Mapping[str, Any], path: str = "") -> set[str]:
    found = {path}
    for name, child in schema.get("properties", {}).items():
        if isinstance(child, dict) and child.get("type") == "object":
            found |= _object_paths(child, join(path, name))
    return found


_site_cache: dict[tuple[int, str], tuple[Contract, tuple[_Site, ...]]] = {}


def _model_sites(contract: Contract, air: str) -> tuple[_Site, ...]:
    key = (id(contract), air)
    found = _site_cache.get(key)
    if found is None or found[0] is not contract:
        model = contract.model(air)
        assert model is not None
        found = _site_cache[key] = (contract, tuple(_Reader(model, contract).sites()))
    return found[1]


# -- the valid task a violation is made in ---------------------------------------------------
_feasible_cache: dict[tuple[Any, ...], bool] = {}


def _feasible(
    model: ModelContract,
    contract: Contract,
    pins: Iterable[str],
    rule: _RuleSite | None,
    quiet: Iterable[Clause] = (),
) -> bool:
    """Whether the task object's rules allow every pinned parameter present (while breaking
    ``rule`` when it is a rule of the task object, and with the ``quiet`` rules off)."""
    broken = rule.clause if rule is not None and rule.where == "" else None
    pinned = frozenset(p for p in pins if p)
    calm = tuple(dict.fromkeys(quiet))
    key = (id(model.request), pinned, id(broken), tuple(id(c) for c in calm))
    if key not in _feasible_cache:
        compiler = Compiler(pinned={p: PRESENT for p in pinned})
        try:
            compiler.plan(analyse(model.request, broken, calm), "")
            _feasible_cache[key] = True
        except UnsupportedSchema:
            _feasible_cache[key] = False
    return _feasible_cache[key]


_base_cache: dict[tuple[Any, ...], tuple[Any, st.SearchStrategy[Any]]] = {}


def _base(
    model: ModelContract,
    pins: frozenset[str],
    broken: Clause | None,
    quiet: tuple[Clause, ...] = (),
) -> Any:
    """Valid tasks of ``model`` holding every pinned parameter (breaking ``broken``, with the
    ``quiet`` rules off)."""
    key = (id(model.request), pins, id(broken), tuple(id(c) for c in quiet))
    found = _base_cache.get(key)
    if found is None or found[0] is not model.request:
        pinned = {p: PRESENT for p in pins}
        try:
            strategy = compile_schema(model.request, pinned=pinned, broken=broken, quiet=quiet)
        except UnsupportedSchema:
            strategy = compile_schema(model.request, broken=broken, quiet=quiet)
        found = _base_cache[key] = (model.request, strategy)
    return found[1]


def _depth(footprint: tuple[str, ...]) -> int:
    return max(len(_parts(p)) for p in footprint)


class _Plan:
    """The sites one strategy may use, with their overlaps worked out once."""

    def __init__(self, sites: Iterable[_Site]) -> None:
        self.sites = list(sites)
        prints = sorted(dict.fromkeys(s.footprint() for s in self.sites), key=_depth, reverse=True)
        self.prints = prints
        self.index = {fp: i for i, fp in enumerate(prints)}
        self.clash = [
            frozenset(
                j
                for j, other in enumerate(prints)
                if any(_overlaps(a, b) for a in fp for b in other)
            )
            for fp in prints
        ]
        self._capacity: dict[frozenset[int], int] = {}

    def of(self, site: _Site) -> int:
        """The footprint number of ``site``."""
        return self.index[site.footprint()]

    def free(self, taken: frozenset[int]) -> list[_Site]:
        """Sites whose footprint overlaps none of ``taken``."""
        return [s for s in self.sites if not self.clash[self.of(s)] & taken]

    def capacity(self, taken: frozenset[int]) -> int:
        """How many more violations surely fit beside ``taken``: a greedy set of footprints
        overlapping neither each other nor ``taken``, innermost first (paths nest like a tree,
        so taking the innermost ones keeps the most)."""
        if taken not in self._capacity:
            chosen = set(taken)
            count = 0
            for i in range(len(self.prints)):
                if not self.clash[i] & chosen:
                    chosen.add(i)
                    count += 1
            self._capacity[taken] = count
        return self._capacity[taken]


# -- applying a violation --------------------------------------------------------------------
@dataclass
class _Slot:
    """Where a violation writes: ``container[key]`` at concrete dotted ``path``."""

    container: Any
    key: str
    parent: str
    schema: Mapping[str, Any]

    @property
    def path(self) -> str:
        return join(self.parent, self.key)


class _Editor:
    """Makes the path of a site exist in the task, then breaks it."""

    def __init__(
        self, draw: st.DrawFn, contract: Contract, model: ModelContract, task: dict[str, Any]
    ) -> None:
        self.draw = draw
        self.contract = contract
        self.model = model
        self.task = task
        self.compiler = Compiler("minimal")
        self.used_items: set[str] = set()
        self.claimed: set[str] = set()

    def valid(self, schema: Mapping[str, Any], path: str) -> Any:
        return self.draw(self.compiler.node(schema, path))

    def slot(self, pattern: str) -> _Slot:
        """The slot of ``pattern``, its parents created as needed (``*``: an item is chosen)."""
        parts = _parts(pattern)
        node: Any = self.task
        schema: Mapping[str, Any] = self.model.request
        concrete: list[str] = []
        for depth, segment in enumerate(parts[:-1]):
            if segment == _WILD:
                node, schema, index = self._item(node, schema, parts[depth + 1], concrete)
                concrete.append(str(index))
                continue
            child = schema["properties"][segment]
            if not isinstance(node.get(segment), dict | list):
                node[segment] = self.valid(child, join(".".join(concrete), segment))
            node, schema = node[segment], child
            concrete.append(segment)
        last = parts[-1]
        if last == _WILD:
            return _Slot(
                node, str(self._index(node, schema, concrete, None)), ".".join(concrete), schema
            )
        return _Slot(node, last, ".".join(concrete), schema)

    def _index(
        self,
        items: list[Any],
        schema: Mapping[str, Any],
        concrete: list[str],
        child: tuple[str, ...] | None,
    ) -> int:
        base = ".".join(concrete)
        free = [i for i in range(len(items)) if join(base, str(i)) not in self.used_items]
        if child is not None:
            # An item that already holds the key was drawn with every rule about it kept.
            holding = [i for i in free if isinstance(items[i], dict) and child[0] in items[i]]
            free = holding or free
        room = len(items) < schema.get("maxItems", len(items) + 1)
        options = free + ([len(items)] if room and not (child and free) else [])
        if not options and child is not None:
            # Every item already holds a violation: share one whose keys are untouched.
            options = [
                i
                for i in range(len(items))
                if not any(join(join(base, str(i)), c) in self.claimed for c in child)
            ]
        if not options:
            raise ValueError(f"no room left in {base} for another violation")
        index = self.draw(st.sampled_from(options))
        self.used_items.add(join(base, str(index)))
        if index == len(items):
            items.append(None)
        return index

    def _item(
        self, items: list[Any], schema: Mapping[str, Any], child: str, concrete: list[str]
    ) -> tuple[Any, Mapping[str, Any], int]:
        objects = [c for c in item_choices(schema) if c.get("type") == "object"]
        choice = next((c for c in objects if child in c.get("properties", {})), objects[0])
        index = self._index(items, schema, concrete, (child, *_partners(choice, child)))
        if not isinstance(items[index], dict):
            items[index] = self.valid(choice, ".".join(concrete))
        return items[index], choice, index

    def write(self, slot: _Slot, value: Any) -> None:
        """Set the slot, dropping valid fields that may not stand beside it."""
        if isinstance(slot.container, list):
            slot.container[int(slot.key)] = value
            return
        slot.container[slot.key] = value
        for partner in _partners(slot.schema, slot.key):
            slot.container.pop(partner, None)


def _partners(schema: Mapping[str, Any], key: str) -> list[str]:
    """Fields that are mutually exclusive with ``key`` in an object schema."""
    if schema.get("type") != "object":
        return []
    return [
        n for group in object_rules(schema).exclusive if key in group for n in group if n != key
    ]


def _apply(ed: _Editor, site: _Site) -> Violation:
    """Break the task at ``site``; the returned label says what the validator must report."""
    violation = _break(ed, site)
    ed.claimed.update(
        violation.parameter if isinstance(violation.parameter, list) else [violation.parameter]
    )
    return violation


def _break(ed: _Editor, site: _Site) -> Violation:
    draw, kind = ed.draw, site.kind
    rule = site.rule
    if rule is not None and rule.where == "":
        code, parameter, detail = clause_label(rule.clause, rule.schema, ed.task, "")
        return Violation(code, parameter, kind, detail)
    if rule is not None:
        return _break_item(ed, site, rule)
    if kind == Kind.UNKNOWN_KEY:
        slot = ed.slot(join(site.extra, "+"))
        taken = {
            p.rpartition(".")[2] for m in ed.contract.models.values() for p in m.parameter_paths()
        } | set(slot.container)
        slot.key = draw(st.sampled_from([n for n in _UNKNOWN_NAMES if n not in taken]))
        slot.container[slot.key] = draw(st.sampled_from([1, "on", True]))
        return Violation(
            code_for("additionalProperties", slot.path),
            slot.path,
            kind,
            f"added unknown key {slot.path}",
        )
    slot = ed.slot(site.path)
    path, schema = slot.path, site.schema
    if kind == Kind.MISSING:
        slot.container.pop(slot.key, None)
        if site.path in ROUTING:
            code = code_for(f"{slot.key}:missing", path)
            return Violation(code, path, kind, f"removed required {path}")
        # A removed object is reported at the first required leaf it must hold.
        blamed = ".".join([path, *required_leaf(schema)])
        return Violation(code_for("required", blamed), blamed, kind, f"removed required {path}")
    if kind == Kind.WRONG_MODEL:
        ed.write(slot, draw(Compiler("minimal").node(schema, site.path)))
        return Violation(
            code_for("additionalProperties:otherModel", path),
            path,
            kind,
            f"added {path}, a parameter of {site.extra} only",
        )
    if kind == Kind.UNKNOWN_MODEL:
        known = set(ed.contract.models)
        value = draw(st.sampled_from([a for a in _UNKNOWN_MODELS if a not in known]))
        ed.write(slot, value)
        return Violation(code_for("model:unknown", path), path, kind, f"model {value!r}")
    if kind == Kind.CONFLICT:
        return Violation(
            code_for("taskUUID:reused", path),
            path,
            kind,
            "taskUUID already used by an earlier task",
        )
    value, failure, detail = _bad_value(draw, site, path)
    ed.write(slot, value)
    return Violation(code_for(failure, path), path, kind, f"{path} = {detail}")


_item_strategies: dict[tuple[int, int], tuple[Any, st.SearchStrategy[Any]]] = {}


def _break_item(ed: _Editor, site: _Site, rule: _RuleSite) -> Violation:
    """Replace one item of an array with an item breaking one clause of the item's rules."""
    slot = ed.slot(rule.where)
    key = (id(rule.schema), id(rule.clause))
    found = _item_strategies.get(key)
    if found is None or found[0] is not rule.clause:
        strategy = compile_schema(rule.schema, broken=rule.clause, path=_bare(rule.where))
        found = _item_strategies[key] = (rule.clause, strategy)
    item = ed.draw(found[1])
    slot.container[int(slot.key)] = item
    code, parameter, detail = clause_label(rule.clause, rule.schema, item, slot.path)
    return Violation(code, parameter, site.kind, detail)


def _bad_value(draw: st.DrawFn, site: _Site, path: str) -> tuple[Any, str, str]:
    kind, schema = site.kind, site.schema
    if kind == Kind.WRONG_TYPE:
        allowed = _types(schema)
        value = draw(st.sampled_from([v for t, v in _TYPE_SAMPLES.items() if t not in allowed]))
        return value, "type", f"{value!r} (wrong type)"
    if kind == Kind.OUT_OF_RANGE:
        return _out_of_range(draw, schema)
    if kind == Kind.NOT_ALLOWED:
        allowed = enum_values(schema) or [schema["const"]]
        value = draw(st.sampled_from(_not_allowed(allowed)))
        return value, "oneOf:consts", f"{value!r} (allowed: {allowed})"
    if kind == Kind.FORMAT:
        fmt = schema["format"]
        value = draw(st.sampled_from(site.extra))
        failure = "x-uuid-version" if fmt == "uuid" and is_uuid(value) else "format"
        return value, failure, f"{value!r} (not a valid {fmt})"
    if kind == Kind.NO_MATCH:
        value = draw(st.sampled_from(site.extra))
        return value, "anyOf", f"{value!r} (no accepted form)"
    if kind == Kind.BAD_LENGTH:
        sides = []
        if "maxLength" in schema:
            sides.append("long")
        if schema.get("minLength", 0) > 0:
            sides.append("short")
        side = draw(st.sampled_from(sides))
        if side == "short":
            return "", "minLength", "'' (shorter than minLength)"
        extra = draw(st.integers(1, 20))
        value = ("A long prompt " * (schema["maxLength"] // 14 + 3))[: schema["maxLength"] + extra]
        return value, "maxLength", f"{len(value)} characters (maxLength {schema['maxLength']})"
    if kind == Kind.PATTERN:
        value = draw(st.sampled_from(site.extra))
        return value, "pattern", f"{value!r} (does not match {schema['pattern']})"
    if kind == Kind.BAD_STEP:
        failure = "x-step" if "x-step" in schema else "multipleOf"
        step = Decimal(str(schema[failure]))
        low = Decimal(str(schema.get("minimum", 0)))
        high = Decimal(str(schema.get("maximum", low + 100 * step)))
        count = int((high - low) / step)
        n = draw(st.integers(0, max(count - 1, 0)))
        if schema.get("type") == "integer":
            value: Any = int(low + step * n + 1)
        else:
            value = float(low + step * n + step / 2)
        return value, failure, f"{value!r} (not a multiple of {schema[failure]})"
    if kind == Kind.TOO_MANY_ITEMS:
        size = schema["maxItems"] + draw(st.integers(1, 3))
        value = draw(Compiler("minimal").node({**schema, "minItems": size, "maxItems": size}, path))
        return value, "maxItems", f"{size} items (maxItems {schema['maxItems']})"
    if kind == Kind.TOO_FEW_ITEMS:
        return [], "minItems", f"[] (minItems {schema['minItems']})"
    if kind == MISSING_ITEM:
        items = {k: v for k, v in schema.items() if k != "contains"}
        items["items"] = _without_witness(schema)
        items["minItems"] = max(schema.get("minItems", 0), 1)
        value = draw(Compiler("minimal").node(items, path))
        return value, "contains", f"{len(value)} items, none of the kind contains asks for"
    raise ValueError(f"unknown violation kind {kind!r}")


def _out_of_range(draw: st.DrawFn, schema: Mapping[str, Any]) -> tuple[Any, str, str]:
    sides = [s for s in ("minimum", "maximum") if s in schema]
    side = draw(st.sampled_from(sides))
    step = Decimal(str(schema.get("x-step", 1)))
    distance = step * draw(st.integers(1, 1000))
    bound = Decimal(str(schema[side]))
    raw = bound - distance if side == "minimum" else bound + distance
    value: Any = int(raw) if schema.get("type") == "integer" else float(raw)
    word = "below" if side == "minimum" else "above"
    return value, side, f"{value!r} ({word} {side} {schema[side]})"


def _not_allowed(allowed: list[Any]) -> list[Any]:
    """Values of an allowed value's own JSON type that are not allowed (case slips, neighbours).

    A case slip of an all-string enum is accepted by the validator (with a warning), so it is
    not offered for those.
    """
    out: list[Any] = []
    for value in allowed:
        if isinstance(value, str):
            out += [value.lower(), value.upper(), value + "x"]
    numbers = [v for v in allowed if isinstance(v, int) and not isinstance(v, bool)]
    if numbers:
        out.append(max(numbers) + 1)
    if not out:
        out.append("other")
    return [
        v
        for v in dict.fromkeys(out)
        if not any(type(v) is type(a) and v == a for a in allowed)
        and canonical_spelling(v, allowed) is None
    ]


# -- the strategy ----------------------------------------------------------------------------
def _normalise(kinds: Iterable[str] | None) -> tuple[str, ...]:
    if kinds is None:
        return KINDS
    out = []
    for kind in kinds:
        name = ALIASES.get(str(kind), str(kind))
        if name not in KINDS:
            raise ValueError(f"unknown violation kind {kind!r}; choose from {list(KINDS)}")
        out.append(KINDS[KINDS.index(name)])
    return tuple(dict.fromkeys(out))


def _eligible(sites: Iterable[_Site], kinds: tuple[str, ...], count: int) -> list[_Site]:
    return [s for s in sites if s.kind in kinds and (count == 1 or not s.solo)]


def _choose(
    draw: st.DrawFn, plan: _Plan, model: ModelContract, contract: Contract, count: int
) -> list[_Site]:
    """``count`` sites whose footprints do not overlap and whose pins the rules allow together."""
    taken: frozenset[int] = frozenset()
    chosen: list[_Site] = []
    for remaining in range(count, 0, -1):
        options = [
            s
            for s in plan.free(taken)
            if remaining == 1 or plan.capacity(taken | {plan.of(s)}) >= remaining - 1
        ]
        if chosen:
            rule = next((c.rule for c in chosen if c.rule is not None), None)
            fitting = [
                s
                for s in options
                if _feasible(
                    model,
                    contract,
                    [p for c in (*chosen, s) for p in c.pins],
                    rule or s.rule,
                    [q for c in (*chosen, s) for q in c.quiet],
                )
            ]
            options = fitting or options
        site = draw(st.sampled_from(options))
        chosen.append(site)
        taken = taken | {plan.of(site)}
    return sorted(chosen, key=lambda s: s.rule is None or s.rule.where != "")


def invalid_requests(
    model: str | None = None,
    *,
    kinds: Iterable[str] | None = None,
    count: int = 1,
    contract: Contract | None = None,
) -> st.SearchStrategy[InvalidExample]:
    """Tasks holding exactly ``count`` labelled violations of the given ``kinds``.

    ``kinds`` are values of `validation.codes.Kind` (``"missing"``, ``"wrong type"``,
    ``"out of range"``, ``"not allowed"``, ``"unknown key"``, ``"broken pair"``,
    ``"bad preset"``, ``"wrong model's parameter"``, ``"too many items"``, ``"format"``,
    ``"no match"``, ``"bad length"``, ``"bad step"``, ``"pattern"``, ``"incompatible"``,
    ``"unknown model"``, ``"conflict"``) or ``"broken condition"`` (an ``if``/``then`` rule
    broken) and ``"missing item"`` (an array without the item its ``contains`` asks for);
    None means all. Violations that hide every other error (an unknown model, a missing
    ``taskType``/``model``) are only drawn when ``count`` is 1. ``contract``: the models to
    draw from (default: `load_contract()`). Raises ValueError when no model offers ``count``
    independent violations of those kinds.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    chosen = _normalise(kinds)
    registry = contract if contract is not None else load_contract()
    usable = []
    plans: dict[str, _Plan] = {}
    for found in model_contracts(model, contract=registry):
        plan = _Plan(_eligible(_model_sites(registry, found.air), chosen, count))
        if plan.capacity(frozenset()) >= count:
            usable.append(found)
            plans[found.air] = plan
    if not usable:
        raise ValueError(f"no model offers {count} independent violations of kinds {chosen}")

    targets = {c.air: c for c in usable}

    @st.composite
    def build(draw: st.DrawFn, air: str) -> InvalidExample:
        target = targets[air]
        sites = _choose(draw, plans[target.air], target, registry, count)
        pins = frozenset(p for s in sites for p in s.pins if p)
        broken = next((s.rule.clause for s in sites if s.rule and s.rule.where == ""), None)
        quiet = tuple(dict.fromkeys(q for s in sites for q in s.quiet))
        task = copy.deepcopy(draw(_base(target, pins, broken, quiet)))
        editor = _Editor(draw, registry, target, task)
        violations = [_apply(editor, site) for site in sites]
        seen = (
            frozenset({task["taskUUID"]})
            if any(s.kind == Kind.CONFLICT for s in sites)
            else (frozenset())
        )
        return InvalidExample(task, violations, target.air, seen)

    return st.one_of([build(c.air) for c in usable])


__all__ = ["ALIASES", "KINDS", "MISSING_ITEM", "InvalidExample", "Violation", "invalid_requests"]
