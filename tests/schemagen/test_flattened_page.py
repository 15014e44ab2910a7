"""The flattened page-text parser, on small pages written for these tests."""

import pytest

from runware_testkit.schemagen.flattened_page import parse_flattened_page, slug_from_title
from runware_testkit.schemagen.model import PageError

from .fragments import FLATTENED


def parse(text: str = FLATTENED, url: str | None = "https://runware.ai/docs/models/tiny-two"):
    return parse_flattened_page(text, "tiny.txt", url)


def test_identity_groups_and_paths():
    page = parse()
    assert (page.air, page.title, page.task_type) == ("tiny:2@1", "Tiny Two", "videoInference")
    assert [p.path for p in page.request] == [
        "taskType",
        "outputType",
        "safety.mode",
        "inputs.frames",
        "inputs.frames.image",
        "inputs.frames.frame",
        "inputs.frames.timestamp",
        "model",
    ]
    assert page.parameter("model").group == "Core Parameters"
    assert page.parameter("inputs.frames").group == "Inputs"
    assert page.parameter("taskType").group == "API Options"


def test_spec_line_constraints_including_glued_tokens():
    frames = parse().parameter("inputs.frames")
    assert frames.fact("type") == "array"
    assert frames.fact("itemTypes") == ["string", "object"]
    assert (frames.fact("minItems"), frames.fact("maxItems")) == (1, 3)
    timestamp = parse().parameter("inputs.frames.timestamp")
    assert (timestamp.fact("type"), timestamp.fact("minimum"), timestamp.fact("step")) == (
        "number",
        0,
        0.01,
    )


def test_dropped_enum_values_keep_count_and_descriptions():
    mode = parse().parameter("safety.mode")
    assert mode.allowed_count.value == 2
    assert [a.description for a in mode.allowed] == ["Off.", "Everything."]
    assert all(a.value is None for a in mode.allowed)


def test_anchor_built_from_url_and_path():
    image = parse().parameter("inputs.frames.image")
    assert image.anchor == "https://runware.ai/docs/models/tiny-two#request-inputs-frames-image"


def test_url_inferred_from_title_when_absent():
    page = parse(url=None)
    assert page.url == "https://runware.ai/docs/models/tiny-two"
    assert "derived from the title" in page.url_source.inferred
    assert slug_from_title("Runway Aleph 2.0") == "runway-aleph-2-0"


@pytest.mark.parametrize(
    ("old", "new", "bad_line", "message"),
    [
        (
            "string default: URL -",
            "string defalt: URL -",
            "string defalt: URL -",
            "unreadable constraint",
        ),
        (
            "float min: 0 max: 10 step: 0.01 -",
            "float min: 0 max: ten -",
            "float min: 0 max: ten -",
            "unreadable constraint",
        ),
        (
            "inputs»frames»imageimage",
            "inputs»frames»imageimag",
            "inputs»frames»imageimag",
            "does not end with its name twice",
        ),
        (
            "Format 2: object[] 3 properties",
            "Format 2: object[] 4 properties",
            "Format 2: object[] 4 properties",
            "says 4 properties, the page gives 3",
        ),
        (
            "inputs»frames»frameframe\nobject -",
            "inputs»frames»frameframe\nPosition, sadly.",
            "Position, sadly.",
            "has no type line",
        ),
    ],
)
def test_malformed_pages_fail_naming_the_line(old, new, bad_line, message):
    text = FLATTENED.replace(old, new, 1)
    assert text != FLATTENED
    with pytest.raises(PageError) as caught:
        parse(text)
    assert caught.value.line == text.split("\n").index(bad_line) + 1
    assert message in str(caught.value)


def test_page_without_parameters_is_an_error():
    with pytest.raises(PageError, match="no parameter blocks"):
        parse("Just a title\nand some words\n")


def test_page_without_model_is_an_error():
    text = FLATTENED.replace("model\nstring required value: tiny:2@1 -", "modell\nstring -")
    with pytest.raises(PageError, match=r"no .model \.\.\. value"):
        parse(text)
