"""requests(): every example is valid, pins are honoured, minimal and maximal forms hold."""

from __future__ import annotations

import base64
import struct
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runware_testkit import validate_request
from runware_testkit.contract import load_contract
from runware_testkit.strategies import ABSENT, PRESENT, request_batches, requests
from runware_testkit.strategies.rules import named_paths
from runware_testkit.strategies.scenarios import rules_of

from .support import (
    ALEPH,
    ALEPH2,
    MODELS,
    UPSTREAM_MODELS,
    full_contract,
    on_aleph,
    oracle,
    request_schema,
    schema_errors,
    strict_oracle,
)


def _assert_valid(task: dict[str, Any]) -> None:
    errors = validate_request(task)
    assert not errors, [e.to_dict() for e in errors]
    assert not schema_errors(request_schema(task["model"]), task)


@settings(max_examples=200, database=None, deadline=None)
@given(on_aleph(requests))
def test_every_request_is_valid(task):
    _assert_valid(task)


@pytest.mark.parametrize("air", MODELS)
@settings(max_examples=60, database=None, deadline=None)
@given(data=st.data())
def test_every_request_of_each_model_is_valid_in_every_form(air, data):
    form = data.draw(st.sampled_from(["any", "minimal", "maximal"]))
    task = data.draw(requests(air, form=form))
    assert task["model"] == air
    _assert_valid(task)


@settings(max_examples=50, database=None, deadline=None)
@given(requests(ALEPH, numberResults=4, pinned={"inputs.video": "https://example.com/a.mp4"}))
def test_keyword_and_dotted_pins_are_honoured(task):
    assert task["numberResults"] == 4
    assert task["inputs"]["video"] == "https://example.com/a.mp4"
    _assert_valid(task)


@settings(max_examples=50, database=None, deadline=None)
@given(on_aleph(requests, seed=st.integers(0, 9), outputFormat="WEBM", webhookURL=ABSENT))
def test_strategy_and_absent_pins(task):
    assert task["model"] == ALEPH  # only runway:2@1 has a seed
    assert 0 <= task["seed"] <= 9
    assert task["outputFormat"] == "WEBM"
    assert "webhookURL" not in task


@settings(max_examples=30, database=None, deadline=None)
@given(on_aleph(requests, width=720))
def test_pinning_width_keeps_a_preset(task):
    assert (task["width"], task["height"]) == (720, 1280)


@settings(max_examples=40, database=None, deadline=None)
@given(requests(ALEPH2, form="maximal", **{"inputs.frameImages.timestamp": 1.5}))
def test_pinning_an_item_field_applies_to_object_items(task):
    for item in task["inputs"]["frameImages"]:
        if isinstance(item, dict):
            assert item["timestamp"] == 1.5 and "frame" not in item
    _assert_valid(task)


def _without(task: dict[str, Any], path: list[str]) -> dict[str, Any]:
    out = dict(task)
    if len(path) == 1:
        del out[path[0]]
    else:
        out[path[0]] = _without(task[path[0]], path[1:])
    return out


def _only_what_is_needed(
    schema: dict[str, Any], task: dict[str, Any], rejects: Callable[[dict[str, Any]], bool]
) -> None:
    """Every optional key present (objects reached by properties) is one the rules need:
    removing it makes the task invalid (``rejects`` says so)."""

    def walk(node: dict[str, Any], value: Any, path: list[str]) -> None:
        if not isinstance(value, dict) or "properties" not in node:
            return
        for name, child in value.items():
            if name not in node.get("required", []):
                assert rejects(_without(task, [*path, name])), (path, name, task)
            walk(node["properties"][name], child, [*path, name])

    walk(schema, task, [])


@settings(max_examples=60, database=None, deadline=None)
@given(on_aleph(requests, form="minimal"))
def test_minimal_form_holds_only_what_the_rules_need(task):
    schema = request_schema(task["model"])
    _only_what_is_needed(schema, task, lambda smaller: bool(schema_errors(schema, smaller)))


def _all_present(schema: dict[str, Any], value: Any, ruled: set[str], path: str = "") -> None:
    if isinstance(value, dict) and "properties" in schema:
        missing = {
            name
            for name in set(schema["properties"]) - set(value)
            if f"{path}.{name}".lstrip(".") not in ruled and schema["properties"][name] is not False
        }
        assert not missing, (path, missing)
        for name, child in value.items():
            _all_present(schema["properties"][name], child, ruled, f"{path}.{name}".lstrip("."))
    if isinstance(value, list):
        assert value, path
        items = schema.get("items", {})
        for item in value:
            for choice in items.get("anyOf", [items]):
                if isinstance(item, dict) and choice.get("type") == "object":
                    _all_present(choice, item, _rule_paths(choice), "")


def _rule_paths(schema: dict[str, Any]) -> set[str]:
    """Parameters some cross-field rule of object ``schema`` names (their presence is the
    rules' to decide)."""
    return {p for c in rules_of(schema).clauses for p in named_paths(c.formula)}


