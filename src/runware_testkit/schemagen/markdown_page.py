"""Parser for Runware model pages in their markdown form (front matter, ``###`` per parameter)."""

from __future__ import annotations

import json
import re

from . import facts
from .model import AllowedValue, Example, ModelPage, PageError, Parameter, Preset, Source

_HEADING = re.compile(r"^(#{1,4}) (.*)$")
_PARAM_HEADING = re.compile(r"^\[([A-Za-z][A-Za-z0-9]*)\]\((\S+)\)$")
_BULLET = re.compile(r"^- \*\*([A-Za-z ]+)\*\*: (.*)$")
_GROUP = re.compile(r"^\*\*([A-Z][A-Za-z ]+)\*\*$")
_CODE = re.compile(r"`([^`]*)`")
_PRESET_ROW = re.compile(r"^\| `([^`]+)` \| `(\d+)x(\d+)` \|$")
_PAIR = re.compile(r"^`(\w+)` and `(\w+)` must be used together\.$")
_NESTED = re.compile(r"nested inside the \\?`([\w.]+)\\?` object")
_DESC_VALUE = re.compile(r"^- \\?`([^`\\]+)\\?`: (.+)$")
_LIST_VALUE = re.compile(r"^- `([^`]+)`(?: (.*))?$")


def looks_like_markdown(text: str) -> bool:
    """True when ``text`` is a markdown model page rather than flattened page text."""
    return text.startswith("---\n") or "\n## Request Parameters" in text


def parse_markdown_page(text: str, file: str, url: str | None = None) -> ModelPage:
    """Parse a markdown model page into a :class:`ModelPage`; raise PageError naming the line."""
    return _MarkdownParser(text, file, url).parse()


