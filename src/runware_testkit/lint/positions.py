"""A position-tracking JSON reader.

:func:`parse` reads one JSON text into its value plus a map from every JSON pointer in it to the
1-based line and column of the value and of its key. :func:`parse_lines` reads JSON Lines and
:func:`parse_documents` picks between the two. Columns count characters (code points), not bytes;
a line ends at ``\\n``, ``\\r\\n`` or a lone ``\\r``. Invalid JSON raises :class:`JSONPositionError`
with the exact line and column where reading stopped; :func:`decode` turns bytes into text and
reports a non-UTF-8 byte the same way.

The reader is strict RFC 8259: no comments, no trailing commas, no ``NaN``/``Infinity``, no
single quotes, no unescaped control characters in strings. Duplicate keys keep the last value,
like :func:`json.loads`. Nesting is not recursive; containers deeper than :data:`MAX_DEPTH`
are an error.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

__all__ = [
    "MAX_DEPTH",
    "DecodeError",
    "Document",
    "JSONPositionError",
    "LineIndex",
    "Position",
    "PositionMap",
    "decode",
    "parse",
    "parse_documents",
    "parse_lines",
]


class Position(NamedTuple):
    """Where a value sits: its 1-based line and column, and those of its key.

    A value without a key (the root, an array item) has its own position as its key position.
    """

    line: int
    col: int
    key_line: int
    key_col: int


class JSONPositionError(ValueError):
    """Invalid JSON text, with the 1-based line and column where reading stopped."""

    def __init__(self, message: str, line: int, col: int) -> None:
        super().__init__(f"{line}:{col}: {message}")
        self.message = message
        self.line = line
        self.col = col


class DecodeError(JSONPositionError):
    """Bytes that are not valid UTF-8 (or UTF-16 with a byte order mark)."""


class _ExtraData(JSONPositionError):
    """A complete value followed by more text; ``value_end`` is where the value ended."""

    def __init__(self, message: str, line: int, col: int, value_start: int, value_end: int):
        super().__init__(message, line, col)
        self.value_start = value_start
        self.value_end = value_end


#: Containers nested deeper than this are an error (the pointers alone would grow quadratically).
MAX_DEPTH = 10_000

_NEWLINE = re.compile(r"\r\n?|\n")


class LineIndex:
    """Converts character offsets in a text to 1-based (line, column)."""

    __slots__ = ("_starts", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._starts: list[int] | None = None

    @property
    def starts(self) -> list[int]:
        """The offset at which each line begins."""
        if self._starts is None:
            self._starts = [0] + [m.end() for m in _NEWLINE.finditer(self._text)]
        return self._starts

    def locate(self, offset: int) -> tuple[int, int]:
        """The 1-based (line, column) of character ``offset``."""
        starts = self.starts
        index = bisect_right(starts, offset) - 1
        return index + 1, offset - starts[index] + 1


class PositionMap(Mapping[str, Position]):
    """JSON pointer -> :class:`Position`; line and column are worked out on lookup.

    A deferred map (see :func:`parse_documents` with ``lazy=True``) scans its text for
    positions only when first used.
    """

    __slots__ = ("_lines", "_offsets", "_pending")

    def __init__(
        self,
        lines: LineIndex,
        offsets: dict[str, tuple[int, int]] | None = None,
        *,
        pending: Callable[[], dict[str, tuple[int, int]]] | None = None,
    ) -> None:
        self._lines = lines
        self._offsets = offsets
        self._pending = pending

    @property
    def offsets(self) -> dict[str, tuple[int, int]]:
        """JSON pointer -> (value offset, key offset) in the text."""
        if self._offsets is None:
            self._offsets = self._pending() if self._pending is not None else {}
            self._pending = None
        return self._offsets

    @property
    def scanned(self) -> bool:
        """Whether the positions have been worked out yet."""
        return self._offsets is not None

    def __getitem__(self, pointer: str) -> Position:
        value_offset, key_offset = self.offsets[pointer]
        line, col = self._lines.locate(value_offset)
        if key_offset == value_offset:
            return Position(line, col, line, col)
        key_line, key_col = self._lines.locate(key_offset)
        return Position(line, col, key_line, key_col)

    def __contains__(self, pointer: object) -> bool:
        return pointer in self.offsets

    def __iter__(self) -> Iterator[str]:
        return iter(self.offsets)

    def __len__(self) -> int:
        return len(self.offsets)


@dataclass(frozen=True)
class Document:
    """One JSON value read from a text (the whole text, or one line of JSON Lines)."""

    value: Any
    positions: PositionMap
    line: int


# --- bytes -> text -------------------------------------------------------------------------------

_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def decode(data: bytes) -> str:
    """Decode a JSON file's bytes: UTF-8 (a BOM is dropped), or UTF-16 if it starts with a BOM.

    Raises :class:`DecodeError` naming the line and column of the first byte that cannot be
    decoded. Columns on the BOM's line do not count the BOM.
    """
    encoding = "utf-8"
    for bom, name in _BOMS:
        if data.startswith(bom):
            data, encoding = data[len(bom) :], name
            break
    else:
        if b"\x00" in data[:4]:
            raise DecodeError(
                "NUL bytes: looks like UTF-16 or UTF-32 without a byte order mark; "
                "save the file as UTF-8",
                1,
                1,
            )
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        before = data[: exc.start].decode(encoding, errors="replace")
        line, col = LineIndex(before).locate(len(before))
        byte = data[exc.start]
        raise DecodeError(
            f"not valid {encoding.upper().replace('-LE', '').replace('-BE', '')} "
            f"(byte 0x{byte:02x}); save the file as UTF-8",
            line,
            col,
        ) from None


# --- the scanner ---------------------------------------------------------------------------------

_WS = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"[^"\\\x00-\x1f]*(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\x00-\x1f]*)*"')
_PLAIN_STRING = re.compile(r'"([^"\\\x00-\x1f]*)"')
_PLAIN_KEY = re.compile(r'"([^"\\\x00-\x1f]*)"[ \t\n\r]*:[ \t\n\r]*')
_NEXT_PLAIN_KEY = re.compile(r'[ \t\n\r]*,[ \t\n\r]*"([^"\\\x00-\x1f]*)"[ \t\n\r]*:[ \t\n\r]*')
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_NUMBER_TAIL = re.compile(r"[0-9A-Za-z_.+\-]")
_NUMBER_LIKE = re.compile(r"-?[0-9A-Za-z_.+\-]*")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_HEX4 = re.compile(r"[0-9a-fA-F]{4}")
_ESCAPE = re.compile(
    r"\\(?:u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})"
    r"|u([0-9a-fA-F]{4})|(.))",
    re.DOTALL,
)
_SIMPLE_ESCAPES = {
    '"': '"',
    "\\": "\\",
    "/": "/",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
}
_LITERALS = {"true": True, "false": False, "null": None}
_CONTROL_NAMES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _unescape(match: re.Match[str]) -> str:
    high, low, code, char = match.groups()
    if high:
        return chr(0x10000 + ((int(high, 16) - 0xD800) << 10) + (int(low, 16) - 0xDC00))
    if code:
        return chr(int(code, 16))
    return _SIMPLE_ESCAPES[char]


def _escape_token(key: str) -> str:
    if "~" in key or "/" in key:
        return key.replace("~", "~0").replace("/", "~1")
    return key


class _Scanner:
    """Reads one JSON value from ``text[start:end]``, recording offsets of every value and key."""

    __slots__ = ("end", "end_name", "lines", "offsets", "text")

    def __init__(self, text: str, lines: LineIndex, end: int, end_name: str) -> None:
        self.text = text
        self.lines = lines
        self.end = end
        self.end_name = end_name
        self.offsets: dict[str, tuple[int, int]] = {}

    def fail(self, message: str, offset: int) -> JSONPositionError:
        line, col = self.lines.locate(offset)
        return JSONPositionError(message, line, col)

    def char(self, pos: int) -> str:
        return self.text[pos] if pos < self.end else ""

    def string(self, pos: int) -> tuple[str, int]:
        """The string starting at the quote at ``pos`` and the offset after it."""
        match = _STRING.match(self.text, pos, self.end)
        if match is None:
            raise self._string_error(pos)
        raw = match.group()
        if "\\" in raw:
            return _ESCAPE.sub(_unescape, raw[1:-1]), match.end()
        return raw[1:-1], match.end()

    def _string_error(self, quote: int) -> JSONPositionError:
        text, pos = self.text, quote + 1
        while pos < self.end:
            char = text[pos]
            if char == "\\":
                following = text[pos + 1 : pos + 2] if pos + 1 < self.end else ""
                if following and following in _SIMPLE_ESCAPES:
                    pos += 2
                    continue
                if following == "u":
                    if _HEX4.fullmatch(text, pos + 2, min(pos + 6, self.end)):
                        pos += 6
                        continue
                    return self.fail("invalid \\u escape: needs four hex digits", pos)
                shown = repr(following) if following else f"end of {self.end_name}"
                return self.fail(f"invalid escape '\\' followed by {shown}", pos)
            if char < " ":
                name = _CONTROL_NAMES.get(char, f"U+{ord(char):04X}")
                hint = f"; write it as {name}" if char in _CONTROL_NAMES else ""
                what = "line break" if char in "\r\n" else "control character"
                return self.fail(f"unescaped {what} ({name}) in string{hint}", pos)
            pos += 1
        return self.fail("unterminated string", quote)

    def scalar(self, pos: int, char: str) -> tuple[Any, int]:
        """A string, number or literal starting at ``pos`` (whose first character is ``char``)."""
        if char == '"':
            return self.string(pos)
        text = self.text
        if char == "-" or "0" <= char <= "9":
            match = _NUMBER.match(text, pos, self.end)
            if match is None or _NUMBER_TAIL.match(text, match.end(), self.end):
                raise self._number_error(pos)
            raw = match.group()
            if match.group(1) is None and match.group(2) is None:
                try:
                    return int(raw), match.end()
                except ValueError:
                    raise self.fail("number has too many digits", pos) from None
            return float(raw), match.end()
        word = _WORD.match(text, pos, self.end)
        if word is not None:
            if word.group() in _LITERALS:
                return _LITERALS[word.group()], word.end()
            raise self.fail(f"invalid value {word.group()!r}: expected a JSON value", pos)
        raise self._unexpected(pos, char, "a value")

    def _number_error(self, pos: int) -> JSONPositionError:
        text = self.text
        match = _NUMBER.match(text, pos, self.end)
        if match is not None and match.group() in ("0", "-0") and self.char(match.end()).isdigit():
            return self.fail("invalid number: leading zeros are not allowed", pos)
        shown = _NUMBER_LIKE.match(text, pos, self.end).group()
        return self.fail(f"invalid number {shown!r}", pos)

    def _unexpected(self, pos: int, char: str, expected: str) -> JSONPositionError:
        if not char:
            return self.fail(f"unexpected end of {self.end_name}: expected {expected}", pos)
        if char == "/" and self.char(pos + 1) in ("/", "*"):
            return self.fail("comments are not allowed in JSON", pos)
        if char == "'":
            return self.fail(f"expected {expected}; JSON strings use double quotes", pos)
        return self.fail(f"unexpected character {char!r}: expected {expected}", pos)

    def key(self, pos: int, comma: int | None) -> tuple[str, int]:
        """An object key at ``pos``, its ``:`` and following whitespace; returns (key, offset)."""
        plain = _PLAIN_KEY.match(self.text, pos, self.end)
        if plain is not None:
            return plain.group(1), plain.end()
        char = self.char(pos)
        if char != '"':
            if char == "}" and comma is not None:
                raise self.fail("trailing comma before '}'", comma)
            raise self._unexpected(pos, char, "a double-quoted property name")
        key, pos = self.string(pos)
        pos = _WS.match(self.text, pos, self.end).end()
        if self.char(pos) != ":":
            raise self._unexpected(pos, self.char(pos), "':' after the property name")
        return key, _WS.match(self.text, pos + 1, self.end).end()

    def value(self, pos: int, pointer: str) -> tuple[Any, int]:
        """Read the value at ``pos`` (after whitespace); returns (value, offset after it)."""
        text, ws, offsets = self.text, _WS, self.offsets
        end = self.end
        # Frames: [container, pointer, key or None, is_object]
        stack: list[list[Any]] = []
        key_offset = pos
        value: Any
        while True:
            # Expecting a value at pos, to be stored under `pointer`.
            char = text[pos] if pos < end else ""
            if char == '"':
                offsets[pointer] = (pos, key_offset)
                plain = _PLAIN_STRING.match(text, pos, end)
                if plain is not None:
                    value = plain.group(1)
                    pos = plain.end()
                else:
                    value, pos = self.string(pos)
            elif char == "{":
                if len(stack) >= MAX_DEPTH:
                    raise self.fail(f"nesting deeper than {MAX_DEPTH} levels", pos)
                offsets[pointer] = (pos, key_offset)
                pos = ws.match(text, pos + 1, end).end()
                if pos < end and text[pos] == "}":
                    value = {}
                    pos += 1
                else:
                    key_offset = pos
                    key, pos = self.key(pos, None)
                    frame = [{}, pointer, key, True]
                    stack.append(frame)
                    pointer = f"{pointer}/{_escape_token(key)}"
                    continue
            elif char == "[":
                if len(stack) >= MAX_DEPTH:
                    raise self.fail(f"nesting deeper than {MAX_DEPTH} levels", pos)
                offsets[pointer] = (pos, key_offset)
                pos = ws.match(text, pos + 1, end).end()
                if pos < end and text[pos] == "]":
                    value = []
                    pos += 1
                else:
                    stack.append([[], pointer, None, False])
                    pointer = f"{pointer}/0"
                    key_offset = pos
                    continue
            else:
                if char == "]" or char == "}":
                    raise self._unexpected(pos, char, "a value")
                offsets[pointer] = (pos, key_offset)
                value, pos = self.scalar(pos, char)
            # A value is complete: store it in its container and read what follows.
            while stack:
                frame = stack[-1]
                container = frame[0]
                if frame[3]:
                    container[frame[2]] = value
                    plain = _NEXT_PLAIN_KEY.match(text, pos, end)
                    if plain is not None:
                        key = frame[2] = plain.group(1)
                        key_offset = plain.start(1) - 1
                        pos = plain.end()
                        pointer = f"{frame[1]}/{_escape_token(key)}"
                        if key in container:
                            _forget(pointer, offsets)
                        break
                else:
                    container.append(value)
                pos = ws.match(text, pos, end).end()
                char = text[pos] if pos < end else ""
                if char == ",":
                    comma = pos
                    pos = ws.match(text, pos + 1, end).end()
                    if frame[3]:
                        key_offset = pos
                        key, pos = self.key(pos, comma)
                        frame[2] = key
                        pointer = f"{frame[1]}/{_escape_token(key)}"
                        if key in container:
                            _forget(pointer, offsets)
                    else:
                        if pos < end and text[pos] == "]":
                            raise self.fail("trailing comma before ']'", comma)
                        pointer = f"{frame[1]}/{len(container)}"
                        key_offset = pos
                    break
                closing = "}" if frame[3] else "]"
                if char != closing:
                    raise self._unexpected(pos, char, f"',' or '{closing}'")
                pos += 1
                value = container
                stack.pop()
            else:
                return value, pos


def _forget(pointer: str, offsets: dict[str, tuple[int, int]]) -> None:
    """Drop the positions recorded under a duplicate key's earlier value."""
    prefix = pointer + "/"
    for stale in [p for p in offsets if p.startswith(prefix)]:
        del offsets[stale]


