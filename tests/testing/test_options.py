"""FakeOptions: the marker's keywords, checked and normalised."""

from __future__ import annotations

import pytest

from runware_testkit.fake_server.config import DEV_API_KEY
from runware_testkit.fake_server.faults.scenarios import Scenario
from runware_testkit.testing.options import OPTION_NAMES, FakeOptions, to_scenario


def test_defaults_suit_tests() -> None:
    options = FakeOptions()
    assert (options.progression, options.seed, options.clock) == ("immediate", None, "system")
    assert options.api_key == DEV_API_KEY
    assert options.base_urls == ("https://api.runware.ai/v1",)


def test_values_are_normalised() -> None:
    options = FakeOptions(
        progression="polls:02",
        api_keys="k",
        scenarios={"error_code": "timeout"},
        base_urls="https://x.test/v1",
    )
    assert options.progression == "polls:2"
    assert options.api_keys == ("k",) and options.api_key == "k"
    assert options.scenarios == (Scenario(error_code="timeout"),)
    assert options.base_urls == ("https://x.test/v1",)


def test_empty_key_list_means_any_key() -> None:
    assert FakeOptions(api_keys=[]).api_keys == ()
    assert FakeOptions(api_keys=[]).api_key == DEV_API_KEY


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"progression": "often"}, "progression"),
        ({"seed": "7"}, "seed must be an integer"),
        ({"seed": True}, "seed must be an integer"),
        ({"api_keys": [""]}, "api_keys must hold non-empty strings"),
        ({"clock": "fast"}, "clock must be one of"),
        ({"base_urls": []}, "base_urls needs at least one URL"),
        ({"live": "yes"}, "live must be True or False"),
        ({"scenarios": [42]}, "a scenario is a Scenario"),
    ],
)
def test_bad_values_are_refused(changes: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        FakeOptions(**changes)


def test_merged_names_the_closest_option() -> None:
    with pytest.raises(ValueError) as caught:
        FakeOptions().merged({"scenario": []}, where="marker option")
    assert str(caught.value).startswith(
        "unknown marker option 'scenario' (did you mean 'scenarios'?)"
    )
    assert FakeOptions().merged({"seed": 3}).seed == 3
    assert "progression" in OPTION_NAMES and "live" in OPTION_NAMES


def test_scenarios_from_every_form() -> None:
    assert to_scenario(Scenario(nsfw=True)) == Scenario(nsfw=True)
    assert to_scenario({"error_code": "timeout", "phase": "processing"}).phase == "processing"
    assert to_scenario("error=insufficientCredits@processing") == Scenario(
        error_code="insufficientCredits", phase="processing"
    )
    assert to_scenario("a prompt [[testkit:nsfw]]") == Scenario(nsfw=True)
    with pytest.raises(ValueError, match="unknown testkit token"):
        to_scenario("sometimes")
    with pytest.raises(ValueError, match="unknown scenario key 'errorCode'"):
        to_scenario({"errorCode": "timeout"})
