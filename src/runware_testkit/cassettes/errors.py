"""The one error a cassette reader raises: it names the file and the line at fault."""

from __future__ import annotations

from pathlib import Path


class CassetteError(ValueError):
    """A cassette that cannot be read, or a value that cannot be written to one.

    ``path`` is the cassette file (``None`` when no file is involved), ``line`` the 1-based line
    number at fault (``None`` for the whole file), ``reason`` the bare explanation. ``str()`` gives
    ``"<path> line <n>: <reason>"``.
    """

    def __init__(self, reason: str, *, path: Path | None = None, line: int | None = None) -> None:
        self.reason = reason
        self.path = path
        self.line = line
        where = str(path) if path is not None else "cassette"
        if line is not None:
            where = f"{where} line {line}"
        super().__init__(f"{where}: {reason}")
