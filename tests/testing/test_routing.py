"""What runware_mock routes, and its explanations for what it does not."""

from __future__ import annotations

import re

import httpx
import pytest

from runware_testkit.testing.routing import explain, parse_base, target_path

ROUTES = [("POST", "/v1"), ("GET", "/media/{uuid}.{ext}"), ("*", "/__testkit/...")]
SERVED = {"/v1", "/media/x.mp4", "/__testkit/sink/a"}
BASES = [parse_base("https://api.runware.ai/v1")]


def served(path: str) -> bool:
    return path in SERVED


def request(method: str, url: str) -> httpx.Request:
    return httpx.Request(method, url)


def test_parse_base() -> None:
    base = parse_base("https://gateway.example:8443/runware/v1/")
    assert (base.scheme, base.host, base.port, base.prefix) == (
        "https",
        "gateway.example",
        8443,
        "/runware",
    )
    assert base.origin == "https://gateway.example:8443"
    assert parse_base("http://API.runware.ai/v1").origin == "http://api.runware.ai"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://api.runware.ai/v1", "must be an http(s) URL"),
        ("https://api.runware.ai/v2", "must be the REST endpoint, ending in /v1"),
        ("not a url at all", "must be an http(s) URL"),
    ],
)
def test_parse_base_refuses(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_base(url)


def test_target_path_needs_the_same_origin_and_a_served_path() -> None:
    assert target_path(BASES, httpx.URL("https://api.runware.ai/v1"), served) == "/v1"
    assert target_path(BASES, httpx.URL("https://api.runware.ai:443/v1"), served) == "/v1"
    assert target_path(BASES, httpx.URL("http://api.runware.ai/v1"), served) is None
    assert target_path(BASES, httpx.URL("https://api.runware.ai/v2"), served) is None
    assert target_path(BASES, httpx.URL("https://other.example/v1"), served) is None


def test_target_path_strips_a_prefix() -> None:
    bases = [parse_base("https://gw.example/runware/v1")]
    assert target_path(bases, httpx.URL("https://gw.example/runware/v1"), served) == "/v1"
    assert target_path(bases, httpx.URL("https://gw.example/media/x.mp4"), served) == "/media/x.mp4"
    assert target_path(bases, httpx.URL("https://gw.example/runware/v2"), served) is None


def test_explains_an_unserved_path() -> None:
    text = explain(request("GET", "https://api.runware.ai/v2"), BASES, ROUTES)
    assert text is not None
    assert text.startswith("RESPX: <Request('GET', 'https://api.runware.ai/v2')> not mocked!\n")
    assert "the fake serves no GET /v2. It serves:" in text
    assert "  POST   https://api.runware.ai/v1" in text
    assert "Did you mean https://api.runware.ai/v1?" in text


def test_a_post_elsewhere_is_pointed_at_the_one_endpoint() -> None:
    text = explain(request("POST", "https://api.runware.ai/v1/tasks"), BASES, ROUTES)
    assert text is not None and "Runware's REST API is one endpoint: POST" in text


def test_explains_a_scheme_or_port_mismatch() -> None:
    text = explain(request("POST", "http://api.runware.ai/v1"), BASES, ROUTES)
    assert text is not None
    assert (
        "it goes to http://api.runware.ai, while runware_mock routes https://api.runware.ai" in text
    )


def test_explains_the_websocket_host() -> None:
    text = explain(request("GET", "https://ws-api.runware.ai/v1"), BASES, ROUTES)
    assert text is not None and "use the runware_server fixture" in text


@pytest.mark.parametrize("url", ["https://api.runware.com/v1", "https://api.runwere.ai/v1"])
def test_explains_near_miss_hosts(url: str) -> None:
    text = explain(request("POST", url), BASES, ROUTES)
    assert (
        text is not None and "is not routed; runware_mock routes https://api.runware.ai/v1" in text
    )


def test_says_nothing_about_unrelated_hosts() -> None:
    assert explain(request("GET", "https://example.com/"), BASES, ROUTES) is None
