"""The position-tracking JSON reader: values, positions of keys and values, exact errors."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runware_testkit.lint.positions import (
    MAX_DEPTH,
    DecodeError,
    JSONPositionError,
    LineIndex,
    Position,
    decode,
    parse,
    parse_documents,
    parse_lines,
)


def at(text: str, line: int, col: int) -> str:
    """The text from 1-based (line, col) on, splitting lines the way the reader does."""
    starts = LineIndex(text).starts
    return text[starts[line - 1] + col - 1 :]


def error_of(text: str) -> tuple[int, int, str]:
    with pytest.raises(JSONPositionError) as info:
        parse(text)
    return info.value.line, info.value.col, info.value.message


# --- values and positions ------------------------------------------------------------------------


def test_nested_objects_and_arrays() -> None:
    text = '{\n  "a": {\n    "b": [1, {"c": true}],\n    "d": null\n  }\n}'
    value, positions = parse(text)
    assert value == {"a": {"b": [1, {"c": True}], "d": None}}
    assert positions[""] == Position(1, 1, 1, 1)
    assert positions["/a"] == Position(2, 8, 2, 3)
    assert positions["/a/b"] == Position(3, 10, 3, 5)
    assert positions["/a/b/0"] == Position(3, 11, 3, 11)
    assert positions["/a/b/1"] == Position(3, 14, 3, 14)
    assert positions["/a/b/1/c"] == Position(3, 20, 3, 15)
    assert positions["/a/d"] == Position(4, 10, 4, 5)
    assert set(positions) == {"", "/a", "/a/b", "/a/b/0", "/a/b/1", "/a/b/1/c", "/a/d"}


def test_scalar_root_and_empty_containers() -> None:
    assert parse("  42 ") == (42, parse("  42 ")[1])
    value, positions = parse(' {"a": {}, "b": []}')
    assert value == {"a": {}, "b": []}
    assert positions["/a"] == Position(1, 8, 1, 3)
    assert positions["/b"] == Position(1, 17, 1, 12)
    assert "/b/0" not in positions


def test_numbers() -> None:
    value, _ = parse("[0, -0, 12, -3.25, 1e3, 2E-2, 1.5e+2, 123456789012345678901234567890]")
    assert value == [0, 0, 12, -3.25, 1000.0, 0.02, 150.0, 123456789012345678901234567890]
    assert [type(v) for v in value[:3]] == [int, int, int]
    assert isinstance(value[4], float)


def test_escapes_are_decoded_and_do_not_shift_positions() -> None:
    text = r'{"k\"ey": "a\\b\/c\b\f\n\r\t\u00e9\ud83d\ude00", "next": 1}'
    value, positions = parse(text)
    assert value == {'k"ey': "a\\b/c\b\f\n\r\t\u00e9\U0001f600", "next": 1}
    assert value == json.loads(text)
    assert at(text, *positions["/next"][2:]).startswith('"next"')
    assert at(text, *positions["/next"][:2]).startswith("1}")


def test_lone_surrogate_escape_is_kept_like_json_loads() -> None:
    assert parse(r'"\ud800x"')[0] == json.loads(r'"\ud800x"')


def test_unicode_columns_count_characters() -> None:
    text = '{"é😀": "ü", "b": 2}'
    value, positions = parse(text)
    assert value == {"é😀": "ü", "b": 2}
    assert positions["/b"] == Position(1, 18, 1, 13)
    assert positions["/é😀"] == Position(1, 8, 1, 2)
    assert at(text, 1, 18) == "2}"


def test_pointer_tokens_are_escaped() -> None:
    _, positions = parse('{"a/b": {"c~d": 1}, "": 2}')
    assert "/a~1b/c~0d" in positions
    assert positions["/"] == Position(1, 25, 1, 21)


def test_crlf_and_lone_cr_line_ends() -> None:
    text = '{\r\n  "a": 1,\r\n  "b":\r    2\r\n}'
    _, positions = parse(text)
    assert positions["/a"] == Position(2, 8, 2, 3)
    assert positions["/b"] == Position(4, 5, 3, 3)


def test_bom_is_not_a_column() -> None:
    _, positions = parse('\ufeff{"a": 1}')
    assert positions["/a"] == Position(1, 7, 1, 2)
    assert decode(b'\xef\xbb\xbf{"a": 1}') == '{"a": 1}'


def test_duplicate_keys_keep_the_last_value_and_its_positions() -> None:
    text = '{"a": {"x": 1, "y": 2},\n "a": {"x": 3}}'
    value, positions = parse(text)
    assert value == json.loads(text) == {"a": {"x": 3}}
    assert positions["/a"] == Position(2, 7, 2, 2)
    assert positions["/a/x"] == Position(2, 13, 2, 8)
    assert "/a/y" not in positions


def test_deep_nesting_does_not_recurse() -> None:
    depth = 5000
    value, positions = parse("[" * depth + "]" * depth)
    assert positions["/0" * (depth - 1)] == Position(1, depth, 1, depth)
    for _ in range(depth - 1):
        value = value[0]
    assert value == []


def test_nesting_limit() -> None:
    text = '{"a": ' * MAX_DEPTH + "[1]" + "}" * MAX_DEPTH
    assert error_of(text) == (1, 6 * MAX_DEPTH + 1, f"nesting deeper than {MAX_DEPTH} levels")
    assert error_of("[" * (MAX_DEPTH + 1)) == (1, MAX_DEPTH + 1, "nesting deeper than 10000 levels")


def test_long_strings_are_fast_and_exact() -> None:
    prompt = "x" * 200_000
    value, positions = parse(f'{{"p": "{prompt}", "q": 1}}')
    assert value["p"] == prompt
    assert positions["/q"].col == 200_000 + 16


# --- invalid JSON --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "col", "message"),
    [
        ("", 1, 1, "unexpected end of input: expected a value"),
        ("   \n  ", 2, 3, "unexpected end of input: expected a value"),
        ("{", 1, 2, "unexpected end of input: expected a double-quoted property name"),
        ('{"a": 1,}', 1, 8, "trailing comma before '}'"),
        ("[1,\n 2,\n]", 2, 3, "trailing comma before ']'"),
        (
            "{'a': 1}",
            1,
            2,
            "expected a double-quoted property name; JSON strings use double quotes",
        ),
        ("{a: 1}", 1, 2, "unexpected character 'a': expected a double-quoted property name"),
        ('{"a" 1}', 1, 6, "unexpected character '1': expected ':' after the property name"),
        ('{"a": 1 "b": 2}', 1, 9, "unexpected character '\"': expected ',' or '}'"),
        ("[1 2]", 1, 4, "unexpected character '2': expected ',' or ']'"),
        ('{"a": 01}', 1, 7, "invalid number: leading zeros are not allowed"),
        ("[1.]", 1, 2, "invalid number '1.'"),
        ("[-]", 1, 2, "invalid number '-'"),
        ("[.5]", 1, 2, "unexpected character '.': expected a value"),
        ("[1e]", 1, 2, "invalid number '1e'"),
        ("[NaN]", 1, 2, "invalid value 'NaN': expected a JSON value"),
        ("[-Infinity]", 1, 2, "invalid number '-Infinity'"),
        ("[True]", 1, 2, "invalid value 'True': expected a JSON value"),
        ('{"a": tru}', 1, 7, "invalid value 'tru': expected a JSON value"),
        ('{"a": "abc', 1, 7, "unterminated string"),
        ('{"a": "ab\nc"}', 1, 10, "unescaped line break (\\n) in string; write it as \\n"),
        ('["a\tb"]', 1, 4, "unescaped control character (\\t) in string; write it as \\t"),
        ('["a\x01b"]', 1, 4, "unescaped control character (U+0001) in string"),
        ('["\\x"]', 1, 3, "invalid escape '\\' followed by 'x'"),
        ('["\\u12g4"]', 1, 3, "invalid \\u escape: needs four hex digits"),
        ('{"a": 1}\n}', 2, 1, "unexpected '}' after the JSON value"),
        ("// note\n{}", 1, 1, "comments are not allowed in JSON"),
        ('{"a": /* c */ 1}', 1, 7, "comments are not allowed in JSON"),
        ('{"é😀": ]', 1, 8, "unexpected character ']': expected a value"),
        ('{\r\n  "a": x\r\n}', 2, 8, "invalid value 'x': expected a JSON value"),
        ("\ufeff[1,\n  @]", 2, 3, "unexpected character '@': expected a value"),
    ],
)
def test_invalid_json_positions(text: str, line: int, col: int, message: str) -> None:
    assert error_of(text) == (line, col, message)


def test_huge_integer_is_an_error_not_a_crash() -> None:
    assert error_of("[" + "9" * 5000 + "]") == (1, 2, "number has too many digits")


def test_error_str_has_line_and_column() -> None:
    with pytest.raises(JSONPositionError, match=r"^1:8: trailing comma"):
        parse('{"a": 1,}')


# --- bytes ---------------------------------------------------------------------------------------


def test_decode_reports_the_bad_byte_position() -> None:
    with pytest.raises(DecodeError) as info:
        decode('{\n  "é": "caf'.encode() + b'\xe9"}')
    assert (info.value.line, info.value.col) == (2, 12)
    assert "not valid UTF-8 (byte 0xe9)" in info.value.message


def test_decode_utf16_with_bom() -> None:
    data = "\ufeff".encode("utf-16-le") + '{"a": "é"}'.encode("utf-16-le")
    assert decode(data) == '{"a": "é"}'
    assert decode('{"a": 1}'.encode("utf-16")) == '{"a": 1}'


def test_decode_utf16_without_bom_is_a_clear_error() -> None:
    with pytest.raises(DecodeError, match="without a byte order mark"):
        decode('{"a": 1}'.encode("utf-16-le"))


# --- JSON Lines ----------------------------------------------------------------------------------


def test_json_lines_positions_are_relative_to_the_file() -> None:
    text = '{"a": 1}\n\n  [{"b": 2}, {"c": 3}]\r\n{"d": "x"}\n'
    docs = parse_lines(text)
    assert [d.value for d in docs] == [{"a": 1}, [{"b": 2}, {"c": 3}], {"d": "x"}]
    assert [d.line for d in docs] == [1, 3, 4]
    assert docs[1].positions["/1/c"] == Position(3, 20, 3, 15)
    assert docs[2].positions["/d"] == Position(4, 7, 4, 2)


def test_json_lines_error_is_on_its_line() -> None:
    with pytest.raises(JSONPositionError) as info:
        parse_lines('{"a": 1}\n{"b": \n')
    assert (info.value.line, info.value.col) == (2, 7)
    assert info.value.message == "unexpected end of line: expected a value"


def test_detects_json_lines() -> None:
    docs = parse_documents('{"a": 1}\n{"b": 2}\n')
    assert [d.value for d in docs] == [{"a": 1}, {"b": 2}]
    assert [d.line for d in docs] == [1, 2]


def test_no_detection_when_first_value_spans_lines() -> None:
    with pytest.raises(JSONPositionError) as info:
        parse_documents('{\n "a": 1\n}\n{"b": 2}\n')
    assert (info.value.line, info.value.col, info.value.message) == (
        4,
        1,
        "unexpected '{' after the JSON value",
    )


def test_forced_single_document_reports_extra_data() -> None:
    with pytest.raises(JSONPositionError, match="after the JSON value"):
        parse_documents('{"a": 1}\n{"b": 2}\n', jsonl=False)


def test_blank_text_has_no_documents() -> None:
    assert parse_documents(" \n\r\n") == []
    assert parse_documents("\ufeff", jsonl=True) == []


def test_single_document_line() -> None:
    (doc,) = parse_documents('\n\n  {"a": 1}')
    assert doc.line == 3
    assert doc.positions["/a"] == Position(3, 9, 3, 4)


# --- properties ----------------------------------------------------------------------------------

_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=25,
)


def _walk(value: object, pointer: str = ""):
    yield pointer, value
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _walk(child, f"{pointer}/{key.replace('~', '~0').replace('/', '~1')}")
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _walk(child, f"{pointer}/{index}")


@settings(max_examples=300, deadline=None)
@given(
    value=_json,
    indent=st.sampled_from([None, 0, 2, "\t"]),
    ascii_only=st.booleans(),
    crlf=st.booleans(),
)
def test_matches_json_loads_and_every_position_points_at_its_value(
    value: object, indent: object, ascii_only: bool, crlf: bool
) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=ascii_only)
    if crlf:
        text = text.replace("\n", "\r\n")
    parsed, positions = parse(text)
    assert parsed == json.loads(text)
    decoder = json.JSONDecoder()
    pointers = dict(_walk(parsed))
    assert set(positions) == set(pointers)
    for pointer, expected in pointers.items():
        line, col, key_line, key_col = positions[pointer]
        found, _ = decoder.raw_decode(at(text, line, col))
        assert found == expected
        if pointer and isinstance(_parent(parsed, pointer), dict):
            key, _ = decoder.raw_decode(at(text, key_line, key_col))
            assert isinstance(key, str)
        else:
            assert (key_line, key_col) == (line, col)


def _parent(root: object, pointer: str) -> object:
    node = root
    for token in pointer.split("/")[1:-1]:
        token = token.replace("~1", "/").replace("~0", "~")
        node = node[int(token)] if isinstance(node, list) else node[token]  # type: ignore[index]
    return node


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='{}[]",: \n0123456789.-eEtrufalsn\\u', max_size=30))
def test_invalid_text_fails_with_a_position_inside_the_text(text: str) -> None:
    try:
        expected = json.loads(text)
    except (json.JSONDecodeError, ValueError):
        expected = None
        valid = False
    else:
        valid = True
    if valid:
        assert parse(text)[0] == expected
        return
    with pytest.raises(JSONPositionError) as info:
        parse(text)
    lines = LineIndex(text).starts
    assert 1 <= info.value.line <= len(lines)
    assert info.value.col >= 1


# --- lazy positions ------------------------------------------------------------------------------


def test_lazy_positions_are_scanned_on_first_use() -> None:
    text = '{\n  "a": [1, {"b": "é"}]\n}\n'
    (doc,) = parse_documents(text, lazy=True)
    assert doc.value == {"a": [1, {"b": "é"}]}
    assert not doc.positions.scanned
    assert doc.positions["/a/1/b"] == Position(2, 18, 2, 13)
    assert doc.positions.scanned
    assert dict(doc.positions) == dict(parse_documents(text)[0].positions)


@pytest.mark.parametrize(
    "text",
    [
        "[NaN]",
        '{"a": Infinity}',
        "[" + "9" * 5000 + "]",
        "[" * 20_000 + "]" * 20_000,
        '{"a": 1}\n{"b": [1,\n',
        '{"a": 1,}',
    ],
)
def test_lazy_falls_back_to_the_strict_reader(text: str) -> None:
    try:
        expected: object = [(d.value, dict(d.positions)) for d in parse_documents(text)]
    except JSONPositionError as exc:
        expected = (exc.line, exc.col, exc.message)
    try:
        found: object = [(d.value, dict(d.positions)) for d in parse_documents(text, lazy=True)]
    except JSONPositionError as exc:
        found = (exc.line, exc.col, exc.message)
    assert found == expected


def test_lazy_handles_nesting_too_deep_for_json_loads() -> None:
    (doc,) = parse_documents("[" * 3000 + "]" * 3000, lazy=True)
    assert doc.positions.scanned
    assert doc.positions["/0" * 2999] == Position(1, 3000, 1, 3000)


@settings(max_examples=200, deadline=None)
@given(values=st.lists(_json, min_size=1, max_size=3), lines=st.booleans(), crlf=st.booleans())
def test_lazy_and_strict_agree(values: list[object], lines: bool, crlf: bool) -> None:
    if lines:
        text = "".join(json.dumps(v, ensure_ascii=False) + "\n" for v in values)
    else:
        text = json.dumps(values[0], indent=2, ensure_ascii=False)
    if crlf:
        text = text.replace("\n", "\r\n")
    strict = parse_documents(text)
    lazy = parse_documents(text, lazy=True)
    assert [d.value for d in lazy] == [d.value for d in strict]
    assert [d.line for d in lazy] == [d.line for d in strict]
    assert [dict(d.positions) for d in lazy] == [dict(d.positions) for d in strict]
