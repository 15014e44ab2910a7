"""Reading raw page text: lines, headings, front matter and fenced code blocks."""

import pytest

from runware_testkit.schemagen.model import PageError
from runware_testkit.schemagen.page_text import code_blocks, heading, read_front_matter, split_lines


def test_split_lines_drops_bom_carriage_returns_and_trailing_spaces():
    assert split_lines("\ufeffa  \r\nb\t\n\nc") == ["a", "b", "", "c"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("# Title", (1, "Title")),
        ("##   Request Parameters   ##", (2, "Request Parameters")),
        ("   ### [a](b)", (3, "[a](b)")),
        ("##Examples", (2, "Examples")),
        ("#hashtag", None),
        ("    # indented code", None),
        ("####### seven", None),
        ("# C#", (1, "C#")),
    ],
)
def test_heading(line, expected):
    assert heading(line) == expected


def test_front_matter_after_blank_lines_with_comments_and_continuations():
    lines = split_lines(
        "\n\n---  \n# a comment\nTitle: 'Quoted'\n\ndescription: >\n  folded\ntags:\n- a\n...\n# T"
    )
    front = read_front_matter(lines, "p.md")
    assert (front.start, front.end) == (2, 11)
    assert front.values == {"title": ("Quoted", 4), "description": (">", 6), "tags": ("", 8)}
    assert front.get("url", "title") == ("Quoted", 4)


def test_no_front_matter():
    front = read_front_matter(split_lines("# Title\n---\n"), "p.md")
    assert (front.values, front.start, front.end) == ({}, 0, 0)


def test_front_matter_errors_name_the_line():
    with pytest.raises(PageError, match="not closed") as caught:
        read_front_matter(split_lines("\n---\nurl: x\n"), "p.md")
    assert caught.value.line == 2
    with pytest.raises(PageError, match="not 'key: value'") as caught:
        read_front_matter(split_lines("---\nurl: x\nnot a pair\n---\n"), "p.md")
    assert caught.value.line == 3


def test_code_blocks_with_either_fence_and_info_word():
    lines = split_lines("a\n```JSON \n{}\n```\n~~~~ text\n```\n~~~~\n")
    # A ``` line inside a ~~~~ block does not close it.
    assert [(b.opening, b.closing, b.info) for b in code_blocks(lines, 0, "p.md")] == [
        (1, 3, "json"),
        (4, 6, "text"),
    ]


def test_unclosed_code_block_names_its_opening_line():
    with pytest.raises(PageError, match="never closed") as caught:
        code_blocks(split_lines("a\n\n```json\n{}\n"), 0, "p.md")
    assert caught.value.line == 3
