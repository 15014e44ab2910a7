"""Hints for unknown keys: a close spelling, the right nesting, or the model that accepts it.

Everything is derived from the contract (`ModelContract.parameter_paths`), never from a hand list.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from ..contract import Contract

__all__ = ["Hint", "Suggester"]

CUTOFF = 0.75


@dataclass(frozen=True)
class Hint:
    """What to tell about an unknown key: a sentence, and the model that accepts it (if any)."""

    text: str
    other_model: str | None = None


class Suggester:
    """Suggestions for unknown keys, built once from a contract."""

    def __init__(self, contract: Contract) -> None:
        self._paths = {air: tuple(m.parameter_paths()) for air, m in contract.models.items()}
        self._titles = {air: m.title for air, m in contract.models.items()}

    def hint(self, air: str | None, parent: str, key: str, known: list[str]) -> Hint | None:
        """A hint for unknown ``key`` in the object at dotted ``parent`` (``""`` is the task).

        ``parent`` keeps array indexes (``inputs.frameImages.0``); ``air`` is the model the task
        is for (None for platform tasks); ``known`` are the keys the schema declares there.
        """
        full = _join(".".join(p for p in parent.split(".") if p and not p.isdigit()), key)
        if air is not None:
            for other, paths in self._paths.items():
                if other != air and full in paths:
                    return Hint(f"only {self._name(other)} accepts it", other)
        lowered = {name.lower(): name for name in known}
        if key.lower() in lowered:
            return Hint(f"did you mean '{_join(parent, lowered[key.lower()])}'?")
        if air is not None:
            elsewhere = [p for p in self._paths.get(air, ()) if _last(p).lower() == key.lower()]
            if elsewhere:
                return Hint(f"did you mean '{elsewhere[0]}'?")
        close = difflib.get_close_matches(key, known, n=1, cutoff=CUTOFF)
        if close:
            return Hint(f"did you mean '{_join(parent, close[0])}'?")
        if air is not None:
            for other, paths in self._paths.items():
                moved = [p for p in paths if _last(p) == key]
                if other != air and moved:
                    return Hint(f"only {self._name(other)} accepts it, as '{moved[0]}'", other)
        return None

    def _name(self, air: str) -> str:
        return f"{air} ({self._titles[air]})"


def _last(path: str) -> str:
    return path.rsplit(".", 1)[-1]


def _join(parent: str, key: str) -> str:
    return f"{parent}.{key}" if parent else key
