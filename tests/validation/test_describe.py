"""Descriptions of found values and of schema alternatives."""

from __future__ import annotations

from runware_testkit.validation.describe import alternatives, describe, join_or, show, type_phrase


def test_describe_short_values():
    assert describe("ftp://x") == "'ftp://x'"
    assert describe(5) == "5"
    assert describe(True) == "true"
    assert describe(None) == "null"
    assert describe(float("nan")) == "NaN"
    assert describe({}) == "an empty object"
    assert describe({"a": 1}) == "an object"
    assert describe([1, 2]) == "an array of 2 items"
    assert describe({1, 2}) == "a set value"


def test_describe_truncates_long_values():
    text = describe("x" * 10_000)
    assert len(text) < 100
    assert text.endswith("(10000 characters)")
    assert describe(10**400) == "an integer of about 401 digits"


def test_show_and_type_phrase():
    assert show("MP4") == "MP4"
    assert show(-1) == "-1"
    assert type_phrase(["integer", "string"]) == "an integer or a string"
    assert join_or(["a", "b", "c"]) == "a, b or c"


def test_alternatives_are_flattened_and_titled():
    image = {
        "type": "string",
        "anyOf": [{"title": "UUID"}, {"title": "URL"}, {"title": "Data URI"}, {"title": "Base64"}],
    }
    frame = {"type": "object", "required": ["image"]}
    assert join_or(alternatives([image, frame])) == (
        "a UUID, an http(s) URL, a data URI, base64 image or an object with 'image'"
    )


def test_untitled_alternatives_of_runware_documents():
    from runware_testkit.validation.describe import alternatives, pattern_phrase

    branches = [
        {"format": "uuid"},
        {"format": "uri"},
        {"pattern": "^data:image\\/[a-zA-Z]+;base64,[a-zA-Z0-9+/=]+$"},
        {"pattern": "^[a-zA-Z0-9+/=]+$"},
    ]
    assert alternatives(branches) == ["a UUID", "a URI", "a data URI", "base64 data"]
    assert pattern_phrase("^#[0-9a-f]{6}$") == "a string matching ^#[0-9a-f]{6}$"
