"""Cassettes: recorded Runware traffic, format version 1 (docs/cassettes.md).

Reading: ``read_cassette(path) -> Cassette`` (``header``, ``interactions``), ``read_header``.
Writing: ``CassetteWriter(path, header)``; ``CassetteRecorder(writer)`` scrubs secrets and
substitutes placeholders before each line. Replay and verify: ``match_request``,
``fill_placeholders``. Every reading error is a ``CassetteError`` naming the file and line.
"""

from runware_testkit.cassettes.errors import CassetteError
from runware_testkit.cassettes.format import (
    FORMAT_NAME,
    FORMAT_VERSION,
    CassetteHeader,
    Direction,
    Interaction,
    MediaMode,
    Transport,
)
from runware_testkit.cassettes.matching import match_request, requests_match
from runware_testkit.cassettes.placeholders import (
    PLACEHOLDER,
    Placeholders,
    fill_placeholders,
    parse_placeholder,
    placeholder_text,
)
from runware_testkit.cassettes.reader import (
    Cassette,
    iter_interactions,
    media_dir_for,
    read_cassette,
    read_header,
    read_media,
)
from runware_testkit.cassettes.recorder import CassetteRecorder, Started, split_envelope
from runware_testkit.cassettes.scrub import SCRUBBED, Scrubber, scrub_url
from runware_testkit.cassettes.writer import CassetteWriter, new_header

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "PLACEHOLDER",
    "SCRUBBED",
    "Cassette",
    "CassetteError",
    "CassetteHeader",
    "CassetteRecorder",
    "CassetteWriter",
    "Direction",
    "Interaction",
    "MediaMode",
    "Placeholders",
    "Scrubber",
    "Started",
    "Transport",
    "fill_placeholders",
    "iter_interactions",
    "match_request",
    "media_dir_for",
    "new_header",
    "parse_placeholder",
    "placeholder_text",
    "read_cassette",
    "read_header",
    "read_media",
    "requests_match",
    "scrub_url",
    "split_envelope",
]
