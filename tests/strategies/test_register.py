"""register_type_strategies(): st.from_type works for the wire models; absent names are skipped."""

from __future__ import annotations

import sys
import types

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict

from runware_testkit.strategies import register_type_strategies
from runware_testkit.strategies.register import SOURCES

from .support import aleph_only


class PollItem(BaseModel):
    """A stand-in wire model for the test."""

    model_config = ConfigDict(extra="allow")
    status: str


def test_registers_what_a_module_defines_and_skips_the_rest(monkeypatch):
    module = types.ModuleType("fake_wire_models")
    module.PollItem = PollItem
    monkeypatch.setitem(sys.modules, "fake_wire_models", module)
    assert register_type_strategies("fake_wire_models") == ["PollItem"]

    @settings(max_examples=20, database=None, deadline=None)
    @given(st.from_type(PollItem))
    def check(item):
        assert item.status in {"processing", "success", "error"}

    check()


def test_missing_module_registers_nothing():
    assert register_type_strategies("runware_testkit.no_such_models") == []


with aleph_only():  # registration draws once: from the Aleph models these tests are about
    REGISTERED = register_type_strategies()


def test_every_shipped_wire_model_is_registered():
    models = pytest.importorskip("runware_testkit.models")
    shipped = {n for n in models.__all__ if isinstance(getattr(models, n), type)}
    assert set(REGISTERED) == shipped & set(SOURCES)
    assert set(REGISTERED) == shipped, f"no strategy for {sorted(shipped - set(SOURCES))}"


@pytest.mark.parametrize("name", REGISTERED)
def test_registered_models_build_from_drawn_data(name):
    import runware_testkit.models as models

    model = getattr(models, name)

    @settings(max_examples=15, database=None, deadline=None)
    @given(st.from_type(model))
    def check(instance):
        assert isinstance(instance, model)

    check()
