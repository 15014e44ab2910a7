"""Both page parsers read every page of their layout, not only the spelling of the pinned pages.

Each kind of variation real pages show (case, spacing, blank lines, front matter position, bullet
order, optional sections, other words for the same label) is applied to small pages written for
these tests, and the parsed page must say exactly what the plain page says. Structure that cannot
be read fails with a PageError naming the line.
"""

import json

import pytest

from runware_testkit.resources import contract_dir
from runware_testkit.schemagen.flattened_page import parse_flattened_page
from runware_testkit.schemagen.generate import SourceInput, generate
from runware_testkit.schemagen.markdown_page import looks_like_markdown, parse_markdown_page
from runware_testkit.schemagen.model import ModelPage, PageError, Parameter

from . import page_mutations
from .fragments import FLATTENED, SAMPLE

URL = "https://runware.ai/docs/models/sample-model"


def digest(page: ModelPage) -> dict:
    """Everything a page says, without the line numbers (which move when lines are added)."""

    def param(p: Parameter) -> tuple:
        return (
            p.path,
            p.group,
            p.anchor,
            p.description,
            {k: f.value for k, f in p.facts.items()},
            {k: f.source.inferred for k, f in p.facts.items() if f.source.inferred},
            [(a.value, a.description) for a in p.allowed],
            p.allowed_count and p.allowed_count.value,
            p.property_count and p.property_count.value,
        )

    return {
        "identity": (page.title, page.air, page.url, page.task_type, page.summary),
        "info": (page.status, page.creator, page.released, page.capabilities),
        "pairs": [(a, b) for a, b, _ in page.pairs],
        "presets": [(p.label, p.width, p.height) for p in page.presets],
        "request": [param(p) for p in page.request],
        "response": [param(p) for p in page.response],
        "examples": [(e.title, e.request, e.response) for e in page.examples],
    }


def md(text: str, url: str | None = None) -> ModelPage:
    return parse_markdown_page(text, "sample.md", url)


def line_of(text: str, fragment: str) -> int:
    """1-based line of the first line of ``text`` that contains ``fragment``."""
    return next(n for n, line in enumerate(text.split("\n"), 1) if fragment in line)


# Markdown pages: rewrites that must not change what the page says ---------------------------


@pytest.mark.parametrize("name", page_mutations.MARKDOWN)
def test_markdown_variant_says_what_the_plain_page_says(name):
    variant = page_mutations.MARKDOWN[name](SAMPLE)
    assert variant != SAMPLE
    assert looks_like_markdown(variant)
    assert digest(md(variant)) == digest(md(SAMPLE))


def test_all_markdown_variants_at_once():
    assert digest(md(page_mutations.apply_all(page_mutations.MARKDOWN, SAMPLE))) == digest(
        md(SAMPLE)
    )


def test_sources_still_name_the_file_line_after_blank_lines_are_added():
    text = "\n\n\n" + SAMPLE.replace("\n", "\n\n")
    page = md(text)
    quality = page.parameter("duration")
    assert quality.facts["step"].source.line == line_of(text, "- **Step**: `0.5`")
    assert page.presets[1].source.line == line_of(text, "| `tall` |")


# Markdown pages: front matter ---------------------------------------------------------------

FRONT_VARIANTS = {
    "after one empty line": f"\n---\nurl: {URL}\n---\n",
    "after several blank lines and a BOM": f"\ufeff\n \n\t\n---\nurl: {URL}\n---\n",
    "trailing spaces on the fences": f"---  \nurl: {URL}\n---\t\n",
    "capitalised key, quoted value": f'---\nURL: "{URL}"\n---\n',
    "comments, blank lines and a folded value": (
        f"---\n# pinned copy\ntitle: Sample\n\ndescription: >\n  two\n  lines\nurl: {URL}\n---\n"
    ),
    "a list value and a '...' closing line": f"---\ntags:\n- video\n- edit\nurl: {URL}\n...\n",
}


