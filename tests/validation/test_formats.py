"""The uuid and uri format checks."""

from __future__ import annotations

import pytest

from runware_testkit.validation.formats import format_checker, is_uri, is_uuid, uuid_version


@pytest.mark.parametrize(
    "value",
    ["aac49721-1964-481a-ae78-8a4e29b91402", "AAC49721-1964-481A-AE78-8A4E29B91402", 5, None],
)
def test_uuid_ok(value):
    assert is_uuid(value)


@pytest.mark.parametrize(
    "value",
    [
        "aac497211964481aae788a4e29b91402",
        "aac49721-1964-481a-ae78-8a4e29b9140",
        "aac49721-1964-481a-ae78-8a4e29b91402\n",
        "{aac49721-1964-481a-ae78-8a4e29b91402}",
        "",
    ],
)
def test_uuid_bad(value):
    assert not is_uuid(value)


def test_uuid_version():
    assert uuid_version("aac49721-1964-481a-ae78-8a4e29b91402") == 4
    assert uuid_version("aac49721-1964-181a-ae78-8a4e29b91402") == 1
    assert uuid_version("nope") is None


@pytest.mark.parametrize(
    "value",
    [
        "https://example.com/a.mp4?x=1#f",
        "http://user@host:8080/p",
        "data:video/mp4;base64,AAAA",
        "urn:uuid:aac49721-1964-481a-ae78-8a4e29b91402",
        "https://example.com/a%20b",
        42,
    ],
)
def test_uri_ok(value):
    assert is_uri(value)


@pytest.mark.parametrize(
    "value",
    [
        "not a url",
        "example.com/x",
        "https://",
        "https:///path",
        "http://a b",
        "x:",
        "https://e/%zz",
    ],
)
def test_uri_bad(value):
    assert not is_uri(value)


def test_checker_knows_exactly_the_kit_formats():
    checker = format_checker()
    assert set(checker.checkers) == {"uuid", "uri"}
    assert not checker.conforms("nope", "uuid")
    assert checker.conforms("https://x.y", "uri")
