"""Importing Runware's OpenAPI documents: the request schema behaves like the published one.

The oracle is plain ``jsonschema`` (Draft202012Validator with format checking) over each
document's own ``RequestBody.items``, a schema the kit did not write. For every model, tasks
written here from the document's rules (presets, exclusions, if/then, ranges, unknown keys) get
the same verdict, with errors at the same places, from the imported schema.
"""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator

from runware_testkit.schemagen.emit_imported import imported_request_schema
from runware_testkit.schemagen.emit_jsonschema import schema_id
from runware_testkit.schemagen.model import DocumentError
from runware_testkit.schemagen.openapi_document import (
    looks_like_openapi_document,
    read_openapi_document,
)

from .documents import DOCUMENTS, ITEMS, REMOVE, display, document, edited, items

UUID = "aac49721-1964-481a-ae78-8a4e29b91402"
IMAGE = "https://example.com/in.png"
VIDEO = "https://example.com/in.mp4"
AUDIO = "https://example.com/in.mp3"


def task(air: str, task_type: str, **fields: Any) -> dict[str, Any]:
    return {"taskType": task_type, "taskUUID": UUID, "model": air, **fields}


def flux(**f: Any) -> dict[str, Any]:
    return task(
        "bfl:flux@3-image", "imageInference", **{"positivePrompt": "a red fox in snow", **f}
    )


def muse(**f: Any) -> dict[str, Any]:
    return task("meta:muse@image", "imageInference", **{"positivePrompt": "a lighthouse", **f})


def seedance(**f: Any) -> dict[str, Any]:
    return task("bytedance:seedance@2.5", "videoInference", **f)


def ltx(**f: Any) -> dict[str, Any]:
    return task("lightricks:ltx@2.5-fast", "videoInference", **{"positivePrompt": "a storm", **f})


def h3(**f: Any) -> dict[str, Any]:
    return task("minimax:h3@0", "videoInference", **{"positivePrompt": "a city at night", **f})


def upscaler(**f: Any) -> dict[str, Any]:
    return task("bytedance:50@1", "upscale", **f)


def without(data: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != key}