@pytest.mark.parametrize("name", FRONT_VARIANTS)
def test_front_matter_is_found_wherever_it_starts_at_the_top(name):
    body = SAMPLE.split("---\n", 2)[2]
    page = md(FRONT_VARIANTS[name] + body)
    assert page.url == URL
    assert digest(page) == digest(md(SAMPLE))


def test_title_may_come_from_the_front_matter_alone():
    text = SAMPLE.replace("# Sample Model\n", "", 1)
    page = md(text)
    assert page.title == "Sample Model"
    assert page.summary == "Sample Model turns prompts into short clips."


def test_no_front_matter_needs_the_url_passed_in():
    body = SAMPLE.split("---\n", 2)[2]
    assert md(body, URL).url == URL
    with pytest.raises(PageError, match="no url in front matter"):
        md(body)


@pytest.mark.parametrize(
    "id_line",
    ["- **ID**: sample:1@1", "- **AIR**: `sample:1@1` (latest)", "- __Model id:__ `sample:1@1`"],
)
def test_model_id_line_spellings(id_line):
    assert md(SAMPLE.replace("- **ID**: `sample:1@1`", id_line)).air == "sample:1@1"


def test_model_id_of_several_words_is_an_error():
    text = SAMPLE.replace("- **ID**: `sample:1@1`", "- **ID**: sample one")
    with pytest.raises(PageError, match="model id 'sample one' is not one word") as caught:
        md(text)
    assert caught.value.line == line_of(text, "- **ID**: sample one")


# Markdown pages: optional sections ------------------------------------------------------------

MINIMAL = f"""# Bare Model

- **ID**: `bare:1@1`

## Request Parameters

### [taskType]({URL}#request-tasktype)

- **Type**: `string`
- **Value**: `videoInference`

### [model]({URL}#request-model)

- **Type**: `string`
- **Value**: `bare:1@1`
"""


def test_only_the_request_section_is_required():
    page = md(MINIMAL, URL)
    assert (page.air, page.task_type, page.title) == ("bare:1@1", "videoInference", "Bare Model")
    assert [p.path for p in page.request] == ["taskType", "model"]
    assert (page.response, page.examples, page.presets, page.pairs) == ([], [], [], [])
    assert (page.status, page.capabilities, page.summary) == (None, [], "")
    assert page.parameter("model").group is None


@pytest.mark.parametrize(
    "section", ["## Compatibility & Validation", "## Response Parameters", "## Examples"]
)
def test_each_optional_section_may_be_left_out(section):
    lines = SAMPLE.split("\n")
    start = lines.index(section)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    page = md("\n".join(lines[:start] + lines[end:]))
    assert page.request


def test_unknown_sections_are_left_alone():
    text = SAMPLE.replace(
        "## Examples", "## Pricing\n\n| Tier | Price |\n| --- | --- |\n\n## Examples"
    )
    assert digest(md(text)) == digest(md(SAMPLE))


def test_headings_and_sections_inside_code_blocks_are_not_structure():
    page = md(SAMPLE)
    assert page.parameter("webhookURL").description == "Where results are sent."
    assert [p.path for p in page.response] == ["videoUUID", "cost"]


# Markdown pages: attribute values ----------------------------------------------------------------


def page_with(*bullets: str, text: str = "Words.") -> Parameter:
    """The ``probe`` parameter of a minimal page whose attribute bullets are ``bullets``."""
    block = "\n".join(bullets)
    page = md(f"{MINIMAL}\n### [probe]({URL}#request-probe)\n\n{block}\n\n{text}\n", URL)
    return page.parameter("probe")


@pytest.mark.parametrize(
    ("written", "fmt", "version"),
    [
        ("`uri`", "uri", None),
        ("`URI`", "uri", None),
        ("URL", "uri", None),
        ("`UUID`", "uuid", None),
        ("`uuid v4`", "uuid", 4),
        ("`UUIDv4`", "uuid", 4),
        ("`Date Time`", "date-time", None),
        ("`Email`", "email", None),
        ("`hex colour`", "hex colour", None),
        ("`Base64`", "Base64", None),
    ],
)
def test_format_known_names_normalised_unknown_names_kept(written, fmt, version):
    probe = page_with("- **Type**: `string`", f"- **Format**: {written}")
    assert probe.fact("format") == fmt
    assert probe.fact("uuidVersion") == version


