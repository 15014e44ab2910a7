"""Generating schemas/ from the pinned pages and documents: drift, determinism, traceability,
inferred facts, the index."""

import hashlib
import json
from pathlib import Path

import pytest

from runware_testkit.contract import load_contract
from runware_testkit.schemagen.generate import generate, inputs_from_sources
from runware_testkit.schemagen.model import SourceError

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "contract" / "sources.json"
PLATFORM = ROOT / "contract" / "platform.json"
SCHEMAS = ROOT / "schemas"
# slug -> where its keywords are cited from
SLUGS = {
    "runway-aleph": "contract/pages/",
    "runway-aleph-2-0": "contract/pages/",  # its result item comes from the Aleph page
    **{
        slug: f"contract/schemas/{slug}.schema.json#"
        for slug in (
            "bfl-flux-3-image",
            "bytedance-seedance-2-5",
            "bytedance-video-upscaler",
            "lightricks-ltx-2-5-fast",
            "meta-muse-image",
            "minimax-h3",
        )
    },
}


@pytest.fixture(scope="module")
def files() -> dict[str, str]:
    return generate(inputs_from_sources(SOURCES), PLATFORM)


def test_regenerating_reproduces_schemas_byte_for_byte(files):
    on_disk = {str(p.relative_to(SCHEMAS)) for p in SCHEMAS.rglob("*.json")}
    assert on_disk == set(files), "schemas/ has stale or missing files: run `make schemas`"
    for name, text in files.items():
        assert (SCHEMAS / name).read_text(encoding="utf-8") == text, f"{name} drifted"


def test_output_does_not_depend_on_page_order(files):
    reversed_inputs = list(reversed(inputs_from_sources(SOURCES)))
    assert generate(reversed_inputs, PLATFORM) == files


def test_pinned_sources_match_their_hashes():
    data = json.loads(SOURCES.read_text())
    entries = data["pages"] + data["documents"]
    assert len(data["documents"]) == 6
    for entry in entries:
        raw = (SOURCES.parent / entry["file"]).read_bytes()
        assert hashlib.sha256(raw).hexdigest() == entry["sha256"], entry["file"]
    for entry in data["documents"]:
        document = json.loads((SOURCES.parent / entry["file"]).read_text())
        slug = document["info"]["x-model-id"]
        assert entry["file"] == f"schemas/{slug}.schema.json"
        assert entry["url"] == f"https://runware.ai/docs/models/{slug}/schema.json"
        assert (entry["air"], entry["format"]) == (document["info"]["x-air-id"], "openapi")


@pytest.mark.parametrize("group", ["pages", "documents"])
def test_pinned_hash_is_enforced(tmp_path, group):
    data = json.loads(SOURCES.read_text())
    for folder in ("pages", "schemas"):
        (tmp_path / folder).mkdir()
    for entry in data["pages"] + data["documents"]:
        raw = (SOURCES.parent / entry["file"]).read_bytes()
        edited = raw + b"\n" if entry in data[group][-1:] else raw
        (tmp_path / entry["file"]).write_bytes(edited)
    (tmp_path / "sources.json").write_text(json.dumps(data))
    with pytest.raises(SourceError, match="sha256 differs") as info:
        generate(inputs_from_sources(tmp_path / "sources.json"), PLATFORM)
    assert info.value.file == f"{tmp_path.name}/{data[group][-1]['file']}"


# Keywords whose value is a sub-schema or list of sub-schemas; a source recorded on them
# covers the keywords inside.
_SUBTREE = {"items", "anyOf", "oneOf", "allOf", "not", "if", "then", "dependentRequired"}


def _keyword_pointers(node, pointer=""):
    for key, value in node.items():
        here = f"{pointer}/{key}"
        yield here
        if key == "properties":
            for name, child in value.items():
                yield from _keyword_pointers(child, f"{here}/{name}")


def _covered(pointer: str, sources: dict[str, str]) -> bool:
    if pointer in sources:
        return True
    parts = pointer.split("/")
    for cut in range(len(parts) - 1, 1, -1):
        ancestor = "/".join(parts[:cut])
        last = parts[cut - 1]
        if ancestor in sources and (last in _SUBTREE or parts[cut - 2] in _SUBTREE):
            return True
    return False


@pytest.mark.parametrize("slug", sorted(SLUGS))
@pytest.mark.parametrize("kind", ["request", "result"])
def test_every_keyword_traces_to_a_source(files, slug, kind):
    schema = json.loads(files[f"models/{slug}/{kind}.schema.json"])
    sources = json.loads(files[f"models/{slug}/sources.json"])[f"{kind}.schema.json"]
    missing = [p for p in _keyword_pointers(schema) if not _covered(p, sources)]
    assert not missing, f"keywords without a source: {missing[:10]}"
    source_refs = [s for s in sources.values() if s.startswith(SLUGS[slug])]
    assert source_refs, f"no keyword traces to {SLUGS[slug]}"


def test_sources_name_real_page_lines(files):
    sources = json.loads(files["models/runway-aleph/sources.json"])["request.schema.json"]
    line = int(sources["/properties/outputQuality/maximum"].split(":")[1].split()[0])
    page = (ROOT / "contract/pages/runway-aleph.md").read_text().split("\n")
    assert page[line - 1] == "- **Max**: `99`"


