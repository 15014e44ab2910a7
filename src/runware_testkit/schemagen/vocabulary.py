"""The words model pages use for their structure, matched without regard to case or spacing.

Pages name the same thing in slightly different ways ("Min", "Minimum", "**Min:**", "min
items", "Compatibility & Validation"). Every label is reduced by :func:`label_key` and looked up
in the tables here, which map each accepted wording to one canonical name. A wording that is not
in a table is unknown: the parsers decide whether that is an error or ordinary prose.
"""

from __future__ import annotations

import re


def label_key(text: str) -> str:
    """``text`` reduced for matching: lower case, ``&`` read as "and", ``-``/``_`` and runs of
    spaces read as one space, and emphasis, code marks and punctuation trimmed from both ends.

    ``"**Min-Items:**"`` -> ``"min items"``; ``"Compatibility & Validation"`` ->
    ``"compatibility and validation"``.
    """
    text = text.replace("&", " and ").lower()
    text = re.sub(r"[\s_\-]+", " ", text)
    return text.strip(" :.;,*`")


def _table(entries: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {label_key(word): name for name, words in entries.items() for word in words}


# Bullet labels under a parameter heading ("- **Type**: `string`").
PARAMETER_ATTRIBUTES = _table(
    {
        "type": ("type", "data type", "value type"),
        "required": ("required", "is required", "mandatory"),
        "value": ("value", "const", "constant", "fixed value"),
        "format": ("format", "string format"),
        "default": ("default", "default value", "defaults to"),
        "min": ("min", "minimum", "min value", "minimum value", "min length", "minimum length"),
        "max": ("max", "maximum", "max value", "maximum value", "max length", "maximum length"),
        "min items": ("min items", "minimum items", "min item count", "min array length"),
        "max items": ("max items", "maximum items", "max item count", "max array length"),
        "step": ("step", "step size", "increment"),
        "paired with": ("paired with", "pairs with", "used together with"),
        "path": ("path", "json path", "full path", "field path"),
        "allowed values": (
            "allowed values",
            "allowed value",
            "accepted values",
            "possible values",
            "valid values",
            "supported values",
            "enum",
        ),
    }
)

# The order attributes are applied in, whatever order the page lists them in: the type first,
# because bounds and literals are read according to it.
ATTRIBUTE_ORDER = (
    "type",
    "path",
    "required",
    "value",
    "format",
    "default",
    "min",
    "max",
    "min items",
    "max items",
    "step",
    "paired with",
    "allowed values",
)

# "## ..." section headings of a markdown page.
SECTIONS = _table(
    {
        "request": (
            "request parameters",
            "request parameter",
            "request",
            "parameters",
            "input parameters",
            "request body",
            "request fields",
        ),
        "response": (
            "response parameters",
            "response parameter",
            "response",
            "response fields",
            "response body",
            "output parameters",
        ),
        "examples": ("examples", "example", "code examples", "usage examples", "request examples"),
        "compatibility": (
            "compatibility and validation",
            "compatibility",
            "validation",
            "validation and compatibility",
        ),
    }
)

# Bullets under the page title ("- **ID**: `runway:2@1`").
PAGE_INFO = _table(
    {
        "id": ("id", "air", "air id", "model id", "model air", "identifier", "model identifier"),
        "status": ("status",),
        "creator": ("creator", "developer", "author"),
        "released": ("release date", "released", "release", "released on", "date released"),
        "capabilities": ("capabilities", "capability"),
    }
)

# Bold paragraph labels inside a parameter's text.
LEARN_MORE = _table(
    {"learn more": ("learn more", "see also", "related resources", "further reading", "read more")}
)
EXAMPLE_PARTS = _table(
    {
        "request": ("request", "example request", "sample request", "request body"),
        "response": ("response", "example response", "sample response", "response body"),
    }
)

# Words of parameter-group titles in flattened page text ("Core Parameters", "Provider
# Settings"); a title made of these is recognised in any case.
GROUP_WORDS = frozenset(
    {
        "api",
        "options",
        "option",
        "inputs",
        "input",
        "generation",
        "core",
        "parameters",
        "parameter",
        "provider",
        "settings",
        "setting",
        "advanced",
        "output",
        "outputs",
        "platform",
        "model",
        "specific",
        "features",
    }
)


def lookup(table: dict[str, str], label: str) -> str | None:
    """The canonical name ``label`` stands for in ``table``, or None if it is not listed."""
    return table.get(label_key(label))