@pytest.mark.parametrize(
    ("written", "facts"),
    [
        ("`Integer`", {"type": "integer"}),
        ("int", {"type": "integer"}),
        ("`Float`", {"type": "number"}),
        ("`BOOLEAN`", {"type": "boolean"}),
        ("`Array of String`", {"type": "array", "itemTypes": ["string"]}),
        ("`array of strings, or objects`", {"type": "array", "itemTypes": ["string", "object"]}),
        ("`string[]`", {"type": "array", "itemTypes": ["string"]}),
        ("`Object (2 Properties)`", {"type": "object"}),
    ],
)
def test_type_words_in_any_case_and_spelling(written, facts):
    probe = page_with(f"- **Type**: {written}")
    assert {k: probe.fact(k) for k in facts} == facts


@pytest.mark.parametrize(
    ("written", "required"),
    [
        ("- **Required**: true", True),
        ("- **Required**: `True`", True),
        ("- **required**: yes", True),
        ("- **Required**", True),
        ("- **Required**: false", False),
        ("- **Required**: Optional", False),
    ],
)
def test_required_words(written, required):
    assert page_with("- **Type**: `string`", written).fact("required") is required


def test_literals_follow_the_type_whatever_the_bullet_order():
    probe = page_with(
        "- **Default**: `TRUE`",
        "- **Value**: `true`",
        "- **Type**: `boolean`",
    )
    assert (probe.fact("default"), probe.fact("const")) == (True, True)
    counted = page_with("- **Maximum**: `4,294,967,295`", "- **Minimum**: 0", "- **Type**: integer")
    assert (counted.fact("minimum"), counted.fact("maximum")) == (0, 4294967295)


def test_attribute_bullets_may_follow_the_description():
    probe = page_with(text="Words first.\n\n- **Type**: `string`\n- **Max**: `3`")
    assert (probe.fact("type"), probe.fact("maxLength"), probe.description) == (
        "string",
        3,
        "Words first.",
    )


@pytest.mark.parametrize(
    "allowed",
    [
        "**Allowed values**: `a` `b`",
        "**Allowed values**: `a`, `b`",
        "**allowed values:** a, b",
        "**Allowed Values**\n\n- `a`\n\n- `b`",
        "**Possible values**:\n\n* `a`: first\n* `b` - second",
    ],
)
def test_allowed_values_forms(allowed):
    probe = page_with("- **Type**: `string`", text=f"Pick one.\n\n{allowed}")
    assert [a.value for a in probe.allowed] == ["a", "b"]


@pytest.mark.parametrize(
    "items",
    ["- a: first\n- b", "- **a**: first\n- **b** - second", "* `a` — first\n\n* b:"],
)
def test_allowed_value_items_without_code_marks(items):
    probe = page_with("- **Type**: `string`", text=f"Pick one.\n\n**Allowed values**:\n\n{items}")
    assert [a.value for a in probe.allowed] == ["a", "b"]
    assert probe.allowed[0].description == "first"


def test_null_default_means_no_default():
    probe = page_with("- **Type**: `integer`", "- **Default**: `null`")
    assert "default" not in probe.facts


def test_escaped_underscores_in_names_and_paths():
    probe = md(
        f"{MINIMAL}\n### [output\\_kind]({URL}#request-output-kind)\n\n"
        "- **Path**: `output\\_kind`\n- **Type**: `string`\n",
        URL,
    ).parameter("output_kind")
    assert probe is not None and probe.fact("type") == "string"


def test_allowed_values_as_an_attribute_bullet():
    probe = page_with("- **Type**: `integer`", "- **Allowed values**: `1` `2`")
    assert [a.value for a in probe.allowed] == [1, 2]


