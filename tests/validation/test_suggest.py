"""Hints for unknown keys, derived from the contract's parameter paths."""

from __future__ import annotations

from runware_testkit.contract import load_contract
from runware_testkit.validation.suggest import Suggester

from .conftest import ALEPH, ALEPH2, aleph_contract

SUGGESTER = Suggester(aleph_contract())
TOP = list(load_contract().model(ALEPH).request["properties"])


def test_close_spelling():
    hint = SUGGESTER.hint(ALEPH, "", "positivPrompt", TOP)
    assert hint.text == "did you mean 'positivePrompt'?"
    assert hint.other_model is None


def test_same_name_other_level():
    assert SUGGESTER.hint(ALEPH, "", "referenceImages", TOP).text == (
        "did you mean 'inputs.referenceImages'?"
    )


def test_other_models_parameter():
    hint = SUGGESTER.hint(ALEPH2, "inputs", "referenceImages", ["frameImages", "video"])
    assert hint.other_model == ALEPH
    assert hint.text == "only runway:2@1 (Runway Aleph) accepts it"


def test_other_models_parameter_at_another_level():
    hint = SUGGESTER.hint(ALEPH, "", "frameImages", TOP)
    assert hint.other_model == ALEPH2
    assert (
        hint.text == "only runway:aleph@2.0 (Runway Aleph 2.0) accepts it, as 'inputs.frameImages'"
    )


def test_array_item_keys_keep_their_index():
    hint = SUGGESTER.hint(ALEPH2, "inputs.frameImages.3", "imag", ["image", "frame", "timestamp"])
    assert hint.text == "did you mean 'inputs.frameImages.3.image'?"


def test_nothing_close():
    assert SUGGESTER.hint(ALEPH, "", "zzzzzz", TOP) is None
    assert (
        SUGGESTER.hint(None, "", "apikey", ["taskType", "apiKey"]).text == "did you mean 'apiKey'?"
    )
