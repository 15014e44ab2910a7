from __future__ import annotations

import json

import pytest

from runware_testkit.cassettes import SCRUBBED, Scrubber, scrub_url


def test_query_values_are_scrubbed_and_names_kept() -> None:
    url = "https://x/y.mp4?X-Amz-Signature=abc123&X-Amz-Expires=60&flag"
    assert scrub_url(url) == (
        f"https://x/y.mp4?X-Amz-Signature={SCRUBBED}&X-Amz-Expires={SCRUBBED}&flag"
    )


def test_userinfo_is_scrubbed() -> None:
    assert scrub_url("https://user:pass@host:8080/p") == f"https://{SCRUBBED}@host:8080/p"


def test_a_string_that_is_not_a_url_is_unchanged() -> None:
    assert scrub_url("a cat on a mat?x=1") == "a cat on a mat?x=1"


def test_api_keys_anywhere_in_a_body_are_scrubbed() -> None:
    body = [{"taskType": "authentication", "apiKey": "key-one"}, {"nested": {"apiKey": "k2"}}]
    assert Scrubber().scrub(body) == [
        {"taskType": "authentication", "apiKey": SCRUBBED},
        {"nested": {"apiKey": SCRUBBED}},
    ]


def test_a_learned_secret_is_removed_where_it_is_echoed() -> None:
    scrubber = Scrubber()
    scrubber.scrub({"apiKey": "sekrit-key-42"})
    scrubber.learn("Bearer header-token-7")
    answer = {"errors": [{"message": "key sekrit-key-42 or header-token-7 is not valid"}]}
    assert scrubber.scrub(answer) == {
        "errors": [{"message": f"key {SCRUBBED} or {SCRUBBED} is not valid"}]
    }


def test_urls_inside_text_are_scrubbed_and_their_secrets_learned() -> None:
    scrubber = Scrubber()
    text = "could not fetch https://h/a.png?token=tok-value-9 (timeout)"
    assert scrubber.scrub(text) == f"could not fetch https://h/a.png?token={SCRUBBED} (timeout)"
    assert scrubber.scrub("tok-value-9 again") == f"{SCRUBBED} again"


def test_scrubbing_leaves_the_input_untouched() -> None:
    body = {"apiKey": "abc-def"}
    Scrubber().scrub(body)
    assert body == {"apiKey": "abc-def"}


@pytest.mark.parametrize(
    ("value", "secret"),
    [
        ("s3://bucket/a.mp4?X-Amz-Signature=LEAK4S3", "LEAK4S3"),
        ("ftp://user:LEAK5FTPPASS@host/a.mp4", "LEAK5FTPPASS"),
        ("https://example.com/a.mp4?a=x'&token=LEAK1QUOTE", "LEAK1QUOTE"),
        ("https://example.com/a.mp4?a=x y&token=LEAK2SPACE", "LEAK2SPACE"),
        ("see https://example.com/a.mp4?a=x'&token=LEAK3TEXT now", "LEAK3TEXT"),
    ],
)
def test_secrets_in_any_scheme_and_after_odd_characters_are_scrubbed(
    value: str, secret: str
) -> None:
    scrubbed = Scrubber().scrub({"inputs": {"video": value}})
    assert secret not in json.dumps(scrubbed)
