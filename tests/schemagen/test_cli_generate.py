"""`runware-testkit generate` on pages and documents other than the shipped ones."""

import json
import shutil

import pytest

from runware_testkit.cli import main
from runware_testkit.contract import load_contract

from .documents import FIXTURES, ITEMS, SCHEMAS_DIR, document, edited
from .fragments import FLATTENED, MARKDOWN, SAMPLE
from .page_mutations import relabel


def test_generates_a_new_model_from_a_markdown_page(tmp_path, capsys):
    page = tmp_path / "tiny.md"
    page.write_text(MARKDOWN)
    assert main(["generate", str(page), "--out", str(tmp_path / "out")]) == 0
    schema = json.loads((tmp_path / "out/models/tiny/request.schema.json").read_text())
    assert schema["x-air-id"] == "tiny:1@1"
    assert schema["required"] == ["taskType", "inputs", "model"]
    assert "wrote" in capsys.readouterr().out


def test_page_with_late_front_matter_and_lower_case_format(tmp_path):
    """Front matter after an empty line and `- **Format**: `uri`` once stopped the generator."""
    page = tmp_path / "sample.md"
    text = SAMPLE.replace("- **Format**: `URI`", "- **Format**: `uri`")
    page.write_text("\n" + relabel(text, str.lower))
    assert main(["generate", str(page), "--out", str(tmp_path / "out")]) == 0
    schema = json.loads((tmp_path / "out/models/sample-model/request.schema.json").read_text())
    assert schema["properties"]["webhookURL"]["format"] == "uri"
    assert schema["x-air-id"] == "sample:1@1"


def test_flattened_page_alone_cannot_recover_its_enum(tmp_path, capsys):
    page = tmp_path / "tiny.txt"
    page.write_text(FLATTENED)
    assert main(["generate", str(page), "--out", str(tmp_path / "out")]) == 2
    line = FLATTENED.split("\n").index("Allowed values 2 values") + 1
    err = capsys.readouterr().err
    assert f"tiny.txt:{line}: safety.mode: the page names 2 allowed values but not" in err


def test_flattened_page_beside_a_sibling_and_check_mode(tmp_path, capsys):
    (tmp_path / "tiny.md").write_text(MARKDOWN)
    page = tmp_path / "tiny.txt"
    page.write_text(FLATTENED)
    out = tmp_path / "out"
    args = ["generate", str(page), str(tmp_path / "tiny.md")]
    assert main([*args, "--out", str(out)]) == 0
    assert main([*args, "--out", str(out), "--check"]) == 0
    (out / "index.json").write_text("{}")
    assert main([*args, "--out", str(out), "--check"]) == 1
    assert "out of date" in capsys.readouterr().out
    schema = json.loads((out / "models/tiny-two/request.schema.json").read_text())
    mode = schema["properties"]["safety"]["properties"]["mode"]
    assert [o["const"] for o in mode["oneOf"]] == ["none", "full"]
    assert "Tiny page" in mode["x-inferred"]["oneOf"]
    mode = json.loads((out / "models/tiny-two/request.schema.json").read_text())
    mode = mode["properties"]["safety"]["properties"]["mode"]
    assert [o["const"] for o in mode["oneOf"]] == ["none", "full"]
    assert "Tiny page" in mode["x-inferred"]["oneOf"]


