"""The Compatibility & Validation section: pairing sentences and size tables in their spellings."""

import pytest

from runware_testkit.schemagen.markdown_compatibility import read_compatibility
from runware_testkit.schemagen.model import ModelPage, PageError, Source
from runware_testkit.schemagen.page_text import split_lines


def read(text: str) -> ModelPage:
    page = ModelPage("c.md", "markdown", "T", "a:1@1", "https://x/t", "", Source("c.md", 1))
    lines = split_lines(text)
    read_compatibility(lines, set(), "c.md", 0, len(lines), page)
    return page


@pytest.mark.parametrize(
    ("sentence", "pairs"),
    [
        ("`width` and `height` must be used together.", [("width", "height")]),
        ("Width and height MUST be provided together", [("Width", "height")]),
        ("Note that `width` and `height` must both be set together.", [("width", "height")]),
        (
            "`width`, `height` and `fps` must all be given together.",
            [("width", "height"), ("width", "fps")],
        ),
    ],
)
def test_pairing_sentences(sentence, pairs):
    page = read(f"Intro.\n\n{sentence}\n")
    assert [(a, b) for a, b, _ in page.pairs] == pairs
    assert {s.line for _, _, s in page.pairs} == {3}


def test_pairing_sentence_without_names_is_an_error():
    with pytest.raises(PageError, match="cannot tell which parameters go together") as caught:
        read("Intro.\nThese two must be used together.\n")
    assert caught.value.line == 2


def test_prose_is_left_alone():
    assert read("The following dimension combinations are supported:\n\n---\n").pairs == []


@pytest.mark.parametrize(
    ("table", "presets"),
    [
        ("| Configuration | Dimensions |\n| --- | --- |\n| `a` | `1x2` |", [("a", 1, 2)]),
        ("|Preset|Size|\n|:-|-:|\n|a|1 × 2|\n\n|b|3X4 px|", [("a", 1, 2), ("b", 3, 4)]),
        (
            "| Resolution | Aspect ratio | Dimensions |\n| - | - | - |\n| 720p | 16:9 | 1280x720 |",
            [("720p 16:9", 1280, 720)],
        ),
        ("| Name | Width | Height |\n| - | - | - |\n| wide | 640 | 360px |", [("wide", 640, 360)]),
    ],
)
def test_size_tables(table, presets):
    page = read(f"Sizes:\n\n{table}\n\nAfter.\n")
    assert [(p.label, p.width, p.height) for p in page.presets] == presets


@pytest.mark.parametrize(
    ("table", "bad_row", "message"),
    [
        ("| Tier | Price |\n| - | - |\n| a | 1 |", 3, "unreadable Compatibility table: columns"),
        ("| Configuration | Dimensions |\n| a | 1x2 |", 3, "no '| --- |' row"),
        ("| Configuration | Dimensions |\n| - | - |\n| a | 1x2 | extra |", 5, "table row"),
        ("| Name | Width | Height |\n| - | - | - |\n| a | wide | 2 |", 5, "table row"),
    ],
)
def test_unreadable_tables_fail_naming_the_line(table, bad_row, message):
    with pytest.raises(PageError, match=message) as caught:
        read(f"Sizes:\n\n{table}\n")
    assert caught.value.line == bad_row
