"""The markdown page parser, on small pages written for these tests."""

import pytest

from runware_testkit.schemagen.markdown_page import looks_like_markdown, parse_markdown_page
from runware_testkit.schemagen.model import PageError

from .fragments import MARKDOWN


def parse(text: str = MARKDOWN):
    return parse_markdown_page(text, "tiny.md")


def test_page_identity_and_metadata():
    page = parse()
    assert (page.air, page.title, page.task_type) == ("tiny:1@1", "Tiny", "videoInference")
    assert page.url == "https://runware.ai/docs/models/tiny"
    assert page.capabilities == ["Text to Video", "Video to Video"]
    assert page.source.line == MARKDOWN.split("\n").index("- **ID**: `tiny:1@1`") + 1


def test_compatibility_pairs_and_presets():
    page = parse()
    assert [(a, b) for a, b, _ in page.pairs] == [("width", "height")]
    assert [(p.label, p.width, p.height, p.source.line) for p in page.presets] == [
        ("wide", 640, 360, 20),
        ("tall", 360, 640, 21),
    ]


def test_scalar_facts_with_lines():
    page = parse()
    quality = page.parameter("quality")
    assert quality.fact("type") == "integer"
    assert (quality.fact("minimum"), quality.fact("maximum")) == (1, 9)
    assert quality.facts["minimum"].source.line == MARKDOWN.split("\n").index("- **Min**: `1`") + 1
    assert page.parameter("taskType").fact("const") == "videoInference"


def test_inline_enum_takes_descriptions_from_bullets():
    allowed = parse().parameter("outputFormat").allowed
    assert [(a.value, a.description) for a in allowed] == [
        ("MP4", "the usual one."),
        ("WEBM", "for the web."),
    ]


def test_list_enum_and_object_path_quirk_is_corrected_and_marked():
    page = parse()
    safety = page.parameter("safety")
    assert safety is not None and safety.fact("type") == "object"
    assert "an object's path ends at its own name" in safety.facts["path"].source.inferred
    mode = page.parameter("safety.mode")
    assert [(a.value, a.description) for a in mode.allowed] == [
        ("none", "Off."),
        ("full", "Everything."),
    ]


def test_group_nesting_and_input_forms():
    video = parse().parameter("inputs.video")
    assert video.fact("required") is True
    assert video.fact("inputForms") == ["uuid", "url"]
    assert video.facts["path"].source.inferred == "group says nested inside"


def test_response_and_examples():
    page = parse()
    assert [p.path for p in page.response] == ["videoUUID"]
    assert page.response[0].fact("uuidVersion") == 4
    assert page.examples[0].request["model"] == "tiny:1@1"
    assert page.examples[0].response is None


def test_format_detection():
    assert looks_like_markdown(MARKDOWN)
    assert not looks_like_markdown("Tiny\n-\ntaskType\n")


@pytest.mark.parametrize(
    ("broken", "replacement", "line_of", "message"),
    [
        (
            "- **Type**: `integer`\n- **Min**: `1`",
            "- **Type**: `integr`\n- **Min**: `1`",
            "- **Type**: `integr`",
            "unknown parameter type",
        ),
        ("- **Min**: `1`", "- **Min**: `one`", "- **Min**: `one`", "not a valid integer"),
        (
            "- **Default**: `MP4`",
            "- **Colour**: `MP4`",
            "- **Colour**: `MP4`",
            "unknown parameter attribute",
        ),
        (
            "**Allowed values**: `MP4` `WEBM`",
            "**Allowed values**: MP4 WEBM",
            "**Allowed values**: MP4 WEBM",
            "lists no `value`",
        ),
        (
            '{"taskType": "videoInference", "model": "tiny:1@1"}',
            '{"taskType": "videoInference", "model": }',
            '{"taskType": "videoInference", "model": }',
            "example JSON",
        ),
        (
            "| `tall` | `360x640` |",
            "| `tall` | `360 by 640` |",
            "| `tall` | `360 by 640` |",
            "unreadable Compatibility table row",
        ),
        (
            "### [video](https://runware.ai/docs/models/tiny#request-inputs-video)",
            "### video",
            "### video",
            "parameter heading is not",
        ),
    ],
)
def test_malformed_pages_fail_naming_the_line(broken, replacement, line_of, message):
    text = MARKDOWN.replace(broken, replacement, 1)
    assert text != MARKDOWN
    with pytest.raises(PageError) as caught:
        parse(text)
    expected_line = text.split("\n").index(line_of) + 1
    assert caught.value.line == expected_line
    assert message in str(caught.value)
    assert str(caught.value).startswith(f"tiny.md:{expected_line}: ")


def test_missing_type_is_an_error_naming_the_heading():
    text = MARKDOWN.replace("- **Type**: `integer`\n- **Min**", "- **Min**", 1)
    with pytest.raises(PageError, match=r"parameter quality has no '\*\*Type\*\*'") as caught:
        parse(text)
    heading = "### [quality](https://runware.ai/docs/models/tiny#request-quality)"
    assert caught.value.line == text.split("\n").index(heading) + 1


def test_path_that_does_not_end_with_name_is_an_error():
    text = MARKDOWN.replace(
        "- **Path**: `safety.mode`\n- **Type**: `string`",
        "- **Path**: `safety.other`\n- **Type**: `string`",
    )
    with pytest.raises(PageError, match="does not end with the parameter name 'mode'"):
        parse(text)


def test_page_without_request_parameters_is_an_error():
    with pytest.raises(PageError, match="no '## Request Parameters'"):
        parse("---\nurl: x\n---\n# T\n\n- **ID**: `a:1@1`\n")