def _read(
    text: str, lines: LineIndex, start: int, end: int, end_name: str
) -> tuple[Any, PositionMap, int]:
    scanner = _Scanner(text, lines, end, end_name)
    pos = _WS.match(text, start, end).end()
    value_start = pos
    value, pos = scanner.value(pos, "")
    value_end = pos
    pos = _WS.match(text, pos, end).end()
    if pos < end:
        line, col = lines.locate(pos)
        raise _ExtraData(
            f"unexpected {text[pos]!r} after the JSON value", line, col, value_start, value_end
        )
    return value, PositionMap(lines, scanner.offsets), value_start


def _deferred(text: str, lines: LineIndex, start: int, end: int, end_name: str) -> PositionMap:
    return PositionMap(lines, pending=lambda: _read(text, lines, start, end, end_name)[1].offsets)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)
_FAILED = object()


def _quick(text: str) -> Any:
    """The value of ``text`` by the C decoder, or ``_FAILED`` when the strict reader must look."""
    try:
        return _DECODER.decode(text)
    except (ValueError, RecursionError):
        return _FAILED


def _strip_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text


def parse(text: str) -> tuple[Any, PositionMap]:
    """Read one JSON value; returns it and its :class:`PositionMap`.

    Raises :class:`JSONPositionError` for invalid JSON, including an empty text.
    """
    text = _strip_bom(text)
    value, positions, _ = _read(text, LineIndex(text), 0, len(text), "input")
    return value, positions