# (model id, case name, task, valid according to the document's rules)
CASES: list[tuple[str, str, dict[str, Any], bool]] = [
    ("bfl-flux-3-image", "prompt only", flux(), True),
    ("bfl-flux-3-image", "a 16:9 preset", flux(width=1024, height=576), True),
    (
        "bfl-flux-3-image",
        "resolution, references, format",
        flux(resolution="2K", inputs={"referenceImages": [UUID, IMAGE]}, outputFormat="PNG"),
        True,
    ),
    ("bfl-flux-3-image", "no prompt", without(flux(), "positivePrompt"), False),
    ("bfl-flux-3-image", "not a preset", flux(width=1000, height=1000), False),
    (
        "bfl-flux-3-image",
        "resolution beside width",
        flux(resolution="1K", width=1024, height=576),
        False,
    ),
    ("bfl-flux-3-image", "width alone", flux(width=1024), False),
    ("bfl-flux-3-image", "unknown key", flux(negativePrompt="blur"), False),
    ("bfl-flux-3-image", "11 references", flux(inputs={"referenceImages": [UUID] * 11}), False),
    ("bfl-flux-3-image", "taskUUID not a UUID", {**flux(), "taskUUID": "task-1"}, False),
    ("meta-muse-image", "prompt only", muse(), True),
    ("meta-muse-image", "a square preset", muse(width=1600, height=1600), True),
    (
        "meta-muse-image",
        "resolution with references",
        muse(resolution="2K", inputs={"referenceImages": [UUID]}),
        True,
    ),
    ("meta-muse-image", "resolution without references", muse(resolution="2K"), False),
    ("meta-muse-image", "unknown resolution", muse(resolution="4K"), False),
    ("meta-muse-image", "not a preset", muse(width=1600, height=900), False),
    ("meta-muse-image", "moderation value", muse(settings={"moderation": "high"}), False),
    ("meta-muse-image", "empty prompt", muse(positivePrompt=""), False),
    ("bytedance-seedance-2-5", "prompt only", seedance(positivePrompt="waves"), True),
    (
        "bytedance-seedance-2-5",
        "references instead of a prompt",
        seedance(inputs={"referenceImages": [UUID]}),
        True,
    ),
    (
        "bytedance-seedance-2-5",
        "a preset and a duration",
        seedance(positivePrompt="waves", width=1280, height=720, duration=10),
        True,
    ),
    (
        "bytedance-seedance-2-5",
        "edit with automatic duration",
        seedance(settings={"operation": "edit"}, inputs={"video": VIDEO}, duration="auto"),
        True,
    ),
    ("bytedance-seedance-2-5", "neither prompt nor inputs", seedance(), False),
    ("bytedance-seedance-2-5", "31 seconds", seedance(positivePrompt="w", duration=31), False),
    ("bytedance-seedance-2-5", "3 seconds", seedance(positivePrompt="waves", duration=3), False),
    (
        "bytedance-seedance-2-5",
        "edit without a video",
        seedance(positivePrompt="waves", settings={"operation": "edit"}),
        False,
    ),
    (
        "bytedance-seedance-2-5",
        "edit with a fixed duration",
        seedance(settings={"operation": "edit"}, inputs={"video": VIDEO}, duration=10),
        False,
    ),
    (
        "bytedance-seedance-2-5",
        "frame images beside reference images",
        seedance(inputs={"frameImages": [UUID], "referenceImages": [UUID]}),
        False,
    ),
    (
        "bytedance-seedance-2-5",
        "only a last frame",
        seedance(inputs={"frameImages": [{"image": UUID, "frame": "last"}]}),
        False,
    ),
    (
        "bytedance-seedance-2-5",
        "resolution beside a size",
        seedance(positivePrompt="waves", resolution="720p", width=1280, height=720),
        False,
    ),
    ("lightricks-ltx-2-5-fast", "prompt only", ltx(), True),
    ("lightricks-ltx-2-5-fast", "4K for 10 s", ltx(width=3840, height=2160, duration=10), True),
    ("lightricks-ltx-2-5-fast", "50 fps for 8 s", ltx(fps=50, duration=8), True),
    (
        "lightricks-ltx-2-5-fast",
        "audio-driven with its image",
        ltx(inputs={"referenceImages": [UUID], "audio": AUDIO}),
        True,
    ),
    ("lightricks-ltx-2-5-fast", "4K for 12 s", ltx(width=3840, height=2160, duration=12), False),
    ("lightricks-ltx-2-5-fast", "48 fps for 12 s", ltx(fps=48, duration=12), False),
    ("lightricks-ltx-2-5-fast", "7 seconds", ltx(duration=7), False),
    (
        "lightricks-ltx-2-5-fast",
        "reference image without audio",
        ltx(inputs={"referenceImages": [UUID]}),
        False,
    ),
    (
        "lightricks-ltx-2-5-fast",
        "audio with a duration",
        ltx(inputs={"referenceImages": [UUID], "audio": AUDIO}, duration=6),
        False,
    ),
    (
        "lightricks-ltx-2-5-fast",
        "audio at 720p",
        ltx(inputs={"referenceImages": [UUID], "audio": AUDIO}, width=1280, height=720),
        False,
    ),
    (
        "lightricks-ltx-2-5-fast",
        "unknown camera movement",
        ltx(settings={"cameraMovement": "orbit"}),
        False,
    ),
    ("minimax-h3", "prompt only", h3(), True),
    ("minimax-h3", "a preset, a duration, a seed", h3(width=1344, height=768, duration=10), True),
    (
        "minimax-h3",
        "first and last frames",
        h3(inputs={"frameImages": [UUID, {"image": UUID, "frame": "last"}]}),
        True,
    ),
    (
        "minimax-h3",
        "resolution with references",
        h3(resolution="768p", inputs={"referenceImages": [UUID]}),
        True,
    ),
    ("minimax-h3", "resolution without inputs", h3(resolution="1440p"), False),
    (
        "minimax-h3",
        "frame images with a size",
        h3(inputs={"frameImages": [UUID]}, width=1344, height=768),
        False,
    ),
    (
        "minimax-h3",
        "frame images beside references",
        h3(inputs={"frameImages": [UUID], "referenceImages": [UUID]}),
        False,
    ),
    (
        "minimax-h3",
        "reference audio alone",
        h3(inputs={"referenceAudios": [AUDIO]}),
        False,
    ),
    ("minimax-h3", "16 seconds", h3(duration=16), False),
    ("minimax-h3", "negative seed", h3(seed=-1), False),
    ("minimax-h3", "three frame images", h3(inputs={"frameImages": [UUID] * 3}), False),
    ("bytedance-video-upscaler", "a video", upscaler(inputs={"video": VIDEO}), True),
    (
        "bytedance-video-upscaler",
        "every option",
        upscaler(
            inputs={"video": UUID},
            outputFormat="MOV",
            outputQuality=80,
            includeCost=True,
            webhookURL="https://example.com/hook",
        ),
        True,
    ),
    ("bytedance-video-upscaler", "no inputs", upscaler(), False),
    ("bytedance-video-upscaler", "no video", upscaler(inputs={}), False),
    (
        "bytedance-video-upscaler",
        "an image beside the video",
        upscaler(inputs={"video": VIDEO, "image": IMAGE}),
        False,
    ),
    (
        "bytedance-video-upscaler",
        "base64 output",
        upscaler(inputs={"video": VIDEO}, outputType="base64Data"),
        False,
    ),
    (
        "bytedance-video-upscaler",
        "sync delivery",
        upscaler(inputs={"video": VIDEO}, deliveryMethod="sync"),
        False,
    ),
    (
        "bytedance-video-upscaler",
        "a prompt",
        upscaler(inputs={"video": VIDEO}, positivePrompt="sharper"),
        False,
    ),
]


