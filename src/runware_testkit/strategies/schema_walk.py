"""Compile the JSON Schema subset the contract generator emits into Hypothesis strategies.

The subset: objects (``properties``, ``required``, ``additionalProperties: false``,
``not: {required: [a, b]}`` for mutually exclusive fields), arrays (``items`` as one schema or an
``anyOf`` of choices, ``minItems``/``maxItems``), scalars with ``const``, an enum written as a
``oneOf`` of ``const`` options, ``minimum``/``maximum``, ``minLength``/``maxLength``, ``format``
(``uuid``, ``uri``), ``pattern``, input forms as an ``anyOf`` of titled alternatives ("UUID", "URL",
"Data URI", "Base64"), ``x-step`` and ``x-uuid-version``; and at the top level an ``allOf`` of
``dependentRequired`` pairs and an ``if``/``then`` ``oneOf`` of titled presets (width x height).

Values are constructed valid, never filtered: an optional field is present or absent by a drawn
boolean (shrinking to absent), a preset is drawn as a whole pair, a number with ``x-step`` is an
integer count of steps. Any keyword outside the subset raises :class:`UnsupportedSchema`, so a
generator change is noticed instead of silently producing invalid data.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from hypothesis import strategies as st

from . import primitives

Form = Literal["any", "minimal", "maximal"]
FORMS: tuple[str, ...] = ("any", "minimal", "maximal")

#: Keywords that only annotate; the compiler reads some of them but they never constrain it.
ANNOTATIONS = frozenset(
    {
        "$schema",
        "$id",
        "title",
        "description",
        "default",
        "examples",
        "deprecated",
    }
)
_CONSTRAINTS = frozenset(
    {
        "type",
        "const",
        "enum",
        "oneOf",
        "anyOf",
        "allOf",
        "not",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "minItems",
        "maxItems",
        "uniqueItems",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minLength",
        "maxLength",
        "format",
        "pattern",
        "dependentRequired",
        "if",
        "then",
    }
)
_UNBOUNDED_INT = 2**31 - 1
# An optional field is present two times in three (deep fields show up often enough), and
# shrinks to absent.
_PRESENT = st.integers(0, 2).map(bool)
_DEFAULT_MAX_ITEMS = 4


class UnsupportedSchema(ValueError):
    """The schema uses a construct outside the subset the contract generator emits."""


class _Absent:
    _instance: _Absent | None = None

    def __new__(cls) -> _Absent:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "ABSENT"


#: Pin a field to ``ABSENT`` to leave it out of every generated value.
ABSENT: Any = _Absent()


@dataclass(frozen=True)
class Preset:
    """One titled option of a preset ``oneOf`` (e.g. "720p (16:9)": width 1280, height 720)."""

    title: str
    values: dict[str, Any]


@dataclass(frozen=True)
class Group:
    """Fields that are present together: a ``dependentRequired`` pair, optionally with presets."""

    members: tuple[str, ...]
    presets: tuple[Preset, ...] = ()


@dataclass
class ObjectRules:
    """The cross-field rules of one object schema."""

    groups: list[Group] = field(default_factory=list)
    exclusive: list[tuple[str, ...]] = field(default_factory=list)


def join(path: str, name: str) -> str:
    """Dotted path of child ``name`` under ``path``."""
    return f"{path}.{name}" if path else name


def enum_values(schema: Mapping[str, Any]) -> list[Any] | None:
    """The allowed values of an enum-like schema (``oneOf`` of consts, ``enum``), or None."""
    if "enum" in schema:
        return list(schema["enum"])
    options = schema.get("oneOf")
    if options and all(
        isinstance(o, dict) and "const" in o and "properties" not in o for o in options
    ):
        return [o["const"] for o in options]
    return None


def item_choices(schema: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The alternatives of an array's ``items`` (one, or the ``anyOf`` choices)."""
    items = schema.get("items")
    if not isinstance(items, dict):
        return []
    if "anyOf" in items and "type" not in items:
        return list(items["anyOf"])
    return [items]


