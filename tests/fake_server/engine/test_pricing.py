import math

import pytest

from runware_testkit.fake_server.engine.pricing import DEFAULT_DURATION_SECONDS, task_cost


def test_aleph_v1_costs_the_page_price_per_result():
    assert task_cost("runway:2@1", duration_seconds=None) == 0.7563
    assert task_cost("runway:2@1", duration_seconds=12.0) == 0.7563


def test_aleph_2_costs_per_second_of_source_video():
    assert task_cost("runway:aleph@2.0", duration_seconds=4.0) == 1.12
    assert task_cost("runway:aleph@2.0", duration_seconds=30) == 8.4


def test_aleph_2_rounds_to_four_decimals():
    assert task_cost("runway:aleph@2.0", duration_seconds=10 / 3) == 0.9333
    assert task_cost("runway:aleph@2.0", duration_seconds=2.00005) == round(0.28 * 2.00005, 4)


def test_aleph_2_uses_the_default_duration_when_unknown():
    assert DEFAULT_DURATION_SECONDS == 5.0
    assert task_cost("runway:aleph@2.0", duration_seconds=None) == 1.4
    assert task_cost("runway:aleph@2.0") == 1.4


def test_unknown_model_is_refused():
    with pytest.raises(ValueError, match="runway:9@9"):
        task_cost("runway:9@9", duration_seconds=4.0)


@pytest.mark.parametrize("bad", [-1.0, math.nan, math.inf, "4", True])
def test_bad_durations_are_refused(bad):
    with pytest.raises(ValueError):
        task_cost("runway:aleph@2.0", duration_seconds=bad)
