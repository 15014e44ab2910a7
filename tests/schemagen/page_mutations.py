"""Rewrites of a page's text the ways real pages of the same layout differ from one another.

Each rewrite changes only spelling, spacing, blank lines or order: a parser that reads the layout
must read the rewritten page as saying exactly what the original says. ``*_KEEP_LINES`` name the
rewrites after which every line still has its original number.
"""

import re
from collections.abc import Callable

Rewrite = Callable[[str], str]

# Markdown pages ---------------------------------------------------------------------------------

_LABELS = (
    "Type|Required|Value|Format|Default|Min items|Max items|Min|Max|Step|Path|Paired with"
    "|ID|Status|Creator|Release Date|Capabilities"
)
LABEL_BULLET = re.compile(rf"^- \*\*({_LABELS})\*\*:", re.M)
_PARAGRAPH_LABEL = re.compile(r"^\*\*(Allowed values|Learn more|Request|Response)\*\*", re.M)
SECTION = re.compile(r"^## (.+)$", re.M)

SYNONYMS = {
    "Min": "Minimum",
    "Max": "Maximum",
    "Default": "Default value",
    "Min items": "Minimum items",
    "Max items": "Maximum items",
    "Value": "Constant",
    "ID": "Model ID",
    "Release Date": "Released",
    "Allowed values": "Accepted values",
    "Learn more": "See also",
    "Request Parameters": "Parameters",
    "Response Parameters": "Response fields",
    "Examples": "Example",
    "Compatibility & Validation": "Compatibility and validation",
}


def relabel(text: str, change: Callable[[str], str]) -> str:
    """Apply ``change`` to every vocabulary word: bullet labels, paragraph labels, sections."""
    text = LABEL_BULLET.sub(lambda m: f"- **{change(m.group(1))}**:", text)
    text = _PARAGRAPH_LABEL.sub(lambda m: f"**{change(m.group(1))}**", text)
    return SECTION.sub(lambda m: f"## {change(m.group(1))}", text)


def reverse_bullet_runs(text: str) -> str:
    """Reverse the order of every run of consecutive ``- **Label**:`` bullets."""
    out: list[str] = []
    run: list[str] = []
    for line in [*text.split("\n"), None]:
        if line is not None and LABEL_BULLET.match(line):
            run.append(line)
            continue
        out += reversed(run)
        run = []
        if line is not None:
            out.append(line)
    return "\n".join(out)


MARKDOWN: dict[str, Rewrite] = {
    "labels in lower case": lambda t: relabel(t, str.lower),
    "labels in upper case": lambda t: relabel(t, str.upper),
    "colon inside the bold": lambda t: LABEL_BULLET.sub(lambda m: f"- **{m.group(1)}:**", t),
    "space before the colon": lambda t: LABEL_BULLET.sub(lambda m: f"-   **{m.group(1)}** :", t),
    "other words for labels and sections": lambda t: relabel(t, lambda w: SYNONYMS.get(w, w)),
    "attribute bullets in reverse order": reverse_bullet_runs,
    "a blank line after every line": lambda t: t.replace("\n", "\n\n"),
    "trailing spaces on every line": lambda t: t.replace("\n", " \t\n"),
    "headings with extra spaces and closing hashes": lambda t: re.sub(
        r"^(#{1,4}) (.+)$", r"\1   \2   \1", t, flags=re.M
    ),
    "section headings without a space after the hashes": lambda t: SECTION.sub(r"##\1", t),
    "label bullets and allowed values marked with '*'": lambda t: re.sub(
        r"^- `", "* `", LABEL_BULLET.sub(lambda m: f"* **{m.group(1)}**:", t), flags=re.M
    ),
    "blank lines before the front matter": lambda t: "\n\n" + t,
    # Kept last so that applying every rewrite leaves the byte-order mark at the very start.
    "a byte-order mark and spaces after the front matter fences": lambda t: (
        "\ufeff" + t.replace("---\n", "---   \n", 2)
    ),
    "Windows line endings": lambda t: t.replace("\n", "\r\n"),
}
MARKDOWN_KEEP_LINES = set(MARKDOWN) - {
    "attribute bullets in reverse order",
    "a blank line after every line",
    "blank lines before the front matter",
}

# Flattened page text ----------------------------------------------------------------------------

_SPEC_LINE = re.compile(r"^(string|integer|float|boolean|object|array) .*-$")
_COUNTED = re.compile(
    r"^(Allowed values \d+ values?|Learn more \d+ resources?|Properties \d+ propert(?:y|ies)"
    r"|Examples \d+ examples?|Format \d+: \w+\[\].*)$",
    re.M,
)


def respell_spec_lines(text: str, change: Callable[[str], str]) -> str:
    """Apply ``change`` to the type and constraint words of every spec line (not the values)."""
    lines = text.split("\n")
    for n, line in enumerate(lines):
        if _SPEC_LINE.match(line):
            words = line.split(" ")
            lines[n] = " ".join(
                word if at and words[at - 1].endswith(":") else change(word)
                for at, word in enumerate(words)
            )
    return "\n".join(lines)


def _spaced_name(found: re.Match) -> str:
    *parents, last = found.group(0).split("»")
    half = last[: len(last) // 2]
    return " » ".join([*parents, f"{half} {half}"])


FLATTENED: dict[str, Rewrite] = {
    "spec words in upper case": lambda t: respell_spec_lines(t, str.upper),
    "spec words capitalised": lambda t: respell_spec_lines(t, str.capitalize),
    "counted labels in upper case": lambda t: _COUNTED.sub(lambda m: m.group(1).upper(), t),
    "counted labels in lower case": lambda t: _COUNTED.sub(lambda m: m.group(1).lower(), t),
    "spaces around constraint colons": lambda t: re.sub(
        r"(min|max|default|value|step|items): ", r"\1 :  ", t
    ),
    "no space after constraint colons": lambda t: re.sub(r"(min|max|default|step): ", r"\1:", t),
    "spaces around the path separator": lambda t: re.sub(
        r"^\w+(?:»\w+)+$", _spaced_name, t, flags=re.M
    ),
    "a blank line after every line": lambda t: t.replace("\n", "\n\n"),
    "indentation and trailing spaces": lambda t: "\n".join(f"  {x} \t" for x in t.split("\n")),
    # Kept last so that applying every rewrite leaves the byte-order mark at the very start.
    "leading blank lines and a byte-order mark": lambda t: "\ufeff\n\n  \n" + t,
    "Windows line endings": lambda t: t.replace("\n", "\r\n"),
}
FLATTENED_KEEP_LINES = set(FLATTENED) - {
    "a blank line after every line",
    "leading blank lines and a byte-order mark",
}


def apply_all(rewrites: dict[str, Rewrite], text: str) -> str:
    """Every rewrite of ``rewrites``, in order, on ``text``."""
    for rewrite in rewrites.values():
        text = rewrite(text)
    return text