def test_nested_heading_without_a_path_goes_under_the_object_above():
    text = SAMPLE.replace("- **Path**: `safety.mode`\n- **Type**: `string`", "- **Type**: `string`")
    mode = md(text).parameter("safety.mode")
    assert mode is not None
    assert mode.facts["path"].source.inferred == "heading nested under safety"


def test_group_nesting_sentence_in_other_words():
    text = SAMPLE.replace(
        "must be nested inside the \\`inputs\\` object", "are nested under inputs object"
    )
    assert md(text).parameter("inputs.video") is not None


@pytest.mark.parametrize(
    ("table", "presets"),
    [
        ("| Preset | Size |\n|:---|---:|\n| wide | 640 × 360 |", [("wide", 640, 360)]),
        (
            "|Configuration|Dimensions|\n|-|-|\n|`a`|`1x2`|\n\n|`b`|`3X4`|",
            [("a", 1, 2), ("b", 3, 4)],
        ),
    ],
)
def test_compatibility_table_spellings(table, presets):
    lines = SAMPLE.split("\n")
    start = lines.index("| Configuration | Dimensions |")
    text = "\n".join([*lines[:start], table, *lines[start + 4 :]])
    assert [(p.label, p.width, p.height) for p in md(text).presets] == presets


def test_pair_sentence_may_capitalise_a_name():
    text = SAMPLE.replace(
        "`width` and `height` must be used together.", "Width and height MUST be used together"
    )
    assert [(a, b) for a, b, _ in md(text).pairs] == [("width", "height")]


def test_example_labels_and_fences_in_other_spellings():
    text = SAMPLE.replace("**Request**:", "Request").replace(
        '```json\n{"taskType": "videoInference", "videoUUID"',
        '```JSON\n{"taskType": "videoInference", "videoUUID"',
    )
    assert digest(md(text))["examples"] == digest(md(SAMPLE))["examples"]


# Markdown pages: what cannot be read is an error naming its line -------------------------------

MALFORMED_MARKDOWN = [
    # (what, old, new, text of the line the error names, message)
    ("front matter never closed", "---\n# Sample", "# Sample", "---", "not closed by '---'"),
    ("front matter line", "url: https", "just words\nurl: https", "just words", "not 'key: value'"),
    (
        "section twice",
        "## Examples",
        "## request parameters\n\n## Examples",
        "## request parameters",
        "appears twice",
    ),
    (
        "attribute twice",
        "- **Default**: `none`",
        "- **Default**: `none`\n- **default**: `full`",
        "- **default**: `full`",
        "given twice",
    ),
    (
        "unknown attribute in lower case",
        "- **Default**: `MP4`",
        "- **colour**: `MP4`",
        "- **colour**: `MP4`",
        "unknown parameter attribute 'colour'",
    ),
    (
        "required neither true nor false",
        "- **Required**: true\n- **Format**",
        "- **Required**: maybe\n- **Format**",
        "- **Required**: maybe",
        "neither true nor false",
    ),
    (
        "empty format",
        "- **Format**: `UUID v4`\n\nTask",
        "- **Format**:\n\nTask",
        "- **Format**:",
        "has no value",
    ),
    (
        "unknown type",
        "- **Type**: `float`\n- **Min**",
        "- **Type**: `decimal`\n- **Min**",
        "- **Type**: `decimal`",
        "unknown parameter type",
    ),
    (
        "bound that is not a number",
        "- **Max**: `10`",
        "- **Max**: `ten`",
        "- **Max**: `ten`",
        "not a valid number",
    ),
    (
        "table header",
        "| Configuration | Dimensions |",
        "| Configuration | Price |",
        "| Configuration | Price |",
        "unreadable Compatibility table",
    ),
    (
        "table row",
        "| `tall` | `360x640` |",
        "| `tall` | `360 by 640` |",
        "| `tall` | `360 by 640` |",
        "unreadable Compatibility table row",
    ),
    (
        "table without separator",
        "| --- | --- |\n",
        "",
        "| Configuration | Dimensions |",
        "no '| --- |' row",
    ),
    (
        "allowed value line",
        "- `full` Everything.",
        "- full Everything.",
        "- full Everything.",
        "not '- `value` text'",
    ),
    (
        "allowed values twice",
        "**Allowed values**: `MP4` `WEBM`",
        "**Allowed values**: `MP4` `WEBM`\n\n**Allowed values**: `MOV`",
        "**Allowed values**: `MOV`",
        "given twice",
    ),
    (
        "single bare allowed value",
        "**Allowed values**: `MP4` `WEBM`",
        "**Allowed values**: anything",
        "**Allowed values**: anything",
        "lists no `value`",
    ),
    (
        "paired with an unknown name",
        "- **Paired with**: height",
        "- **Paired with**: depth",
        "- **Paired with**: depth",
        "'depth' is not a top-level request parameter",
    ),
    (
        "paired with words",
        "- **Paired with**: height",
        "- **Paired with**: the height",
        "- **Paired with**: the height",
        "not a list of parameter names",
    ),
    (
        "ID twice",
        "- **Status**: live",
        "- **Status**: live\n- **Model ID**: `other:1@1`",
        "- **Model ID**",
        "given twice",
    ),
    ("JSON fence without a label", "**Request**:\n", "", "```json", "without '**Request**:'"),
]


