"""The one table that turns a failed schema rule into a Runware error code.

Every error the validator reports comes from a *failure*: a JSON Schema keyword that failed
(``required``, ``type`` ...), a refinement of one (``oneOf:consts``, ``oneOf:presets``,
``not:required``), a contract extension (``x-uuid-version``, ``x-step``) or a check outside the
schema (``model:missing``, ``taskUUID:reused`` ...). ``RULES`` maps each failure to a `Kind` and a
code template; ``{Param}`` is the last name in the parameter's dotted path with its first letter
upper-cased (``inputs.video`` -> ``Video``; array indexes are skipped).

====================  ===================  ======================  ===========================
failure               kind                 code                    parameter
====================  ===================  ======================  ===========================
required              missing              missing{Param}          the missing key's path, or
                                                                   its first required leaf
required (in a then)  broken pair          missing{Param}          [trigger..., missing key]
required:paired       broken pair          missing{Param}          the pair: [width, height]
dependentRequired     broken pair          missing{Param}          the pair: [width, height]
type                  wrong type           invalid{Param}          the value's path
const                 not allowed          invalid{Param}          + allowedValues [const]
enum                  not allowed          invalid{Param}          + allowedValues
oneOf:consts          not allowed          invalid{Param}          + allowedValues (consts)
oneOf:presets         bad preset           unsupportedDimensions   pair + allowedValues "WxH"
anyOf / oneOf         no match             invalid{Param}          one error per value
minimum / maximum     out of range         invalid{Param}
exclusiveMinimum      out of range         invalid{Param}
exclusiveMaximum      out of range         invalid{Param}
multipleOf / x-step   bad step             invalid{Param}          x-step: decimal arithmetic
minLength / maxLength bad length           invalid{Param}
minItems              too few items        invalid{Param}
maxItems              too many items       invalid{Param}
uniqueItems           not allowed          invalid{Param}
format                format               invalid{Param}          uuid, uri
x-uuid-version        format               invalid{Param}          e.g. a v1 taskUUID
pattern               pattern              invalid{Param}
not                   not allowed          invalid{Param}
not:required          incompatible         incompatibleParameters  both keys' paths
(other, in a then)    incompatible         incompatibleParameters  [trigger..., the value]
contains              no match             invalid{Param}          the array's path
false                 not allowed          unsupportedParameter    a key whose schema is false
additionalProperties  unknown key          unsupportedParameter    the unknown key's path
 ... :otherModel      wrong model's param  unsupportedParameter    key of another model
propertyNames         unknown key          unsupportedParameter
model:missing         missing              missingModel            model
model:unknown         unknown model        unknownModel            model (+ allowedValues)
taskType:missing      missing              missingTaskType         taskType
taskType:unknown      unknown task type    unsupportedTaskType     taskType (+ allowedValues)
taskUUID:reused       conflict             conflictTaskUUID        taskUUID
body:invalid          bad body             invalidRequestBody      none
task:invalid          bad task             invalidTask             none
(any other keyword)   invalid              invalid{Param}
====================  ===================  ======================  ===========================

For a broken pair ``{Param}`` is the missing partner (width without height: ``missingHeight``).
"(in a then)": a rule inside an ``if``/``then`` names the parameters of its condition (see
`translate`).

``invalidRequestBody`` is used for the body as a whole (not a JSON array, or an empty one),
``invalidTask`` for one element of the array that is not a JSON object.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

__all__ = ["RULES", "Kind", "Rule", "code_for", "param_name", "rule_for"]


class Kind(StrEnum):
    """What went wrong, independent of the parameter (internal; not sent on the wire)."""

    MISSING = "missing"
    WRONG_TYPE = "wrong type"
    NOT_ALLOWED = "not allowed"
    NO_MATCH = "no match"
    OUT_OF_RANGE = "out of range"
    BAD_STEP = "bad step"
    BAD_LENGTH = "bad length"
    TOO_FEW_ITEMS = "too few items"
    TOO_MANY_ITEMS = "too many items"
    FORMAT = "format"
    PATTERN = "pattern"
    UNKNOWN_KEY = "unknown key"
    WRONG_MODEL = "wrong model's parameter"
    BROKEN_PAIR = "broken pair"
    BAD_PRESET = "bad preset"
    INCOMPATIBLE = "incompatible"
    UNKNOWN_MODEL = "unknown model"
    UNKNOWN_TASK_TYPE = "unknown task type"
    CONFLICT = "conflict"
    BAD_BODY = "bad body"
    BAD_TASK = "bad task"
    INVALID = "invalid"


@dataclass(frozen=True)
class Rule:
    """How one failure is reported: its kind and its code template."""

    kind: Kind
    code: str


RULES: dict[str, Rule] = {
    "required": Rule(Kind.MISSING, "missing{Param}"),
    "required:paired": Rule(Kind.BROKEN_PAIR, "missing{Param}"),
    "dependentRequired": Rule(Kind.BROKEN_PAIR, "missing{Param}"),
    "type": Rule(Kind.WRONG_TYPE, "invalid{Param}"),
    "const": Rule(Kind.NOT_ALLOWED, "invalid{Param}"),
    "enum": Rule(Kind.NOT_ALLOWED, "invalid{Param}"),
    "oneOf:consts": Rule(Kind.NOT_ALLOWED, "invalid{Param}"),
    "oneOf:presets": Rule(Kind.BAD_PRESET, "unsupportedDimensions"),
    "anyOf": Rule(Kind.NO_MATCH, "invalid{Param}"),
    "oneOf": Rule(Kind.NO_MATCH, "invalid{Param}"),
    "minimum": Rule(Kind.OUT_OF_RANGE, "invalid{Param}"),
    "maximum": Rule(Kind.OUT_OF_RANGE, "invalid{Param}"),
    "exclusiveMinimum": Rule(Kind.OUT_OF_RANGE, "invalid{Param}"),
    "exclusiveMaximum": Rule(Kind.OUT_OF_RANGE, "invalid{Param}"),
    "multipleOf": Rule(Kind.BAD_STEP, "invalid{Param}"),
    "x-step": Rule(Kind.BAD_STEP, "invalid{Param}"),
    "minLength": Rule(Kind.BAD_LENGTH, "invalid{Param}"),
    "maxLength": Rule(Kind.BAD_LENGTH, "invalid{Param}"),
    "minItems": Rule(Kind.TOO_FEW_ITEMS, "invalid{Param}"),
    "maxItems": Rule(Kind.TOO_MANY_ITEMS, "invalid{Param}"),
    "uniqueItems": Rule(Kind.NOT_ALLOWED, "invalid{Param}"),
    "format": Rule(Kind.FORMAT, "invalid{Param}"),
    "x-uuid-version": Rule(Kind.FORMAT, "invalid{Param}"),
    "pattern": Rule(Kind.PATTERN, "invalid{Param}"),
    "not": Rule(Kind.NOT_ALLOWED, "invalid{Param}"),
    "not:required": Rule(Kind.INCOMPATIBLE, "incompatibleParameters"),
    "contains": Rule(Kind.NO_MATCH, "invalid{Param}"),
    "false": Rule(Kind.NOT_ALLOWED, "unsupportedParameter"),
    "additionalProperties": Rule(Kind.UNKNOWN_KEY, "unsupportedParameter"),
    "additionalProperties:otherModel": Rule(Kind.WRONG_MODEL, "unsupportedParameter"),
    "propertyNames": Rule(Kind.UNKNOWN_KEY, "unsupportedParameter"),
    "model:missing": Rule(Kind.MISSING, "missingModel"),
    "model:unknown": Rule(Kind.UNKNOWN_MODEL, "unknownModel"),
    "taskType:missing": Rule(Kind.MISSING, "missingTaskType"),
    "taskType:unknown": Rule(Kind.UNKNOWN_TASK_TYPE, "unsupportedTaskType"),
    "taskUUID:reused": Rule(Kind.CONFLICT, "conflictTaskUUID"),
    "body:invalid": Rule(Kind.BAD_BODY, "invalidRequestBody"),
    "task:invalid": Rule(Kind.BAD_TASK, "invalidTask"),
}

_FALLBACK = Rule(Kind.INVALID, "invalid{Param}")


def rule_for(failure: str) -> Rule:
    """The rule of ``failure``; any keyword not in the table is reported as ``invalid{Param}``."""
    return RULES.get(failure, _FALLBACK)


def param_name(path: str) -> str:
    """``{Param}`` of a dotted path: its last non-index name, first letter upper-cased."""
    names = [part for part in path.split(".") if part and not _is_index(part)]
    if not names:
        return "Parameter"
    last = names[-1]
    return last[:1].upper() + last[1:]


@lru_cache(maxsize=4096)
def code_for(failure: str, path: str = "") -> str:
    """The Runware error code for ``failure`` at dotted ``path``."""
    template = rule_for(failure).code
    if "{Param}" not in template:
        return template
    return template.replace("{Param}", param_name(path))


def _is_index(part: str) -> bool:
    return part.lstrip("-").isdigit()
