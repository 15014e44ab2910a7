"""Compile Runware request schemas into Hypothesis strategies that build valid values.

The subset, as the kit's generator and Runware's published per-model documents write it:

- objects: ``properties`` (a property may be ``false``: never present), ``required``,
  ``additionalProperties: false``; cross-field rules on the object or in its ``allOf``:
  ``dependentRequired``, ``not`` (of ``required``, ``anyOf``/``allOf`` of them, reaching into
  nested objects by ``properties``), ``if``/``then``/``else`` whose parts require, forbid,
  narrow a value (``const``, ``enum``, ``maximum``, an ``items`` schema ...) or list titled
  width/height presets in a ``oneOf``, and ``oneOf``/``anyOf`` of ``required``;
- arrays: ``items`` (one schema or an ``anyOf``), ``minItems``/``maxItems``, ``uniqueItems``,
  ``contains``;
- scalars: ``const``, ``enum``, an enum written as a ``oneOf`` of ``{const, description}``,
  a ``oneOf`` of finite branches (``{"type": "integer", "minimum": 4, "maximum": 30}`` or
  ``{"const": "auto"}``) or of branches of distinct types, ``minimum``/``maximum`` (and
  exclusive), ``multipleOf``, ``minLength``/``maxLength``, ``pattern``, ``format`` (``uuid``,
  ``uri``), media inputs as an ``anyOf`` of string forms (UUID, URL, data URI, base64; titled
  or told apart by their ``format``/``pattern``);
- extensions: ``x-step`` (decimal step), ``x-uuid-version``, ``x-constraints`` (see below); other
  ``x-`` keywords and annotations (``title``, ``description``, ``default``, ``$id`` ...) are read
  as annotations.

Values are constructed valid, never filtered: an optional field is present or absent by a drawn
choice (shrinking to absent); the cross-field rules of an object are solved once
(`scenarios.Analysis`) and each example draws one consistent set of present parameters, with
values from the part of each domain the rules allow (a preset drawn as a whole pair, "auto"
where an edit requires it); a ``contains`` array gets one drawn item that satisfies it; a
``multipleOf`` or ``x-step`` number is an integer count of steps (for a fractional
``multipleOf``, only counts whose float passes JSON Schema's own division check).
``x-constraints`` entries ``{"operation": "width"|"height", "parameters": [...], "minimum": n}``
(minimum input image size) make inline images at those parameters at least that large; other
operations are left as annotations. Any keyword outside the subset raises
:class:`UnsupportedSchema` naming the keyword and where it is.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any, Literal

from hypothesis import strategies as st

from . import primitives
from .refine import ANNOTATIONS, UnsupportedSchema, conjoin, finite_values, typed_branches
from .rules import Clause, Preset, join
from .scenarios import ScenarioPlan, analyse, clause_exclusions, rules_of

__all__ = [
    "ABSENT",
    "FORMS",
    "PRESENT",
    "Compiler",
    "Form",
    "Group",
    "ObjectRules",
    "Preset",
    "UnsupportedSchema",
    "compile_schema",
    "enum_values",
    "form_of",
    "item_choices",
    "join",
    "media_kind",
    "object_rules",
    "presets",
]

Form = Literal["any", "minimal", "maximal"]
FORMS: tuple[str, ...] = ("any", "minimal", "maximal")

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
        "contains",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minLength",
        "maxLength",
        "format",
        "pattern",
        "dependentRequired",
        "if",
        "then",
        "else",
    }
)
_UNBOUNDED_INT = 2**31 - 1
# An optional field is present two times in three (deep fields show up often enough), and
# shrinks to absent. The undecided fields of one object are decided by one drawn byte string,
# a byte per field (present unless the byte is a multiple of 3: 170 of 256 values): one
# Hypothesis choice per object instead of one per field. Bytes are drawn uniformly; the bits
# of one drawn integer are not (Hypothesis favours small integers).


@lru_cache(maxsize=256)
def _presence_of(count: int) -> st.SearchStrategy[bytes]:
    return st.binary(min_size=count, max_size=count)


def _draw_presence(draw: st.DrawFn, count: int) -> Iterator[bool]:
    """``count`` presence decisions, about two in three True, from one draw."""
    if count:
        for byte in draw(_presence_of(count)):
            yield byte % 3 != 0


_DEFAULT_MAX_ITEMS = 4
# Steps of a fractional multipleOf are listed (and the float-safe ones kept) up to this count.
_MAX_LISTED_STEPS = 20_000
_SAMPLE_URL = "https://example.com/input.png"
_SAMPLE_DATA_URI = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1Pe"
_SAMPLE_BASE64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1Pe"


class _Sentinel:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


#: Pin a field to ``ABSENT`` to leave it out of every generated value.
ABSENT: Any = _Sentinel("ABSENT")
#: Pin a field to ``PRESENT`` to have it in every generated value, its value drawn as usual.
PRESENT: Any = _Sentinel("PRESENT")
_NO_VALUE: Any = _Sentinel("NO_VALUE")


@dataclass(frozen=True)
class Group:
    """Fields that are present together: a ``dependentRequired`` pair, optionally with presets."""

    members: tuple[str, ...]
    presets: tuple[Preset, ...] = ()


@dataclass
class ObjectRules:
    """The pairs and mutually exclusive fields written on one object schema."""

    groups: list[Group] = field(default_factory=list)
    exclusive: list[tuple[str, ...]] = field(default_factory=list)


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
    """The pairs (with their presets) and mutually exclusive fields of an object schema's own
    keys (rules about nested objects are not listed)."""
    analysis = analyse(schema)
    rules = ObjectRules()
    for var in analysis.variables:
        if len(var.members) > 1 and not any("." in m for m in var.members):
            rules.groups.append(Group(var.members, tuple(_presets_of(analysis, var.members))))
    rules.exclusive = [
        names
        for names in clause_exclusions(analysis.ruleset.clauses)
        if not any("." in n for n in names)
    ]
    return rules


def _presets_of(analysis: Any, members: tuple[str, ...]) -> list[Preset]:
    found: dict[str, Preset] = {}
    clauses = [c for c in analysis.ruleset.clauses if c.kind == "presets"]
    for clause in sorted(clauses, key=lambda c: -len(c.schema)):
        if set(clause.paths) != set(members):
            continue
        for preset in clause.schema:
            found.setdefault(repr(sorted(preset.values.items())), preset)
    return list(found.values())


def presets(schema: Mapping[str, Any]) -> list[Preset]:
    """Every preset of an object schema's cross-field rules (empty when it has none)."""
    return [p for g in object_rules(schema).groups for p in g.presets]