def object_rules(schema: Mapping[str, Any]) -> ObjectRules:
    """Read the pairs, presets and mutually exclusive fields of an object schema."""
    rules = ObjectRules()
    pairs: list[set[str]] = []
    presets: dict[frozenset[str], tuple[Preset, ...]] = {}
    for rule in schema.get("allOf", []):
        unknown = set(rule) - {"dependentRequired", "if", "then"}
        if unknown:
            raise UnsupportedSchema(f"allOf entry with {sorted(unknown)}")
        for name, partners in rule.get("dependentRequired", {}).items():
            pairs.append({name, *partners})
        if "if" in rule:
            members, found = _preset_rule(rule)
            pairs.append(set(members))
            presets[frozenset(members)] = found
    if "dependentRequired" in schema:
        for name, partners in schema["dependentRequired"].items():
            pairs.append({name, *partners})
    merged: list[set[str]] = []
    for pair in pairs:
        overlapping = [m for m in merged if m & pair]
        for m in overlapping:
            merged.remove(m)
            pair |= m
        merged.append(pair)
    order = list(schema.get("properties", {}))
    for members in merged:
        ordered = tuple(sorted(members, key=lambda n: order.index(n) if n in order else 1e9))
        found: tuple[Preset, ...] = ()
        for key, value in presets.items():
            if key <= members:
                found = value
        rules.groups.append(Group(ordered, found))
    negated = schema.get("not")
    if negated is not None:
        if set(negated) != {"required"}:
            raise UnsupportedSchema(f"not with {sorted(negated)}")
        rules.exclusive.append(tuple(negated["required"]))
    return rules


def _preset_rule(rule: Mapping[str, Any]) -> tuple[list[str], tuple[Preset, ...]]:
    condition = rule["if"]
    triggers = [
        c["required"] for c in condition.get("anyOf", [condition]) if set(c) == {"required"}
    ]
    then = rule.get("then", {})
    if not triggers or set(then) - {"required", "oneOf"}:
        raise UnsupportedSchema(f"if/then rule {rule!r}")
    members = list(dict.fromkeys([*itertools.chain(*triggers), *then.get("required", [])]))
    found = []
    for index, option in enumerate(then.get("oneOf", [])):
        values = {}
        for name, sub in option.get("properties", {}).items():
            if "const" not in sub:
                raise UnsupportedSchema(f"preset {index} gives {name} without const")
            values[name] = sub["const"]
        found.append(Preset(option.get("title", f"preset {index}"), values))
    return members, tuple(found)


def presets(schema: Mapping[str, Any]) -> list[Preset]:
    """Every preset of an object schema's cross-field rules (empty when it has none)."""
    return [p for g in object_rules(schema).groups for p in g.presets]


def _check_keywords(schema: Mapping[str, Any], path: str) -> None:
    for key in schema:
        if key.startswith("x-") or key in ANNOTATIONS or key in _CONSTRAINTS:
            continue
        raise UnsupportedSchema(f"{path or '<root>'}: keyword {key!r}")


Pin = Any
FormBuilder = Callable[[dict[str, Any], str], st.SearchStrategy[Any]]


def media_kind(path: str) -> primitives.MediaKind:
    """Whether a media input at ``path`` holds a video or an image (by its name)."""
    names = [s for s in path.split(".") if not s.isdigit()]
    return "video" if names and "video" in names[-1].lower() else "image"


def _uuid_form(schema: dict[str, Any], path: str) -> st.SearchStrategy[str]:
    return primitives.uuid_strings(schema.get("x-uuid-version", 4))


def _url_form(schema: dict[str, Any], path: str) -> st.SearchStrategy[str]:
    return primitives.media_urls(media_kind(path))


def _data_uri_form(schema: dict[str, Any], path: str) -> st.SearchStrategy[str]:
    return primitives.data_uri_images()


def _base64_form(schema: dict[str, Any], path: str) -> st.SearchStrategy[str]:
    return primitives.base64_images()


#: Builders for the titled input forms Runware publishes, keyed by the form's ``title``.
FORM_BUILDERS: dict[str, FormBuilder] = {
    "UUID": _uuid_form,
    "URL": _url_form,
    "Data URI": _data_uri_form,
    "Base64": _base64_form,
}


