"""Parser for Runware model pages in their markdown form (front matter, ``###`` per parameter).

The layout: optional front matter (its ``url:`` gives the page URL), a ``# Title`` heading with
info bullets under it (``- **ID**: `air` ``, Status, Creator, Release Date, Capabilities), then
``##`` sections: Compatibility & Validation, Request Parameters, Response Parameters, Examples.
Only Request Parameters is required. Section names and labels are matched without regard to case,
spacing or punctuation (see :mod:`.vocabulary`); blank lines may appear anywhere; text inside
fenced code blocks is never read as structure. Parameter blocks are read by
:mod:`.markdown_parameters`, the Compatibility section by :mod:`.markdown_compatibility`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from . import vocabulary
from .markdown_compatibility import read_compatibility
from .markdown_parameters import ParameterReader
from .model import Example, ModelPage, PageError, Source
from .page_text import CodeBlock, code_blocks, heading, read_front_matter, split_lines

_INFO_BULLET = re.compile(r"^ {0,3}[-*+][ \t]+(\*\*|__)([^*_]+?)\1[ \t]*(.*)$")
_CODE = re.compile(r"`([^`]*)`")


def looks_like_markdown(text: str) -> bool:
    """True when ``text`` is a markdown model page rather than flattened page text: it opens
    with front matter or has a ``## Request Parameters`` heading (in any spelling)."""
    lines = split_lines(text)
    first = next((line.strip() for line in lines if line.strip()), "")
    if first == "---":
        return True
    for line in lines:
        found = heading(line)
        if found and found[0] == 2 and vocabulary.lookup(vocabulary.SECTIONS, found[1]):
            return True
    return False


def parse_markdown_page(text: str, file: str, url: str | None = None) -> ModelPage:
    """Parse a markdown model page into a :class:`ModelPage`.

    ``url`` overrides the front matter's. Raises PageError naming the file and line of the
    first thing the parser cannot read; it never returns part of a page.
    """
    return _MarkdownParser(text, file, url).parse()


@dataclass(frozen=True)
class _Section:
    name: str  # canonical (vocabulary.SECTIONS)
    heading_at: int
    begin: int
    end: int