@settings(max_examples=60, database=None, deadline=None)
@given(on_aleph(requests, form="maximal"))
def test_maximal_form_holds_every_optional_field(task):
    schema = request_schema(task["model"])
    _all_present(schema, task, _rule_paths(schema))


@settings(max_examples=50, database=None, deadline=None)
@given(on_aleph(requests))
def test_task_uuid_is_a_uuid4(task):
    assert task["taskUUID"][14] == "4"


@settings(max_examples=30, database=None, deadline=None)
@given(on_aleph(request_batches, max_size=4))
def test_batches_have_distinct_task_uuids(body):
    uuids = [task["taskUUID"] for task in body]
    assert len(set(uuids)) == len(uuids)
    assert not schema_errors(load_contract().request_array, body)


def test_unknown_pins_are_refused_with_a_suggestion():
    with pytest.raises(ValueError, match="did you mean 'numberResults'"):
        requests(numberResult=3)
    with pytest.raises(ValueError, match="no model"):
        requests(ALEPH2, width=1280)
    with pytest.raises(ValueError, match="unknown model"):
        requests("runway:9@9")


# -- Runware's published documents (upstream data) -------------------------------------------
def _oracle_errors(air: str, task: dict[str, Any]) -> list[str]:
    found = [*oracle(air).iter_errors(task), *strict_oracle(air).iter_errors(task)]
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in found]


@pytest.mark.parametrize("air", UPSTREAM_MODELS)
@settings(max_examples=60, database=None, deadline=None)
@given(data=st.data())
def test_drawn_tasks_pass_the_published_schema_in_every_form(air, data):
    form = data.draw(st.sampled_from(["any", "minimal", "maximal"]))
    task = data.draw(requests(air, form=form, contract=full_contract()))
    assert task["model"] == air
    assert not _oracle_errors(air, task), task


@pytest.mark.parametrize("air", UPSTREAM_MODELS)
@settings(max_examples=25, database=None, deadline=None)
@given(data=st.data())
def test_minimal_and_maximal_forms_on_the_published_schemas(air, data):
    contract = full_contract()
    schema = contract.model(air).request
    minimal = data.draw(requests(air, form="minimal", contract=contract))
    _only_what_is_needed(schema, minimal, lambda smaller: not oracle(air).is_valid(smaller))
    maximal = data.draw(requests(air, form="maximal", contract=contract))
    _all_present(schema, maximal, _rule_paths(schema))


SEEDANCE = "bytedance:seedance@2.5"


@settings(max_examples=40, database=None, deadline=None)
@given(requests(SEEDANCE, contract=full_contract(), **{"inputs.video": PRESENT}))
def test_a_pinned_input_brings_the_rules_it_triggers(task):
    # A source video excludes frame images and width/height.
    assert "video" in task["inputs"]
    assert "frameImages" not in task["inputs"]
    assert "width" not in task and "height" not in task
    assert not _oracle_errors(SEEDANCE, task)


@settings(max_examples=40, database=None, deadline=None)
@given(requests(SEEDANCE, contract=full_contract(), **{"settings.operation": "edit"}))
def test_a_pinned_value_brings_the_values_rules_ask_for(task):
    # An edit needs the source video and a duration of "auto" (when one is given).
    assert task["inputs"]["video"]
    assert task.get("duration", "auto") == "auto"
    assert not _oracle_errors(SEEDANCE, task)


@settings(max_examples=30, database=None, deadline=None)
@given(requests("lightricks:ltx@2.5-fast", contract=full_contract(), fps=50, width=2560))
def test_pins_on_both_sides_of_a_rule(task):
    assert (task["width"], task["height"]) == (2560, 1440)
    # 48/50 fps and 2K both cap a duration in seconds at 10 ("auto" is no number).
    assert task.get("duration", 6) in (6, 8, 10, "auto")


def test_pins_the_rules_cannot_satisfy_are_refused():
    from runware_testkit.strategies import UnsupportedSchema

    with pytest.raises(UnsupportedSchema, match="pins leave no way"):
        requests(
            SEEDANCE,
            contract=full_contract(),
            **{"inputs.video": PRESENT, "inputs.frameImages": PRESENT},
        )


FLUX = "bfl:flux@3-image"


@settings(max_examples=40, database=None, deadline=None)
@given(requests(FLUX, contract=full_contract(), **{"inputs.referenceImages": PRESENT}))
def test_inline_reference_images_meet_the_documents_minimum_size(task):
    # FLUX 3's x-constraints: each reference image at least 128 x 128 pixels.
    for image in task["inputs"]["referenceImages"]:
        if image.startswith("data:") or not (":" in image or "-" in image):
            data = base64.b64decode(image.split(",", 1)[-1])
            assert data.startswith(b"\x89PNG")
            width, height = struct.unpack(">II", data[16:24])
            assert width >= 128 and height >= 128