def _check_keywords(schema: Mapping[str, Any], path: str) -> None:
    for key in schema:
        if key.startswith("x-") or key in ANNOTATIONS or key in _CONSTRAINTS:
            continue
        raise UnsupportedSchema(f"{path or '<root>'}: keyword {key!r}")


Pin = Any


def media_kind(path: str) -> primitives.MediaKind:
    """Whether a media input at ``path`` holds a video, audio or an image (by its name)."""
    names = [s for s in path.split(".") if not s.isdigit()]
    last = names[-1].lower() if names else ""
    if "video" in last:
        return "video"
    if "audio" in last:
        return "audio"
    return "image"


def _matches(pattern: Any, text: str) -> bool:
    try:
        return isinstance(pattern, str) and re.search(pattern, text) is not None
    except re.error:
        return False


#: The input forms Runware publishes, by the ``title`` the kit's generator gives them.
FORM_TITLES = ("UUID", "URL", "Data URI", "Base64")


def form_of(schema: Mapping[str, Any]) -> str | None:
    """Which media input form a string alternative is (``"UUID"``, ``"URL"``, ``"Data URI"``,
    ``"Base64"``), by its title or else its ``format``/``pattern``; None for other schemas."""
    if not isinstance(schema, Mapping) or schema.get("type", "string") != "string":
        return None
    if schema.get("title") in FORM_TITLES:
        return str(schema["title"])
    keys = {k for k in schema if k not in ANNOTATIONS and k != "type" and not k.startswith("x-")}
    fmt, pattern = schema.get("format"), schema.get("pattern")
    if keys == {"format"} and fmt in ("uuid", "uri"):
        return "UUID" if fmt == "uuid" else "URL"
    if keys == {"format", "pattern"} and fmt == "uri" and _matches(pattern, _SAMPLE_URL):
        return "URL"
    if keys == {"pattern"}:
        if _matches(pattern, _SAMPLE_DATA_URI):
            return "Data URI"
        if _matches(pattern, _SAMPLE_BASE64) and not _matches(pattern, "not base64!"):
            return "Base64"
    return None


