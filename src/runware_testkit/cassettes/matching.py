"""Matching a live request against a recorded one (docs/cassettes.md, "Matching").

Two requests match when they are equal after placeholders are taken out (a placeholder matches
any string, whole or inside a longer string) and URL queries and ``apiKey`` are scrubbed on both
sides. Key order never matters; array order does; ``1`` and ``1.0`` are equal, ``true`` and ``1``
are not. The same placeholder must stand for the same live value throughout.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from runware_testkit.cassettes.placeholders import PLACEHOLDER
from runware_testkit.cassettes.scrub import SECRET_KEYS, Scrubber

_NO_MATCH = object()


def match_request(
    recorded: Any, live: Any, bindings: Mapping[str, str] | None = None
) -> dict[str, str] | None:
    """The placeholder bindings (``{"{{task:t1}}": "<live uuid>", ...}``) if ``live`` matches
    ``recorded``, else ``None``.

    ``bindings`` are those already fixed by earlier lines (a poll must use its submit's task);
    the result holds them plus the new ones. Live values are bound unscrubbed, so a replay can
    deliver to the client's real ``webhookURL``.
    """
    found = dict(bindings or {})
    return found if _match(recorded, live, found) else None


def requests_match(recorded: Any, live: Any) -> bool:
    """``match_request(recorded, live) is not None``."""
    return match_request(recorded, live) is not None


def _match(recorded: Any, live: Any, bindings: dict[str, str]) -> bool:
    if isinstance(recorded, dict):
        if not isinstance(live, dict) or recorded.keys() != live.keys():
            return False
        return all(
            key in SECRET_KEYS or _match(item, live[key], bindings)
            for key, item in recorded.items()
        )
    if isinstance(recorded, list):
        if not isinstance(live, list) or len(recorded) != len(live):
            return False
        return all(_match(a, b, bindings) for a, b in zip(recorded, live, strict=True))
    if isinstance(recorded, str):
        return isinstance(live, str) and _match_string(recorded, live, bindings)
    if isinstance(recorded, bool) or isinstance(live, bool):
        return recorded is live
    return recorded == live


def _match_string(recorded: str, live: str, bindings: dict[str, str]) -> bool:
    if not PLACEHOLDER.search(recorded):
        scrubber = Scrubber()
        return scrubber.scrub(recorded) == scrubber.scrub(live)
    names: list[str] = []
    pattern = []
    position = 0
    for found in PLACEHOLDER.finditer(recorded):
        pattern.append(re.escape(_scrub_plain(recorded[position : found.start()])))
        pattern.append("(.+?)")
        names.append(found.group(0))
        position = found.end()
    pattern.append(re.escape(_scrub_plain(recorded[position:])))
    whole = len(names) == 1 and PLACEHOLDER.fullmatch(recorded)
    target = live if whole else _scrub_plain(live)
    match = re.fullmatch("".join(pattern), target, flags=re.DOTALL)
    if match is None:
        return False
    new: dict[str, str] = {}
    for name, value in zip(names, match.groups(), strict=True):
        known = bindings.get(name, new.get(name))
        if known is not None and known != value:
            return False
        new[name] = value
    bindings.update(new)
    return True


def _scrub_plain(text: str) -> str:
    return Scrubber().scrub_text(text)