@pytest.mark.parametrize(
    ("old", "new", "bad_line", "message"),
    [case[1:] for case in MALFORMED_MARKDOWN],
    ids=[case[0] for case in MALFORMED_MARKDOWN],
)
def test_malformed_markdown_fails_naming_the_line(old, new, bad_line, message):
    text = "\n\n" + SAMPLE.replace(old, new, 1)
    assert old in SAMPLE
    with pytest.raises(PageError) as caught:
        md(text)
    assert message in caught.value.reason
    assert caught.value.line == line_of(text, bad_line)
    assert str(caught.value).startswith(f"sample.md:{caught.value.line}: ")


def test_code_block_never_closed_names_its_opening_fence():
    text = SAMPLE.removesuffix("```\n")
    with pytest.raises(PageError, match="code block opened here is never closed") as caught:
        md(text)
    last_fence = max(n for n, line in enumerate(text.split("\n"), 1) if line == "```json")
    assert caught.value.line == last_fence


def test_nested_heading_under_a_non_object_without_a_path_is_an_error():
    text = SAMPLE.replace(
        "- **Path**: `safety.mode`\n- **Type**: `object (1 property)`", "- **Type**: `string`"
    ).replace("- **Path**: `safety.mode`\n", "")
    with pytest.raises(PageError, match="nested under safety, which is a string") as caught:
        md(text)
    assert caught.value.line == line_of(text, "#### [mode]")


# Flattened page text ---------------------------------------------------------------------------


def flat(text: str) -> ModelPage:
    return parse_flattened_page(text, "tiny.txt", "https://runware.ai/docs/models/tiny-two")


@pytest.mark.parametrize("name", page_mutations.FLATTENED)
def test_flattened_variant_says_what_the_plain_page_says(name):
    variant = page_mutations.FLATTENED[name](FLATTENED)
    assert variant != FLATTENED
    assert not looks_like_markdown(variant)
    assert digest(flat(variant)) == digest(flat(FLATTENED))


def test_all_flattened_variants_at_once():
    text = page_mutations.apply_all(page_mutations.FLATTENED, FLATTENED)
    assert digest(flat(text)) == digest(flat(FLATTENED))


def test_flattened_group_titles_in_lower_case_still_open_groups():
    text = FLATTENED.replace("Core Parameters", "core parameters").replace("Inputs\n", "inputs\n")
    page = flat(text)
    assert [p.path for p in page.request] == [p.path for p in flat(FLATTENED).request]
    assert page.parameter("model").group == "core parameters"
    assert page.parameter("inputs.frames").group == "inputs"


