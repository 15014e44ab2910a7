"""What the importer writes: provenance that resolves, result items, one shared registry."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from runware_testkit.schemagen.emit_imported import (
    imported_request_schema,
    imported_result_schema,
)
from runware_testkit.schemagen.generate import generate, inputs_from_sources
from runware_testkit.schemagen.model import DocumentError
from runware_testkit.schemagen.openapi_document import read_openapi_document
from runware_testkit.schemagen.platform import load_platform

from .documents import (
    DOCUMENTS,
    ITEMS,
    ROOT,
    display,
    document,
    edited,
    resolve_citation,
    source_of,
)

PLATFORM_FILE = ROOT / "contract" / "platform.json"
PLATFORM = load_platform(PLATFORM_FILE)
RENAMED_BACK = {"x-runware-id": "$id", "x-runware-schema": "$schema"}
TYPED = ("bfl-flux-3-image", "meta-muse-image", "bytedance-video-upscaler")
UNTYPED = ("bytedance-seedance-2-5", "lightricks-ltx-2-5-fast", "minimax-h3")


@pytest.fixture(scope="module")
def files() -> dict[str, str]:
    return generate(inputs_from_sources(ROOT / "contract" / "sources.json"), PLATFORM_FILE)


def model(slug: str):
    return read_openapi_document(document(slug), display(slug))


def keyword_pointers(node: Any, pointer: str = "") -> list[str]:
    """Every keyword (object member) at every depth of a JSON value."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{pointer}/{str(key).replace('~', '~0').replace('/', '~1')}"
            found.append(here)
            found += keyword_pointers(value, here)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += keyword_pointers(value, f"{pointer}/{index}")
    return found


def at(node: Any, pointer: str) -> Any:
    for raw in pointer[1:].split("/") if pointer else []:
        token = raw.replace("~1", "/").replace("~0", "~")
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


def renamed_back(node: Any) -> Any:
    if isinstance(node, dict):
        return {RENAMED_BACK.get(k, k): renamed_back(v) for k, v in node.items()}
    if isinstance(node, list):
        return [renamed_back(v) for v in node]
    return node


def cited(sources: dict[str, str], pointer: str) -> tuple[str, str]:
    """The recorded source of ``pointer``: its own entry, or the longest recorded prefix with
    the rest of the path appended (a verbatim subtree)."""
    prefix = pointer
    while prefix and prefix not in sources:
        prefix = prefix.rsplit("/", 1)[0]
    assert prefix, f"{pointer} has no source"
    return sources[prefix], pointer[len(prefix) :]


@pytest.mark.parametrize("slug", DOCUMENTS)
@pytest.mark.parametrize("kind", ["request", "result"])
def test_every_provenance_pointer_resolves(files, slug, kind):
    sources = json.loads(files[f"models/{slug}/sources.json"])[f"{kind}.schema.json"]
    schema = json.loads(files[f"models/{slug}/{kind}.schema.json"])
    for pointer, citation in sources.items():
        file, _, _ = source_of(citation)
        assert file in (display(slug), "contract/platform.json"), citation
        assert resolve_citation(citation)[0], f"{pointer}: {citation} resolves to nothing"
    for pointer in keyword_pointers(schema):
        cited(sources, pointer)


@pytest.mark.parametrize("slug", DOCUMENTS)
@pytest.mark.parametrize("kind", ["request", "result"])
def test_keywords_cited_without_a_note_equal_the_source(files, slug, kind):
    """A plain ``file#pointer`` citation means "copied from there": the value matches."""
    sources = json.loads(files[f"models/{slug}/sources.json"])[f"{kind}.schema.json"]
    schema = json.loads(files[f"models/{slug}/{kind}.schema.json"])
    checked = 0
    for pointer in keyword_pointers(schema):
        citation, rest = cited(sources, pointer)
        file, source_pointer, note = source_of(citation)
        if note is not None:
            continue
        found, value = resolve_citation(f"{file}#{source_pointer}{rest}")
        assert found and value == renamed_back(at(schema, pointer)), pointer
        checked += 1
    if kind == "request":
        assert checked > 50
        expected = f"{display(slug)}#{ITEMS}/properties/taskUUID/format"
        assert sources["/properties/taskUUID/format"] == expected
    else:  # a typed item is copied; a platform item is inferred, every citation noted
        assert (checked > 10) == (slug in TYPED)


def test_renamed_ids_cite_the_source_id(files):
    sources = json.loads(files["models/minimax-h3/sources.json"])["request.schema.json"]
    pointer = "/properties/inputs/properties/frameImages/items/anyOf/0/x-runware-id"
    citation = sources[pointer]
    assert citation.startswith(
        f"{display('minimax-h3')}#{ITEMS}/properties/inputs/properties/frameImages/items/anyOf/0/$id"
    )
    assert "renamed from $id" in citation
    assert resolve_citation(citation)[1].endswith("/inputs/image.json")


@pytest.mark.parametrize("slug", TYPED)
def test_typed_result_items_are_kept_open(files, slug):
    result = json.loads(files[f"models/{slug}/result.schema.json"])
    published = document(slug)["components"]["schemas"]["ResponseBody"]["properties"]["data"][
        "items"
    ]
    assert published["additionalProperties"] is False
    assert "additionalProperties" not in result
    assert "status" in result["x-relaxed"]["additionalProperties"]
    assert result["properties"] == published["properties"]
    assert result["required"] == published["required"]
    assert "x-inferred-from" not in result