class _MarkdownParser:
    def __init__(self, text: str, file: str, url: str | None) -> None:
        self.lines = split_lines(text)
        self.file = file
        self.url = url
        self.front = read_front_matter(self.lines, file)
        self.blocks = code_blocks(self.lines, self.front.end, file)
        self.fenced = {i for b in self.blocks for i in range(b.opening, b.closing + 1)}

    def src(self, index: int) -> Source:
        return Source(self.file, index + 1)

    def fail(self, index: int, message: str) -> PageError:
        return PageError(self.file, index + 1, message)

    def _heading(self, index: int) -> tuple[int, str] | None:
        return None if index in self.fenced else heading(self.lines[index])

    def parse(self) -> ModelPage:
        title, title_at, body_at, sections = self._outline()
        if "request" not in sections:
            raise self.fail(len(self.lines) - 1, "no '## Request Parameters' section")
        info_end = min(s.heading_at for s in sections.values())
        info = self._info(body_at, info_end)
        if "id" not in info:
            raise self.fail(title_at, "no '- **ID**:' line under the title")
        url = self.url or self._front_value("url", "canonical")
        if not url:
            raise self.fail(self.front.start, "no url in front matter; pass the page URL")
        page = ModelPage(
            file=self.file,
            format="markdown",
            title=title,
            air=info["id"][0],
            url=url,
            task_type="",
            source=info["id"][1],
            status=self._value(info, "status"),
            creator=self._value(info, "creator"),
            released=self._value(info, "released"),
            capabilities=[
                c.strip() for c in (self._value(info, "capabilities") or "").split(",") if c.strip()
            ],
            summary=self._summary(body_at, info_end),
        )
        reader = ParameterReader(self.lines, self.fenced, self.file)
        for section in sorted(sections.values(), key=lambda s: s.begin):
            if section.name == "compatibility":
                read_compatibility(
                    self.lines, self.fenced, self.file, section.begin, section.end, page
                )
            elif section.name == "request":
                page.request = reader.read(section.begin, section.end, page)
            elif section.name == "response":
                page.response = reader.read(section.begin, section.end, page)
            elif section.name == "examples":
                page.examples = self._examples(section.begin, section.end)
        task_type = page.parameter("taskType")
        if task_type is None or task_type.fact("const") is None:
            raise self.fail(sections["request"].heading_at, "taskType has no '**Value**'")
        page.task_type = task_type.fact("const")
        self._resolve_pairs(page)
        return page

    def _resolve_pairs(self, page: ModelPage) -> None:
        """Match the names in "`a` and `b` must be used together" and in Paired with to the
        request's top-level parameters; a sentence may capitalise its first word."""
        names = {p.path for p in page.request if "." not in p.path}

        def resolve(name: str, source: Source) -> str:
            if name in names:
                return name
            folded = [n for n in names if n.lower() == name.lower()]
            if len(folded) == 1:
                return folded[0]
            raise PageError(
                source.file, source.line, f"{name!r} is not a top-level request parameter"
            )

        page.pairs = [(resolve(a, s), resolve(b, s), s) for a, b, s in page.pairs]
        for param in page.request:
            paired = param.facts.get("pairedWith")
            if paired is not None:
                resolved = [resolve(n, paired.source) for n in paired.value]
                param.set("pairedWith", resolved, paired.source)

    def _outline(self) -> tuple[str, int, int, dict[str, _Section]]:
        """The title, its 0-based line, the first line after it, and the known ``##`` sections
        by canonical name."""
        title: str | None = None
        title_at = self.front.end
        starts: list[tuple[int, str]] = []
        for i in range(self.front.end, len(self.lines)):
            found = self._heading(i)
            if found and found[0] == 1 and title is None:
                title, title_at = found[1], i
            elif found and found[0] == 2:
                starts.append((i, found[1]))
        sections: dict[str, _Section] = {}
        for n, (at, text) in enumerate(starts):
            name = vocabulary.lookup(vocabulary.SECTIONS, text)
            if name is None:
                continue
            if name in sections:
                first = sections[name].heading_at + 1
                raise self.fail(at, f"section {text!r} appears twice (first at line {first})")
            end = starts[n + 1][0] if n + 1 < len(starts) else len(self.lines)
            sections[name] = _Section(name, at, at + 1, end)
        if title is None:
            found_title = self.front.get("title")
            if found_title is None:
                raise self.fail(self.front.end, "no '# Title' heading")
            # Front matter titles read "Runway Aleph | Runware Docs".
            title, title_at = found_title[0].split(" | ")[0].strip(), found_title[1]
            return title, title_at, self.front.end, sections
        return title, title_at, title_at + 1, sections

    def _front_value(self, *keys: str) -> str | None:
        found = self.front.get(*keys)
        return found[0] if found else None

    def _info(self, begin: int, end: int) -> dict[str, tuple[str, Source]]:
        info: dict[str, tuple[str, Source]] = {}
        for i in range(begin, end):
            bullet = None if i in self.fenced else _INFO_BULLET.match(self.lines[i])
            if not bullet:
                continue
            key = vocabulary.lookup(vocabulary.PAGE_INFO, bullet.group(2))
            if key is None:
                continue
            if key in info:
                first = info[key][1].line
                raise self.fail(
                    i, f"{bullet.group(2).strip()!r} is given twice (first at line {first})"
                )
            value = re.sub(r"^[:：]\s*", "", bullet.group(3).strip())
            if key == "id":
                # The model id is the first code span ("`runway:2@1` (latest)") or one word.
                code = _CODE.search(value)
                value = code.group(1).strip() if code else value
                if not value or len(value.split()) != 1:
                    raise self.fail(i, f"model id {value!r} is not one word")
            else:
                code = _CODE.fullmatch(value)
                value = code.group(1).strip() if code else value
            info[key] = (value, self.src(i))
        return info

    @staticmethod
    def _value(info: dict[str, tuple[str, Source]], key: str) -> str | None:
        found = info.get(key)
        return found[0] if found else None

    def _summary(self, begin: int, end: int) -> str:
        """The first paragraph under the title that is not a list, heading, table or quote."""
        paragraph: list[str] = []
        for i in range(begin, end):
            line = self.lines[i].strip()
            if i in self.fenced or not line or line.startswith(("-", "*", "+", "#", "|", ">")):
                if paragraph:
                    break
                continue
            paragraph.append(line)
        return " ".join(paragraph)

    def _examples(self, begin: int, end: int) -> list[Example]:
        examples: list[Example] = []
        title, title_at = "", begin
        pending: dict[str, tuple[dict, int]] = {}
        label: str | None = None
        opening = {b.opening: b for b in self.blocks}
        i = begin
        while i < end:
            block = opening.get(i)
            if block is not None:
                if block.info == "json" or (block.info == "" and label is not None):
                    if label is None:
                        raise self.fail(i, "JSON example without '**Request**:' or '**Response**:'")
                    pending[label] = (self._json(block), i)
                    label = None
                i = block.closing + 1
                continue
            found = heading(self.lines[i])
            if found and found[0] >= 3:
                self._close_example(examples, title, title_at, pending)
                title, title_at, pending, label = found[1], i, {}, None
            elif self.lines[i].strip():
                label = vocabulary.lookup(vocabulary.EXAMPLE_PARTS, self.lines[i]) or label
            i += 1
        self._close_example(examples, title, title_at, pending)
        return examples

    def _json(self, block: CodeBlock) -> dict:
        text = "\n".join(self.lines[block.opening + 1 : block.closing])
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise self.fail(block.opening + exc.lineno, f"example JSON: {exc.msg}") from None

    def _close_example(self, out: list[Example], title: str, at: int, pending: dict) -> None:
        if not pending:
            return
        if "request" not in pending:
            raise self.fail(at, f"example {title!r} has a response but no request")
        request, request_at = pending["request"]
        response = pending.get("response", (None, 0))[0]
        out.append(Example(title, request, response, self.src(request_at)))
