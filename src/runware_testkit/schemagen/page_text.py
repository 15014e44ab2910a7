"""Reading a page's raw text: its lines, its front matter and its fenced code blocks.

Line ``i`` of :func:`split_lines` is line ``i + 1`` of the file, so every error and every
source names the line a person sees in an editor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .model import PageError

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})\s*([^`]*)$")
_FRONT_KEY = re.compile(r"^([A-Za-z_][\w \-]*?)\s*:(.*)$")
_ATX = re.compile(r"^ {0,3}(#{1,6})(.*)$")
_CLOSING_HASHES = re.compile(r"(?:^|[ \t]+)#+[ \t]*$")


def split_lines(text: str) -> list[str]:
    """The lines of ``text`` without a byte-order mark, ``\\r`` or trailing whitespace."""
    return [line.rstrip() for line in text.removeprefix("\ufeff").split("\n")]


def heading(line: str) -> tuple[int, str] | None:
    """``(level, text)`` of an ATX heading line (``### text ###``), else None.

    Up to three leading spaces and a closing run of ``#`` are allowed. A heading of level 2 or
    deeper may omit the space after its hashes (``##Examples``); ``#word`` is not a heading.
    """
    found = _ATX.match(line)
    if not found:
        return None
    level, rest = len(found.group(1)), found.group(2)
    glued = bool(rest) and not rest[0].isspace()
    if glued and (level == 1 or not (rest[0].isalpha() or rest[0] in "[`")):
        return None
    return level, _CLOSING_HASHES.sub("", rest).strip()


@dataclass
class FrontMatter:
    """The ``key: value`` lines between ``---`` lines at the top of a page.

    ``values`` maps a lower-cased key to its value (surrounding quotes removed) and its 0-based
    line; ``start`` is its opening ``---`` line and ``end`` the first line after it (both 0
    when the page has none).
    """

    values: dict[str, tuple[str, int]] = field(default_factory=dict)
    start: int = 0
    end: int = 0

    def get(self, *keys: str) -> tuple[str, int] | None:
        """The first of ``keys`` that has a non-empty value."""
        for key in keys:
            found = self.values.get(key)
            if found and found[0]:
                return found
        return None


def read_front_matter(lines: list[str], file: str) -> FrontMatter:
    """Front matter starting at the first non-blank line, if that line is ``---``.

    Blank lines, ``#`` comments and indented or ``- item`` continuation lines inside it are
    accepted; it closes with ``---`` or ``...``. Raises PageError for a line that is none of
    these, or when it is never closed.
    """
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None or lines[start].strip() != "---":
        return FrontMatter()
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i].strip() in ("---", "...")), None
    )
    if end is None:
        raise PageError(file, start + 1, "front matter opened here is not closed by '---'")
    front = FrontMatter(start=start, end=end + 1)
    key: str | None = None
    for i in range(start + 1, end):
        line = lines[i]
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if key is not None and (line[0].isspace() or stripped.startswith("- ")):
            continue
        pair = _FRONT_KEY.match(stripped)
        if not pair:
            raise PageError(file, i + 1, f"front matter line is not 'key: value': {line!r}")
        key = pair.group(1).strip().lower()
        front.values[key] = (_unquote(pair.group(2).strip()), i)
    return front


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


@dataclass(frozen=True)
class CodeBlock:
    """A fenced code block: 0-based lines of its opening and closing fence, and its info word."""

    opening: int
    closing: int
    info: str


def code_blocks(lines: list[str], start: int, file: str) -> list[CodeBlock]:
    """The fenced code blocks (```` ``` ```` or ``~~~``) from line ``start`` on.

    Raises PageError naming the opening fence of a block that is never closed.
    """
    blocks: list[CodeBlock] = []
    i = start
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        marker = opening.group(1)
        for j in range(i + 1, len(lines)):
            closing = _FENCE.match(lines[j])
            if (
                closing
                and closing.group(1)[0] == marker[0]
                and len(closing.group(1)) >= len(marker)
                and not closing.group(2).strip()
            ):
                info = opening.group(2).strip().split(" ")[0].lower()
                blocks.append(CodeBlock(i, j, info))
                i = j + 1
                break
        else:
            raise PageError(file, i + 1, f"code block opened here is never closed: {lines[i]!r}")
    return blocks