def _prop(files, slug, path):
    node = json.loads(files[f"models/{slug}/request.schema.json"])
    for part in path.split("."):
        props = node.get("properties") or node["items"]["anyOf"][1]["properties"]
        node = props[part]
    return node


@pytest.mark.parametrize(
    ("path", "keyword", "values"),
    [
        ("outputType", "oneOf", ["URL"]),
        ("outputFormat", "oneOf", ["MP4", "WEBM", "MOV"]),
        ("deliveryMethod", "oneOf", ["async"]),
        ("safety.mode", "oneOf", ["none", "fast", "full"]),
        ("inputs.frameImages.frame", "oneOf", ["first", "last", 0, -1]),
    ],
)
def test_flattened_page_dropped_values_are_recovered_and_marked(files, path, keyword, values):
    node = _prop(files, "runway-aleph-2-0", path)
    assert [o["const"] for o in node[keyword]] == values
    assert node["x-inferred"][keyword]


def test_frame_type_is_inferred_from_its_values(files):
    node = _prop(files, "runway-aleph-2-0", "inputs.frameImages.frame")
    assert node["type"] == ["integer", "string"]
    assert "page says object" in node["x-inferred"]["type"]


def test_markdown_safety_path_quirk(files):
    node = _prop(files, "runway-aleph", "safety")
    assert set(node["properties"]) == {"checkContent", "mode"}
    assert "ends at its own name" in node["x-inferred"]["path"]


def test_aleph2_result_item_is_inferred_from_the_aleph_page(files):
    result = json.loads(files["models/runway-aleph-2-0/result.schema.json"])
    assert result["x-inferred-from"] == "runway:2@1"
    assert result["required"] == ["taskType", "taskUUID", "videoUUID"]


def test_openapi_has_runware_layout(files):
    doc = json.loads(files["models/runway-aleph/openapi.json"])
    assert doc["openapi"] == "3.1.0"
    assert doc["info"]["x-air-id"] == "runway:2@1"
    body = doc["components"]["schemas"]["RequestBody"]
    assert body["type"] == "array"
    assert doc["components"]["schemas"]["Task"]["additionalProperties"] is False
    assert (
        "$ref"
        in doc["paths"]["/v1"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    )


def test_index_lists_models_and_examples(files):
    index = json.loads(files["index.json"])
    assert [m["slug"] for m in index["models"]] == sorted(SLUGS)
    by_air = {m["air"]: m for m in index["models"]}
    assert len(by_air["runway:2@1"]["examples"]) == 4
    assert "error" in index["platform"]


def test_index_entries_name_their_source_kind(files):
    by_slug = {m["slug"]: m for m in json.loads(files["index.json"])["models"]}
    page = by_slug["runway-aleph"]
    assert list(page) == [
        "air",
        "slug",
        "title",
        "taskType",
        "documentation",
        "page",
        "source",
        "format",
        "status",
        "capabilities",
        "request",
        "result",
        "openapi",
        "examples",
    ]
    assert page["page"] == page["source"] == "contract/pages/runway-aleph.md"
    upscaler = by_slug["bytedance-video-upscaler"]
    assert upscaler == {
        "air": "bytedance:50@1",
        "slug": "bytedance-video-upscaler",
        "title": "ByteDance Video Upscaler",
        "taskType": "upscale",
        "documentation": "https://runware.ai/docs/models/bytedance-video-upscaler",
        "source": "contract/schemas/bytedance-video-upscaler.schema.json",
        "format": "openapi",
        "status": "live",
        "capabilities": ["video-to-video", "upscale", "checkpoint"],
        "pricing": upscaler["pricing"],
        "request": "models/bytedance-video-upscaler/request.schema.json",
        "result": "models/bytedance-video-upscaler/result.schema.json",
        "openapi": "models/bytedance-video-upscaler/openapi.json",
        "examples": [],
    }
    assert upscaler["pricing"]["overview"].startswith("Pricing starts at $0.00265 per second")
    task_types = {m["taskType"] for m in by_slug.values()}
    assert task_types == {"videoInference", "imageInference", "upscale"}


def test_request_array_offers_every_model(files):
    array = json.loads(files["request-array.schema.json"])
    refs = [c["$ref"] for c in array["items"]["anyOf"]]
    assert [f"urn:runware-testkit:{slug}:request" for slug in sorted(SLUGS)] == refs[:8]


def test_contract_loads_every_model_with_its_task_type(files, tmp_path):
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    contract = load_contract(tmp_path)
    assert {air: m.task_type for air, m in contract.models.items()} == {
        "bfl:flux@3-image": "imageInference",
        "bytedance:seedance@2.5": "videoInference",
        "bytedance:50@1": "upscale",
        "lightricks:ltx@2.5-fast": "videoInference",
        "meta:muse@image": "imageInference",
        "minimax:h3@0": "videoInference",
        "runway:2@1": "videoInference",
        "runway:aleph@2.0": "videoInference",
    }
    h3 = contract.model("minimax:h3@0")
    assert h3.request["properties"]["taskType"]["const"] == h3.task_type
    assert h3.openapi["info"]["x-pricing"]["overview"].startswith("Output video costs")
    assert h3.property_schema("inputs.frameImages")["maxItems"] == 2
