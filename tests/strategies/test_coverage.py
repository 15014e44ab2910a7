"""A fixed, derandomized run of requests() reaches every parameter, enum value, preset, form."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import Phase, given, seed, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from runware_testkit.contract import Contract, load_contract
from runware_testkit.strategies import PRESENT, presets, requests
from runware_testkit.strategies.rules import named_paths
from runware_testkit.strategies.scenarios import analyse, rules_of
from runware_testkit.strategies.schema_walk import enum_values, form_of, item_choices
from runware_testkit.validation.formats import format_checker

from .support import MODELS, UPSTREAM_MODELS, full_contract

# Half of the draws come from the maximal form: nested optional fields (an object item of
# inputs.frameImages with its frame) are reached often enough for a fixed budget to be robust.
# Hypothesis makes later examples of a run by mutating earlier ones (runs of near-copies of a
# deep value), so the budget is spent as several short runs, each with its own fixed seed.
EXAMPLES_PER_MODEL = 500
EXAMPLES_PER_RUN = 25


def _draw_examples(
    air: str,
    contract: Contract | None = None,
    count: int = EXAMPLES_PER_MODEL,
    pins: tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    """``count`` tasks of ``air``: any form, maximal form, and with each of ``pins`` present."""
    drawn: list[dict[str, Any]] = []
    task = st.one_of(
        requests(air, contract=contract),
        requests(air, form="maximal", contract=contract),
        *(requests(air, contract=contract, pinned={p: PRESENT}) for p in pins),
    )
    for run in range(count // EXAMPLES_PER_RUN):

        @seed(run)
        @settings(
            max_examples=EXAMPLES_PER_RUN,
            database=None,
            phases=[Phase.generate],
            deadline=None,
        )
        @given(task)
        def collect(value: dict[str, Any]) -> None:
            drawn.append(value)

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
    """The media input forms of an ``anyOf``, each with its form name as ``title``."""
    return [{**c, "title": form_of(c)} for c in schema.get("anyOf", []) if form_of(c)]


def _form_of(forms: list[dict[str, Any]], value: Any) -> str | None:
    checker = format_checker()
    # Most specific first: a data URI is also a URI.
    for form in reversed(forms):
        if Draft202012Validator(form, format_checker=checker).is_valid(value):
            return form["title"]
    return None


def missed_in(
    air: str,
    tasks: list[dict[str, Any]],
    contract: Contract | None = None,
    *,
    sizes: bool = True,
    rare: tuple[str, ...] = (),
) -> list[str]:
    """Parameters, enum values, input forms and (with ``sizes``) presets of ``air`` that
    ``tasks`` never use; enum values below a path of ``rare`` are not counted."""
    model = (contract or load_contract()).model(air)
    assert model is not None
    missed: list[str] = []
    seen_paths = set().union(*(_present_paths(t) for t in tasks))
    missed += [f"{air}: parameter {p}" for p in model.parameter_paths() if p not in seen_paths]
    for path in model.parameter_paths():
        schema = model.property_schema(path) or {}
        values = [v for t in tasks for v in _values_at(t, path.split("."))]
        allowed = enum_values(schema)
        if allowed is not None and not any(path.startswith(r + ".") for r in rare):
            seen = {repr(v) for v in values}
            missed += [f"{air}: {path} = {v!r}" for v in allowed if repr(v) not in seen]
        forms = _titled_forms(schema)
        for choice in item_choices(schema) if schema.get("type") == "array" else []:
            forms = forms or _titled_forms(choice)
        if forms:
            got = {_form_of(forms, v) for v in values if isinstance(v, str)}
            missed += [f"{air}: {path} as {f['title']}" for f in forms if f["title"] not in got]
    for preset in presets(model.request) if sizes else []:
        pair = tuple(preset.values.items())
        if not any(all(t.get(k) == v for k, v in pair) for t in tasks):
            missed.append(f"{air}: preset {preset.title}")
    return missed


def test_every_parameter_enum_value_preset_and_form_appears():
    missed = [m for air in MODELS for m in missed_in(air, _draw_examples(air))]
    assert not missed, f"not reached in {EXAMPLES_PER_MODEL} examples per model: " + "; ".join(
        missed
    )


@pytest.mark.parametrize("air", UPSTREAM_MODELS)
def test_the_published_documents_are_covered_too(air):
    contract = full_contract()
    model = contract.model(air)
    # Inputs the rules make exclusive are drawn pinned one at a time as well, so each side of
    # an exclusion is reached within the budget.
    arrays = sorted(
        {
            p
            for c in rules_of(model.request).clauses
            for p in named_paths(c.formula)
            if (model.property_schema(p) or {}).get("type") == "array"
        }
    )
    tasks = _draw_examples(air, contract, EXAMPLES_PER_MODEL, tuple(arrays))
    # In an array with `contains` (a frame list needing an item that is no last frame) a last
    # frame only stands beside that item, so it is rare by construction; that it is reached
    # is checked in test_schema_walk.
    rare = tuple(
        p for p in model.parameter_paths() if "contains" in (model.property_schema(p) or {})
    )
    missed = missed_in(air, tasks, contract, sizes=False, rare=rare)
    assert not missed, "; ".join(missed)
    # Presets (60 for FLUX 3) are checked where they are drawn from: each is an option.
    drawable = [
        row
        for var in analyse(model.request).variables
        for option in var.options
        if option.kind == "tuples"
        for row in option.data
    ]
    assert all(p.values in drawable for p in presets(model.request))
