import math

import pytest

from runware_testkit.contract import ModelContract
from runware_testkit.fake_server.handlers.pricing import (
    DEFAULT_DURATION_SECONDS,
    FALLBACK_PRICES,
    PriceQuery,
    task_cost,
    unit_cost,
)


def model_with(pricing: dict | None, *, presets: list | None = None) -> ModelContract:
    """A model contract whose OpenAPI info carries `pricing` as ``x-pricing``."""
    info = {"title": "t"} if pricing is None else {"title": "t", "x-pricing": pricing}
    request: dict = {"type": "object", "properties": {"width": {}, "height": {}}}
    if presets:
        request["allOf"] = [
            {
                "if": {"required": ["width"]},
                "then": {
                    "oneOf": [
                        {
                            "title": title,
                            "properties": {"width": {"const": w}, "height": {"const": h}},
                        }
                        for title, w, h in presets
                    ]
                },
            }
        ]
    return ModelContract(
        air="acme:1@1",
        slug="acme",
        title="Acme",
        task_type="imageInference",
        documentation="",
        request=request,
        result={},
        openapi={"info": info},
    )


def test_aleph_v1_costs_the_page_price_per_result():
    assert task_cost("runway:2@1", duration_seconds=None) == 0.7563
    assert task_cost("runway:2@1", duration_seconds=12.0) == 0.7563
    assert unit_cost(PriceQuery("videoInference", "runway:2@1", seconds=9), None) == 0.7563


def test_aleph_2_costs_per_second_of_source_video():
    assert task_cost("runway:aleph@2.0", duration_seconds=4.0) == 1.12
    assert task_cost("runway:aleph@2.0", duration_seconds=30) == 8.4
    query = PriceQuery("videoInference", "runway:aleph@2.0", seconds=5, source_seconds=4.0)
    assert unit_cost(query, None) == 1.12


def test_aleph_2_rounds_to_four_decimals():
    assert task_cost("runway:aleph@2.0", duration_seconds=10 / 3) == 0.9333
    assert task_cost("runway:aleph@2.0", duration_seconds=2.00005) == round(0.28 * 2.00005, 4)


def test_aleph_2_uses_the_default_duration_when_unknown():
    assert DEFAULT_DURATION_SECONDS == 5.0
    assert task_cost("runway:aleph@2.0", duration_seconds=None) == 1.4
    assert task_cost("runway:aleph@2.0") == 1.4


def test_page_prices_are_only_known_for_aleph():
    with pytest.raises(ValueError, match="runway:9@9"):
        task_cost("runway:9@9", duration_seconds=4.0)


@pytest.mark.parametrize("bad", [-1.0, math.nan, math.inf, "4", True])
def test_bad_durations_are_refused(bad):
    with pytest.raises(ValueError):
        task_cost("runway:aleph@2.0", duration_seconds=bad)
    if not isinstance(bad, str | bool):
        with pytest.raises(ValueError):
            unit_cost(PriceQuery("videoInference", "acme:1@1", seconds=bad), None)


def test_labelled_rates_follow_the_output_preset_then_the_resolution():
    pricing = {
        "rates": [
            {"amount": 0.041, "unit": "output", "label": "0.75K"},
            {"amount": 0.048, "unit": "output", "label": "1K"},
            {"amount": 0.1, "unit": "output", "label": "2K"},
        ]
    }
    model = model_with(pricing, presets=[("1K (1:1)", 1024, 1024), ("2K (16:9)", 2048, 1152)])
    query = PriceQuery("imageInference", "acme:1@1", width=2048, height=1152)
    assert unit_cost(query, model) == 0.1
    query = PriceQuery("imageInference", "acme:1@1", width=1024, height=1024)
    assert unit_cost(query, model) == 0.048
    query = PriceQuery("imageInference", "acme:1@1", width=1, height=1, resolution="0.75k")
    assert unit_cost(query, model) == 0.041
    assert unit_cost(PriceQuery("imageInference", "acme:1@1", width=5, height=5), model) == 0.041


def test_a_per_second_rate_prices_the_output_seconds():
    model = model_with({"rates": [{"amount": 0.02, "unit": "second"}]})
    assert unit_cost(PriceQuery("videoInference", "acme:1@1", seconds=6), model) == 0.12


@pytest.mark.parametrize(
    ("overview", "seconds", "price"),
    [
        ("Pricing starts at $0.09 per second for 720p ", 6, 0.54),
        ("Output video costs $0.08 per second at 768p and $0.13 per second at 2K.", 5, 0.4),
        ("Pricing starts at $0.00265 per second for 720p under 30fps.", 10, 0.0265),
        ("$0.03 per image, whatever the size", None, 0.03),
    ],
)
def test_an_overview_sentence_gives_the_price(overview, seconds, price):
    model = model_with({"overview": overview})
    assert unit_cost(PriceQuery("videoInference", "acme:1@1", seconds=seconds), model) == price


def test_the_first_example_prices_a_result_when_nothing_else_does():
    pricing = {
        "overview": "$10.7/M Token for Text/Image to Video",
        "examples": [{"configuration": "720p", "price": "$1.17"}, {"price": "$2.00"}],
    }
    query = PriceQuery("videoInference", "acme:1@1", seconds=8)
    assert unit_cost(query, model_with(pricing)) == 1.17


@pytest.mark.parametrize("task_type", sorted(FALLBACK_PRICES))
def test_models_priced_nowhere_get_the_task_types_fallback(task_type):
    amount, unit = FALLBACK_PRICES[task_type]
    query = PriceQuery(task_type, "acme:1@1", seconds=4)
    expected = round(amount * 4 if unit == "second" else amount, 4)
    assert unit_cost(query, model_with(None)) == expected
    assert unit_cost(query, None) == expected
    assert unit_cost(PriceQuery("audioInference", None), None) == 0.01
