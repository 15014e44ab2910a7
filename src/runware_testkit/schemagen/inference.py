"""Fill in what a page leaves out, from evidence elsewhere, and record why.

The flattened page form drops enumerated values ("Allowed values 3 values"); a page may have no
Response Parameters. Each value recovered here is marked inferred with its reason; anything that
cannot be recovered is an error naming the page line, never a guess.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from .model import AllowedValue, ModelPage, PageError, Parameter, Source

_CODE_BULLET = re.compile(r"- \\?`([^`\\]+)\\?`:")
_CODE_BULLET_TEXT = re.compile(r"- \\?`([^`\\]+)\\?`: (.+?)(?= - \\?`|$)")
_INDEX = re.compile(r"\bindex (-?\d+)\b", re.IGNORECASE)
_DURATION = re.compile(r"Duration must be between (\d+(?:\.\d+)?) and (\d+(?:\.\d+)?) seconds")


def complete_pages(pages: list[ModelPage], platform_results: dict[str, list[Parameter]]) -> None:
    """Recover dropped facts on every page, using the other pages and platform data as evidence."""
    for page in pages:
        siblings = [p for p in pages if p is not page]
        for param in page.request:
            _recover_allowed(param, page, siblings)
            _scalar_type_from_values(param)
            _media_duration(param)
        if not page.response:
            _infer_response(page, siblings, platform_results)


def _recover_allowed(param: Parameter, page: ModelPage, siblings: list[ModelPage]) -> None:
    count = param.allowed_count
    if count is None or (param.allowed and all(a.value is not None for a in param.allowed)):
        return
    descriptions = [a.description for a in param.allowed] or [None] * count.value
    if len(descriptions) != count.value:
        descriptions = [None] * count.value
    for strategy in (_from_code_bullets, _from_default, _from_descriptions, _from_sibling):
        found = strategy(param, page, siblings, descriptions, count.value)
        if found is not None:
            values, reason = found
            bullets = dict(_CODE_BULLET_TEXT.findall(param.description))
            if all(d is None for d in descriptions) and set(map(str, values)) <= set(bullets):
                descriptions = [bullets[str(v)].strip() for v in values]
            param.allowed = [
                AllowedValue(v, d, count.source.inferring(reason))
                for v, d in zip(values, descriptions, strict=True)
            ]
            return
    raise PageError(
        count.source.file,
        count.source.line,
        f"{param.path}: the page names {count.value} allowed values but not the values, "
        "and no evidence (description, default, examples, another page) recovers them",
    )


Found = tuple[list[Any], str] | None


def _from_code_bullets(param, page, siblings, descriptions, count) -> Found:
    values = _CODE_BULLET.findall(param.description)
    if len(values) == count and len(set(values)) == count:
        return values, "values taken from the `value`: bullets of the description"
    return None


def _from_default(param, page, siblings, descriptions, count) -> Found:
    if count == 1 and param.fact("default") is not None:
        return [param.fact("default")], "the single allowed value is the documented default"
    return None


def _from_descriptions(param, page, siblings, descriptions, count) -> Found:
    """Each value's description names it: 'Frame index -1' -> -1, 'First frame' -> 'first'."""
    if any(d is None for d in descriptions):
        return None
    quoted = _example_values(param.name, page)
    values: list[Any] = []
    for description in descriptions:
        index = _INDEX.search(description)
        if index:
            values.append(int(index.group(1)))
            continue
        words = set(re.findall(r"[a-z]+", description.lower()))
        named = [q for q in quoted if q.lower() in words]
        if len(named) != 1:
            return None
        values.append(named[0])
    if len(set(map(repr, values))) != count:
        return None
    return values, (
        "each value read from its description (a frame index) or from the page's examples "
        f"of {param.name!r} whose word the description names"
    )


def _example_values(name: str, page: ModelPage) -> list[str]:
    pattern = re.compile(rf'"{re.escape(name)}"\s*:\s*"([^"]+)"')
    found: list[str] = []
    for text, _ in page.notes:
        for value in pattern.findall(text):
            if value not in found:
                found.append(value)
    return found


def _from_sibling(param, page, siblings, descriptions, count) -> Found:
    for other in siblings:
        twin = other.parameter(param.path)
        if twin is None or len(twin.allowed) != count:
            continue
        if any(a.value is None for a in twin.allowed):
            continue
        if all(d is not None for d in descriptions):
            by_text = {a.description: a.value for a in twin.allowed}
            if set(by_text) != set(descriptions):
                continue
            values = [by_text[d] for d in descriptions]
        else:
            values = [a.value for a in twin.allowed]
        return values, f"same parameter on the {other.title} page ({other.air}) lists them"
    return None


def _scalar_type_from_values(param: Parameter) -> None:
    """A page may call an enumerated parameter an object while its values are scalars."""
    if param.fact("type") != "object" or not param.allowed:
        return
    kinds = sorted({_json_type(a.value) for a in param.allowed})
    source = param.facts["type"].source.inferring(
        "page says object, but its allowed values are " + " and ".join(kinds)
    )
    param.set("type", kinds[0] if len(kinds) == 1 else kinds, source)


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return "string"


def _media_duration(param: Parameter) -> None:
    found = _DURATION.search(param.description)
    if found:
        low, high = (float(x) for x in found.groups())
        param.set("durationSeconds", {"minimum": low, "maximum": high}, param.source)


def _infer_response(
    page: ModelPage, siblings: list[ModelPage], platform_results: dict[str, list[Parameter]]
) -> None:
    for other in siblings:
        if other.task_type == page.task_type and other.response:
            reason = f"page has no Response Parameters; taken from the {other.title} page"
            page.response = [_inferred_copy(p, reason) for p in other.response]
            page.response_source = other.air
            return
    platform = platform_results.get(page.task_type)
    if platform is None:
        raise PageError(
            page.file,
            page.source.line,
            f"page has no Response Parameters and no platform result item is "
            f"known for task type {page.task_type!r}",
        )
    reason = "page has no Response Parameters; platform result item for " + page.task_type
    page.response = [_inferred_copy(p, reason) for p in platform]
    page.response_source = "platform"


def _inferred_copy(param: Parameter, reason: str) -> Parameter:
    clone = copy.deepcopy(param)
    clone.source = _mark(clone.source, reason)
    for key, fact in clone.facts.items():
        clone.facts[key] = type(fact)(fact.value, _mark(fact.source, reason))
    if clone.anchor and "#response-" in clone.anchor:
        clone.anchor = None
    return clone


def _mark(source: Source, reason: str) -> Source:
    return source.inferring(reason)