@pytest.mark.parametrize("slug", UNTYPED)
def test_untyped_result_items_come_from_the_platform_marked_inferred(files, slug):
    result = json.loads(files[f"models/{slug}/result.schema.json"])
    assert result["x-inferred-from"] == "platform"
    fields = PLATFORM["results"]["videoInference"]["fields"]
    assert list(result["properties"]) == [f["name"] for f in fields]
    assert result["required"] == [f["name"] for f in fields if f.get("required")]
    for name, node in result["properties"].items():
        assert set(node["x-inferred"]) >= {"type"}, name
        assert all("types no result item" in r for r in node["x-inferred"].values())
    assert result["properties"]["taskType"]["x-inferred"].keys() == {"const", "required", "type"}


@pytest.mark.parametrize(
    ("slug", "result_key"),
    [
        ("bfl-flux-3-image", ("imageInference",)),
        ("meta-muse-image", ("imageInference",)),
        ("bytedance-video-upscaler", ("upscale", "byInputMedia", "video")),
    ],
)
def test_platform_result_items_agree_with_the_published_typed_items(slug, result_key):
    """The platform data stands in where a document leaves the result untyped: where one does
    type it, the two agree field for field."""
    spec = PLATFORM["results"]
    for key in result_key:
        spec = spec[key]
    published = document(slug)["components"]["schemas"]["ResponseBody"]["properties"]["data"][
        "items"
    ]
    fields = {f["name"]: f for f in spec["fields"]}
    assert set(fields) == set(published["properties"])
    assert {n for n, f in fields.items() if f.get("required")} == set(published["required"])
    for name, node in published["properties"].items():
        assert fields[name]["type"] == node["type"], name
        assert fields[name].get("format") == node.get("format"), name
        assert fields[name].get("const") == node.get("const"), name


@pytest.mark.parametrize(("media", "output"), [("video", "videoUUID"), ("image", "imageUUID")])
def test_upscale_result_follows_the_media_of_the_input(media, output):
    doc = document("bytedance-video-upscaler")
    del doc["components"]["schemas"]["ResponseBody"]["properties"]["data"]["items"]["properties"]
    inputs = doc["components"]["schemas"]["RequestBody"]["items"]["properties"]["inputs"]
    inputs["properties"] = {media: inputs["properties"]["video"]}
    result, trace = imported_result_schema(read_openapi_document(doc, "up.json"), PLATFORM)
    assert output in result["required"]
    assert result["properties"]["taskType"]["const"] == "upscale"
    assert trace.sources["/x-inferred-from"].startswith(
        f"contract/platform.json#/results/upscale/byInputMedia/{media} (inferred: "
    )


def test_untyped_result_without_platform_item_is_an_error():
    doc = edited("minimax-h3", f"{ITEMS}/properties/taskType/const", "audioInference")
    with pytest.raises(DocumentError) as info:
        imported_result_schema(read_openapi_document(doc, "h3.json"), PLATFORM)
    assert info.value.pointer == f"{ITEMS}/properties/taskType/const"
    assert "'audioInference'" in str(info.value)


def test_upscale_with_neither_media_is_an_error():
    doc = document("bytedance-video-upscaler")
    del doc["components"]["schemas"]["ResponseBody"]["properties"]["data"]["items"]["properties"]
    doc["components"]["schemas"]["RequestBody"]["items"]["properties"]["inputs"]["properties"] = {}
    with pytest.raises(DocumentError, match="found none") as info:
        imported_result_schema(read_openapi_document(doc, "up.json"), PLATFORM)
    assert info.value.pointer == f"{ITEMS}/properties/inputs/properties"


def test_every_schema_shares_one_registry(files, tmp_path: Path):
    """All generated schemas load into one referencing registry (no two resources share an id)
    and the request array accepts one valid task of every model."""
    schemas = [json.loads(text) for name, text in files.items() if name.endswith(".schema.json")]
    ids = [s["$id"] for s in schemas]
    assert len(ids) == len(set(ids))
    registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in schemas)
    registry = registry.crawl()
    body = [
        {"taskType": "upscale", "model": "bytedance:50@1", "inputs": {"video": "a.mp4"}},
        {"taskType": "imageInference", "model": "bfl:flux@3-image", "positivePrompt": "fox"},
        {"taskType": "imageInference", "model": "meta:muse@image", "positivePrompt": "sea"},
        {"taskType": "videoInference", "model": "minimax:h3@0", "positivePrompt": "city"},
        {"taskType": "videoInference", "model": "lightricks:ltx@2.5-fast", "positivePrompt": "x1"},
        {"taskType": "videoInference", "model": "bytedance:seedance@2.5", "positivePrompt": "go"},
    ]
    for index, task in enumerate(body):
        task["taskUUID"] = f"aac49721-1964-481a-ae78-8a4e29b9140{index}"
    array = json.loads(files["request-array.schema.json"])
    validator = Draft202012Validator(
        array, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    assert list(validator.iter_errors(body)) == []
    assert not validator.is_valid([{**body[0], "inputs": {}}])


def test_request_schema_of_the_kit_keeps_the_source_title_when_there_is_one():
    doc = edited("minimax-h3", f"{ITEMS}/title", "H3 task")
    schema, trace = imported_request_schema(read_openapi_document(doc, "h3.json"))
    assert schema["title"] == "H3 task"
    assert trace.sources["/title"] == f"h3.json#{ITEMS}/title"
    schema, trace = imported_request_schema(model("minimax-h3"))
    assert schema["title"] == "MiniMax H3 videoInference task"
    assert trace.sources["/title"].startswith(f"{display('minimax-h3')}#/info/title (")