@pytest.mark.parametrize(
    ("title", "group", "model_text"),
    [
        # A title of group words opens a group even when its description has no full stop.
        ("Advanced Settings\nMore knobs", "Advanced Settings", "The model."),
        # Any other short line pair without a full stop stays in the text before it.
        ("Extra Notes\nSee below", "Core Parameters", "The model. Extra Notes See below"),
    ],
)
def test_flattened_group_title_without_a_full_stop(title, group, model_text):
    page = flat(f"{FLATTENED}{title}\n-\nseed\ninteger -\nSeed.\n")
    assert page.parameter("seed").group == group
    assert page.parameter("model").description == model_text


@pytest.mark.parametrize(
    ("spec", "fmt", "version"),
    [
        ("string required uuid -", "uuid", None),
        ("string UUID V4 -", "uuid", 4),
        ("string url -", "uri", None),
        ("string date-time -", "date-time", None),
        ("string format: hex-colour -", "hex-colour", None),
    ],
)
def test_flattened_format_words(spec, fmt, version):
    text = FLATTENED.replace("string default: URL -", spec, 1)
    output_type = flat(text).parameter("outputType")
    assert (output_type.fact("format"), output_type.fact("uuidVersion")) == (fmt, version)


def test_flattened_optional_word_is_accepted():
    text = FLATTENED.replace("string default: URL -", "string optional default: URL -", 1)
    assert flat(text).parameter("outputType").fact("required") is None


MALFORMED_FLATTENED = [
    (
        "misspelt constraint in upper case",
        "string default: URL -",
        "STRING DEFALT: URL -",
        "STRING DEFALT: URL -",
        "unreadable constraint",
    ),
    (
        "bound that is not a number",
        "float min: 0 max: 10 step: 0.01 -",
        "float MIN: 0 MAX: ten -",
        "float MIN: 0 MAX: ten -",
        "unreadable constraint",
    ),
    (
        "nested name not doubled",
        "inputs»frames»imageimage",
        "inputs » frames » image imag",
        "inputs » frames » image imag",
        "does not end with its name twice",
    ),
    (
        "property count",
        "Format 2: object[] 3 properties",
        "format 2: object[] 4 Properties",
        "format 2: object[] 4 Properties",
        "says 4 properties",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "bad_line", "message"),
    [case[1:] for case in MALFORMED_FLATTENED],
    ids=[case[0] for case in MALFORMED_FLATTENED],
)
def test_malformed_flattened_fails_naming_the_file_line(old, new, bad_line, message):
    # Blank lines are skipped by the parser, but the error still names the line in the file.
    text = "\n\n" + FLATTENED.replace(old, new, 1).replace("\n", "\n\n")
    assert old in FLATTENED
    with pytest.raises(PageError) as caught:
        flat(text)
    assert message in caught.value.reason
    assert caught.value.line == line_of(text, bad_line)


def test_empty_flattened_page_is_an_error():
    with pytest.raises(PageError, match="page text is empty"):
        flat("\ufeff\n  \n\t\n")


# From page to schema ---------------------------------------------------------------------------


def test_unknown_format_reaches_the_generated_schema_as_an_annotation(tmp_path):
    text = SAMPLE.replace("- **Format**: `URI`", "- **Format**: `uri`").replace(
        "- **Type**: `float`\n\nCost", "- **Type**: `float`\n- **Format**: `money`\n\nCost"
    )
    text = text.replace(
        "- **Type**: `string`\n- **Default**: `MP4`",
        "- **Type**: `string`\n- **Format**: `Mime Type`\n- **Default**: `MP4`",
    )
    page = tmp_path / "sample-model.md"
    page.write_text("\n" + text)
    files = generate([SourceInput(page, "sample-model.md")], contract_dir() / "platform.json")
    request = json.loads(files["models/sample-model/request.schema.json"])
    assert request["properties"]["webhookURL"]["format"] == "uri"
    assert request["properties"]["outputFormat"]["format"] == "Mime Type"
    result = json.loads(files["models/sample-model/result.schema.json"])
    assert result["properties"]["cost"]["format"] == "money"