class _MarkdownParser:
    def __init__(self, text: str, file: str, url: str | None) -> None:
        self.lines = text.split("\n")
        self.file = file
        self.url = url
        self.front: dict[str, str] = {}
        self.info: dict[str, tuple[str, Source]] = {}

    def src(self, index: int) -> Source:
        return Source(self.file, index + 1)

    def fail(self, index: int, message: str) -> PageError:
        return PageError(self.file, index + 1, message)

    def parse(self) -> ModelPage:
        index = self._front_matter()
        sections: dict[str, tuple[int, int]] = {}
        title, title_at, current, start = None, 0, None, index
        for i in range(index, len(self.lines)):
            heading = _HEADING.match(self.lines[i])
            if heading and heading.group(1) == "#" and title is None:
                title, title_at = heading.group(2).strip(), i
            elif heading and heading.group(1) == "##":
                if current:
                    sections[current] = (start, i)
                current, start = heading.group(2).strip(), i + 1
        if current:
            sections[current] = (start, len(self.lines))
        if title is None:
            raise self.fail(index, "no '# Title' heading")
        if "Request Parameters" not in sections:
            raise self.fail(len(self.lines) - 1, "no '## Request Parameters' section")
        self._info(title_at + 1, min(s for s, _ in sections.values()))
        if "ID" not in self.info:
            raise self.fail(title_at, "no '- **ID**:' line under the title")
        url = self.url or self.front.get("url")
        if not url:
            raise self.fail(0, "no url in front matter; pass the page URL")
        page = ModelPage(
            file=self.file,
            format="markdown",
            title=title,
            air=self.info["ID"][0],
            url=url,
            task_type="",
            source=self.info["ID"][1],
            status=self._info_value("Status"),
            creator=self._info_value("Creator"),
            released=self._info_value("Release Date"),
            capabilities=[
                c.strip() for c in (self._info_value("Capabilities") or "").split(",") if c.strip()
            ],
            summary=self._summary(title_at + 1),
        )
        for name, (begin, end) in sections.items():
            if name.startswith("Compatibility"):
                self._compatibility(page, begin, end)
            elif name == "Request Parameters":
                page.request = self._parameters(begin, end, page)
            elif name == "Response Parameters":
                page.response = self._parameters(begin, end, page)
            elif name == "Examples":
                page.examples = self._examples(begin, end)
        task_type = page.parameter("taskType")
        if task_type is None or task_type.fact("const") is None:
            raise self.fail(sections["Request Parameters"][0], "taskType has no '**Value**'")
        page.task_type = task_type.fact("const")
        return page

    def _front_matter(self) -> int:
        if not self.lines or self.lines[0] != "---":
            return 0
        for i in range(1, len(self.lines)):
            if self.lines[i] == "---":
                return i + 1
            key, sep, value = self.lines[i].partition(":")
            if not sep:
                raise self.fail(i, "front matter line is not 'key: value'")
            self.front[key.strip()] = value.strip()
        raise self.fail(0, "front matter is not closed by '---'")

    def _info(self, begin: int, end: int) -> None:
        for i in range(begin, end):
            bullet = _BULLET.match(self.lines[i])
            if bullet:
                value = bullet.group(2).strip()
                code = _CODE.fullmatch(value)
                self.info[bullet.group(1)] = (code.group(1) if code else value, self.src(i))

    def _info_value(self, key: str) -> str | None:
        found = self.info.get(key)
        return found[0] if found else None

    def _summary(self, begin: int) -> str:
        for i in range(begin, len(self.lines)):
            line = self.lines[i].strip()
            if line and not line.startswith(("-", "#")):
                return line
        return ""

    def _compatibility(self, page: ModelPage, begin: int, end: int) -> None:
        for i in range(begin, end):
            line = self.lines[i].strip()
            pair = _PAIR.match(line)
            if pair:
                page.pairs.append((pair.group(1), pair.group(2), self.src(i)))
                continue
            row = _PRESET_ROW.match(line)
            if row:
                page.presets.append(
                    Preset(row.group(1), int(row.group(2)), int(row.group(3)), self.src(i))
                )
            elif line.startswith("|") and not re.fullmatch(r"\|[ \-|]+\||\| Configuration.*", line):
                raise self.fail(i, f"unreadable Compatibility table row {line!r}")

    def _parameters(self, begin: int, end: int, page: ModelPage) -> list[Parameter]:
        params: list[Parameter] = []
        group: str | None = None
        nest: tuple[str, Source] | None = None
        i = begin
        while i < end:
            line = self.lines[i]
            heading = _HEADING.match(line)
            grp = _GROUP.match(line.strip())
            if grp and grp.group(1) not in ("Allowed values", "Learn more"):
                group, nest = grp.group(1), None
                for j in range(i + 1, min(i + 4, end)):
                    nested = _NESTED.search(self.lines[j])
                    if nested:
                        nest = (nested.group(1), self.src(j))
                i += 1
                continue
            if heading and heading.group(1) in ("###", "####"):
                ref = _PARAM_HEADING.match(heading.group(2).strip())
                if not ref:
                    raise self.fail(i, f"parameter heading is not '[name](anchor)': {line!r}")
                stop = i + 1
                while (
                    stop < end
                    and not _HEADING.match(self.lines[stop])
                    and not (
                        _GROUP.match(self.lines[stop].strip())
                        and _GROUP.match(self.lines[stop].strip()).group(1)
                        not in ("Allowed values", "Learn more")
                    )
                ):
                    stop += 1
                param = self._parameter(ref.group(1), ref.group(2), i, stop, group, nest, params)
                params.append(param)
                page.notes.append((param.description, param.source))
                i = stop
                continue
            if heading:
                raise self.fail(i, f"unexpected heading {line!r} among parameters")
            i += 1
        return params

    def _parameter(
        self,
        name: str,
        anchor: str,
        at: int,
        stop: int,
        group: str | None,
        nest: tuple[str, Source] | None,
        earlier: list[Parameter],
    ) -> Parameter:
        param = Parameter(name=name, path=name, source=self.src(at), anchor=anchor, group=group)
        explicit_path: tuple[str, Source] | None = None
        text: list[str] = []
        value_notes: dict[str, str] = {}
        i = at + 1
        in_attributes = True  # the "- **Key**: value" block right under the heading
        while i < stop:
            line = self.lines[i].rstrip()
            bullet = _BULLET.match(line) if in_attributes else None
            if line.strip() and not bullet:
                in_attributes = False
            if bullet:
                self._bullet(param, bullet.group(1), bullet.group(2), i)
                if bullet.group(1) == "Path":
                    explicit_path = (bullet.group(2).strip().strip("`"), self.src(i))
                i += 1
                continue
            if line.startswith("**Allowed values**:"):
                i = self._allowed(param, line, i, stop)
                continue
            if line.startswith("**Learn more**"):
                i += 1
                while i < stop and (not self.lines[i].strip() or self.lines[i].startswith("- [")):
                    i += 1
                continue
            if line.startswith("```"):
                i += 1
                while i < stop and not self.lines[i].startswith("```"):
                    i += 1
                i += 1
                continue
            described = _DESC_VALUE.match(line)
            if described:
                value_notes[described.group(1)] = described.group(2).strip()
            if line.strip():
                text.append(line.strip())
            i += 1
        param.description = " ".join(text).replace("\\`", "`")
        for allowed in param.allowed:
            if allowed.description is None and str(allowed.value) in value_notes:
                allowed.description = value_notes[str(allowed.value)]
        self._place(param, explicit_path, nest, earlier)
        if param.fact("type") is None:
            raise self.fail(at, f"parameter {name} has no '**Type**'")
        forms = facts.input_forms(param.description)
        if forms and param.fact("type") in ("string", "array"):
            param.set("inputForms", forms, self.src(at))
        return param

    def _place(
        self,
        param: Parameter,
        explicit: tuple[str, Source] | None,
        nest: tuple[str, Source] | None,
        earlier: list[Parameter],
    ) -> None:
        if explicit is None:
            if nest is not None:
                param.path = f"{nest[0]}.{param.name}"
                param.set("path", param.path, nest[1].inferring("group says nested inside"))
            return
        path, source = explicit
        segments = path.split(".")
        if segments[-1] == param.name:
            param.path = path
            param.set("path", path, source)
            return
        # An object heading whose Path names its first child (the Aleph page does this for
        # `safety`): the object's own path ends at its name.
        if param.name in segments and param.fact("type") == "object":
            param.path = ".".join(segments[: segments.index(param.name) + 1])
            param.set(
                "path",
                param.path,
                source.inferring(
                    f"page gives Path {path!r} for the object {param.name!r}; "
                    "an object's path ends at its own name"
                ),
            )
            return
        raise PageError(
            source.file,
            source.line,
            f"Path {path!r} does not end with the parameter name {param.name!r}",
        )

    def _bullet(self, param: Parameter, key: str, raw: str, i: int) -> None:
        source = self.src(i)
        value = raw.strip()
        if key == "Type":
            facts.apply_type(param, value.strip("`"), source)
        elif key == "Required":
            param.set("required", value == "true", source)
        elif key == "Value":
            param.set("const", facts.coerce(param, value, source, "Value"), source)
        elif key == "Format":
            facts.apply_format(param, value, source)
        elif key == "Default":
            param.set("default", facts.coerce(param, value, source, "Default"), source)
        elif key in ("Min", "Max"):
            facts.apply_bound(param, key.lower(), value.strip("`"), source)
        elif key in ("Min items", "Max items"):
            facts.apply_items_bound(param, key.split()[0].lower(), value, source)
        elif key == "Step":
            facts.apply_step(param, value.strip("`"), source)
        elif key == "Paired with":
            param.set("pairedWith", [p.strip() for p in value.split(",")], source)
        elif key == "Path":
            pass
        else:
            raise self.fail(i, f"unknown parameter attribute {key!r}")

    def _allowed(self, param: Parameter, line: str, i: int, stop: int) -> int:
        inline = line.removeprefix("**Allowed values**:").strip()
        if inline:
            for raw in _CODE.findall(inline):
                value = facts.coerce(param, raw, self.src(i), "allowed value")
                param.allowed.append(AllowedValue(value, None, self.src(i)))
            if not param.allowed:
                raise self.fail(i, "'**Allowed values**:' lists no `value`")
            return i + 1
        j = i + 1
        while j < stop and not self.lines[j].strip():
            j += 1
        while j < stop and self.lines[j].startswith("- "):
            item = _LIST_VALUE.match(self.lines[j])
            if not item:
                raise self.fail(j, f"allowed value line is not '- `value` text': {self.lines[j]!r}")
            value = facts.coerce(param, item.group(1), self.src(j), "allowed value")
            param.allowed.append(AllowedValue(value, item.group(2), self.src(j)))
            j += 1
        if not param.allowed:
            raise self.fail(i, "'**Allowed values**:' is followed by no values")
        return j

    def _examples(self, begin: int, end: int) -> list[Example]:
        examples: list[Example] = []
        title, title_at = "", begin
        pending: dict[str, tuple[dict, int]] = {}
        label = None
        i = begin
        while i < end:
            line = self.lines[i]
            if line.startswith("### "):
                self._close_example(examples, title, title_at, pending)
                title, title_at, pending = line[4:].strip(), i, {}
            elif line.strip() in ("**Request**:", "**Response**:"):
                label = line.strip()[2:-3].lower()
            elif line.startswith("```json"):
                j = i + 1
                while j < end and not self.lines[j].startswith("```"):
                    j += 1
                try:
                    body = json.loads("\n".join(self.lines[i + 1 : j]))
                except json.JSONDecodeError as exc:
                    raise self.fail(i + 1 + exc.lineno - 1, f"example JSON: {exc.msg}") from None
                if label is None:
                    raise self.fail(i, "JSON example without '**Request**:' or '**Response**:'")
                pending[label] = (body, i)
                label, i = None, j
            i += 1
        self._close_example(examples, title, title_at, pending)
        return examples

    def _close_example(self, out: list[Example], title: str, at: int, pending: dict) -> None:
        if not pending:
            return
        if "request" not in pending:
            raise self.fail(at, f"example {title!r} has a response but no request")
        request, request_at = pending["request"]
        response = pending.get("response", (None, 0))[0]
        out.append(Example(title, request, response, self.src(request_at)))
