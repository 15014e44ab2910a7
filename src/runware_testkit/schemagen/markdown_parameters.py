"""The parameter blocks of a markdown page's Request or Response Parameters section.

A block is a heading ``### [name](anchor)`` (``####`` or deeper for a field nested in the object
above it), a run of attribute bullets (``- **Type**: `string` ``; any order, any case, blank
lines between them), then prose that may hold ``**Allowed values**:`` (inline or as a list),
``**Learn more**`` links and code blocks. A bold-only line followed by a description and a
parameter heading opens a group (``**Inputs**``); a group description saying "nested inside the
`inputs` object" places the group's parameters under that path.
"""

from __future__ import annotations

import re

from . import facts, vocabulary
from .model import AllowedValue, ModelPage, PageError, Parameter, Source
from .page_text import heading

BOLD_LINE = re.compile(r"^(\*\*|__)(.+?)\1(.*)$")
_ATTRIBUTE = re.compile(r"^ {0,3}[-*+][ \t]+(\*\*|__)([^*_`]+?)\1[ \t]*(.*)$")
_PARAM_HEADING = re.compile(r"^\[\s*`?([A-Za-z_][A-Za-z0-9_]*)`?\s*\]\(\s*(\S+?)\s*\)$")
_NESTED = re.compile(
    r"nested\s+(?:inside|under|within|in)\s+(?:the\s+)?\\?`?([\w.]+)\\?`?\s+object", re.IGNORECASE
)
_ANY_BULLET = re.compile(r"^ {0,3}[-*+][ \t]+")
_LINK_BULLET = re.compile(r"^ {0,3}[-*+][ \t]+\[")
_ALLOWED_ITEM = re.compile(
    r"^ {0,3}[-*+][ \t]+\\?`([^`\\]+)\\?`[ \t]*(?:(?::|[-–—](?=\s))[ \t]*)?(.*)$"
)
# "- **async**: text", "- async: text" or a lone "- async": without code marks the value must be
# bold, or one word followed by a colon or by nothing.
_PLAIN_ALLOWED_ITEM = re.compile(
    r"^ {0,3}[-*+][ \t]+(?:\*\*([^*]+?)\*\*|([^\s`*:]+))[ \t]*(?:(?::|[-–—](?=\s))[ \t]*(.*))?$"
)
_DESCRIBED_VALUE = re.compile(r"^ {0,3}[-*+][ \t]+\\?`([^`\\]+)\\?`[ \t]*[:–—-][ \t]*(.+)$")
_CODE = re.compile(r"`([^`]*)`")
_LEADING_COLON = re.compile(r"^[:：]\s*")

# label as written, value, 0-based line
_Attribute = tuple[str, str, int]
# an allowed value as written, its description, 0-based line
_RawAllowed = tuple[str, str | None, int]


