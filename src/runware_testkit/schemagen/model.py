"""The parameter model: what a Runware model page says, independent of the page's format.

Both page parsers produce a :class:`ModelPage`; the emitters turn it into JSON Schema and
OpenAPI. Every fact carries a :class:`Source` (file and line), and a fact that the page does not
state outright but that was inferred carries the reason for the inference.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Source:
    """Where a fact came from: a page file and 1-based line, and why, when it was inferred."""

    file: str
    line: int
    inferred: str | None = None

    def as_text(self) -> str:
        """Render as ``file:line`` followed by the inference reason, if any."""
        text = f"{self.file}:{self.line}"
        return f"{text} (inferred: {self.inferred})" if self.inferred else text

    def inferring(self, reason: str) -> Source:
        """A copy of this source marked as inferred for ``reason``."""
        return Source(self.file, self.line, reason)


class SourceError(ValueError):
    """A source (model page or schema document) the generator cannot read fully.

    The text names the file and where in it: ``file:line`` for text, ``file#/json/pointer``
    for a JSON document.
    """

    def __init__(self, file: str, where: str, message: str) -> None:
        super().__init__(f"{file}{where}: {message}")
        self.file = file
        self.reason = message


class PageError(SourceError):
    """A page the parser cannot read fully; names the file and line."""

    def __init__(self, file: str, line: int, message: str) -> None:
        super().__init__(file, f":{line}", message)
        self.line = line


class DocumentError(SourceError):
    """A JSON schema document the importer cannot read fully; names the file and JSON pointer
    (``""`` is the whole document)."""

    def __init__(self, file: str, pointer: str, message: str) -> None:
        super().__init__(file, f"#{pointer}", message)
        self.pointer = pointer


@dataclass
class AllowedValue:
    """One allowed value of an enumerated parameter, with the page's description of it."""

    value: Any
    description: str | None
    source: Source


@dataclass
class Fact:
    """A single stated or inferred value with its source."""

    value: Any
    source: Source


# Input forms a page names in parentheses, e.g. "Image input (UUID, URL, Data URI, or Base64)".
INPUT_FORMS = ("uuid", "url", "datauri", "base64")


@dataclass
class Parameter:
    """One request or response parameter of a model page.

    ``path`` is the dotted JSON path inside the task (``inputs.video``,
    ``providerSettings.runway.contentModeration.publicFigureThreshold``). ``facts`` maps a
    constraint name (``type``, ``required``, ``default``, ``const``, ``format``, ``minimum``,
    ``maximum``, ``minLength``, ``maxLength``, ``minItems``, ``maxItems``, ``step``,
    ``inputForms``, ``pairedWith``, ``itemType``) to its :class:`Fact`.
    """

    name: str
    path: str
    source: Source
    description: str = ""
    anchor: str | None = None
    group: str | None = None
    facts: dict[str, Fact] = field(default_factory=dict)
    allowed: list[AllowedValue] = field(default_factory=list)
    # "Allowed values N values" as the page states it (the flattened page drops the values).
    allowed_count: Fact | None = None
    # "Properties N properties" for an object.
    property_count: Fact | None = None

    def fact(self, key: str, default: Any = None) -> Any:
        """The value of fact ``key``, or ``default`` when the page does not give it."""
        found = self.facts.get(key)
        return default if found is None else found.value

    def set(self, key: str, value: Any, source: Source) -> None:
        """Record fact ``key``."""
        self.facts[key] = Fact(value, source)

    @property
    def segments(self) -> list[str]:
        """The path split into its segments."""
        return self.path.split(".")


@dataclass
class Preset:
    """One allowed width x height combination from the Compatibility table."""

    label: str
    width: int
    height: int
    source: Source


@dataclass
class Example:
    """A request (and, if given, its response) shown on the page."""

    title: str
    request: dict[str, Any]
    response: dict[str, Any] | None
    source: Source


@dataclass
class ModelPage:
    """Everything the generator knows about one model, from one page."""

    file: str
    format: str  # "markdown" | "flattened"
    title: str
    air: str
    url: str
    task_type: str
    source: Source
    url_source: Source | None = None
    status: str | None = None
    creator: str | None = None
    released: str | None = None
    capabilities: list[str] = field(default_factory=list)
    summary: str = ""
    pairs: list[tuple[str, str, Source]] = field(default_factory=list)
    presets: list[Preset] = field(default_factory=list)
    # Flat lists in page order; each parameter carries its full dotted path.
    request: list[Parameter] = field(default_factory=list)
    response: list[Parameter] = field(default_factory=list)
    # Text blocks of the page (descriptions, inline examples), for inferring dropped values.
    notes: list[tuple[str, Source]] = field(default_factory=list)
    response_source: str = "page"  # "page" | "platform"
    examples: list[Example] = field(default_factory=list)

    @property
    def slug(self) -> str:
        """The last path segment of the page URL (``runway-aleph``)."""
        return self.url.rstrip("/").rsplit("/", 1)[-1]

    def parameter(self, path: str) -> Parameter | None:
        """The request parameter at dotted ``path``, if the page has one."""
        return next((p for p in self.request if p.path == path), None)
