"""Turn jsonschema failures into Runware errors, one clear error per offending value.

anyOf/oneOf failures are collapsed: an enum-like oneOf of consts becomes one "expected one of"
error, a oneOf of titled width/height presets becomes ``unsupportedDimensions``, and any other
alternative keeps only the branches whose type fits the value; when exactly one is left, its own
errors are reported, otherwise one error lists the alternatives. `finish` then keeps one error
per value (the most telling one) and drops preset errors when a member of the pair is itself
missing or invalid.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from jsonschema import ValidationError

from .codes import Kind, code_for, rule_for
from .compiled import Compiled
from .describe import alternatives, describe, join_or, show, type_phrase
from .errors import RunwareError
from .pointers import dotted, pointer
from .schema_walk import documentation_at, node_at, object_keys
from .semantic import SemanticRule
from .suggest import Suggester

__all__ = ["MAX_UNKNOWN_KEYS", "Translator", "expectation", "finish"]

Path = list[str | int]

MAX_UNKNOWN_KEYS = 100

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
    """Builds Runware errors for one task checked against one compiled schema."""

    def __init__(
        self,
        target: Compiled,
        suggester: Suggester | None,
        *,
        task_type: str | None = None,
        task_uuid: str | None = None,
    ) -> None:
        self.target = target
        self.suggester = suggester
        self.task_type = task_type
        self.task_uuid = task_uuid

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
    ) -> RunwareError:
        """One error for ``failure`` at ``path`` (code from `codes.RULES`)."""
        rule = rule_for(failure)
        return RunwareError(
            code=code_for(failure, dotted(code_path if code_path is not None else path)),
            message=message,
            parameter=parameter if parameter is not None else (dotted(path) or None),
            taskType=self.task_type,
            taskUUID=self.task_uuid,
            documentation=documentation or documentation_at(self.target.schema, path),
            allowedValues=allowed,
            pointer=pointer(path),
            kind=rule.kind,
        )

    # -- one jsonschema error -------------------------------------------------------------

    def _one(self, e: ValidationError) -> list[RunwareError]:
        path: Path = list(e.absolute_path)
        handler = getattr(self, f"_kw_{e.validator}", None)
        if handler is not None:
            return handler(e, path)
        return [self._simple(e, path)]

    def _simple(self, e: ValidationError, path: Path) -> RunwareError:
        label = dotted(path) or "task"
        found = describe(e.instance)
        keyword = str(e.validator)
        value, schema = e.validator_value, e.schema if isinstance(e.schema, dict) else {}
        if keyword == "type":
            text = f"expected {type_phrase(value)}; found {found}"
        elif keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            text = f"expected {_range(schema)}; found {found}"
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

    def _kw_const(self, e: ValidationError, path: Path) -> list[RunwareError]:
        label = dotted(path) or "task"
        text = f"{label}: expected {show(e.validator_value)}; found {describe(e.instance)}"
        return [self.error("const", path, text, allowed=[e.validator_value])]

    def _kw_enum(self, e: ValidationError, path: Path) -> list[RunwareError]:
        return [self._one_of_values("enum", path, list(e.validator_value), e.instance)]

    def _kw_not(self, e: ValidationError, path: Path) -> list[RunwareError]:
        value = e.validator_value
        keys = value.get("required") if isinstance(value, dict) else None
        if not (isinstance(keys, list) and len(keys) > 1 and isinstance(e.instance, dict)):
            return [self._simple(e, path)]
        paths = [[*path, key] for key in keys]
        names = [dotted(p) for p in paths]
        text = (
            f"{' and '.join(names)} cannot be used together: expected at most one of "
            f"{join_or([str(k) for k in keys])}; found {'both' if len(keys) == 2 else 'all'}"
        )
        return [
            self.error(
                "not:required",
                paths[0],
                text,
                parameter=names,
                code_path=paths[0],
            )
        ]

    def _kw_required(self, e: ValidationError, path: Path) -> list[RunwareError]:
        if not isinstance(e.instance, dict):
            return []
        out = []
        for key in e.validator_value:
            if key in e.instance:
                continue
            full = [*path, key]
            node = node_at(self.target.schema, full) or {}
            partners = [p for p in node.get("x-paired-with", ()) if p in e.instance]
            if partners:
                out.append(self._pair(path, partners[0], key))
                continue
            text = f"{dotted(full)}: expected {expectation(node)}; found nothing (it is required)"
            out.append(self.error("required", full, text))
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
        order = object_keys(self.target.schema, path)
        members = sorted([present, missing], key=lambda k: order.index(k) if k in order else 99)
        names = [dotted([*path, k]) for k in members]
        text = (
            f"{' and '.join(names)} go together: expected {dotted([*path, missing])} "
            f"alongside {dotted([*path, present])}; found only {dotted([*path, present])}"
        )
        return RunwareError(
            code=code_for("dependentRequired", missing),
            message=text,
            parameter=names,
            taskType=self.task_type,
            taskUUID=self.task_uuid,
            documentation=documentation_at(self.target.schema, [*path, present]),
            pointer=pointer([*path, present]),
            kind=Kind.BROKEN_PAIR,
        )

    def _kw_additionalProperties(self, e: ValidationError, path: Path) -> list[RunwareError]:
        if e.validator_value is not False or not isinstance(e.instance, dict):
            return [self._simple(e, path)]
        schema = e.schema if isinstance(e.schema, dict) else {}
        known = list(schema.get("properties", {}))
        extras = [k for k in e.instance if k not in known]
        out = [self._unknown(path, key, known) for key in extras[:MAX_UNKNOWN_KEYS]]
        if len(extras) > MAX_UNKNOWN_KEYS:
            rest = len(extras) - MAX_UNKNOWN_KEYS
            text = f"{dotted(path) or 'task'}: {rest} more unknown keys not listed"
            out.append(
                self.error(
                    "additionalProperties", path, text, documentation=self.target.documentation
                )
            )
        return out

    def _unknown(self, path: Path, key: Any, known: list[str]) -> RunwareError:
        full = [*path, key]
        where = self._owner()
        expected = (
            "one of " + ", ".join(dotted([*path, k]) for k in known)
            if 0 < len(known) <= 8
            else f"a parameter of {where}"
        )
        text = f"{dotted(full)}: expected {expected}; found unknown key {describe(str(key))}"
        failure = "additionalProperties"
        hint = None
        if self.suggester is not None and isinstance(key, str):
            air = self.target.model.air if self.target.model is not None else None
            hint = self.suggester.hint(air, dotted(path), key, known)
        if hint is not None:
            text += f"; {hint.text}"
            if hint.other_model is not None:
                failure = "additionalProperties:otherModel"
        return self.error(failure, full, text, documentation=self.target.documentation)

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
        if keyword == "oneOf" and not e.context:
            found = describe(e.instance)
            text = f"{label}: expected exactly one alternative to match; found {found} (several)"
            return [self.error("oneOf", path, text)]
        groups: dict[int, list[ValidationError]] = defaultdict(list)
        for sub in e.context:
            groups[sub.relative_schema_path[0]].append(sub)
        alive = [i for i in range(len(branches)) if not any(_type_miss(s) for s in groups[i])]
        if len(alive) == 1 and groups[alive[0]]:
            return self.translate(groups[alive[0]])
        shown = [branches[i] for i in alive] or branches
        text = f"{label}: expected {join_or(alternatives(shown))}; found {describe(e.instance)}"
        return [self.error(keyword, path, text)]

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
        listed = ", ".join(
            f"{size} ({b['title']})" if b.get("title") else size
            for size, b in zip(sizes, branches, strict=True)
        )
        text = f"{' and '.join(names)}: expected one of the supported sizes {listed}; found {got}"
        return RunwareError(
            code=code_for("oneOf:presets", dotted(path)),
            message=text,
            parameter=names,
            taskType=self.task_type,
            taskUUID=self.task_uuid,
            documentation=documentation_at(self.target.schema, [*path, keys[0]]),
            allowedValues=sizes,
            pointer=pointer([*path, keys[0]]),
            kind=Kind.BAD_PRESET,
        )


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
    best: dict[tuple[str, bool], RunwareError] = {}
    for error in errors:
        key = (error.pointer, isinstance(error.parameter, list))
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


def _range(schema: dict[str, Any]) -> str:
    noun = "an integer" if schema.get("type") == "integer" else "a number"
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
