from __future__ import annotations

from pathlib import Path

from runware_testkit.cassettes import (
    CassetteRecorder,
    CassetteWriter,
    new_header,
    read_cassette,
    split_envelope,
)

TASK = "aaaaaaaa-1111-4111-8111-111111111111"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_lines_get_task_names_timing_and_volatile_pointers(tmp_path: Path) -> None:
    clock = Clock()
    path = tmp_path / "c.jsonl"
    with CassetteWriter(path, new_header()) as writer:
        recorder = CassetteRecorder(writer, clock=clock)
        clock.now = 101.0
        auth = recorder.start()
        submit = recorder.start()
        recorder.record(
            auth,
            transport="rest",
            direction="client",
            request={"taskType": "authentication", "apiKey": "key-123456"},
            status=200,
            response={"data": [{"taskType": "authentication"}]},
        )
        recorder.record(
            submit,
            transport="rest",
            direction="client",
            request={"taskType": "videoInference", "taskUUID": TASK, "model": "m"},
            status=200,
            response={"data": [{"taskType": "videoInference", "taskUUID": TASK}]},
        )
        clock.now = 103.5
        poll = recorder.start()
        recorder.record(
            poll,
            transport="rest",
            direction="client",
            request={"taskType": "getResponse", "taskUUID": TASK},
            status=200,
            response={
                "data": [{"taskUUID": TASK, "taskType": "videoInference", "cost": 0.5, "seed": 42}]
            },
        )
    lines = read_cassette(path).interactions
    assert [(i.id, i.task, i.task_type, i.at) for i in lines] == [
        (1, None, "authentication", 1.0),
        (2, "t1", "videoInference", 0.0),
        (3, "t1", "getResponse", 2.5),
    ]
    assert lines[0].request == {"taskType": "authentication", "apiKey": "[scrubbed]"}
    assert lines[2].request == {"taskType": "getResponse", "taskUUID": "{{task:t1}}"}
    assert lines[2].volatile == ("/response/data/0/cost", "/response/data/0/seed")
    assert "key-123456" not in path.read_text()


def test_a_seed_the_client_gave_is_not_volatile(tmp_path: Path) -> None:
    with CassetteWriter(tmp_path / "s.jsonl", new_header()) as writer:
        recorder = CassetteRecorder(writer)
        line = recorder.record(
            recorder.start(),
            transport="rest",
            direction="client",
            request={"taskType": "imageInference", "taskUUID": TASK, "seed": 7},
            status=200,
            response={"data": [{"taskUUID": TASK, "seed": 7}]},
        )
    assert line.volatile == ()


def test_an_envelope_is_split_per_task() -> None:
    tasks = [
        {"taskType": "authentication", "apiKey": "k"},
        {"taskType": "videoInference", "taskUUID": "a"},
        {"taskType": "videoInference", "taskUUID": "b"},
    ]
    envelope = {
        "data": [{"taskType": "authentication"}, {"taskUUID": "a", "x": 1}],
        "errors": [{"taskUUID": "b", "code": "invalidX"}, {"code": "wholeRequest"}],
    }
    assert split_envelope(tasks, envelope) == [
        {"data": [{"taskType": "authentication"}], "errors": [{"code": "wholeRequest"}]},
        {"data": [{"taskUUID": "a", "x": 1}], "errors": [{"code": "wholeRequest"}]},
        {"errors": [{"taskUUID": "b", "code": "invalidX"}, {"code": "wholeRequest"}]},
    ]
    assert split_envelope(tasks, "not json") == [None, None, None]


def test_a_task_nothing_answered_gets_empty_data() -> None:
    tasks = [{"taskType": "authentication", "apiKey": "k"}, {"taskType": "x", "taskUUID": "a"}]
    envelope = {"data": [{"taskType": "x", "taskUUID": "a"}]}
    assert split_envelope(tasks, envelope)[0] == {"data": []}


def test_tasks_are_numbered_in_order_of_submit_not_of_writing(tmp_path: Path) -> None:
    first = {"taskType": "imageInference", "taskUUID": "first-task-uuid"}
    second = {"taskType": "imageInference", "taskUUID": "second-task-uuid"}
    with CassetteWriter(tmp_path / "o.jsonl", new_header()) as writer:
        recorder = CassetteRecorder(writer)
        begun_first, begun_second = recorder.start(first), recorder.start(second)
        late = recorder.record(
            begun_second,
            transport="websocket",
            direction="client",
            request=second,
            status=None,
            response={"errors": [{"code": "x", "taskUUID": "second-task-uuid"}]},
        )
        early = recorder.record(
            begun_first,
            transport="websocket",
            direction="client",
            request=first,
            status=None,
            response={"data": [first]},
        )
    assert (early.task, late.task) == ("t1", "t2")
    assert (early.id, late.id) == (1, 2)


def test_a_media_line_belongs_to_the_task_whose_answer_gave_the_url(tmp_path: Path) -> None:
    url = "https://cdn.example/v/result.mp4?sig=abcdef"
    with CassetteWriter(tmp_path / "m.jsonl", new_header()) as writer:
        recorder = CassetteRecorder(writer)
        poll = {"taskType": "getResponse", "taskUUID": TASK}
        recorder.record(
            recorder.start(poll),
            transport="rest",
            direction="client",
            request=poll,
            status=200,
            response={"data": [{"taskUUID": TASK, "videoURL": url}]},
        )
        media = recorder.record(
            recorder.start(),
            transport="media",
            direction="client",
            request={"method": "GET", "url": url},
            status=200,
            response={"contentType": "video/mp4", "bytes": 3, "sha256": "0" * 64},
        )
    assert (media.task, media.request["url"]) == ("t1", "{{url:u1}}")
