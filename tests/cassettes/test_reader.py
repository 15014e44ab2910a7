from __future__ import annotations

import json
from pathlib import Path

import pytest

from runware_testkit.cassettes import (
    CassetteError,
    CassetteWriter,
    Interaction,
    new_header,
    read_cassette,
    read_header,
)


def _line(number: int) -> Interaction:
    return Interaction(
        id=number,
        transport="websocket",
        direction="server",
        connection=1,
        task="t1",
        task_type="videoInference",
        at=0.5 * number,
        request=None,
        status=None,
        response={"data": [{"taskType": "videoInference", "taskUUID": "{{task:t1}}"}]},
    )


def _write(path: Path, count: int) -> None:
    with CassetteWriter(path, new_header(upstream_rest="http://up/v1")) as writer:
        for number in range(1, count + 1):
            writer.write(_line(number))


def test_what_the_writer_wrote_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    _write(path, 3)
    cassette = read_cassette(path)
    assert cassette.header.upstream_rest == "http://up/v1"
    assert cassette.interactions == (_line(1), _line(2), _line(3))
    assert cassette.truncated is False
    assert read_header(path) == cassette.header


def _broken(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "broken.jsonl"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_file_of_another_version_is_refused_naming_file_and_version(tmp_path: Path) -> None:
    header = new_header().to_json() | {"version": 9}
    path = _broken(tmp_path, json.dumps(header) + "\n")
    with pytest.raises(CassetteError) as caught:
        read_cassette(path)
    assert str(caught.value).startswith(f"{path} line 1:")
    assert "version 9 is not known" in str(caught.value)


def test_a_bad_line_is_named_by_number(tmp_path: Path) -> None:
    good = json.dumps(_line(1).to_json())
    path = _broken(tmp_path, f"{json.dumps(new_header().to_json())}\n{good}\n{{oops\n{good}\n")
    with pytest.raises(CassetteError, match=r"broken\.jsonl line 3: not JSON"):
        read_cassette(path)


def test_a_wrong_interaction_is_named_by_line(tmp_path: Path) -> None:
    bad = json.dumps(_line(1).to_json() | {"transport": "fax"})
    path = _broken(tmp_path, f"{json.dumps(new_header().to_json())}\n{bad}\n")
    with pytest.raises(CassetteError, match=r"line 2: transport must be one of"):
        read_cassette(path)


@pytest.mark.parametrize(
    ("text", "said"),
    [("", "empty file"), ('{"id": 1}\n', "line 1: not a cassette header"), ("[\n", "line 1")],
)
def test_a_file_without_a_header_is_refused(tmp_path: Path, text: str, said: str) -> None:
    with pytest.raises(CassetteError, match=said):
        read_cassette(_broken(tmp_path, text))


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(CassetteError, match=r"nope\.jsonl: no such file"):
        read_cassette(tmp_path / "nope.jsonl")


def test_a_line_cut_short_at_the_end_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "cut.jsonl"
    _write(path, 2)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(_line(3).to_json())[:20])
    cassette = read_cassette(path)
    assert [i.id for i in cassette.interactions] == [1, 2]
    assert cassette.truncated is True


def test_each_line_is_on_disk_as_soon_as_it_is_written(tmp_path: Path) -> None:
    path = tmp_path / "live.jsonl"
    writer = CassetteWriter(path, new_header())
    writer.write(_line(1))
    assert [i.id for i in read_cassette(path).interactions] == [1]
    writer.close()
    with pytest.raises(CassetteError, match="already closed"):
        writer.write(_line(2))


def test_media_bodies_are_kept_once_by_sha256(tmp_path: Path) -> None:
    path = tmp_path / "m.jsonl"
    with CassetteWriter(path, new_header(media="hash")) as writer:
        first = writer.store_media(b"frames")
        again = writer.store_media(b"frames")
    cassette = read_cassette(path)
    assert first == again
    assert cassette.media_path(first).read_bytes() == b"frames"
    assert sorted(p.name for p in cassette.media_dir.iterdir()) == [first]


def test_a_line_nested_too_deeply_is_a_cassette_error_naming_the_line(tmp_path) -> None:
    from runware_testkit.cassettes import CassetteError, new_header, read_cassette

    path = tmp_path / "deep.jsonl"
    header = json.dumps(new_header(upstream_rest=None, upstream_websocket=None).to_json())
    path.write_text(header + "\n" + '{"id": 1, "request": ' + "[" * 100_000 + "\n")
    with pytest.raises(CassetteError) as raised:
        read_cassette(path)
    assert raised.value.line == 2
    assert "nested too deeply" in str(raised.value)
