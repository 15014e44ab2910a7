"""Finding lint inputs (files, directories, globs, stdin) and reading tasks out of them."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from runware_testkit.lint.loader import (
    STDIN_NAME,
    LoadError,
    Source,
    collect,
    load,
    read_tasks,
)

TASK = '{"taskType": "videoInference", "taskUUID": "%s"}'


def write(path: Path, text: str | bytes = TASK % "x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in [
        "a.json",
        "b.jsonl",
        "sub/c.json",
        "sub/deeper/d.JSON",
        "sub/notes.txt",
        ".hidden/e.json",
        "node_modules/f.json",
        "sub/.g.json",
    ]:
        write(tmp_path / name)
    return tmp_path


def names(sources: list[Source]) -> list[str]:
    return [s.name for s in sources]


# --- collect -------------------------------------------------------------------------------------


def test_directory_is_walked_recursively_in_order(tree: Path) -> None:
    sources, errors = collect(["."])
    assert errors == []
    assert names(sources) == [
        "a.json",
        "b.jsonl",
        "sub/.g.json",
        "sub/c.json",
        "sub/deeper/d.JSON",
    ]
    sources, _ = collect(["./sub/deeper", "sub/../a.json"])
    assert names(sources) == ["sub/deeper/d.JSON", "sub/../a.json"]


def test_explicit_file_is_read_whatever_its_name(tree: Path) -> None:
    sources, errors = collect(["sub/notes.txt", ".hidden/e.json"])
    assert names(sources) == ["sub/notes.txt", ".hidden/e.json"]
    assert errors == []


def test_glob_with_double_star_is_expanded_here(tree: Path) -> None:
    sources, errors = collect(["**/*.json"])
    assert errors == []
    assert names(sources) == ["a.json", "node_modules/f.json", "sub/c.json"]
    sources, _ = collect(["sub/**/*.json"])
    assert names(sources) == ["sub/c.json"]


def test_glob_matching_a_directory_walks_it(tree: Path) -> None:
    sources, _ = collect(["su?"])
    assert names(sources) == [
        os.path.join("sub", n) for n in [".g.json", "c.json", "deeper/d.JSON"]
    ]


def test_duplicates_are_read_once(tree: Path) -> None:
    sources, _ = collect(["./a.json", ".", "a.json", "-", "-"])
    assert names(sources).count("./a.json") == 1
    assert "a.json" not in names(sources)
    assert names(sources).count(STDIN_NAME) == 1


def test_missing_path_and_empty_glob_and_empty_directory(tree: Path) -> None:
    (tree / "empty").mkdir()
    sources, errors = collect(["nope.json", "*.yaml", "empty", "a.json"])
    assert names(sources) == ["a.json"]
    assert [str(e) for e in errors] == [
        "nope.json: no such file or directory",
        "*.yaml: no files matched",
        "empty: no .json or .jsonl files in this directory",
    ]


# --- load ----------------------------------------------------------------------------------------


def test_load_single_task(tmp_path: Path) -> None:
    loaded = load(Source("t.json", write(tmp_path / "t.json", TASK % "1")))
    (task,) = loaded.tasks
    assert task.value == {"taskType": "videoInference", "taskUUID": "1"}
    assert task.pointer == ""
    assert task.positions["/taskUUID"][:2] == (1, TASK.index("%s"))


def test_load_array_of_tasks(tmp_path: Path) -> None:
    text = "[\n  " + TASK % "1" + ",\n  " + TASK % "2" + "\n]\n"
    loaded = load(Source("t.json", write(tmp_path / "t.json", text)))
    assert [t.pointer for t in loaded.tasks] == ["/0", "/1"]
    assert [t.index for t in loaded.tasks] == [0, 1]
    assert loaded.tasks[1].positions["/1/taskUUID"][:2] == (3, 2 + TASK.index("%s"))


def test_load_json_lines_by_suffix_and_by_content(tmp_path: Path) -> None:
    text = TASK % "1" + "\n\n[" + TASK % "2" + ", " + TASK % "3" + "]\n"
    for name in ("t.jsonl", "t.json"):
        loaded = load(Source(name, write(tmp_path / name, text)))
        assert [t.value["taskUUID"] for t in loaded.tasks] == ["1", "2", "3"]
        assert [t.pointer for t in loaded.tasks] == ["", "/0", "/1"]
        assert loaded.tasks[2].positions["/1/taskUUID"][:2] == (
            3,
            len(TASK % "2") + 3 + TASK.index("%s"),
        )


def test_load_stdin() -> None:
    loaded = load(Source(STDIN_NAME), stdin=io.BytesIO(("\ufeff" + TASK % "s").encode()))
    assert loaded.tasks[0].value["taskUUID"] == "s"
    assert loaded.source.name == STDIN_NAME


def test_load_unreadable_path(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match=r"^d\.json: Is a directory$"):
        load(Source("d.json", tmp_path))


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "f.json: empty file: expected a task object or an array of tasks"),
        ("  \n\n", "f.json: empty file: expected a task object or an array of tasks"),
        ("[]", "f.json:1:1: empty array: expected at least one task"),
        ("42", "f.json:1:1: not a task: expected an object with taskType, found a number"),
        ('"x"', "f.json:1:1: not a task: expected an object with taskType, found a string"),
        ("null", "f.json:1:1: not a task: expected an object with taskType, found null"),
        ('{"model": "runway:2@1"}', 'f.json:1:1: not a task: the object has no "taskType"'),
        (
            "[" + TASK % "1" + ",\n 7]",
            "f.json:2:2: not a task: expected an object with taskType, found a number",
        ),
        (
            "[[" + TASK % "1" + "]]",
            "f.json:1:2: not a task: expected an object with taskType, found an array",
        ),
        ('{"taskType": "videoInference",}', "f.json:1:30: trailing comma before '}'"),
        (
            b'{"taskType": "\xff"}',
            "f.json:1:15: not valid UTF-8 (byte 0xff); save the file as UTF-8",
        ),
        (
            TASK % "1" + "\n{\n",
            "f.json:2:2: unexpected end of line: expected a double-quoted property name",
        ),
    ],
)
def test_not_lintable_content(content: str | bytes, expected: str) -> None:
    with pytest.raises(LoadError) as info:
        read_tasks(content.encode() if isinstance(content, str) else content, "f.json")
    assert str(info.value) == expected


def test_crlf_file_positions(tmp_path: Path) -> None:
    text = '{\r\n  "taskType": "videoInference",\r\n  "width": 1\r\n}\r\n'
    (task,) = load(Source("c.json", write(tmp_path / "c.json", text.encode()))).tasks
    assert task.positions["/width"] == (3, 12, 3, 3)


def test_an_endless_input_is_refused_not_read_to_the_end(tmp_path, monkeypatch) -> None:
    from runware_testkit.lint import loader

    monkeypatch.setattr(loader, "MAX_INPUT_BYTES", 1024)
    zero = tmp_path / "zero.json"
    zero.symlink_to("/dev/zero")
    with pytest.raises(loader.LoadError, match="larger than"):
        loader.load(loader.Source(str(zero), zero))