def test_unreadable_page_exits_2_naming_the_line(tmp_path, capsys):
    page = tmp_path / "bad.txt"
    page.write_text(FLATTENED.replace("string default: URL -", "string defalt: URL -"))
    assert main(["generate", str(page), "--out", str(tmp_path / "out")]) == 2
    line = FLATTENED.split("\n").index("string default: URL -") + 1
    assert f"bad.txt:{line}: unreadable constraint" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_usage_errors_exit_2(tmp_path, capsys):
    assert main(["generate", "--out", str(tmp_path)]) == 2
    assert main(["generate", str(tmp_path / "missing.md"), "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "give SOURCE files" in err and "missing.md" in err


def test_pages_documents_and_replies_together(tmp_path, capsys):
    (tmp_path / "tiny.md").write_text(MARKDOWN)
    shutil.copy(SCHEMAS_DIR / "minimax-h3.schema.json", tmp_path / "schema.json")
    shutil.copy(FIXTURES / "bytedance-50-1.resolve.json", tmp_path / "upscaler.json")
    out = tmp_path / "out"
    sources = [str(tmp_path / n) for n in ("tiny.md", "schema.json", "upscaler.json")]
    assert main(["generate", *sources, "--out", str(out)]) == 0
    assert main(["generate", *sources, "--out", str(out), "--check"]) == 0
    index = {m["slug"]: m for m in json.loads((out / "index.json").read_text())["models"]}
    assert set(index) == {"tiny", "minimax-h3", "bytedance-video-upscaler"}
    assert (index["minimax-h3"]["format"], index["minimax-h3"]["source"]) == (
        "openapi",
        sources[1],
    )
    assert index["bytedance-video-upscaler"]["format"] == "schema-service"
    assert index["tiny"]["format"] == "markdown"
    sources_json = json.loads((out / "models/minimax-h3/sources.json").read_text())
    assert sources_json["request.schema.json"]["/properties/seed/maximum"] == (
        f"{sources[1]}#{ITEMS}/properties/seed/maximum"
    )
    assert set(load_contract(out).models) == {"tiny:1@1", "minimax:h3@0", "bytedance:50@1"}
    capsys.readouterr()


def test_sources_file_lists_documents(tmp_path):
    (tmp_path / "schemas").mkdir()
    shutil.copy(SCHEMAS_DIR / "meta-muse-image.schema.json", tmp_path / "schemas")
    entry = {
        "air": "meta:muse@image",
        "url": "https://runware.ai/docs/models/meta-muse-image/schema.json",
        "format": "openapi",
        "file": "schemas/meta-muse-image.schema.json",
    }
    (tmp_path / "sources.json").write_text(json.dumps({"documents": [entry]}))
    out = tmp_path / "out"
    assert main(["generate", "--sources", str(tmp_path / "sources.json"), "--out", str(out)]) == 0
    (model,) = json.loads((out / "index.json").read_text())["models"]
    assert model["source"] == f"{tmp_path.name}/schemas/meta-muse-image.schema.json"


def _write(path, data):
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return str(path)


@pytest.mark.parametrize(
    ("content", "named"),
    [
        (
            edited("minimax-h3", f"{ITEMS}/properties/duration/minimum", "5"),
            f"#{ITEMS}/properties/duration/minimum: expected a number",
        ),
        (edited("minimax-h3", "/openapi", "3.0.3"), "#/openapi: expected an OpenAPI 3.1"),
        ('{"openapi": "3.1.0",\n  "info": }', ":2:11: not valid JSON"),
        ({"paths": {}}, "#: a JSON object that is neither an OpenAPI document"),
        ([{"openapi": "3.1.0"}], "#: expected a JSON object"),
        ({"requestSchema": {"properties": {}}}, "#/requestSchema/properties/taskType/const"),
    ],
)
def test_malformed_sources_exit_2_naming_file_and_pointer(tmp_path, capsys, content, named):
    (tmp_path / "tiny.md").write_text(MARKDOWN)
    bad = _write(tmp_path / "bad.json", content)
    out = tmp_path / "out"
    assert main(["generate", str(tmp_path / "tiny.md"), bad, "--out", str(out)]) == 2
    assert capsys.readouterr().err.startswith(f"{bad}{named}")
    assert not out.exists()  # nothing written, not even for the good page


def test_one_model_from_two_sources_is_an_error(tmp_path, capsys):
    shutil.copy(SCHEMAS_DIR / "bytedance-video-upscaler.schema.json", tmp_path / "doc.json")
    shutil.copy(FIXTURES / "bytedance-50-1.resolve.json", tmp_path / "reply.json")
    args = [str(tmp_path / "doc.json"), str(tmp_path / "reply.json")]
    assert main(["generate", *args, "--out", str(tmp_path / "out")]) == 2
    assert "has the same slug 'bytedance-video-upscaler'" in capsys.readouterr().err


def test_document_url_must_match_its_model_id(tmp_path, capsys):
    path = _write(tmp_path / "h3.json", document("minimax-h3"))
    url = "https://runware.ai/docs/models/minimax-h2/schema.json"
    assert main(["generate", path, "--url", url, "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err.startswith(f"{path}#/info/x-model-id: model id 'minimax-h3'")


def test_broken_sources_file_exits_2(tmp_path, capsys):
    sources = _write(tmp_path / "sources.json", {"documents": [{"url": "x"}]})
    assert main(["generate", "--sources", sources, "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err.startswith(f"{sources}#/documents/0: expected {{file, ...}}")
