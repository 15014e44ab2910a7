"""Turn jsonschema failures into Runware errors, one clear error per offending value.

anyOf/oneOf failures are collapsed: an enum-like oneOf of consts becomes one "expected one of"
error, a oneOf of titled width/height presets becomes ``unsupportedDimensions``, a oneOf/anyOf
of bare ``required`` branches becomes a missing (or, for a oneOf matched twice, incompatible)
parameter, and any other alternative keeps only the branches whose type fits the value; when
exactly one is left, its own errors are reported, otherwise one error lists the alternatives.
`finish` then keeps one error per value (the most telling one) and drops preset errors when a
member of the pair is itself missing or invalid.

Cross-field rules (Runware's top-level ``allOf``) are reported by parameter name, never by
keyword: a failed ``not`` names the parameters that match it (``incompatibleParameters``), and
an error raised inside an ``if``/``then`` names the parameters of the condition: a missing one
stays ``missing<Param>`` with the trigger in ``parameter`` and the message; any other becomes
``incompatibleParameters`` (a preset stays ``unsupportedDimensions``).

Messages follow the wording of Runware's captured replies where one is known (PROTOCOL.md "How
Runware reports a bad request" [C3]): ``Missing required parameter: 'inputs.video'.``, ``Unsupported
use of 'x' parameter. This parameter is not supported for the selected model. Allowed values
are: 'a', 'b'.``, ``Unsupported use of width/height parameters. ... Supported values are:
'1280x720', ...``; the others say ``<parameter>: expected <what>; found <value>``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from jsonschema import ValidationError

from .codes import Kind, code_for, rule_for
from .compiled import Compiled
from .conditions import Trigger, instance_at, participants, schema_at, trigger_of
from .describe import MAX_TEXT, alternatives, describe, join_or, show, type_phrase
from .errors import RunwareError
from .pointers import dotted, pointer
from .schema_walk import (
    api_type,
    choices,
    documentation_at,
    node_at,
    object_keys,
    required_leaf,
)
from .semantic import SemanticRule
from .suggest import Suggester

__all__ = ["MAX_UNKNOWN_KEYS", "Translator", "allowed_parameters", "expectation", "finish"]

Path = list[str | int]

MAX_UNKNOWN_KEYS = 100

_MAX_LOOKUPS = 4096

_FORMATS = {"uuid": "a UUID (8-4-4-4-12 hex digits)", "uri": "an absolute URI"}

# Lower comes first when several errors concern the same value.
_PRIORITY = [
    Kind.BAD_BODY,
    Kind.BAD_TASK,
    Kind.MISSING,
    Kind.BROKEN_PAIR,
    Kind.UNKNOWN_TASK_TYPE,
    Kind.UNKNOWN_MODEL,
    Kind.WRONG_MODEL,
    Kind.UNKNOWN_KEY,
    Kind.NOT_ALLOWED,
    Kind.BAD_PRESET,
    Kind.NO_MATCH,
    Kind.INCOMPATIBLE,
    Kind.WRONG_TYPE,
    Kind.OUT_OF_RANGE,
    Kind.BAD_LENGTH,
    Kind.TOO_FEW_ITEMS,
    Kind.TOO_MANY_ITEMS,
    Kind.FORMAT,
    Kind.PATTERN,
    Kind.BAD_STEP,
    Kind.INVALID,
    Kind.CONFLICT,
]
_RANK = {kind: rank for rank, kind in enumerate(_PRIORITY)}


class Translator:
    """Builds Runware errors for one task checked against one compiled schema.

    ``instance`` is the whole task (or result item) being checked: cross-field rules read the
    other parameters from it.
    """

    def __init__(
        self,
        target: Compiled,
        suggester: Suggester | None,
        *,
        task_type: str | None = None,
        task_uuid: str | None = None,
        instance: Any = None,
    ) -> None:
        self.target = target
        self.suggester = suggester
        self.task_type = task_type
        self.task_uuid = task_uuid
        self.instance = instance

    def translate(self, errors: Iterable[ValidationError]) -> list[RunwareError]:
        """Runware errors for the jsonschema ``errors`` (not yet de-duplicated)."""
        out: list[RunwareError] = []
        for error in errors:
            out.extend(self._one(error))
        return out

    def semantic(self, failures: Iterable[tuple[SemanticRule, Path, Any]]) -> list[RunwareError]:
        """Runware errors for broken ``x-uuid-version`` / ``x-step`` rules."""
        out = []
        for rule, path, value in failures:
            label = dotted(path)
            if rule.keyword == "x-uuid-version":
                version = int(value[14], 16)
                found = f"{describe(value)} (version {version})"
                text = f"expected a version {rule.value} UUID; found {found}"
            else:
                text = f"expected a multiple of {show(rule.value)}; found {describe(value)}"
            out.append(self.error(rule.keyword, path, f"{label}: {text}"))
        return out

    def error(
        self,
        failure: str,
        path: Path,
        message: str,
        *,
        parameter: str | list[str] | None = None,
        code_path: Path | None = None,
        allowed: list[Any] | None = None,
        documentation: str | None = None,
        kind: Kind | None = None,
    ) -> RunwareError:
        """One error for ``failure`` at ``path`` (code from `codes.RULES`)."""
        rule = rule_for(failure)
        named = code_path if code_path is not None else path
        return RunwareError(
            code=code_for(failure, dotted(named)),
            message=message,
            parameter=parameter if parameter is not None else (dotted(path) or None),
            taskType=self.task_type,
            taskUUID=self.task_uuid,
            documentation=documentation or self._documentation(path),
            allowedValues=allowed,
            type=self._type(parameter if parameter is not None else dotted(named)),
            pointer=pointer(path),
            kind=kind or rule.kind,
            failure=failure,
        )

    def _type(self, where: str | list[str] | None) -> str | None:
        """The API type of the parameter(s) named by dotted ``where`` (shared by all, or None)."""
        names = (where,) if isinstance(where, str) else tuple(where or ())
        if not names:
            return None
        return self._lookup(("type", names), _shared_type, names)

    def _node(self, path: Path) -> dict[str, Any] | None:
        return self._lookup(("node", tuple(path)), node_at, path)

    def _documentation(self, path: Path) -> str | None:
        return self._lookup(("doc", tuple(path)), documentation_at, path)

    def _lookup(self, key: Any, read: Any, where: Any) -> Any:
        """``read(schema, where)``, remembered per compiled schema (the schema never changes;
        the memo is emptied when it grows past `_MAX_LOOKUPS`, as array indexes vary)."""
        memo = self.target.lookups
        try:
            return memo[key]
        except KeyError:
            pass
        if len(memo) >= _MAX_LOOKUPS:
            memo.clear()
        found = memo[key] = read(self.target.schema, where)
        return found

    # -- one jsonschema error -------------------------------------------------------------

    def _one(self, e: ValidationError) -> list[RunwareError]:
        path: Path = list(e.absolute_path)
        if e.validator is None:
            errors = self._false_schema(e, path)
        else:
            handler = getattr(self, f"_kw_{e.validator}", None)
            errors = handler(e, path) if handler is not None else [self._simple(e, path)]
        if not errors:
            return errors
        trigger = trigger_of(self.target.schema, self.instance, e)
        if trigger is None:
            return errors
        return [self._conditional(error, trigger) for error in errors]

    def _simple(self, e: ValidationError, path: Path) -> RunwareError:
        label = dotted(path) or "task"
        found = describe(e.instance)
        keyword = str(e.validator)
        value, schema = e.validator_value, e.schema if isinstance(e.schema, dict) else {}
        if keyword == "type":
            text = f"expected {type_phrase(value)}; found {found}"
        elif keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            text = f"expected {_range(schema, self._node(path))}; found {found}"
        elif keyword in ("minLength", "maxLength"):
            size = len(e.instance)
            got = "an empty string" if size == 0 else f"{size} character" + "s" * (size != 1)
            text = f"expected {_bounds(schema, 'minLength', 'maxLength', 'character')}; found {got}"
        elif keyword in ("minItems", "maxItems"):
            size = len(e.instance)
            got = "no items" if size == 0 else f"{size} item" + "s" * (size != 1)
            text = f"expected {_bounds(schema, 'minItems', 'maxItems', 'item')}; found {got}"
        elif keyword == "format":
            text = f"expected {_FORMATS.get(value, f'a {value} value')}; found {found}"
        elif keyword == "pattern":
            text = f"expected a string matching {value}; found {found}"
        elif keyword == "multipleOf":
            text = f"expected a multiple of {show(value)}; found {found}"
        elif keyword == "uniqueItems":
            text = f"expected items that are all different; found {found} with repeats"
        elif keyword == "not":
            text = f"expected a value other than {_not_phrase(value)}; found {found}"
        else:
            text = f"expected a value satisfying '{keyword}'; found {found}"
        return self.error(keyword, path, f"{label}: {text}")

    def _false_schema(self, e: ValidationError, path: Path) -> list[RunwareError]:
        """A parameter whose schema is ``false``: not allowed here.

        jsonschema leaves the property name out of such an error's paths, so the names are
        read back from the schema (the ``properties`` it was raised in) and the instance.
        """
        owner = schema_at(self.target.schema, list(e.absolute_schema_path))
        value = instance_at(self.instance, path)
        keys: list[Any] = []
        in_properties = list(e.absolute_schema_path)[-1:] == ["properties"]
        if in_properties and isinstance(owner, dict) and isinstance(value, dict):
            keys = [k for k, sub in owner.items() if sub is False and k in value]
        if not keys:
            label = dotted(path) or "task"
            text = f"{label}: not allowed here; found {describe(e.instance)}"
            return [self.error("false", path, text)]
        out = []
        for key in keys:
            full = [*path, key]
            text = f"{dotted(full)}: not allowed; found {describe(value[key])}"
            out.append(self.error("false", full, text))
        return out

    def _conditional(self, error: RunwareError, trigger: Trigger) -> RunwareError:
        """``error``, raised inside an ``if``/``then``, reported with its condition (once: an
        error of a nested alternative already carries it)."""
        if trigger.phrase in error.message:
            return error
        own = error.parameters
        present = [name for name in trigger.names if name not in own]
        if error.kind == Kind.MISSING:
            message = error.message.rstrip(".") + f" (required {trigger.phrase})."
            if not present:
                return replace(error, message=message)
            return replace(
                error,
                message=message,
                parameter=present + own,
                pointer=pointer(_split(present[0])),
                kind=Kind.BROKEN_PAIR,
            )
        if error.kind == Kind.BROKEN_PAIR:
            if not present:
                return error
            return replace(error, message=error.message.rstrip(".") + f" ({trigger.phrase}).")
        if error.kind == Kind.BAD_PRESET:
            phrase = trigger.phrase_without(own)
            if not phrase:
                return error
            text = error.message.replace(
                " for the selected model.", f" for the selected model {phrase}."
            )
            return replace(error, message=text)
        names = _unique(present + own + [n for n in trigger.absent if n not in own])
        if error.kind == Kind.INCOMPATIBLE:
            shown = _unique(present + own)
            message = (
                f"{_and(shown)} cannot be used together: {_and(own)} "
                f"{'is' if len(own) == 1 else 'are'} not allowed {trigger.phrase}"
            )
        elif "; found " in error.message:
            head, _, tail = error.message.partition("; found ")
            message = f"{head} {trigger.phrase}; found {tail}"
        else:
            message = f"{error.message} ({trigger.phrase})"
        if len(names) < 2:
            return replace(error, message=message)
        return replace(
            error,
            code=code_for("not:required"),
            message=message,
            parameter=names,
            kind=Kind.INCOMPATIBLE,
        )

    def _kw_const(self, e: ValidationError, path: Path) -> list[RunwareError]:
        label = dotted(path) or "task"
        text = f"{label}: expected {show(e.validator_value)}; found {describe(e.instance)}"
        return [self.error("const", path, text, allowed=[e.validator_value])]

    def _kw_enum(self, e: ValidationError, path: Path) -> list[RunwareError]:
        return [self._one_of_values("enum", path, list(e.validator_value), e.instance)]

    def _kw_not(self, e: ValidationError, path: Path) -> list[RunwareError]:
        names = participants(e.validator_value, e.instance, path)
        if len(names) < 2 or not isinstance(e.instance, dict):
            if len(names) == 1 and trigger_of(self.target.schema, self.instance, e) is not None:
                # One name inside a then: the condition supplies the other one.
                text = f"{names[0]}: not allowed"
                return [
                    self.error(
                        "not:required",
                        _split(names[0]),
                        text,
                        parameter=[names[0]],
                        kind=Kind.INCOMPATIBLE,
                    )
                ]
            return [self._simple(e, path)]
        keys = [name.rsplit(".", 1)[-1] for name in names]
        sides = _exclusion_sides(e.validator_value, e.instance, path)
        if sides is not None:
            text = f"{_and(sides[0])} cannot be used together with {_and(sides[1])}"
        else:
            text = (
                f"{_and(names)} cannot be used together: expected at most one of "
                f"{join_or(keys)}; found {'both' if len(names) == 2 else 'all'}"
            )
        first = _split(names[0])
        return [self.error("not:required", first, text, parameter=names, code_path=first)]

    def _kw_contains(self, e: ValidationError, path: Path) -> list[RunwareError]:
        label = dotted(path) or "task"
        wanted = e.validator_value
        if isinstance(wanted, dict) and set(wanted) - {"not"} <= _ANNOTATIONS and "not" in wanted:
            what = f"that is not {_schema_phrase(wanted['not'])}"
        else:
            what = f"that is {_schema_phrase(wanted)}"
        text = (
            f"{label}: expected at least one item {what}; found {describe(e.instance)} without one"
        )
        return [self.error("contains", path, text)]

    def _kw_required(self, e: ValidationError, path: Path) -> list[RunwareError]:
        if not isinstance(e.instance, dict):
            return []
        out = []
        for key in e.validator_value:
            if key in e.instance:
                continue
            full = [*path, key]
            node = self._node(full) or {}
            partners = [p for p in node.get("x-paired-with", ()) if p in e.instance]
            if partners:
                out.append(self._pair(path, partners[0], key))
                continue
            own = e.schema.get("properties", {}).get(key) if isinstance(e.schema, dict) else None
            groups = _choice_groups(own)
            if groups is not None:
                out.append(self._required_choice(full, groups, {}))
                continue
            leaf = [*full, *self._lookup(("leaf", id(own), tuple(full)), _leaf_of, (own, node))]
            text = f"Missing required parameter: '{dotted(leaf)}'."
            out.append(self.error("required", leaf, text))
        return out

    def _kw_dependentRequired(self, e: ValidationError, path: Path) -> list[RunwareError]:
        if not isinstance(e.instance, dict):
            return []
        out = []
        for present, needed in e.validator_value.items():
            if present not in e.instance:
                continue
            out.extend(self._pair(path, present, key) for key in needed if key not in e.instance)
        return out

    def _pair(self, path: Path, present: str, missing: str) -> RunwareError:
        order = self._lookup(("keys", tuple(path)), object_keys, path)
        members = sorted([present, missing], key=lambda k: order.index(k) if k in order else 99)
        names = [dotted([*path, k]) for k in members]
        text = (
            f"Missing required parameter: '{dotted([*path, missing])}'. "
            f"{' and '.join(names)} go together: {dotted([*path, present])} was given "
            f"without {dotted([*path, missing])}."
        )
        return RunwareError(
            code=code_for("dependentRequired", missing),
            message=text,
            parameter=names,
            taskType=self.task_type,
            taskUUID=self.task_uuid,
            documentation=self._documentation([*path, present]),
            type=self._type(names),
            pointer=pointer([*path, present]),
            kind=Kind.BROKEN_PAIR,
            failure="dependentRequired",
        )

    def _kw_additionalProperties(self, e: ValidationError, path: Path) -> list[RunwareError]:
        if e.validator_value is not False or not isinstance(e.instance, dict):
            return [self._simple(e, path)]
        schema = e.schema if isinstance(e.schema, dict) else {}
        known = list(schema.get("properties", {}))
        extras = [k for k in e.instance if k not in known]
        allowed = allowed_parameters(self.target.schema, path, known)
        out = [self._unknown(path, key, known, allowed) for key in extras[:MAX_UNKNOWN_KEYS]]
        if len(extras) > MAX_UNKNOWN_KEYS:
            rest = len(extras) - MAX_UNKNOWN_KEYS
            text = f"{dotted(path) or 'task'}: {rest} more unknown keys not listed"
            out.append(
                self.error(
                    "additionalProperties", path, text, documentation=self.target.documentation
                )
            )
        return out

    def _unknown(self, path: Path, key: Any, known: list[str], allowed: list[str]) -> RunwareError:
        full = [*path, key]
        where = (
            "the selected model"
            if self.target.model is not None
            else f"{self.task_type or self._owner()} tasks"
        )
        text = (
            f"Unsupported use of {_quoted(dotted(full))} parameter. "
            f"This parameter is not supported for {where}."
        )
        failure = "additionalProperties"
        hint = None
        if self.suggester is not None and isinstance(key, str):
            air = self.target.model.air if self.target.model is not None else None
            hint = self.suggester.hint(air, dotted(path), key, known)
        if hint is not None:
            text += f" {hint.text[:1].upper()}{hint.text[1:]}"
            if not hint.text.endswith("?"):
                text += "."
            if hint.other_model is not None:
                failure = "additionalProperties:otherModel"
        listed = ", ".join(f"'{name}'" for name in allowed)
        text += f" Allowed values are: {listed}."
        error = self.error(failure, full, text, documentation=self.target.documentation)
        return replace(error, allowedValues=list(allowed))

    def _owner(self) -> str:
        if self.target.model is not None:
            return self.target.model.air
        return str(self.target.schema.get("title", self.target.name))

    def _kw_propertyNames(self, e: ValidationError, path: Path) -> list[RunwareError]:
        text = f"{dotted(path) or 'task'}: expected no key like {describe(e.instance)}; found one"
        return [self.error("propertyNames", path, text)]

    def _kw_anyOf(self, e: ValidationError, path: Path) -> list[RunwareError]:
        return self._alternatives(e, path, "anyOf")

    def _kw_oneOf(self, e: ValidationError, path: Path) -> list[RunwareError]:
        return self._alternatives(e, path, "oneOf")

    def _alternatives(self, e: ValidationError, path: Path, keyword: str) -> list[RunwareError]:
        branches = e.validator_value if isinstance(e.validator_value, list) else []
        label = dotted(path) or "task"
        if branches and all(isinstance(b, dict) and "const" in b for b in branches):
            values = [b["const"] for b in branches]
            return [self._one_of_values("oneOf:consts", path, values, e.instance)]
        if _is_presets(branches):
            return [self._preset(path, branches, e.instance)]
        groups = _required_groups(branches)
        if groups is not None and isinstance(e.instance, dict):
            return [self._required_choice(path, groups, e.instance)]
        if keyword == "oneOf" and not e.context:
            found = describe(e.instance)
            text = f"{label}: expected exactly one alternative to match; found {found} (several)"
            return [self.error("oneOf", path, text)]
        grouped: dict[int, list[ValidationError]] = defaultdict(list)
        for sub in e.context:
            grouped[sub.relative_schema_path[0]].append(sub)
        alive = [i for i in range(len(branches)) if not any(_type_miss(s) for s in grouped[i])]
        if len(alive) == 1 and grouped[alive[0]]:
            return self.translate(grouped[alive[0]])
        shown = [branches[i] for i in alive] or branches
        text = f"{label}: expected {join_or(alternatives(shown))}; found {describe(e.instance)}"
        return [self.error(keyword, path, text)]

    def _required_choice(
        self, path: Path, groups: list[list[str]], instance: dict[str, Any]
    ) -> RunwareError:
        """A oneOf/anyOf of bare ``required`` branches: none given, or (oneOf) several."""
        met = [group for group in groups if all(k in instance for k in group)]
        if len(met) > 1:
            names = _unique([dotted([*path, k]) for group in met for k in group])
            text = (
                f"{_and(names)} cannot be used together: expected exactly one of "
                f"{join_or([_and([dotted([*path, k]) for k in g]) for g in groups])}; found "
                f"{'both' if len(names) == 2 else 'several'}"
            )
            first = _split(names[0])
            return self.error("not:required", first, text, parameter=names, code_path=first)
        options = [[*path, *_first_missing(group, instance)] for group in groups]
        names = [dotted(option) for option in options]
        listed = ", ".join(f"'{name}'" for name in names)
        text = f"Missing required parameter: one of {listed}."
        return self.error("required", options[0], text, parameter=names)

    def _one_of_values(
        self, failure: str, path: Path, values: list[Any], instance: Any
    ) -> RunwareError:
        label = dotted(path) or "task"
        listed = ", ".join(show(v) for v in values)
        expected = f"one of {listed}" if len(values) > 1 else listed
        return self.error(
            failure,
            path,
            f"{label}: expected {expected}; found {describe(instance)}",
            allowed=values,
        )

    def _preset(self, path: Path, branches: list[Any], instance: Any) -> RunwareError:
        keys = list(branches[0]["properties"])
        sizes = ["x".join(str(b["properties"][k]["const"]) for k in keys) for b in branches]
        names = [dotted([*path, k]) for k in keys]
        got = "x".join(
            describe(instance.get(k)) if isinstance(instance, dict) and k in instance else "?"
            for k in keys
        )
        listed = ", ".join(f"'{size}'" for size in sizes)
        text = (
            f"Unsupported use of {'/'.join(names)} parameters. The specified dimensions ({got}) "
            f"are not supported for the selected model. Supported values are: {listed}."
        )
        return RunwareError(
            code=code_for("oneOf:presets", dotted(path)),
            message=text,
            parameter=names,
            taskType=self.task_type,
            taskUUID=self.task_uuid,
            documentation=self._documentation([*path, keys[0]]),
            allowedValues=sizes,
            type=self._type(names),
            pointer=pointer([*path, keys[0]]),
            kind=Kind.BAD_PRESET,
            failure="oneOf:presets",
        )


def allowed_parameters(schema: dict[str, Any], path: Path, known: list[str]) -> list[str]:
    """The accepted parameter names of the object at ``path``, as Runware lists them.

    Dotted from the task (``inputs.video``). At the top level, an object parameter whose own
    parameters are all plain values (``inputs``, ``safety``) is listed by its members
    (``'inputs.video'``, as Runware's captured reply for Aleph 2.0 does); an object that
    holds objects (``providerSettings``) is listed by its own name, as in Runware's reply for
    other models (PROTOCOL.md "How Runware reports a bad request" [C3]).
    """
    names: list[str] = []
    for key in known:
        full = [*path, key]
        node = node_at(schema, full)
        members = _plain_members(node) if not path else None
        if members:
            names.extend(dotted([*full, member]) for member in members)
        else:
            names.append(dotted(full))
    return names


def expectation(node: Any) -> str:
    """What a schema node expects, in words: ``a string``, ``one of MP4, WEBM, MOV`` ..."""
    if not isinstance(node, dict):
        return "a value"
    if "const" in node:
        return show(node["const"])
    for key in ("oneOf", "anyOf"):
        branches = node.get(key)
        if isinstance(branches, list) and branches:
            if all(isinstance(b, dict) and "const" in b for b in branches):
                return "one of " + ", ".join(show(b["const"]) for b in branches)
            return join_or(alternatives(branches))
    if isinstance(node.get("enum"), list):
        return "one of " + ", ".join(show(v) for v in node["enum"])
    if "type" not in node:
        return "a value"
    phrase = type_phrase(node["type"])
    if "minLength" in node or "maxLength" in node:
        return f"{phrase} of {_bounds(node, 'minLength', 'maxLength', 'character')}"
    if "minItems" in node or "maxItems" in node:
        return f"{phrase} of {_bounds(node, 'minItems', 'maxItems', 'item')}"
    if any(k in node for k in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")):
        return _range(node)
    return phrase


def finish(errors: Sequence[RunwareError]) -> list[RunwareError]:
    """Keep one error per value (the most telling), in first-seen order; drop moot presets."""
    best: dict[tuple[str, tuple[str, ...] | None], RunwareError] = {}
    for error in errors:
        key = (
            error.pointer,
            tuple(sorted(error.parameter)) if isinstance(error.parameter, list) else None,
        )
        held = best.get(key)
        if held is None or _rank(error) < _rank(held):
            best[key] = error
    kept = list(best.values())
    touched = {name for error in kept if error.kind != Kind.BAD_PRESET for name in error.parameters}
    return [
        error
        for error in kept
        if error.kind != Kind.BAD_PRESET or not touched.intersection(error.parameters)
    ]


def _leaf_of(schema: dict[str, Any], nodes: tuple[Any, ...]) -> list[str]:
    return required_leaf(*nodes)


def _shared_type(schema: dict[str, Any], names: tuple[str, ...]) -> str | None:
    kinds = {api_type(node_at(schema, _split(name))) for name in names}
    return kinds.pop() if len(kinds) == 1 else None


def _rank(error: RunwareError) -> int:
    return _RANK.get(error.kind, len(_RANK))  # type: ignore[arg-type]


def _type_miss(error: ValidationError) -> bool:
    return (
        error.validator == "type"
        and not error.relative_path
        and len(error.relative_schema_path) == 2
    )


def _is_presets(branches: list[Any]) -> bool:
    if len(branches) < 1:
        return False
    shapes = []
    for branch in branches:
        props = branch.get("properties") if isinstance(branch, dict) else None
        if not isinstance(props, dict) or not props:
            return False
        if not all(isinstance(p, dict) and "const" in p for p in props.values()):
            return False
        shapes.append(tuple(props))
    return len(set(shapes)) == 1 and len(shapes[0]) > 1


def _range(schema: dict[str, Any], node: Any = None) -> str:
    declared = schema.get("type")
    if declared is None and isinstance(node, dict):
        declared = node.get("type")
    noun = "an integer" if declared == "integer" else "a number"
    low, high = schema.get("minimum"), schema.get("maximum")
    xlow, xhigh = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    if low is not None and high is not None:
        return f"{noun} from {show(low)} to {show(high)}"
    parts = []
    if low is not None:
        parts.append(f">= {show(low)}")
    if xlow is not None:
        parts.append(f"> {show(xlow)}")
    if high is not None:
        parts.append(f"<= {show(high)}")
    if xhigh is not None:
        parts.append(f"< {show(xhigh)}")
    return f"{noun} " + " and ".join(parts)


def _bounds(schema: dict[str, Any], low_key: str, high_key: str, noun: str) -> str:
    low, high = schema.get(low_key), schema.get(high_key)
    if low is not None and high is not None:
        return f"{low} to {high} {noun}s"
    if low is not None:
        return f"at least {low} {noun}" + "s" * (low != 1)
    return f"at most {high} {noun}" + "s" * (high != 1)


def _not_phrase(value: Any) -> str:
    if isinstance(value, dict) and "const" in value:
        return show(value["const"])
    return "the excluded ones"


_ANNOTATIONS = frozenset({"title", "description", "$comment", "x-documentation", "x-inferred"})


def _split(name: str) -> Path:
    """The path of a dotted parameter name (numeric parts are array indexes)."""
    return [int(p) if p.lstrip("-").isdigit() else p for p in name.split(".") if p]


def _unique(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(names))


def _and(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _required_groups(branches: list[Any]) -> list[list[str]] | None:
    """The key lists of alternatives that only require keys, or None if any does more."""
    if not branches:
        return None
    groups = []
    for branch in branches:
        if not isinstance(branch, dict):
            return None
        required = branch.get("required")
        if not isinstance(required, list) or not required:
            return None
        if set(branch) - {"required"} - _ANNOTATIONS:
            return None
        groups.append([str(k) for k in required])
    return groups


def _exclusion_sides(
    excluded: Any, instance: Any, path: Path
) -> tuple[list[str], list[str]] | None:
    """The two groups of a ``not: {allOf: [A, B]}`` exclusion (Runware's style), as present
    parameter names (``resolution`` against ``width`` and ``height``); None for other shapes."""
    if not isinstance(excluded, dict):
        return None
    branches = excluded.get("allOf")
    if not isinstance(branches, list) or len(branches) != 2:
        return None
    sides = [participants(branch, instance, path) for branch in branches]
    if not all(sides) or set(sides[0]) & set(sides[1]):
        return None
    return sides[0], sides[1]


def _choice_groups(node: Any) -> list[list[str]] | None:
    """The alternatives of an object schema that requires one of several members, if it does
    nothing more: ``{"anyOf": [{"required": ["a"]}, {"required": ["b"]}]}``."""
    if not isinstance(node, dict) or node.get("required"):
        return None
    for key in ("anyOf", "oneOf"):
        branches = node.get(key)
        if isinstance(branches, list):
            return _required_groups(branches)
    return None


def _first_missing(group: list[str], instance: dict[str, Any]) -> list[str]:
    missing = [k for k in group if k not in instance]
    return [missing[0] if missing else group[0]]


def _plain_members(node: Any) -> list[str]:
    """The member names of an object parameter whose members hold no objects, else []."""
    if not isinstance(node, dict):
        return []
    members: dict[str, Any] = {}
    for choice in choices(node):
        for name, child in (choice.get("properties") or {}).items():
            members.setdefault(name, child)
    if not members:
        return []
    for child in members.values():
        if isinstance(child, dict) and any(
            c.get("type") == "object" or "properties" in c for c in choices(child)
        ):
            return []
    return list(members)


def _schema_phrase(schema: Any) -> str:
    """A short phrase for a small schema: ``an object whose frame is last or -1``."""
    if not isinstance(schema, dict):
        return "any value" if schema is True else "no value"
    if "const" in schema:
        return show(schema["const"])
    if isinstance(schema.get("enum"), list):
        return join_or([show(v) for v in schema["enum"]])
    props = schema.get("properties")
    if isinstance(props, dict) and props:
        parts = [f"{name} is {_schema_phrase(sub)}" for name, sub in props.items()]
        return "an object whose " + " and ".join(parts)
    return expectation(schema)


def _quoted(name: str) -> str:
    """``'name'`` for a message, cut short like `describe` when it is very long."""
    return f"'{name}'" if len(name) <= MAX_TEXT else describe(name)
