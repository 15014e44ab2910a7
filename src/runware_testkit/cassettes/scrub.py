"""Scrubbing: secrets never reach a cassette (docs/cassettes.md, "Scrubbed").

- ``apiKey`` anywhere in a body is written ``"[scrubbed]"``;
- every URL (a whole string value or one inside text) keeps its query names but each value is
  ``[scrubbed]``, and its userinfo becomes ``[scrubbed]``;
- every secret value learned (API keys, ``Authorization`` header values, query values, userinfo) is
  also replaced wherever else it shows up, for example echoed in an error message.

Headers are not part of an interaction line, so none is written (only ``Content-Type`` would be
allowed, ``RECORDED_HEADERS``).
"""

from __future__ import annotations

import re
import threading
from typing import Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

SCRUBBED = "[scrubbed]"
SECRET_KEYS: frozenset[str] = frozenset({"apiKey"})
RECORDED_HEADERS: frozenset[str] = frozenset({"content-type"})
# Shorter learned values are too likely to be ordinary text; they are still scrubbed where they sit.
MIN_SECRET_LENGTH = 4

# Any scheme (s3://, ftp:// sign URLs too); a URL runs to whitespace, a double quote, <, > or a
# backslash. A single quote does not end it: it may sit inside a query value.
_URL = re.compile(r"(?i)\b[a-z][a-z0-9+.-]*://[^\s\"<>\\]+")
_WHOLE_URL = re.compile(r"(?i)[a-z][a-z0-9+.-]*://\S")


def scrub_url(url: str) -> str:
    """``url`` with each query (and fragment) parameter value and any userinfo ``[scrubbed]``.

    ``https://u:p@h/x.mp4?X-Amz-Signature=abc&n`` -> ``https://[scrubbed]@h/x.mp4?X-Amz-Signature=[scrubbed]&n``.
    A string that is not an absolute URL comes back unchanged.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.scheme or not parts.netloc:
        return url
    netloc = parts.netloc
    if "@" in netloc:
        netloc = SCRUBBED + "@" + netloc.rsplit("@", 1)[1]
    query = _scrub_pairs(parts.query)
    fragment = _scrub_pairs(parts.fragment) if "=" in parts.fragment else parts.fragment
    return urlunsplit((parts.scheme, netloc, parts.path, query, fragment))


def url_secrets(url: str) -> list[str]:
    """The secret parts of ``url``: each query/fragment value and the userinfo, raw and decoded."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return []
    if not parts.scheme or not parts.netloc:
        return []
    found: list[str] = []
    if "@" in parts.netloc:
        userinfo = parts.netloc.rsplit("@", 1)[0]
        found += [userinfo, *userinfo.split(":", 1)]
    for text in (parts.query, parts.fragment):
        for pair in text.split("&"):
            if "=" in pair:
                value = pair.split("=", 1)[1]
                found += [value, unquote(value.replace("+", " "))]
    return [value for value in found if value and value != SCRUBBED]


def _scrub_pairs(text: str) -> str:
    if not text:
        return text
    pairs = []
    for pair in text.split("&"):
        name = pair.split("=", 1)[0]
        pairs.append(f"{name}={SCRUBBED}" if "=" in pair else pair)
    return "&".join(pairs)


class Scrubber:
    """Removes secrets from JSON-like values; remembers every secret it has seen.

    ``learn(secret)`` adds a value to remove wherever it appears (an Authorization header's token,
    say); ``scrub(value)`` learns the secrets in ``value`` and returns a scrubbed deep copy.
    Thread-safe.
    """

    def __init__(self) -> None:
        self._secrets: set[str] = set()
        self._lock = threading.Lock()

    def learn(self, secret: str) -> None:
        """Never write ``secret`` (nor its percent-encoded form) again, anywhere."""
        secret = secret.strip()
        if secret.lower().startswith("bearer "):
            secret = secret[7:].strip()
        if len(secret) < MIN_SECRET_LENGTH or secret == SCRUBBED:
            return
        with self._lock:
            self._secrets.update({secret, quote(secret, safe="")})

    def learn_from(self, value: Any) -> None:
        """Learn the secrets a value holds (``apiKey`` values, URL query values and userinfo)."""
        if isinstance(value, dict):
            for key, item in value.items():
                if key in SECRET_KEYS and isinstance(item, str):
                    self.learn(item)
                else:
                    self.learn_from(item)
        elif isinstance(value, list):
            for item in value:
                self.learn_from(item)
        elif isinstance(value, str):
            for url in _URL.findall(value):
                for secret in url_secrets(url):
                    self.learn(secret)

    def scrub(self, value: Any) -> Any:
        """A deep copy of ``value`` with every secret replaced (see the module docstring)."""
        self.learn_from(value)
        with self._lock:
            secrets = sorted(self._secrets, key=len, reverse=True)
        return _scrub(value, secrets)

    def scrub_text(self, text: str) -> str:
        """``text`` with learned secrets and URL query values replaced."""
        with self._lock:
            secrets = sorted(self._secrets, key=len, reverse=True)
        return _scrub_string(text, secrets)


def _scrub(value: Any, secrets: list[str]) -> Any:
    if isinstance(value, dict):
        return {
            key: SCRUBBED if key in SECRET_KEYS and isinstance(item, str) else _scrub(item, secrets)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_scrub(item, secrets) for item in value]
    if isinstance(value, str):
        return _scrub_string(value, secrets)
    return value


def _scrub_string(text: str, secrets: list[str]) -> str:
    if _WHOLE_URL.match(text):
        # A value that is one URL is scrubbed whole, spaces in its query included.
        return _remove(scrub_url(text), secrets)
    return _remove(_URL.sub(lambda match: scrub_url(match.group(0)), text), secrets)


def _remove(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, SCRUBBED)
    return text