def imported(slug: str) -> dict[str, Any]:
    schema, _ = imported_request_schema(read_openapi_document(document(slug), display(slug)))
    return schema


def checker(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def failures(validator: Draft202012Validator, instance: Any) -> list[tuple[str, str]]:
    """Where and by which keyword ``instance`` fails, in a stable order."""
    return sorted(
        ("/".join(map(str, e.absolute_path)), str(e.validator))
        for e in validator.iter_errors(instance)
    )


@pytest.mark.parametrize("slug", DOCUMENTS)
def test_import_is_a_valid_2020_12_schema_with_the_kits_id(slug):
    schema = imported(slug)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == schema_id(slug, "request")
    assert schema["x-air-id"] == DOCUMENTS[slug]
    assert schema["additionalProperties"] is False
    source = items(slug)
    assert [k for k in schema if k in source] == list(source)  # every keyword, in order


@pytest.mark.parametrize("slug", DOCUMENTS)
def test_every_model_has_valid_and_invalid_cases(slug):
    verdicts = {valid for s, _, _, valid in CASES if s == slug}
    assert verdicts == {True, False}


@pytest.mark.parametrize(
    ("slug", "name", "instance", "valid"), CASES, ids=[f"{c[0]}: {c[1]}" for c in CASES]
)
def test_import_behaves_like_the_published_schema(slug, name, instance, valid):
    oracle, kit = checker(items(slug)), checker(imported(slug))
    assert oracle.is_valid(instance) is valid, failures(oracle, instance)
    assert kit.is_valid(instance) is valid
    assert failures(kit, instance) == failures(oracle, instance)


def test_cross_field_rules_are_kept_keyword_for_keyword():
    schema = imported("minimax-h3")
    assert schema["allOf"][:5] == items("minimax-h3")["allOf"][:5]
    presets = schema["allOf"][5]["then"]["oneOf"]
    assert presets[0] == {
        "title": "768p (~16:9)",
        "properties": {"width": {"const": 1344}, "height": {"const": 768}},
    }
    assert (
        imported("bfl-flux-3-image")["x-constraints"] == items("bfl-flux-3-image")["x-constraints"]
    )
    ltx_rules = imported("lightricks-ltx-2-5-fast")["allOf"]
    assert {"dependentRequired": {"width": ["height"], "height": ["width"]}} in ltx_rules


def test_nested_ids_become_annotations():
    schema = imported("bytedance-seedance-2-5")
    frame_items = schema["properties"]["inputs"]["properties"]["frameImages"]["items"]["anyOf"]
    assert "$id" not in frame_items[0]
    assert frame_items[0]["x-runware-id"] == (
        "https://schemas.runware.ai/requests/parameters/inputs/image.json"
    )
    assert frame_items[1]["properties"]["frame"]["x-runware-id"].endswith("?def=firstLast")

    def ids(node: Any) -> list[str]:
        if isinstance(node, dict):
            return [v for k, v in node.items() if k == "$id"] + [
                i for v in node.values() for i in ids(v)
            ]
        if isinstance(node, list):
            return [i for v in node for i in ids(v)]
        return []

    for slug in DOCUMENTS:
        assert ids(imported(slug)) == [schema_id(slug, "request")]


def test_reader_takes_the_facts_of_info():
    model = read_openapi_document(document("bfl-flux-3-image"), display("bfl-flux-3-image"))
    assert (model.air.value, model.slug.value, model.task_type.value) == (
        "bfl:flux@3-image",
        "bfl-flux-3-image",
        "imageInference",
    )
    assert model.title.value == "FLUX 3 Image"
    assert model.title.note and "prefix" in model.title.note
    assert model.documentation.value == "https://runware.ai/docs/models/bfl-flux-3-image"
    assert model.documentation.pointer == "/externalDocs/url"
    assert model.status.value == "live"
    assert "text-to-image" in model.capabilities.value
    assert model.pricing.value["currency"] == "USD"
    assert model.response_item is not None  # this document types its result item
    h3 = read_openapi_document(document("minimax-h3"), display("minimax-h3"))
    assert h3.response_item is None  # "Unknown response structure"
    assert h3.documentation.pointer == "/info/x-model-id"  # no externalDocs: derived
    assert looks_like_openapi_document(document("minimax-h3"))
    assert not looks_like_openapi_document({"requestSchema": {}})


MALFORMED = [
    ("/openapi", "3.0.3", "/openapi", "expected an OpenAPI 3.1 document"),
    ("/info/x-air-id", REMOVE, "/info/x-air-id", "missing: the model's AIR"),
    ("/info/x-model-id", "../evil", "/info/x-model-id", "cannot name a folder"),
    (f"{ITEMS}/properties/taskType/const", REMOVE, f"{ITEMS}/properties/taskType/const", ""),
    (f"{ITEMS}/properties/duration/maximum", "ten", f"{ITEMS}/properties/duration/maximum", ""),
    (f"{ITEMS}/properties/model/const", "other:1@1", f"{ITEMS}/properties/model/const", ""),
    (f"{ITEMS}/allOf", {}, f"{ITEMS}/allOf", "expected a non-empty list of schemas"),
    (f"{ITEMS}/required", ["model", "model"], f"{ITEMS}/required", "unique strings"),
    (
        f"{ITEMS}/properties/inputs/properties/referenceImages/items/anyOf/2/pattern",
        "^data:[",
        f"{ITEMS}/properties/inputs/properties/referenceImages/items/anyOf/2/pattern",
        "does not compile",
    ),
    (f"{ITEMS}/properties/seed", 5, f"{ITEMS}/properties/seed", "expected a schema"),
    ("/components/schemas/RequestBody/type", "object", "/components/schemas/RequestBody/type", ""),
    (ITEMS, REMOVE, ITEMS, "missing: the task object schema"),
]


@pytest.mark.parametrize(("pointer", "value", "named", "words"), MALFORMED)
def test_malformed_documents_name_file_and_pointer(pointer, value, named, words):
    doc = edited("minimax-h3", pointer, value)
    with pytest.raises(DocumentError) as info:
        read_openapi_document(doc, "h3.json")
    assert info.value.pointer == named
    assert str(info.value).startswith(f"h3.json#{named}: ")
    assert words in str(info.value)


@pytest.mark.parametrize(
    ("ref", "words"),
    [
        ("https://schemas.runware.ai/x.json", "only references into the same document"),
        ("#/components/schemas/Nothing", "points at nothing"),
        ("#/components/schemas/RequestBody/items/properties/seed", "refers back to itself"),
    ],
)
def test_references_that_cannot_be_inlined_are_errors(ref, words):
    at = f"{ITEMS}/properties/seed"
    model = read_openapi_document(edited("minimax-h3", at, {"$ref": ref}), "h3.json")
    with pytest.raises(DocumentError, match=words) as info:
        imported_request_schema(model)
    assert info.value.pointer == f"{at}/$ref"


def test_a_local_reference_is_inlined_and_cited():
    doc = edited("minimax-h3", f"{ITEMS}/properties/seed", {"$ref": "#/components/schemas/Seed"})
    doc["components"]["schemas"]["Seed"] = {"type": "integer", "minimum": 0}
    schema, trace = imported_request_schema(read_openapi_document(doc, "h3.json"))
    assert schema["properties"]["seed"] == {"type": "integer", "minimum": 0}
    assert trace.sources["/properties/seed/minimum"] == "h3.json#/components/schemas/Seed/minimum"
