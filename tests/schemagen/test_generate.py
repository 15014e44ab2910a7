"""Generating schemas/ from the pinned pages: drift, determinism, traceability, inferred facts."""

import json
from pathlib import Path

import pytest

from runware_testkit.schemagen.generate import generate, inputs_from_sources
from runware_testkit.schemagen.model import PageError

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "contract" / "sources.json"
PLATFORM = ROOT / "contract" / "platform.json"
SCHEMAS = ROOT / "schemas"


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


def test_pinned_hash_is_enforced(tmp_path):
    data = json.loads(SOURCES.read_text())
    (tmp_path / "pages").mkdir()
    for entry in data["pages"]:
        text = (SOURCES.parent / entry["file"]).read_text()
        (tmp_path / entry["file"]).write_text(text + "\nedited\n")
    (tmp_path / "sources.json").write_text(json.dumps(data))
    with pytest.raises(PageError, match="sha256 differs"):
        generate(inputs_from_sources(tmp_path / "sources.json"), PLATFORM)


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


@pytest.mark.parametrize("slug", ["runway-aleph", "runway-aleph-2-0"])
@pytest.mark.parametrize("kind", ["request", "result"])
def test_every_keyword_traces_to_a_source(files, slug, kind):
    schema = json.loads(files[f"models/{slug}/{kind}.schema.json"])
    sources = json.loads(files[f"models/{slug}/sources.json"])[f"{kind}.schema.json"]
    missing = [p for p in _keyword_pointers(schema) if not _covered(p, sources)]
    assert not missing, f"keywords without a source: {missing[:10]}"
    page_refs = [s for s in sources.values() if s.startswith("contract/pages/")]
    assert page_refs, "no keyword traces to a page line"


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
    assert [m["air"] for m in index["models"]] == ["runway:2@1", "runway:aleph@2.0"]
    assert len(index["models"][0]["examples"]) == 4
    assert "error" in index["platform"]