def _allowed_keys(schema: Any) -> set[str] | None:
    """The keys an object schema allows (None for a schema that is not an object's)."""
    if not isinstance(schema, Mapping) or schema.get("type") != "object":
        return None
    return {k for k, v in schema.get("properties", {}).items() if v is not False}


def _float_multiple(value: float, step: float) -> bool:
    """JSON Schema's own ``multipleOf`` test for a fractional step (binary float division)."""
    quotient = value / step
    return math.isfinite(quotient) and int(quotient) == quotient


class Compiler:
    """Turns schema nodes into strategies for one ``form`` and a set of pinned paths.

    ``pinned`` maps dotted parameter paths (as :meth:`ModelContract.parameter_paths` spells them,
    without array indexes) to a value, a strategy, :data:`ABSENT` or :data:`PRESENT`.
    ``broken``: one clause of an object schema's cross-field rules (from
    ``scenarios.rules_of(schema)``) that values of that object break, every other rule kept;
    ``quiet``: clauses whose condition values of their object leave off. Both are used by the
    invalid strategies.
    """

    def __init__(
        self,
        form: Form = "any",
        pinned: Mapping[str, Pin] | None = None,
        *,
        broken: Clause | None = None,
        quiet: tuple[Clause, ...] = (),
    ) -> None:
        if form not in FORMS:
            raise ValueError(f"form must be one of {FORMS}, not {form!r}")
        self.form = form
        self.pinned = dict(pinned or {})
        self.broken = broken
        self.quiet = quiet
        self._nodes: dict[tuple[str, int], tuple[Any, st.SearchStrategy[Any]]] = {}
        self._member_lists: dict[tuple[str, int], tuple[Any, tuple[Any, ...]]] = {}
        self.media_limits: dict[str, dict[str, int]] = {}

    # -- pins ---------------------------------------------------------------------------------
    def _pin(self, path: str) -> st.SearchStrategy[Any] | None:
        value = self.pinned.get(path, _NO_VALUE)
        if value is _NO_VALUE or value is ABSENT or value is PRESENT:
            return None
        return value if isinstance(value, st.SearchStrategy) else st.just(value)

    def pinned_value(self, path: str) -> Any:
        """The concrete value pinned at ``path``, or a private sentinel when there is none."""
        value = self.pinned.get(path, _NO_VALUE)
        if value is ABSENT or value is PRESENT or isinstance(value, st.SearchStrategy):
            return _NO_VALUE
        return value

    def pinned_presence(self, path: str) -> bool | None:
        """True if a pin sets ``path`` (or below it), False if it is pinned ABSENT, else None."""
        if self.pinned.get(path, None) is ABSENT:
            return False
        prefix = path + "."
        for pin, value in self.pinned.items():
            if value is not ABSENT and (pin == path or pin.startswith(prefix)):
                return True
        return None

    def _pinned_presence(self, names: tuple[str, ...], path: str) -> bool | None:
        for name in names:
            found = self.pinned_presence(join(path, name))
            if found is not None:
                return found
        return None

    def _presence(self, names: tuple[str, ...], path: str, required: bool) -> bool | None:
        """True/False when pins, ``required`` or the form decide presence; None when drawn."""
        pinned = self._pinned_presence(names, path)
        if pinned is not None:
            return pinned
        if required:
            return True
        return {"minimal": False, "maximal": True}.get(self.form)

    def _pins_fit(self, path: str, schema: Any) -> bool:
        """Whether the non-ABSENT pins below ``path`` can exist in values of ``schema``."""
        prefix = path + "."
        for pin, value in self.pinned.items():
            if value is ABSENT or not pin.startswith(prefix):
                continue
            node = schema
            for part in pin[len(prefix) :].split("."):
                while isinstance(node, Mapping) and "properties" not in node:
                    if isinstance(node.get("items"), Mapping):
                        node = node["items"]
                    elif isinstance(node.get("anyOf"), list):
                        node = next(
                            (
                                b
                                for b in node["anyOf"]
                                if isinstance(b, Mapping) and part in b.get("properties", {})
                            ),
                            None,
                        )
                    else:
                        break
                if not isinstance(node, Mapping):
                    break
                node = node.get("properties", {}).get(part, True)
                if node is False:
                    return False
        return True

    def plan(self, analysis: Any, path: str) -> ScenarioPlan:
        """The scenarios of ``analysis`` (an object's rules, found at ``path``) under this
        compiler's pins and form. Raises `UnsupportedSchema` when the pins leave none."""
        return ScenarioPlan(
            analysis,
            path,
            self.form,
            self.pinned_presence,
            self.pinned_value,
            self._pins_fit,
            _NO_VALUE,
        )

    # -- dispatch -----------------------------------------------------------------------------
    def node(self, schema: Any, path: str = "") -> st.SearchStrategy[Any]:
        """A strategy for values valid against ``schema`` found at dotted ``path``."""
        if not isinstance(schema, Mapping):
            raise UnsupportedSchema(f"{path or '<root>'}: the schema {schema!r}")
        _check_keywords(schema, path)
        pinned = self._pin(path)
        if pinned is not None:
            return pinned
        self._note_constraints(schema, path)
        if "const" in schema:
            return st.just(schema["const"])
        values = enum_values(schema)
        if values is not None:
            if "default" in schema and schema["default"] in values:
                values.remove(schema["default"])
                values.insert(0, schema["default"])
            return st.sampled_from(values)
        kind = schema.get("type")
        if kind is None and "properties" in schema:
            kind = "object"
        if kind == "object":
            return self._object(schema, path)
        if "oneOf" in schema:
            return self._one_of(schema, path)
        if {"allOf", "not", "if", "dependentRequired"} & set(schema):
            raise UnsupportedSchema(f"{path}: allOf/not/if/dependentRequired outside an object")
        if "anyOf" in schema:
            return self._any_of(schema, path)
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

    def cached(self, schema: Any, path: str) -> st.SearchStrategy[Any]:
        """``node(schema, path)``, compiled once per schema object and path."""
        key = (path, id(schema))
        found = self._nodes.get(key)
        if found is None or found[0] is not schema:
            found = self._nodes[key] = (schema, self.node(schema, path))
        return found[1]

    def choice(self, schema: Mapping[str, Any], path: str) -> st.SearchStrategy[Any]:
        """A strategy for one alternative: a media input form by its builder, else the node."""
        pinned = self._pin(path)
        if pinned is not None:
            return pinned
        form = form_of(schema)
        if form is not None:
            return self._form(form, dict(schema), path)
        return self.node(schema, path)

    def _note_constraints(self, schema: Mapping[str, Any], path: str) -> None:
        for entry in schema.get("x-constraints", []) or []:
            if not isinstance(entry, Mapping) or entry.get("operation") not in ("width", "height"):
                continue
            for parameter in entry.get("parameters", []):
                limits = self.media_limits.setdefault(join(path, parameter), {})
                if isinstance(entry.get("minimum"), int):
                    limits[f"min_{entry['operation']}"] = entry["minimum"]

    def _one_of(self, schema: Mapping[str, Any], path: str) -> st.SearchStrategy[Any]:
        values = finite_values(schema)
        if values is not None:
            return st.sampled_from(values)
        branches = typed_branches(schema)
        if branches is None:
            raise UnsupportedSchema(f"{path}: oneOf whose branches may overlap")
        return st.one_of([self.node(b, path) for b in branches])

    def _any_of(self, schema: Mapping[str, Any], path: str) -> st.SearchStrategy[Any]:
        outer = {k: v for k, v in schema.items() if k not in ("anyOf", "default", "title")}
        branches = list(schema["anyOf"])
        sizes = [_allowed_keys(b) for b in branches]
        if self.form == "maximal" and any(k is not None for k in sizes):
            # Object alternatives (a key left out, or kept with narrowed values): the maximal
            # form takes those that keep the most keys.
            most = max(len(k) for k in sizes if k is not None)
            branches = [
                b for b, k in zip(branches, sizes, strict=True) if k is None or len(k) == most
            ]
        choices = []
        for branch in branches:
            form = form_of(branch)
            merged = {**outer, **branch}
            choices.append(
                self._form(form, merged, path) if form is not None else self.node(merged, path)
            )
        return st.one_of(choices)

    def _form(self, form: str, schema: dict[str, Any], path: str) -> st.SearchStrategy[str]:
        limits = self.media_limits.get(path, {})
        size = (limits.get("min_width", 1), limits.get("min_height", 1))
        if form == "UUID":
            return primitives.uuid_strings(schema.get("x-uuid-version", 4))
        if form == "URL":
            return primitives.media_urls(media_kind(path))
        if form == "Data URI":
            return primitives.data_uri_images(*size)
        return primitives.base64_images(*size)

    # -- objects ------------------------------------------------------------------------------
    def _object(self, schema: dict[str, Any], path: str) -> st.SearchStrategy[dict[str, Any]]:
        props: dict[str, Any] = schema.get("properties", {})
        for name in schema.get("required", []):
            if props.get(name) is False:
                raise UnsupportedSchema(f"{join(path, name)}: required but never allowed")
        ruleset = rules_of(schema)
        broken = self.broken if any(c is self.broken for c in ruleset.clauses) else None
        quiet = tuple(q for q in self.quiet if any(c is q for c in ruleset.clauses))
        analysis = analyse(schema, broken, quiet)
        plan = self.plan(analysis, path) if analysis.variables else None

        self._prepare(schema, path, plan.member_paths() if plan is not None else {})
        for where, value_schema in plan.value_schemas() if plan is not None else []:
            self.cached(value_schema, where)

        @st.composite
        def build(draw: st.DrawFn) -> dict[str, Any]:
            decisions = plan.draw(draw) if plan is not None else {}
            return self._emit(draw, schema, path, decisions)

        return build()

    def _prepare(self, schema: Mapping[str, Any], path: str, decided: Mapping[str, bool]) -> None:
        """Compile now every child strategy ``_emit`` may draw from (errors surface here)."""
        for name, child in schema.get("properties", {}).items():
            where = join(path, name)
            if child is False:
                continue
            if where not in decided:
                self.cached(child, where)
            elif decided[where] and self._pin(where) is None:
                self._prepare(child, where, decided)

    def _emit(
        self, draw: st.DrawFn, schema: Mapping[str, Any], path: str, decisions: Mapping[str, Any]
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        members = self._members(schema, path)
        undecided = [m for m in members if m[3] is None and decisions.get(m[2]) is None]
        drawn = _draw_presence(draw, len(undecided))
        for name, child, where, present in members:
            decision = decisions.get(where)
            if decision is None:
                if present if present is not None else next(drawn):
                    out[name] = draw(self.cached(child, where))
                continue
            if not decision.present:
                continue
            pinned = self._pin(where)
            if pinned is not None:
                out[name] = draw(pinned)
            elif decision.has_value:
                out[name] = decision.value
            elif decision.strategy is not None:
                out[name] = draw(decision.strategy)
            elif decision.schema is not None:
                out[name] = draw(self.cached(decision.schema, where))
            else:
                out[name] = self._emit(draw, child, where, decisions)
        return out

    def _members(
        self, schema: Mapping[str, Any], path: str
    ) -> tuple[tuple[str, Any, str, bool | None], ...]:
        """(name, schema, dotted path, presence set by pins/required/form or None) of each
        member an object of ``schema`` may hold; worked out once per schema and path."""
        key = (path, id(schema))
        found = self._member_lists.get(key)
        if found is None or found[0] is not schema:
            required = set(schema.get("required", []))
            members = tuple(
                (name, child, join(path, name), self._presence((name,), path, name in required))
                for name, child in schema.get("properties", {}).items()
                if child is not False
            )
            found = self._member_lists[key] = (schema, members)
        return found[1]

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
        unique = bool(schema.get("uniqueItems"))
        if "contains" not in schema:
            return st.lists(item, min_size=low, max_size=high, unique=unique)
        if unique or high < 1:
            raise UnsupportedSchema(f"{path}: contains with uniqueItems or no room for an item")
        wanted = conjoin(schema["items"], schema["contains"])
        if wanted is None:
            raise UnsupportedSchema(f"{path}: no item can satisfy contains")
        witness = self.node(wanted, path)
        rest = st.lists(item, min_size=max(low - 1, 0), max_size=high - 1)

        @st.composite
        def with_witness(draw: st.DrawFn) -> list[Any]:
            values = draw(rest)
            at = draw(st.integers(0, len(values)))
            values.insert(at, draw(witness))
            return values

        return with_witness()

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
        step = schema.get("multipleOf")
        if step is None:
            return st.integers(low, high)
        if step != int(step):
            raise UnsupportedSchema(f"{path}: fractional multipleOf on an integer")
        step = int(step)
        return st.integers(math.ceil(low / step), math.floor(high / step)).map(lambda n: n * step)

    def _number(self, schema: dict[str, Any], path: str) -> st.SearchStrategy[float]:
        low = schema.get("minimum")
        high = schema.get("maximum")
        step = schema.get("x-step", schema.get("multipleOf"))
        if step is not None:
            return self._steps(schema, step, path)
        return st.floats(
            low,
            high,
            allow_nan=False,
            allow_infinity=False,
            exclude_min="exclusiveMinimum" in schema,
            exclude_max="exclusiveMaximum" in schema,
        )

    def _steps(self, schema: dict[str, Any], step: Any, path: str) -> st.SearchStrategy[Any]:
        unit = Decimal(str(step))
        low, high = schema.get("minimum"), schema.get("maximum")
        first = math.ceil(Decimal(str(low)) / unit) if low is not None else -(10**6)
        last = math.floor(Decimal(str(high)) / unit) if high is not None else first + 10**6
        if "exclusiveMinimum" in schema:
            first = max(first, math.floor(Decimal(str(schema["exclusiveMinimum"])) / unit) + 1)
        if "exclusiveMaximum" in schema:
            last = min(last, math.ceil(Decimal(str(schema["exclusiveMaximum"])) / unit) - 1)
        if first > last:
            raise UnsupportedSchema(f"{path}: no multiple of {step} within the bounds")
        if "multipleOf" not in schema or unit == unit.to_integral_value():
            if unit == unit.to_integral_value() and schema.get("type") == "integer":
                return st.integers(first, last).map(lambda n: int(n * unit))
            return st.integers(first, last).map(lambda n: float(n * unit))
        if last - first > _MAX_LISTED_STEPS:
            raise UnsupportedSchema(f"{path}: fractional multipleOf over too wide a range")
        multiple = float(schema["multipleOf"])
        counts = [n for n in range(first, last + 1) if _float_multiple(float(n * unit), multiple)]
        if not counts:
            raise UnsupportedSchema(f"{path}: no value passes multipleOf {step} as a float")
        return st.sampled_from(counts).map(lambda n: float(n * unit))

    def _boolean(self, schema: dict[str, Any], path: str) -> st.SearchStrategy[bool]:
        return st.booleans()


def compile_schema(
    schema: Mapping[str, Any],
    *,
    form: Form = "any",
    pinned: Mapping[str, Pin] | None = None,
    path: str = "",
    broken: Clause | None = None,
    quiet: tuple[Clause, ...] = (),
) -> st.SearchStrategy[Any]:
    """A strategy for values valid against ``schema`` (see the module docstring for the subset).

    ``broken``: draw values that break that one cross-field clause and keep every other rule;
    ``quiet``: clauses whose condition stays off (see `Compiler`). Raises `UnsupportedSchema`
    for constructs outside the subset.
    """
    return Compiler(form, pinned, broken=broken, quiet=quiet).node(schema, path)
