"""Read a cassette file: its header (version checked) and its interactions, in file order."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from runware_testkit.cassettes.errors import CassetteError
from runware_testkit.cassettes.format import CassetteHeader, Interaction

_TOO_DEEP = "JSON nested too deeply to read (no recorded Runware message is)"
_SHA256 = re.compile(r"[0-9a-fA-F]{64}")


@dataclass(frozen=True)
class Cassette:
    """A whole cassette: ``header``, ``interactions`` (file order) and where it lives.

    ``truncated`` is True when the last line was cut short (a recording that stopped mid-write)
    and was left out.
    """

    path: Path
    header: CassetteHeader
    interactions: tuple[Interaction, ...]
    truncated: bool = False

    @property
    def media_dir(self) -> Path:
        """The folder ``<cassette>.media/`` holding media bodies by sha256 (``media: hash``)."""
        return media_dir_for(self.path)

    def media_path(self, sha256: str) -> Path:
        """Where the media body with this sha256 is kept (it may be absent for ``media: none``).

        ValueError if `sha256` is not 64 hex digits (a cassette cannot name another file)."""
        if not _SHA256.fullmatch(sha256):
            raise ValueError(f"not a sha256 (64 hex digits): {sha256!r}")
        return self.media_dir / sha256


def read_media(media_dir: Path, sha256: object) -> bytes | None:
    """The media body kept as `sha256` in `media_dir`, or None.

    None unless `sha256` is 64 hex digits naming a regular file (no symlink) in `media_dir`
    whose content has that sha256: a cassette edited to name ``../../etc/passwd`` or a file
    swapped in the folder gets nothing served from it.
    """
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
        return None
    path = Path(media_dir) / sha256.lower()
    try:
        if path.is_symlink() or not path.is_file():
            return None
        body = path.read_bytes()
    except OSError:
        return None
    return body if hashlib.sha256(body).hexdigest() == sha256.lower() else None


def media_dir_for(path: Path) -> Path:
    """``PATH.media/``: the media folder beside the cassette ``PATH``."""
    return path.with_name(path.name + ".media")


def read_cassette(path: str | Path) -> Cassette:
    """Read and check the whole cassette at ``path``.

    Raises ``CassetteError`` naming the file and line for: a missing or unreadable file, a line
    that is not JSON, a first line that is not a header, an unknown version, an interaction of the
    wrong shape. A last line without its ``\\n`` that is not JSON is dropped (``truncated``).
    """
    path = Path(path)
    lines = _lines(path)
    if not lines:
        raise CassetteError("empty file: a cassette starts with its header line", path=path)
    header = _header(path, lines[0])
    interactions: list[Interaction] = []
    truncated = False
    for number, (text, complete) in enumerate(lines[1:], start=2):
        if not text.strip():
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as error:
            if not complete:
                truncated = True
                break
            raise CassetteError(f"not JSON ({error.msg})", path=path, line=number) from None
        except RecursionError:
            raise CassetteError(_TOO_DEEP, path=path, line=number) from None
        try:
            interactions.append(Interaction.from_json(obj))
        except CassetteError as error:
            raise CassetteError(error.reason, path=path, line=number) from None
    return Cassette(path=path, header=header, interactions=tuple(interactions), truncated=truncated)


def read_header(path: str | Path) -> CassetteHeader:
    """Read and check only the header line of the cassette at ``path`` (errors as above)."""
    path = Path(path)
    lines = _lines(path)
    if not lines:
        raise CassetteError("empty file: a cassette starts with its header line", path=path)
    return _header(path, lines[0])


def iter_interactions(path: str | Path) -> Iterator[Interaction]:
    """The interactions of the cassette at ``path``, in file order (the header is checked)."""
    yield from read_cassette(path).interactions


def _lines(path: Path) -> list[tuple[str, bool]]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CassetteError("no such file", path=path) from None
    except OSError as error:
        raise CassetteError(f"cannot be read ({error.strerror})", path=path) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise CassetteError("not UTF-8 text", path=path, line=line) from None
    if not text:
        return []
    parts = text.split("\n")
    ends_complete = parts[-1] == ""
    if ends_complete:
        parts.pop()
    return [(part, ends_complete or i < len(parts) - 1) for i, part in enumerate(parts)]


def _header(path: Path, first: tuple[str, bool]) -> CassetteHeader:
    try:
        obj = json.loads(first[0])
    except json.JSONDecodeError as error:
        raise CassetteError(f"not JSON ({error.msg})", path=path, line=1) from None
    except RecursionError:
        raise CassetteError(_TOO_DEEP, path=path, line=1) from None
    try:
        return CassetteHeader.from_json(obj)
    except CassetteError as error:
        raise CassetteError(error.reason, path=path, line=1) from None
