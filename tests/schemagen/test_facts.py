"""Turning a page's words for a constraint into typed facts."""

import pytest

from runware_testkit.schemagen import facts
from runware_testkit.schemagen.model import PageError, Parameter, Source

SOURCE = Source("p.md", 7)


def typed(kind: str) -> Parameter:
    param = Parameter(name="p", path="p", source=SOURCE)
    facts.apply_type(param, kind, SOURCE)
    return param


@pytest.mark.parametrize(
    ("written", "name", "version"),
    [
        ("UUID v4", "uuid", 4),
        ("`uuid`", "uuid", None),
        ("UUID (version 4)", "uuid", 4),
        ("URI", "uri", None),
        ("url", "uri", None),
        ("Date_Time", "date-time", None),
        ("IPv4", "ipv4", None),
        ("hex colour", "hex colour", None),
    ],
)
def test_format_name(written, name, version):
    assert facts.format_name(written) == (name, version)


def test_unknown_format_is_kept_and_empty_format_is_an_error():
    param = typed("string")
    facts.apply_format(param, "`Mime Type`", SOURCE)
    assert param.fact("format") == "Mime Type"
    with pytest.raises(PageError, match=r"p\.md:7: the format of p is empty"):
        facts.apply_format(param, "``", SOURCE)


@pytest.mark.parametrize(
    ("written", "kind", "items"),
    [
        ("String", "string", None),
        ("int", "integer", None),
        ("Double", "number", None),
        ("bool", "boolean", None),
        ("list of integers", "array", ["integer"]),
        ("Array of  Strings or Objects", "array", ["string", "object"]),
        ("object[]", "array", ["object"]),
    ],
)
def test_apply_type_spellings(written, kind, items):
    param = typed(written)
    assert (param.fact("type"), param.fact("itemTypes")) == (kind, items)


def test_apply_type_errors():
    with pytest.raises(PageError, match="unknown parameter type 'decimal'"):
        typed("decimal")
    with pytest.raises(PageError, match="unknown array item type 'dates'"):
        typed("array of dates")


def test_coerce():
    assert facts.coerce(typed("boolean"), "`FALSE`", SOURCE, "default") is False
    assert facts.coerce(typed("integer"), "4,294,967,295", SOURCE, "max") == 4294967295
    assert facts.coerce(typed("float"), "0.5", SOURCE, "step") == 0.5
    with pytest.raises(PageError, match="'1,5' of p is not a valid integer"):
        facts.coerce(typed("integer"), "1,5", SOURCE, "max")


@pytest.mark.parametrize(
    ("written", "flag"), [("true", True), ("`Yes`", True), ("", True), ("False", False)]
)
def test_parse_flag(written, flag):
    assert facts.parse_flag(written, SOURCE, "Required") is flag


def test_parse_flag_rejects_other_words():
    with pytest.raises(PageError, match="Required 'sometimes' is neither true nor false"):
        facts.parse_flag("sometimes", SOURCE, "Required")


def test_parse_names():
    assert facts.parse_names("`width`, `height` and depth", SOURCE, "Paired with") == [
        "width",
        "height",
        "depth",
    ]
    with pytest.raises(PageError, match="not a list of parameter names"):
        facts.parse_names("the height", SOURCE, "Paired with")
