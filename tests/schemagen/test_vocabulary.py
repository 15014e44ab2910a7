"""Labels are matched without regard to case, spacing or surrounding punctuation."""

import pytest

from runware_testkit.schemagen.vocabulary import (
    ATTRIBUTE_ORDER,
    PAGE_INFO,
    PARAMETER_ATTRIBUTES,
    SECTIONS,
    label_key,
    lookup,
)


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("**Min-Items:**", "min items"),
        ("  Release_Date ", "release date"),
        ("Compatibility & Validation", "compatibility and validation"),
        ("`Type`:", "type"),
    ],
)
def test_label_key(written, key):
    assert label_key(written) == key


@pytest.mark.parametrize(
    ("table", "written", "name"),
    [
        (PARAMETER_ATTRIBUTES, "MINIMUM", "min"),
        (PARAMETER_ATTRIBUTES, "Default Value:", "default"),
        (PARAMETER_ATTRIBUTES, "Paired With", "paired with"),
        (PARAMETER_ATTRIBUTES, "Accepted values", "allowed values"),
        (SECTIONS, "REQUEST PARAMETERS", "request"),
        (SECTIONS, "Compatibility and Validation", "compatibility"),
        (SECTIONS, "Response fields", "response"),
        (PAGE_INFO, "Model ID", "id"),
        (PARAMETER_ATTRIBUTES, "Colour", None),
    ],
)
def test_lookup(table, written, name):
    assert lookup(table, written) == name


def test_every_attribute_has_a_place_in_the_order():
    assert set(PARAMETER_ATTRIBUTES.values()) == set(ATTRIBUTE_ORDER)
    assert ATTRIBUTE_ORDER[0] == "type"
