"""A fixed, derandomized run of requests() reaches every parameter, enum value, preset, form."""

from __future__ import annotations

from typing import Any

from hypothesis import Phase, given, settings
from jsonschema import Draft202012Validator

from runware_testkit.contract import load_contract
from runware_testkit.strategies import presets, requests
from runware_testkit.strategies.schema_walk import enum_values, item_choices
from runware_testkit.validation.formats import format_checker

# Half of the draws come from the maximal form: nested optional fields (an object item of
# inputs.frameImages with its frame) are reached often enough for a fixed budget to be robust.
EXAMPLES_PER_MODEL = 500


def _draw_examples(air: str) -> list[dict[str, Any]]:
    drawn: list[dict[str, Any]] = []

    @settings(
        max_examples=EXAMPLES_PER_MODEL,
        derandomize=True,
        database=None,
        phases=[Phase.generate],
        deadline=None,
    )
    @given(requests(air) | requests(air, form="maximal"))
    def collect(task: dict[str, Any]) -> None:
        drawn.append(task)

    collect()
    return drawn


def _present_paths(value: Any, prefix: str = "") -> set[str]:
    found: set[str] = set()
    if isinstance(value, dict):
        for key, child in value.items():
            path = f"{prefix}{key}"
            found.add(path)
            found |= _present_paths(child, path + ".")
    elif isinstance(value, list):
        for item in value:
            found |= _present_paths(item, prefix)
    return found


def _values_at(value: Any, parts: list[str]) -> list[Any]:
    if not parts:
        return value if isinstance(value, list) else [value]
    if isinstance(value, list):
        return [v for item in value for v in _values_at(item, parts)]
    if isinstance(value, dict) and parts[0] in value:
        return _values_at(value[parts[0]], parts[1:])
    return []


def _titled_forms(schema: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in schema.get("anyOf", []) if "title" in c]


def _form_of(forms: list[dict[str, Any]], value: Any) -> str | None:
    checker = format_checker()
    for form in forms:
        if Draft202012Validator(form, format_checker=checker).is_valid(value):
            return form["title"]
    return None


def missed_in(air: str, tasks: list[dict[str, Any]]) -> list[str]:
    """Parameters, enum values, input forms and presets of ``air`` that ``tasks`` never use."""
    model = load_contract().model(air)
    assert model is not None
    missed: list[str] = []
    seen_paths = set().union(*(_present_paths(t) for t in tasks))
    missed += [f"{air}: parameter {p}" for p in model.parameter_paths() if p not in seen_paths]
    for path in model.parameter_paths():
        schema = model.property_schema(path) or {}
        values = [v for t in tasks for v in _values_at(t, path.split("."))]
        allowed = enum_values(schema)
        if allowed is not None:
            seen = {repr(v) for v in values}
            missed += [f"{air}: {path} = {v!r}" for v in allowed if repr(v) not in seen]
        forms = _titled_forms(schema)
        for choice in item_choices(schema) if schema.get("type") == "array" else []:
            forms = forms or _titled_forms(choice)
        if forms:
            got = {_form_of(forms, v) for v in values if isinstance(v, str)}
            missed += [f"{air}: {path} as {f['title']}" for f in forms if f["title"] not in got]
    for preset in presets(model.request):
        pair = tuple(preset.values.items())
        if not any(all(t.get(k) == v for k, v in pair) for t in tasks):
            missed.append(f"{air}: preset {preset.title}")
    return missed


def test_every_parameter_enum_value_preset_and_form_appears():
    missed = [m for air in load_contract().models for m in missed_in(air, _draw_examples(air))]
    assert not missed, f"not reached in {EXAMPLES_PER_MODEL} examples per model: " + "; ".join(
        missed
    )
