"""Parser for Runware model pages saved as flattened page text (one text run per line).

In this form a parameter is a ``-`` line, then its name (``safety»modemode`` for a nested one:
the path joined by ``»``, with the name repeated), then one line of type and constraints ending
in `` -``, then its description. Allowed values are given only as a count and their
descriptions ("Allowed values 3 values"); :mod:`.inference` recovers the values.

Blank lines and surrounding spaces carry no meaning in this form and are skipped (sources still
name the line in the file). Type words, constraint words and counted labels ("Allowed values",
"Properties", "Learn more") are read in any case and with any spacing around their colons.
"""

from __future__ import annotations

import re

from . import facts, vocabulary
from .model import AllowedValue, ModelPage, PageError, Parameter, Source
from .page_text import split_lines

_I = re.IGNORECASE
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:»[A-Za-z][A-Za-z0-9]*)*$")
_SPEC = re.compile(rf"^(?P<type>{facts.TYPE_PATTERN})(?P<rest>.*?)\s*-$", _I)
_TYPE_START = re.compile(rf"^{facts.TYPE_PATTERN}", _I)
_FORMAT_WORDS = "|".join(
    re.escape(word) for word in sorted(facts.JSON_SCHEMA_FORMATS | {"url"}, key=len, reverse=True)
)
_TOKEN = re.compile(
    r"\s*(?:(?P<required>required)(?![\w-])"
    r"|(?P<optional>optional)(?![\w-])"
    r"|value\s*:\s*(?P<value>\S+)"
    r"|format\s*:\s*(?P<named_format>\S+)"
    rf"|(?P<format>uuid\s*v\d|{_FORMAT_WORDS})(?![\w-])"
    r"|min\s*items\s*:\s*(?P<min_items>\d+)"
    r"|max\s*items\s*:\s*(?P<max_items>\d+)"
    r"|min\s*:\s*(?P<min>-?[\d.]+)"
    r"|max\s*:\s*(?P<max>-?[\d.]+)"
    r"|default\s*:\s*(?P<default>\S+)"
    r"|step\s*:\s*(?P<step>[\d.]+))",
    _I,
)
_COUNT = re.compile(r"^allowed\s+values\s*:?\s*(\d+)\s+values?$", _I)
_PROPERTIES = re.compile(r"^properties\s*:?\s*(\d+)\s+propert(?:y|ies)$", _I)
_LEARN = re.compile(r"^learn\s+more\s*:?\s*\d+\s+resources?$", _I)
_EXAMPLES = re.compile(r"^examples?\s*:?\s*\d+\s+examples?$", _I)
_FORMAT_N = re.compile(r"^format\s*\d+\s*:\s*(\w+)\[\](?:\s*\d+\s+propert(?:y|ies))?$", _I)
_FORMAT_N_PROPERTIES = re.compile(r"(\d+)\s+propert", _I)
_TITLE_CASE_GROUP = re.compile(r"^[A-Z][A-Za-z]*(?: [A-Z][A-Za-z]*){0,3}$")
_NESTED = re.compile(r"nested\s+(?:inside|under|within|in)\s+(?:the\s+)?`?([\w.]+)`?\s+object", _I)
_MODEL_URL = "https://runware.ai/docs/models/"


def parse_flattened_page(text: str, file: str, url: str | None = None) -> ModelPage:
    """Parse flattened page text into a :class:`ModelPage`; raise PageError naming the line."""
    return _FlatParser(text, file, url).parse()