class ParameterReader:
    """Reads parameter blocks from a page's lines (``fenced``: 0-based lines inside code blocks).

    Raises PageError naming the line of anything it cannot read.
    """

    def __init__(self, lines: list[str], fenced: set[int], file: str) -> None:
        self.lines = lines
        self.fenced = fenced
        self.file = file

    def src(self, index: int) -> Source:
        return Source(self.file, index + 1)

    def fail(self, index: int, message: str) -> PageError:
        return PageError(self.file, index + 1, message)

    def read(self, begin: int, end: int, page: ModelPage) -> list[Parameter]:
        """The parameters between 0-based lines ``begin`` and ``end``, in page order; each
        description is also added to ``page.notes``."""
        groups = self._groups(begin, end)
        params: list[Parameter] = []
        group: str | None = None
        nest: tuple[str, Source] | None = None
        enclosing: list[tuple[int, Parameter]] = []
        i = begin
        while i < end:
            if i in groups:
                group, nest = groups[i]
                enclosing.clear()
                i += 1
                continue
            found = None if i in self.fenced else heading(self.lines[i])
            if found is None:
                i += 1
                continue
            if found[0] < 3:
                raise self.fail(i, f"unexpected heading {self.lines[i]!r} among parameters")
            stop = next(
                (
                    j
                    for j in range(i + 1, end)
                    if j in groups or (j not in self.fenced and heading(self.lines[j]))
                ),
                end,
            )
            while enclosing and enclosing[-1][0] >= found[0]:
                enclosing.pop()
            parent = enclosing[-1][1] if enclosing else None
            param = self._parameter(i, found[1], stop, group, nest, parent)
            params.append(param)
            page.notes.append((param.description, param.source))
            enclosing.append((found[0], param))
            i = stop
        return params

    def _groups(self, begin: int, end: int) -> dict[int, tuple[str, tuple[str, Source] | None]]:
        """Group titles: bold-only lines followed by plain prose and then a parameter heading."""
        groups: dict[int, tuple[str, tuple[str, Source] | None]] = {}
        for i in range(begin, end):
            bold = None if i in self.fenced else BOLD_LINE.match(self.lines[i].strip())
            if not bold or bold.group(3).strip():
                continue
            title = bold.group(2).strip()
            if title.endswith(":") or _is_paragraph_label(title):
                continue
            nest: tuple[str, Source] | None = None
            for j in range(i + 1, end):
                line = self.lines[j].strip()
                found = None if j in self.fenced else heading(self.lines[j])
                if found:
                    if found[0] >= 3:
                        groups[i] = (title, nest)
                    break
                if j in self.fenced or _ANY_BULLET.match(line) or BOLD_LINE.match(line):
                    break
                nested = _NESTED.search(line)
                if nested:
                    nest = (nested.group(1), self.src(j))
        return groups

    def _parameter(
        self,
        at: int,
        title: str,
        stop: int,
        group: str | None,
        nest: tuple[str, Source] | None,
        parent: Parameter | None,
    ) -> Parameter:
        ref = _PARAM_HEADING.match(title.replace("\\_", "_"))
        if not ref:
            raise self.fail(
                at, f"parameter heading is not '[name](anchor)': {self.lines[at].strip()!r}"
            )
        name, anchor = ref.group(1), ref.group(2)
        param = Parameter(name=name, path=name, source=self.src(at), anchor=anchor, group=group)
        attributes: dict[str, _Attribute] = {}
        text: list[str] = []
        value_notes: dict[str, str] = {}
        allowed: list[_RawAllowed] = []
        i = self._attributes(at + 1, stop, attributes)
        while i < stop:
            line = self.lines[i]
            stripped = line.strip()
            bold = BOLD_LINE.match(stripped)
            label = bold.group(2) if bold else ""
            attribute = _ATTRIBUTE.match(line)
            if i in self.fenced:
                i += 1
            elif bold and _attribute_key(label) == "allowed values":
                if allowed:
                    first = allowed[0][2] + 1
                    raise self.fail(i, f"allowed values given twice (first at line {first})")
                i = self._allowed_paragraph(bold.group(3), i, stop, allowed)
            elif bold and vocabulary.lookup(vocabulary.LEARN_MORE, label):
                i += 1
                while i < stop and (not self.lines[i].strip() or _LINK_BULLET.match(self.lines[i])):
                    i += 1
            elif attribute and not attributes and _attribute_key(attribute.group(2)):
                # No attribute bullets right under the heading: the first run of them after the
                # description holds them.
                i = self._attributes(i, stop, attributes)
            else:
                described = _DESCRIBED_VALUE.match(line)
                if described:
                    value_notes[described.group(1)] = described.group(2).strip()
                if stripped:
                    text.append(stripped)
                i += 1
        param.description = " ".join(text).replace("\\`", "`")
        if "type" not in attributes:
            raise self.fail(at, f"parameter {name} has no '**Type**'")
        if "allowed values" in attributes:
            label, inline, line_at = attributes["allowed values"]
            if allowed:
                first, second = sorted((line_at, allowed[0][2]))
                raise self.fail(second, f"allowed values given twice (first at line {first + 1})")
            if not inline:
                raise self.fail(line_at, f"{label!r} of {param.name} has no value")
            allowed = self._inline_allowed(inline, line_at)
        for key in vocabulary.ATTRIBUTE_ORDER:
            if key in attributes and key != "allowed values":
                self._apply(param, key, *attributes[key])
        for raw, description, line_at in allowed:
            value = facts.coerce(param, raw, self.src(line_at), "allowed value")
            if description is None and str(value) in value_notes:
                description = value_notes[str(value)]
            param.allowed.append(AllowedValue(value, description, self.src(line_at)))
        path = attributes.get("path")
        explicit = (
            (path[1].strip("`").strip().replace("\\_", "_"), self.src(path[2])) if path else None
        )
        self._place(param, explicit, nest, parent)
        forms = facts.input_forms(param.description)
        if forms and param.fact("type") in ("string", "array"):
            param.set("inputForms", forms, self.src(at))
        return param

    def _attributes(self, start: int, stop: int, into: dict[str, _Attribute]) -> int:
        """Read the run of ``- **Label**: value`` bullets at ``start``; return the line after."""
        i = start
        while i < stop and i not in self.fenced:
            line = self.lines[i]
            if not line.strip():
                i += 1
                continue
            bullet = _ATTRIBUTE.match(line)
            if not bullet:
                break
            label = bullet.group(2).strip().rstrip(":").strip()
            key = _attribute_key(label)
            if key is None:
                raise self.fail(i, f"unknown parameter attribute {label!r}")
            if key in into:
                first = into[key][2] + 1
                raise self.fail(i, f"{label!r} is given twice (first at line {first})")
            into[key] = (label, _LEADING_COLON.sub("", bullet.group(3).strip()), i)
            i += 1
        return i

    def _apply(self, param: Parameter, key: str, label: str, value: str, i: int) -> None:
        source = self.src(i)
        if not value and key != "required":
            raise self.fail(i, f"{label!r} of {param.name} has no value")
        if key == "type":
            facts.apply_type(param, value, source)
        elif key == "required":
            param.set("required", facts.parse_flag(value, source, label), source)
        elif key == "value":
            param.set("const", facts.coerce(param, value, source, "Value"), source)
        elif key == "format":
            facts.apply_format(param, value, source)
        elif key == "default":
            # A default of `null` says the parameter has none.
            if value.strip("`").strip().lower() != "null":
                param.set("default", facts.coerce(param, value, source, "Default"), source)
        elif key in ("min", "max"):
            facts.apply_bound(param, key, value.strip("`"), source)
        elif key in ("min items", "max items"):
            facts.apply_items_bound(param, key.split()[0], value, source)
        elif key == "step":
            facts.apply_step(param, value.strip("`"), source)
        elif key == "paired with":
            param.set("pairedWith", facts.parse_names(value, source, label), source)

    def _allowed_paragraph(self, tail: str, i: int, stop: int, into: list[_RawAllowed]) -> int:
        """``**Allowed values**:`` followed by inline values or by a ``- `value` text`` list;
        the values go to ``into`` and the line after them is returned."""
        inline = _LEADING_COLON.sub("", tail.strip())
        if inline:
            into += self._inline_allowed(inline, i)
            return i + 1
        j = i + 1
        while j < stop and j not in self.fenced:
            line = self.lines[j]
            if not line.strip():
                j += 1
                continue
            if not _ANY_BULLET.match(line):
                break
            item = _ALLOWED_ITEM.match(line)
            plain = None if item else _PLAIN_ALLOWED_ITEM.match(line)
            if item:
                into.append((item.group(1), item.group(2).strip() or None, j))
            elif plain:
                value = (plain.group(1) or plain.group(2)).strip()
                into.append((value, (plain.group(3) or "").strip() or None, j))
            else:
                raise self.fail(j, f"allowed value line is not '- `value` text': {line!r}")
            j += 1
        if not into:
            raise self.fail(i, "'**Allowed values**:' is followed by no values")
        return j

    def _inline_allowed(self, inline: str, i: int) -> list[_RawAllowed]:
        """`` `a` `b` `` or ``a, b``; a single bare word is not read as a value."""
        raws = _CODE.findall(inline)
        if not raws:
            parts = [p.strip() for p in inline.split(",")]
            if len(parts) >= 2 and all(re.fullmatch(r"[^\s`]+", p) for p in parts):
                raws = parts
        if not raws:
            raise self.fail(i, "'**Allowed values**:' lists no `value`")
        return [(raw, None, i) for raw in raws]

    def _place(
        self,
        param: Parameter,
        explicit: tuple[str, Source] | None,
        nest: tuple[str, Source] | None,
        parent: Parameter | None,
    ) -> None:
        if explicit is None:
            if parent is not None:
                if parent.fact("type") not in ("object", "array"):
                    raise PageError(
                        param.source.file,
                        param.source.line,
                        f"{param.name} is nested under {parent.path}, which is a "
                        f"{parent.fact('type')}, not an object",
                    )
                param.path = f"{parent.path}.{param.name}"
                param.set(
                    "path",
                    param.path,
                    param.source.inferring(f"heading nested under {parent.path}"),
                )
            elif nest is not None:
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


def _attribute_key(label: str) -> str | None:
    return vocabulary.lookup(vocabulary.PARAMETER_ATTRIBUTES, label)


def _is_paragraph_label(title: str) -> bool:
    """Bold labels that introduce part of a parameter's text, not a group."""
    return _attribute_key(title) == "allowed values" or bool(
        vocabulary.lookup(vocabulary.LEARN_MORE, title)
    )