def parse_lines(text: str, *, lazy: bool = False) -> list[Document]:
    """Read JSON Lines: one value per non-blank line, positions relative to the whole text.

    ``lazy`` defers the positions of each line as in :func:`parse_documents`.
    """
    text = _strip_bom(text)
    lines = LineIndex(text)
    documents = []
    starts = lines.starts
    for number, start in enumerate(starts, 1):
        end = starts[number] if number < len(starts) else len(text)
        while end > start and text[end - 1] in "\r\n":
            end -= 1
        if _WS.match(text, start, end).end() == end:
            continue
        value = _quick(text[start:end]) if lazy else _FAILED
        if value is not _FAILED:
            documents.append(Document(value, _deferred(text, lines, start, end, "line"), number))
            continue
        value, positions, _ = _read(text, lines, start, end, "line")
        documents.append(Document(value, positions, number))
    return documents


def parse_documents(text: str, *, jsonl: bool | None = None, lazy: bool = False) -> list[Document]:
    """Read a JSON text or JSON Lines; ``jsonl=None`` detects JSON Lines.

    A text is taken as JSON Lines when its first value fits on one line and more values follow
    on later lines. An empty or blank text gives no documents.

    With ``lazy``, valid JSON is decoded by :mod:`json` and the positions are scanned only when
    first looked up (most files of a lint run are never asked); the values, positions and
    errors are the same either way.
    """
    text = _strip_bom(text)
    if jsonl:
        return parse_lines(text, lazy=lazy)
    first = _WS.match(text).end()
    if first == len(text):
        return []
    lines = LineIndex(text)
    if lazy:
        value = _quick(text)
        if value is not _FAILED:
            line = 1 + len(_NEWLINE.findall(text, 0, first))
            return [Document(value, _deferred(text, lines, 0, len(text), "input"), line)]
    try:
        value, positions, start = _read(text, lines, 0, len(text), "input")
    except _ExtraData as exc:
        if jsonl is not None or not _one_line(text, exc.value_start, exc.value_end):
            raise JSONPositionError(exc.message, exc.line, exc.col) from None
    else:
        return [Document(value, positions, 1 + len(_NEWLINE.findall(text, 0, start)))]
    return parse_lines(text, lazy=lazy)


def _one_line(text: str, start: int, end: int) -> bool:
    return _NEWLINE.search(text, start, end) is None and _NEWLINE.search(text, end) is not None
