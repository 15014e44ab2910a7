"""Invalid tasks with labelled violations: a valid task from the contract, then broken on purpose.

Every violation targets a *site* read from the request schema (a property with ``minimum``, an
enum, an array with ``maxItems``, a required key, a ``dependentRequired`` pair ...), and its
expected error code comes from the validator's code table (`validation.codes`). Violations of
one example never touch the same parameter, nor one inside another (removing ``inputs`` and
breaking ``inputs.video`` are never combined), so the validator reports exactly the labels.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from ..contract import ModelContract, load_contract
from ..validation.casefold import canonical_spelling
from ..validation.codes import Kind, code_for
from ..validation.formats import format_checker, is_uuid
from ..validation.schema_walk import required_leaf
from .schema_walk import Compiler, Group, enum_values, item_choices, join, object_rules
from .valid import model_contracts, requests

#: The violation kinds this module produces (values of `validation.codes.Kind`).
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
    Kind.INCOMPATIBLE,
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
class _Site:
    """Where one kind of violation can be made: a path pattern (``*`` = any array item)."""

    kind: str
    path: str
    schema: Mapping[str, Any] = field(hash=False, compare=False)
    solo: bool = False
    claims: tuple[str, ...] = ()
    extra: Any = field(default=None, hash=False, compare=False)

    def footprint(self) -> tuple[str, ...]:
        return self.claims or (self.path,)


def _parts(path: str) -> list[str]:
    return path.split(".") if path else []


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
        found = {_json_type(v) for v in values}
    if "number" in found:
        found.add("integer")
    return found


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, dict) else "null"


@cache
def _checker() -> Any:
    return format_checker()


def _rejects(schema: Mapping[str, Any], value: Any) -> bool:
    return not Draft202012Validator(dict(schema), format_checker=_checker()).is_valid(value)


# -- sites, read from the schema -------------------------------------------------------------
def _sites(model: ModelContract) -> list[_Site]:
    found: list[_Site] = []
    _walk(model.request, "", found)
    root_required = set(model.request.get("required", []))
    for name in ROUTING:
        if name in root_required:
            found.append(_Site(Kind.MISSING, name, model.request["properties"][name], solo=True))
    if "model" in model.request.get("properties", {}):
        found.append(
            _Site(Kind.UNKNOWN_MODEL, "model", model.request["properties"]["model"], solo=True)
        )
    if "taskUUID" in model.request.get("properties", {}):
        found.append(_Site(Kind.CONFLICT, "taskUUID", model.request["properties"]["taskUUID"]))
    found.extend(_wrong_model_sites(model))
    return found


def _walk(
    schema: Mapping[str, Any],
    path: str,
    found: list[_Site],
    *,
    required: bool = False,
) -> None:
    if path and path not in ROUTING:
        _leaf_sites(schema, path, found, required)
    if schema.get("type") == "object" or "properties" in schema:
        _object_sites(schema, path, found)
    if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
        item = join(path, _WILD)
        _leaf_sites(schema["items"], item, found, required=False)
        for choice in item_choices(schema):
            if choice.get("type") == "object":
                _object_sites(choice, item, found)


def _object_sites(schema: Mapping[str, Any], path: str, found: list[_Site]) -> None:
    props: dict[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", []))
    rules = object_rules(schema)
    grouped = {n for g in rules.groups for n in g.members}
    found.append(
        _Site(Kind.UNKNOWN_KEY, join(path, "+"), schema, claims=(join(path, "+"),), extra=path)
    )
    for group in rules.groups:
        paths = tuple(join(path, n) for n in group.members)
        found.append(_Site(Kind.BROKEN_PAIR, paths[0], schema, claims=paths, extra=(path, group)))
        if group.presets:
            found.append(
                _Site(Kind.BAD_PRESET, paths[0], schema, claims=paths, extra=(path, group))
            )
    for members in rules.exclusive:
        paths = tuple(join(path, n) for n in members)
        found.append(
            _Site(Kind.INCOMPATIBLE, paths[0], schema, claims=paths, extra=(path, members))
        )
    for name, child in props.items():
        child_path = join(path, name)
        if name in grouped or child_path in ROUTING:
            continue
        _walk(child, child_path, found, required=name in required)


def _leaf_sites(schema: Mapping[str, Any], path: str, found: list[_Site], required: bool) -> None:
    def add(kind: str, **kw: Any) -> None:
        found.append(_Site(kind, path, schema, **kw))

    if required:
        add(Kind.MISSING)
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
    if "anyOf" in schema:
        bad = [v for v in _BAD_MEDIA if _rejects(schema, v)]
        if bad:
            add(Kind.NO_MATCH, extra=bad)
    if "maxLength" in schema or schema.get("minLength", 0) > 0:
        add(Kind.BAD_LENGTH)
    if "x-step" in schema:
        add(Kind.BAD_STEP)
    if schema.get("type") == "array":
        if "maxItems" in schema:
            add(Kind.TOO_MANY_ITEMS)
        if schema.get("minItems", 0) > 0:
            add(Kind.TOO_FEW_ITEMS)


def _object_paths(schema: Mapping[str, Any], path: str = "") -> set[str]:
    found = {path}
    for name, child in schema.get("properties", {}).items():
        if child.get("type") == "object":
            found |= _object_paths(child, join(path, name))
    return found


def _wrong_model_sites(model: ModelContract) -> list[_Site]:
    mine = set(model.parameter_paths())
    holders = _object_paths(model.request)
    found: list[_Site] = []
    for other in load_contract().models.values():
        if other.air == model.air:
            continue
        for path in other.parameter_paths():
            parent = path.rpartition(".")[0]
            if path in mine or parent not in holders or any(f.path == path for f in found):
                continue
            schema = other.property_schema(path)
            if schema is not None:
                found.append(_Site(Kind.WRONG_MODEL, path, schema, extra=other.air))
    return found


@cache
def _model_sites(air: str) -> tuple[_Site, ...]:
    model = load_contract().model(air)
    assert model is not None
    return tuple(_sites(model))


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

    def __init__(self, draw: st.DrawFn, model: ModelContract, task: dict[str, Any]) -> None:
        self.draw = draw
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
        room = len(items) < schema.get("maxItems", len(items) + 1)
        options = free + ([len(items)] if room else [])
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
    if kind in (Kind.BROKEN_PAIR, Kind.BAD_PRESET):
        return _pair(ed, site)
    if kind == Kind.INCOMPATIBLE:
        return _incompatible(ed, site)
    if kind == Kind.UNKNOWN_KEY:
        slot = ed.slot(join(site.extra, "+"))
        taken = {
            p.rpartition(".")[2]
            for m in load_contract().models.values()
            for p in m.parameter_paths()
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
        known = set(load_contract().models)
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
    if kind == Kind.BAD_STEP:
        step = Decimal(str(schema["x-step"]))
        low = Decimal(str(schema.get("minimum", 0)))
        high = Decimal(str(schema.get("maximum", low + 100 * step)))
        count = int((high - low) / step)
        n = draw(st.integers(0, max(count - 1, 0)))
        value = float(low + step * n + step / 2)
        return value, "x-step", f"{value!r} (not a multiple of {schema['x-step']})"
    if kind == Kind.TOO_MANY_ITEMS:
        item = st.one_of([Compiler("minimal").choice(c, path) for c in item_choices(schema)])
        size = schema["maxItems"] + draw(st.integers(1, 3))
        value = draw(st.lists(item, min_size=size, max_size=size))
        return value, "maxItems", f"{size} items (maxItems {schema['maxItems']})"
    if kind == Kind.TOO_FEW_ITEMS:
        return [], "minItems", f"[] (minItems {schema['minItems']})"
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


def _pair(ed: _Editor, site: _Site) -> Violation:
    parent_pattern, group = site.extra
    names = list(group.members)
    slot = ed.slot(join(parent_pattern, names[0]))
    params = [join(slot.parent, n) for n in names]
    if site.kind == Kind.BROKEN_PAIR:
        if group.presets:
            values = dict(ed.draw(st.sampled_from([p.values for p in group.presets])))
        else:
            props = slot.schema["properties"]
            values = {n: ed.valid(props[n], join(slot.parent, n)) for n in names}
        dropped = ed.draw(st.sampled_from(names))
        for name in names:
            slot.container.pop(name, None)
            if name != dropped:
                slot.container[name] = values[name]
        kept = ", ".join(n for n in names if n != dropped)
        return Violation(
            code_for("dependentRequired", join(slot.parent, dropped)),
            params,
            site.kind,
            f"{kept} without {dropped}",
        )
    chosen = ed.draw(st.sampled_from(_bad_presets(group)))
    for name in names:
        slot.container[name] = chosen[name]
    text = " x ".join(str(chosen[n]) for n in names)
    return Violation(
        code_for("oneOf:presets", slot.parent), params, site.kind, f"{text} is not a preset"
    )


def _bad_presets(group: Group) -> list[dict[str, Any]]:
    names = group.members
    known = [tuple(p.values[n] for n in names) for p in group.presets]
    columns = [sorted({k[i] for k in known}) for i in range(len(names))]
    crossed = [c for c in itertools.product(*columns) if c not in known]
    doubled = [tuple(v * 2 for v in k) for k in known if tuple(v * 2 for v in k) not in known]
    return [dict(zip(names, c, strict=True)) for c in [*doubled, *crossed]]


def _incompatible(ed: _Editor, site: _Site) -> Violation:
    parent_pattern, members = site.extra
    slot = ed.slot(join(parent_pattern, members[0]))
    for name in members:
        if name not in slot.container:
            path = join(slot.parent, name)
            slot.container[name] = ed.valid(slot.schema["properties"][name], path)
    params = [join(slot.parent, n) for n in members]
    return Violation(
        code_for("not:required", params[0]), params, site.kind, f"{' and '.join(params)} together"
    )


# -- the strategy ----------------------------------------------------------------------------
def _normalise(kinds: Iterable[str] | None) -> tuple[str, ...]:
    if kinds is None:
        return KINDS
    out = []
    for kind in kinds:
        name = ALIASES.get(str(kind), str(kind))
        if name not in KINDS:
            raise ValueError(f"unknown violation kind {kind!r}; choose from {list(KINDS)}")
        out.append(Kind(name))
    return tuple(dict.fromkeys(out))


def _eligible(sites: Iterable[_Site], kinds: tuple[str, ...], count: int) -> list[_Site]:
    return [s for s in sites if s.kind in kinds and (count == 1 or not s.solo)]


def invalid_requests(
    model: str | None = None,
    *,
    kinds: Iterable[str] | None = None,
    count: int = 1,
) -> st.SearchStrategy[InvalidExample]:
    """Tasks holding exactly ``count`` labelled violations of the given ``kinds``.

    ``kinds`` are values of `validation.codes.Kind` (``"missing"``, ``"wrong type"``,
    ``"out of range"``, ``"not allowed"``, ``"unknown key"``, ``"broken pair"``,
    ``"bad preset"``, ``"wrong model's parameter"``, ``"too many items"``, ``"format"``,
    ``"no match"``, ``"bad length"``, ``"bad step"``, ``"incompatible"``, ``"unknown model"``,
    ``"conflict"`` ...); None means all. Violations that hide every other error (an unknown
    model, a missing ``taskType``/``model``) are only drawn when ``count`` is 1.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    chosen = _normalise(kinds)
    usable = []
    plans: dict[str, _Plan] = {}
    for contract in model_contracts(model):
        plan = _Plan(_eligible(_model_sites(contract.air), chosen, count))
        if plan.capacity(frozenset()) >= count:
            usable.append(contract)
            plans[contract.air] = plan
    if not usable:
        raise ValueError(f"no model offers {count} independent violations of kinds {chosen}")
    bases = {c.air: requests(c.air) for c in usable}

    @st.composite
    def build(draw: st.DrawFn, contract: ModelContract) -> InvalidExample:
        task = copy.deepcopy(draw(bases[contract.air]))
        plan = plans[contract.air]
        editor = _Editor(draw, contract, task)
        taken: frozenset[int] = frozenset()
        violations: list[Violation] = []
        seen: frozenset[str] = frozenset()
        for remaining in range(count, 0, -1):
            options = [
                s
                for s in plan.free(taken)
                if remaining == 1 or plan.capacity(taken | {plan.of(s)}) >= remaining - 1
            ]
            site = draw(st.sampled_from(options))
            violations.append(_apply(editor, site))
            taken = taken | {plan.of(site)}
            if site.kind == Kind.CONFLICT:
                seen = frozenset({task["taskUUID"]})
        return InvalidExample(task, violations, contract.air, seen)

    return st.one_of([build(c) for c in usable])


__all__ = ["ALIASES", "KINDS", "InvalidExample", "Violation", "invalid_requests"]
