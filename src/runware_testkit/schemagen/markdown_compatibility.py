"""The Compatibility & Validation section of a markdown page: pairing sentences and size tables.

A pairing sentence ("`width` and `height` must be used together.") becomes pairs of parameters
that require each other. A table with a label column and a dimensions column (``1280x720``), or
with separate Width and Height columns, lists the allowed width x height presets. Prose is left
alone; a pairing sentence or a table that cannot be read is a PageError naming its line.
"""

from __future__ import annotations

import re

from . import vocabulary
from .model import ModelPage, PageError, Preset, Source

_TOGETHER = re.compile(
    r"\bmust\s+(?:all\s+|both\s+)?be\s+(?:used|provided|specified|set|given|sent)\s+together\b",
    re.IGNORECASE,
)
_CODE_NAME = re.compile(r"`(\w+)`")
_PLAIN_PAIR = re.compile(r"^(\w+)\s+and\s+(\w+)\s+must\b", re.IGNORECASE)
_SEPARATOR_CELL = re.compile(r":?-+:?")
_DIMENSIONS = re.compile(r"(\d+)\s*(?:px)?\s*[x×*]\s*(\d+)\s*(?:px)?", re.IGNORECASE)
_NUMBER = re.compile(r"(\d+)\s*(?:px)?", re.IGNORECASE)
# Header words of a "WxH" column, best first ("Resolution" may also name a label like "720p").
_DIMENSION_HEADERS = (
    "dimensions",
    "dimension",
    "size",
    "sizes",
    "output size",
    "width x height",
    "width × height",
    "resolution",
)


def read_compatibility(
    lines: list[str], fenced: set[int], file: str, begin: int, end: int, page: ModelPage
) -> None:
    """Add the pairs and presets of 0-based lines ``begin``..``end`` to ``page``."""
    i = begin
    while i < end:
        line = lines[i].strip()
        if i in fenced:
            i += 1
        elif line.startswith("|"):
            i = _table(lines, fenced, file, i, end, page)
        else:
            _pairing(line, Source(file, i + 1), page)
            i += 1


def _pairing(line: str, source: Source, page: ModelPage) -> None:
    if not _TOGETHER.search(line):
        return
    names = _CODE_NAME.findall(line)
    plain = _PLAIN_PAIR.match(line)
    if not names and plain:
        names = [plain.group(1), plain.group(2)]
    if len(names) < 2:
        raise PageError(
            source.file, source.line, f"cannot tell which parameters go together in {line!r}"
        )
    page.pairs += [(names[0], other, source) for other in names[1:]]


def _table(
    lines: list[str], fenced: set[int], file: str, start: int, end: int, page: ModelPage
) -> int:
    """Read one table (blank lines between its rows do not split it); return the line after."""
    rows: list[tuple[int, list[str]]] = []
    i = start
    while i < end:
        line = lines[i].strip()
        if line.startswith("|") and i not in fenced:
            rows.append((i, _cells(line)))
        elif line:
            break
        i += 1
    header_at, header = rows[0]
    if len(rows) < 2 or not all(_SEPARATOR_CELL.fullmatch(c) for c in rows[1][1]):
        raise PageError(file, header_at + 1, "table has no '| --- |' row under its header")
    read_size = _size_reader(header)
    if read_size is None:
        raise PageError(
            file,
            header_at + 1,
            f"unreadable Compatibility table: columns {header!r}, expected a label column "
            "and a Dimensions column ('| Configuration | Dimensions |') or Width and Height",
        )
    for at, cells in rows[2:]:
        size = read_size(cells) if len(cells) == len(header) else None
        if size is None:
            row = lines[at].strip()
            raise PageError(file, at + 1, f"unreadable Compatibility table row {row!r}")
        label, width, height = size
        page.presets.append(Preset(label, width, height, Source(file, at + 1)))
    return i


def _size_reader(header: list[str]):
    """A function reading ``(label, width, height)`` from a row's cells, or None."""
    keys = [vocabulary.label_key(cell) for cell in header]
    dims = next((keys.index(k) for k in _DIMENSION_HEADERS if k in keys), None)
    if dims is not None:

        def one_column(cells: list[str]) -> tuple[str, int, int] | None:
            size = _DIMENSIONS.fullmatch(cells[dims])
            label = " ".join(c for n, c in enumerate(cells) if n != dims and c)
            return (label, int(size.group(1)), int(size.group(2))) if size and label else None

        return one_column if len(keys) > 1 else None
    if "width" in keys and "height" in keys:
        w, h = keys.index("width"), keys.index("height")

        def two_columns(cells: list[str]) -> tuple[str, int, int] | None:
            width, height = _NUMBER.fullmatch(cells[w]), _NUMBER.fullmatch(cells[h])
            label = " ".join(c for n, c in enumerate(cells) if n not in (w, h) and c)
            if not (width and height and label):
                return None
            return label, int(width.group(1)), int(height.group(1))

        return two_columns if len(keys) > 2 else None
    return None


def _cells(line: str) -> list[str]:
    """The cells of a ``| a | b |`` table row, stripped of spaces and code marks."""
    inner = line.strip().removeprefix("|").removesuffix("|")
    return [cell.strip().strip("`").strip() for cell in re.split(r"(?<!\\)\|", inner)]
