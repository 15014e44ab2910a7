"""Reading cassettes into a `ReplaySession` (the reading itself is `cassettes.read_cassette`)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ...cassettes import Cassette, read_cassette
from .plan import ReplayPlan, step_of
from .session import ReplaySession

__all__ = ["interaction_lines", "load_plan", "load_session"]


def load_plan(path: str | Path) -> ReplayPlan:
    """The replay plan of the cassette at `path`; `cassettes.CassetteError` (naming the file and
    line) when it cannot be read."""
    cassette = read_cassette(path)
    steps = [
        step_of(interaction, line)
        for interaction, line in zip(
            cassette.interactions, interaction_lines(cassette), strict=False
        )
    ]
    media_dir = str(cassette.media_dir) if cassette.header.media == "hash" else None
    return ReplayPlan.build(steps, source=str(path), media_dir=media_dir)


def load_session(
    paths: Iterable[str | Path], *, strict: bool = False, timing: str = "compressed"
) -> ReplaySession:
    """A `ReplaySession` over the cassettes at `paths`, in order (errors as `load_plan`; a bad
    `timing` is a ValueError)."""
    return ReplaySession([load_plan(path) for path in paths], strict=strict, timing=timing)


def interaction_lines(cassette: Cassette) -> list[int]:
    """The 1-based file line of each of the cassette's interactions (blank lines skipped, as the
    reader skips them)."""
    text = cassette.path.read_text(encoding="utf-8")
    lines = text.split("\n")
    return [number for number, line in enumerate(lines[1:], start=2) if line.strip()]
