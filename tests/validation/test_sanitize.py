"""JSON-shaped copies of values jsonschema cannot digest."""

from __future__ import annotations

from runware_testkit.validation.describe import describe
from runware_testkit.validation.sanitize import MAX_DEPTH, Opaque, sanitize


def test_json_values_are_kept():
    value = {"a": [1, 2.5, "x", None, True, {"b": []}]}
    assert sanitize(value) == value


def test_non_json_values_become_opaque():
    out = sanitize({"a": {1, 2}, 3: 1j})
    assert isinstance(out["a"], Opaque)
    assert describe(out["a"]) == "a set value"
    assert describe(out["3"]) == "a complex value"


def test_deep_values_are_cut():
    value: list = []
    node = value
    for _ in range(MAX_DEPTH * 3):
        node.append([])
        node = node[0]
    out = sanitize(value)
    for _ in range(MAX_DEPTH):
        out = out[0]
    assert describe(out) == "an array nested too deep"
