"""`runware-testkit generate` on pages other than the shipped ones."""

import json

from runware_testkit.cli import main

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
    assert "give PAGE files" in err and "missing.md" in err