class Compiler:
    """Turns schema nodes into strategies for one ``form`` and a set of pinned paths.

    ``pinned`` maps dotted parameter paths (as :meth:`ModelContract.parameter_paths` spells them,
    without array indexes) to a value, a strategy, or :data:`ABSENT`.
    """

    def __init__(self, form: Form = "any", pinned: Mapping[str, Pin] | None = None) -> None:
        if form not in FORMS:
            raise ValueError(f"form must be one of {FORMS}, not {form!r}")
        self.form = form
        self.pinned = dict(pinned or {})

    # -- pins ---------------------------------------------------------------------------------
    def _pin(self, path: str) -> st.SearchStrategy[Any] | None:
        if path not in self.pinned or self.pinned[path] is ABSENT:
            return None
        value = self.pinned[path]
        return value if isinstance(value, st.SearchStrategy) else st.just(value)

    def _pinned_presence(self, names: tuple[str, ...], path: str) -> bool | None:
        """True if a pin sets one of ``names`` (or below), False if one is pinned ABSENT."""
        for name in names:
            child = join(path, name)
            if self.pinned.get(child, None) is ABSENT:
                return False
            if any(
                p == child or p.startswith(child + ".")
                for p in self.pinned
                if self.pinned[p] is not ABSENT
            ):
                return True
        return None

    def _presence(self, names: tuple[str, ...], path: str, required: bool) -> bool | None:
        """True/False when pins, ``required`` or the form decide presence; None when drawn."""
        pinned = self._pinned_presence(names, path)
        if pinned is not None:
            return pinned
        if required:
            return True
        return {"minimal": False, "maximal": True}.get(self.form)

    # -- dispatch -----------------------------------------------------------------------------
    def node(self, schema: Mapping[str, Any], path: str = "") -> st.SearchStrategy[Any]:
        """A strategy for values valid against ``schema`` found at dotted ``path``."""
        schema = dict(schema)
        _check_keywords(schema, path)
        pinned = self._pin(path)
        if pinned is not None:
            return pinned
        if "const" in schema:
            return st.just(schema["const"])
        values = enum_values(schema)
        if values is not None:
            if "default" in schema and schema["default"] in values:
                values.remove(schema["default"])
                values.insert(0, schema["default"])
            return st.sampled_from(values)
        if "oneOf" in schema:
            raise UnsupportedSchema(f"{path}: oneOf that is not an enum of consts")
        if schema.get("type") != "object" and {"allOf", "not", "if"} & set(schema):
            raise UnsupportedSchema(f"{path}: allOf/not/if outside an object")
        if "anyOf" in schema:
            return st.one_of([self.choice(c, path) for c in schema["anyOf"]])
        kind = schema.get("type")
        if isinstance(kind, list):
            return st.one_of([self.node({**schema, "type": k}, path) for k in kind])
        builder = {
            "object": self._object,
            "array": self._array,
            "string": self._string,
            "integer": self._integer,
            "number": self._number,
            "boolean": self._boolean,
            "null": lambda s, p: st.none(),
        }.get(kind)
        if builder is None:
            raise UnsupportedSchema(f"{path}: type {kind!r}")
        return builder(schema, path)

    def choice(self, schema: Mapping[str, Any], path: str) -> st.SearchStrategy[Any]:
        """A strategy for one alternative: a titled input form by its builder, else the node."""
        builder = FORM_BUILDERS.get(schema.get("title", ""))
        if builder is not None and schema.get("type", "string") == "string":
            return builder(dict(schema), path)
        return self.node(schema, path)

    # -- objects ------------------------------------------------------------------------------
    def _object(self, schema: dict[str, Any], path: str) -> st.SearchStrategy[dict[str, Any]]:
        props: dict[str, Any] = schema.get("properties", {})
        required = set(schema.get("required", []))
        rules = object_rules(schema)
        unknown = [p for g in rules.groups for p in g.members if p not in props]
        if unknown:
            raise UnsupportedSchema(f"{path}: cross-field rule names unknown {unknown}")
        grouped = {name: group for group in rules.groups for name in group.members}
        units: list[tuple[tuple[str, ...], st.SearchStrategy[dict[str, Any]]]] = []
        seen: set[str] = set()
        for name in props:
            if name in seen:
                continue
            group = grouped.get(name)
            names = group.members if group else (name,)
            seen.update(names)
            units.append((names, self._unit(props, names, group, path)))
        exclusive = [frozenset(e) for e in rules.exclusive if set(e) <= set(props)]
        entries: list[Any] = []
        in_choice: set[int] = set()
        for members in exclusive:
            index = [i for i, (names, _) in enumerate(units) if set(names) & members]
            in_choice.update(index)
            entries.append(("choice", self._subsets(units, index, members, required, path)))
        for i, (names, value) in enumerate(units):
            if i in in_choice:
                continue
            decided = self._presence(names, path, any(n in required for n in names))
            entries.append(("unit", decided, value))
        order = list(props)

        @st.composite
        def build(draw: st.DrawFn) -> dict[str, Any]:
            out: dict[str, Any] = {}
            for entry in entries:
                if entry[0] == "unit":
                    _, decided, value = entry
                    if decided if decided is not None else draw(_PRESENT):
                        out.update(draw(value))
                else:
                    for value in draw(entry[1]):
                        out.update(draw(value))
            return {name: out[name] for name in order if name in out}

        return build()

    def _unit(
        self, props: dict[str, Any], names: tuple[str, ...], group: Group | None, path: str
    ) -> st.SearchStrategy[dict[str, Any]]:
        strategies = {n: self.node(props[n], join(path, n)) for n in names}
        if group is None or not group.presets:
            return st.fixed_dictionaries(strategies)
        pinned = {
            n: self.pinned[join(path, n)]
            for n in names
            if join(path, n) in self.pinned and self.pinned[join(path, n)] is not ABSENT
        }
        concrete = {n: v for n, v in pinned.items() if not isinstance(v, st.SearchStrategy)}
        options = [
            p.values
            for p in group.presets
            if all(p.values.get(n) == v for n, v in concrete.items())
        ]
        options = options or [p.values for p in group.presets]
        pairs = st.sampled_from([dict(o) for o in options])
        if not pinned:
            return pairs
        overrides = st.fixed_dictionaries({n: strategies[n] for n in pinned})
        return st.tuples(pairs, overrides).map(lambda t: {**t[0], **t[1]})

    def _subsets(
        self,
        units: list[tuple[tuple[str, ...], Any]],
        index: list[int],
        members: frozenset[str],
        required: set[str],
        path: str,
    ) -> st.SearchStrategy[list[Any]]:
        """Present subsets of mutually exclusive units: never all of ``members`` at once."""
        forced, banned = set(), set()
        for i in index:
            names = units[i][0]
            pinned = self._pinned_presence(names, path)
            if pinned is True or (pinned is None and any(n in required for n in names)):
                forced.add(i)
            elif pinned is False:
                banned.add(i)
        allowed = []
        for size in range(len(index) + 1):
            for combo in itertools.combinations(index, size):
                chosen = set(combo)
                names = {n for i in chosen for n in units[i][0]}
                if members <= names or not forced <= chosen or chosen & banned:
                    continue
                allowed.append(tuple(sorted(chosen)))
        if not allowed:
            raise UnsupportedSchema(f"{path}: pins make {sorted(members)} all present")
        if self.form == "maximal":
            largest = max(len(c) for c in allowed)
            allowed = [c for c in allowed if len(c) == largest]
        elif self.form == "minimal":
            smallest = min(len(c) for c in allowed)
            allowed = [c for c in allowed if len(c) == smallest]
        return st.sampled_from(allowed).map(lambda combo: [units[i][1] for i in combo])

    # -- arrays and scalars -------------------------------------------------------------------
    def _array(self, schema: dict[str, Any], path: str) -> st.SearchStrategy[list[Any]]:
        choices = item_choices(schema)
        if not choices:
            raise UnsupportedSchema(f"{path}: array without items")
        item = st.one_of([self.choice(c, path) for c in choices])
        low = schema.get("minItems", 0)
        high = schema.get("maxItems", low + _DEFAULT_MAX_ITEMS)
        if self.form == "maximal":
            low = min(max(low, 1), high)
        return st.lists(item, min_size=low, max_size=high, unique=bool(schema.get("uniqueItems")))

    def _string(self, schema: dict[str, Any], path: str) -> st.SearchStrategy[str]:
        fmt = schema.get("format")
        if fmt == "uuid":
            return primitives.uuid_strings(schema.get("x-uuid-version", 4))
        if fmt == "uri":
            return primitives.urls()
        if fmt is not None:
            raise UnsupportedSchema(f"{path}: format {fmt!r}")
        if "pattern" in schema:
            if "minLength" in schema or "maxLength" in schema:
                raise UnsupportedSchema(f"{path}: pattern together with a length bound")
            return st.from_regex(schema["pattern"], fullmatch=True)
        low = schema.get("minLength", 0)
        high = schema.get("maxLength", max(low, 200))
        if low == 0:
            return st.just("") | primitives.prompts(1, high)
        return primitives.prompts(low, high)

    def _integer(self, schema: dict[str, Any], path: str) -> st.SearchStrategy[int]:
        low = schema.get("minimum", -_UNBOUNDED_INT - 1)
        high = schema.get("maximum", max(low, 0) + _UNBOUNDED_INT)
        if "exclusiveMinimum" in schema:
            low = max(low, math.floor(schema["exclusiveMinimum"]) + 1)
        if "exclusiveMaximum" in schema:
            high = min(high, math.ceil(schema["exclusiveMaximum"]) - 1)
        return st.integers(low, high)

    def _number(self, schema: dict[str, Any], path: str) -> st.SearchStrategy[float]:
        low = schema.get("minimum")
        high = schema.get("maximum")
        step = schema.get("x-step")
        if step is not None:
            unit = Decimal(str(step))
            first = math.ceil(Decimal(str(low)) / unit) if low is not None else -(10**6)
            last = math.floor(Decimal(str(high)) / unit) if high is not None else first + 10**6
            return st.integers(first, last).map(lambda n: float(n * unit))
        return st.floats(
            low,
            high,
            allow_nan=False,
            allow_infinity=False,
            exclude_min="exclusiveMinimum" in schema,
            exclude_max="exclusiveMaximum" in schema,
        )

    def _boolean(self, schema: dict[str, Any], path: str) -> st.SearchStrategy[bool]:
        return st.booleans()


def compile_schema(
    schema: Mapping[str, Any],
    *,
    form: Form = "any",
    pinned: Mapping[str, Pin] | None = None,
    path: str = "",
) -> st.SearchStrategy[Any]:
    """A strategy for values valid against ``schema`` (see the module docstring for the subset)."""
    return Compiler(form, pinned).node(schema, path)