def slug_from_title(title: str) -> str:
    """The docs slug of a model title: ``Runway Aleph 2.0`` -> ``runway-aleph-2-0``."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def _name_of(line: str) -> str | None:
    """A parameter-name line with the spacing of a nested name undone (``inputs » frame frame``
    -> ``inputs»frameframe``), or None when the line is not a name."""
    name = re.sub(r"\s+", "", line) if "»" in line else line
    return name if _NAME.match(name) else None


def _is_group_title(text: str) -> bool:
    """A parameter-group title: Title Case words, or group words in any case."""
    return bool(_TITLE_CASE_GROUP.match(" ".join(text.split()))) or _is_group_words(text)


def _is_group_words(text: str) -> bool:
    words = text.split()
    return 0 < len(words) <= 4 and all(w.lower() in vocabulary.GROUP_WORDS for w in words)


class _FlatParser:
    def __init__(self, text: str, file: str, url: str | None) -> None:
        lines = split_lines(text)
        # Only the non-blank lines, stripped; ``self.at`` maps each to its 0-based file line.
        self.at = [i for i, line in enumerate(lines) if line.strip()]
        self.lines = [lines[i].strip() for i in self.at]
        self.names = [_name_of(line) for line in self.lines]
        self.file = file
        self.url = url

    def src(self, index: int) -> Source:
        return Source(self.file, self.at[index] + 1)

    def fail(self, index: int, message: str) -> PageError:
        return PageError(self.file, self.at[index] + 1, message)

    def _starts_parameter(self, i: int) -> bool:
        """Line i ends a block with '-' and is followed by a name line and a spec line."""
        if not self.lines[i].endswith("-") or i + 2 >= len(self.lines):
            return False
        return bool(self.names[i + 1] and _SPEC.match(self.lines[i + 2]))

    def parse(self) -> ModelPage:
        if not self.lines:
            raise PageError(self.file, 1, "page text is empty")
        title = self.lines[0]
        starts = [i for i in range(len(self.lines)) if self._starts_parameter(i)]
        if not starts:
            raise self.fail(0, "no parameter blocks ('-', name, 'type ... -') found")
        self._check_orphans(starts)
        page = ModelPage(
            file=self.file,
            format="flattened",
            title=title,
            air="",
            url="",
            task_type="",
            source=self.src(0),
            summary=self.lines[1] if len(self.lines) > 1 else "",
        )
        if self.url:
            page.url = self.url
        else:
            page.url = _MODEL_URL + slug_from_title(title)
            page.url_source = self.src(0).inferring(
                "page text has no URL; docs slug derived from the title"
            )
        first_group = self._group_before(starts[0], 1)
        group, nest = (first_group[0], first_group[1]) if first_group else (None, None)
        for n, start in enumerate(starts):
            end = starts[n + 1] if n + 1 < len(starts) else len(self.lines)
            next_group = self._group_before(end, start + 3) if end < len(self.lines) else None
            body_end = next_group[2] if next_group else end
            param = self._parameter(start + 1, body_end, group, nest, page)
            page.request.append(param)
            if next_group:
                group, nest = next_group[0], next_group[1]
        self._check_properties(page)
        model = page.parameter("model")
        task_type = page.parameter("taskType")
        if model is None or model.fact("const") is None:
            raise self.fail(starts[0], "the page has no 'model ... value: <AIR>' parameter")
        if task_type is None or task_type.fact("const") is None:
            raise self.fail(starts[0], "the page has no 'taskType ... value: <type>' parameter")
        page.air = model.fact("const")
        page.task_type = task_type.fact("const")
        page.source = model.facts["const"].source
        return page

    def _check_orphans(self, starts: list[int]) -> None:
        """A name line followed by something that is not a spec line is a broken parameter."""
        for i in range(len(self.lines) - 2):
            if self.lines[i] == "-" and "»" in (self.names[i + 1] or "") and i not in starts:
                raise self.fail(
                    i + 2,
                    f"parameter {self.lines[i + 1]!r} has no type line "
                    f"('type ... -'); found {self.lines[i + 2]!r}",
                )
            if (
                i not in starts
                and self.lines[i].endswith("-")
                and self.names[i + 1]
                and _TYPE_START.match(self.lines[i + 2])
                and not _SPEC.match(self.lines[i + 2])
            ):
                raise self.fail(i + 2, f"unreadable type line {self.lines[i + 2]!r}")

    def _group_before(
        self, end: int, floor: int
    ) -> tuple[str, tuple[str, Source] | None, int] | None:
        """A group heading ("Inputs" + one description line) just before line ``end``.

        The description must end with a full stop unless the title is made of group words
        ("Inputs", "Provider Settings"), so that a short last line of a parameter's text is not
        taken for a group.
        """
        for title_at in (end - 2, end - 3):
            if title_at < floor:
                continue
            title = self.lines[title_at]
            described = self.lines[title_at + 1].endswith(".") or _is_group_words(title)
            if _is_group_title(title) and described:
                nested = _NESTED.search(self.lines[title_at + 1])
                nest = (nested.group(1), self.src(title_at + 1)) if nested else None
                return title, nest, title_at
        return None

    def _parameter(
        self,
        at: int,
        end: int,
        group: str | None,
        nest: tuple[str, Source] | None,
        page: ModelPage,
    ) -> Parameter:
        raw_name = self.names[at] or self.lines[at]
        *parents, last = raw_name.split("»")
        if parents:
            half = len(last) // 2
            if len(last) % 2 or last[:half] != last[half:]:
                raise self.fail(at, f"nested name {raw_name!r} does not end with its name twice")
            last = last[:half]
        path = ".".join([*parents, last])
        param = Parameter(name=last, path=path, source=self.src(at), group=group)
        if parents:
            param.set("path", path, self.src(at))
        elif nest is not None:
            param.path = f"{nest[0]}.{last}"
            param.set("path", param.path, nest[1].inferring("group says nested inside"))
        self._spec(param, at + 1)
        self._body(param, at + 2, end, page)
        param.anchor = f"{page.url}#request-{param.path.lower().replace('.', '-')}"
        return param

    def _spec(self, param: Parameter, i: int) -> None:
        line = self.lines[i]
        spec = _SPEC.match(line)
        assert spec is not None
        source = self.src(i)
        facts.apply_type(param, spec.group("type"), source)
        rest = spec.group("rest")
        pos = 0
        while pos < len(rest):
            token = _TOKEN.match(rest, pos)
            if not token or token.end() == pos:
                if not rest[pos:].strip():
                    break
                raise self.fail(i, f"unreadable constraint {rest[pos:].strip()!r} of {param.path}")
            pos = token.end()
            kind = token.lastgroup
            value = token.group(kind) if kind else None
            if kind == "required":
                param.set("required", True, source)
            elif kind == "value":
                param.set("const", facts.coerce(param, value, source, "value"), source)
            elif kind in ("format", "named_format"):
                facts.apply_format(param, value, source)
            elif kind in ("min", "max"):
                facts.apply_bound(param, kind, value, source)
            elif kind in ("min_items", "max_items"):
                facts.apply_items_bound(param, kind.split("_")[0], value, source)
            elif kind == "default":
                param.set("default", facts.coerce(param, value, source, "default"), source)
            elif kind == "step":
                facts.apply_step(param, value, source)

    def _body(self, param: Parameter, begin: int, end: int, page: ModelPage) -> None:
        text: list[str] = []
        i = begin
        while i < end:
            line = self.lines[i].strip()
            count = _COUNT.match(line)
            if count:
                param.allowed_count = facts.Fact(int(count.group(1)), self.src(i))
                i += 1
                while i < end and self.lines[i].startswith("- "):
                    param.allowed.append(AllowedValue(None, self.lines[i][2:].strip(), self.src(i)))
                    i += 1
                continue
            if _LEARN.match(line):
                i += 1
                while i < end and self.lines[i].startswith("- "):
                    i += 1
                continue
            props = _PROPERTIES.match(line)
            if props:
                param.property_count = facts.Fact(int(props.group(1)), self.src(i))
            elif _FORMAT_N.match(line):
                shape = _FORMAT_N_PROPERTIES.search(line)
                if shape:
                    param.property_count = facts.Fact(int(shape.group(1)), self.src(i))
            elif _EXAMPLES.match(line) or line in ("", "-"):
                pass
            else:
                text.append(line)
            i += 1
        param.description = " ".join(text).removesuffix("-").strip()
        page.notes.append((param.description, param.source))
        forms = facts.input_forms(param.description)
        if forms and param.fact("type") in ("string", "array"):
            param.set("inputForms", forms, param.source)

    def _check_properties(self, page: ModelPage) -> None:
        for param in page.request:
            if param.property_count is None:
                continue
            children = [
                p
                for p in page.request
                if p.path.startswith(param.path + ".")
                and p.path.count(".") == param.path.count(".") + 1
            ]
            if len(children) != param.property_count.value:
                source = param.property_count.source
                raise PageError(
                    source.file,
                    source.line,
                    f"{param.path} says {param.property_count.value} properties, "
                    f"the page gives {len(children)}",
                )
