"""Compiled schemas: registry, ECMA-style patterns, both engines agreeing."""

from __future__ import annotations

from runware_testkit.contract import load_contract
from runware_testkit.validation.compiled import build_registry, compile_schema

CONTRACT = load_contract()
REGISTRY = build_registry(CONTRACT)


def test_registry_resolves_every_id():
    for schema in CONTRACT.schemas():
        assert REGISTRY.contents(schema["$id"]) is schema


def test_refs_resolve_through_the_registry():
    envelope = compile_schema("envelope", CONTRACT.platform["envelope"], REGISTRY)
    assert envelope.fast is None  # schemas with $ref stay on the Python engine
    assert envelope.is_valid({"errors": [{"code": "x", "message": "m"}]})
    assert not envelope.is_valid({"errors": [{"code": "x"}]})


def test_pattern_dollar_matches_only_at_the_end():
    schema = {"type": "string", "pattern": "^[a-z]+$"}
    for fast in (True, False):
        compiled = compile_schema("p", schema, REGISTRY, fast=fast)
        assert compiled.is_valid("abc")
        assert not compiled.is_valid("abc\n")
    assert list(compile_schema("p", schema, REGISTRY).iter_errors("abc\n"))


def test_fast_engine_used_for_model_schemas():
    model = CONTRACT.model("runway:2@1")
    compiled = compile_schema(model.air, model.request, REGISTRY, model=model)
    assert compiled.fast is not None
    assert compiled.documentation == "https://runware.ai/docs/models/runway-aleph"
    assert compiled.is_valid(model.examples[0]["request"])
    assert not compiled.is_valid({**model.examples[0]["request"], "seed": {1, 2}})


def test_multiple_of_uses_decimal_arithmetic():
    from runware_testkit.validation.compiled import KitValidator

    check = KitValidator({"type": "number", "multipleOf": 0.01})
    assert [check.is_valid(x) for x in (0.29, 0.57, 1, 0.295, float("inf"))] == [
        True,
        True,
        True,
        False,
        False,
    ]
    (error,) = check.iter_errors(0.295)
    assert error.validator == "multipleOf"


def test_a_catastrophic_pattern_is_refused_in_linear_time() -> None:
    # With a backtracking engine, 40 "a"s then "!" against ^(a+)+$ takes about 2**40 steps.
    from runware_testkit.validation.compiled import KitValidator

    checker = KitValidator({"type": "string", "pattern": "^(a+)+$"})
    errors = list(checker.iter_errors("a" * 40 + "!"))
    assert [e.validator for e in errors] == ["pattern"]
    assert list(checker.iter_errors("a" * 40)) == []
