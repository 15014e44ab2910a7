"""The pinned pages, rewritten the ways real pages of their layout vary, generate the same contract.

Each rewrite from :mod:`.page_mutations` is applied to one pinned page (the other stays as
pinned) and the generated files are compared with the committed ``schemas/``. When the rewrite
keeps every line in place, the output must match byte for byte, source maps included; otherwise
everything but the line numbers must match.
"""

import json
from dataclasses import replace
from pathlib import Path

import pytest

from runware_testkit.schemagen.generate import generate, inputs_from_sources

from . import page_mutations

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "contract" / "sources.json"
PLATFORM = ROOT / "contract" / "platform.json"
SCHEMAS = ROOT / "schemas"
MARKDOWN_PAGE = "runway-aleph.md"
FLATTENED_PAGE = "runway-aleph-2-0.txt"


def generate_with(tmp_path: Path, page: str, text: str) -> dict[str, str]:
    """Generate from the pinned sources with ``page`` replaced by ``text`` (same display name)."""
    inputs = []
    for entry in inputs_from_sources(SOURCES):
        if entry.path.name == page:
            target = tmp_path / page
            target.write_bytes(text.encode("utf-8"))
            entry = replace(entry, path=target, sha256=None)
        inputs.append(entry)
    return generate(inputs, PLATFORM)


def committed() -> dict[str, str]:
    return {
        str(p.relative_to(SCHEMAS)): p.read_text(encoding="utf-8") for p in SCHEMAS.rglob("*.json")
    }


def without_line_numbers(files: dict[str, str]) -> dict[str, object]:
    """The generated files minus what names page lines: source maps and example lines."""
    out: dict[str, object] = {}
    for name, text in files.items():
        if name.endswith("sources.json"):
            continue
        data = json.loads(text)
        if name == "index.json":
            for model in data["models"]:
                for example in model["examples"]:
                    example.pop("line")
        out[name] = data
    return out


def check(tmp_path: Path, page: str, text: str, keeps_lines: bool) -> None:
    assert text != pinned_text(page), "the rewrite changed nothing"
    files = generate_with(tmp_path, page, text)
    if keeps_lines:
        assert files == committed()
    else:
        assert without_line_numbers(files) == without_line_numbers(committed())


def pinned_text(page: str) -> str:
    return (SOURCES.parent / "pages" / page).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", page_mutations.MARKDOWN)
def test_rewritten_markdown_page_generates_the_same_contract(tmp_path, name):
    text = page_mutations.MARKDOWN[name](pinned_text(MARKDOWN_PAGE))
    check(tmp_path, MARKDOWN_PAGE, text, name in page_mutations.MARKDOWN_KEEP_LINES)


def test_markdown_page_with_every_rewrite_at_once(tmp_path):
    text = page_mutations.apply_all(page_mutations.MARKDOWN, pinned_text(MARKDOWN_PAGE))
    check(tmp_path, MARKDOWN_PAGE, text, keeps_lines=False)


@pytest.mark.parametrize("name", page_mutations.FLATTENED)
def test_rewritten_flattened_page_generates_the_same_contract(tmp_path, name):
    text = page_mutations.FLATTENED[name](pinned_text(FLATTENED_PAGE))
    check(tmp_path, FLATTENED_PAGE, text, name in page_mutations.FLATTENED_KEEP_LINES)


def test_flattened_page_with_every_rewrite_at_once(tmp_path):
    text = page_mutations.apply_all(page_mutations.FLATTENED, pinned_text(FLATTENED_PAGE))
    check(tmp_path, FLATTENED_PAGE, text, keeps_lines=False)


def test_a_rewrite_that_changes_meaning_is_caught(tmp_path):
    """The comparison is not vacuous: a changed bound shows up as a different contract."""
    text = pinned_text(MARKDOWN_PAGE).replace("- **Max**: `99`", "- **max**: `98`")
    with pytest.raises(AssertionError):
        check(tmp_path, MARKDOWN_PAGE, text, keeps_lines=True)
