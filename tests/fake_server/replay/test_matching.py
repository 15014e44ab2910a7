"""The closest recorded request to one that matched none, and the diff shown."""

from __future__ import annotations

from runware_testkit.fake_server.replay.matching import closest

RECORDED = [
    {"taskType": "imageUpload", "taskUUID": "{{task:t1}}", "image": "https://x.test/a.png"},
    {"taskType": "videoInference", "taskUUID": "{{task:t2}}", "model": "runway:2@1", "seed": 1},
]


def test_the_nearest_request_is_named_with_only_real_differences() -> None:
    live = {"taskType": "videoInference", "taskUUID": "9d1c", "model": "runway:2@1", "seed": 2}
    index, diff = closest(RECORDED, live)
    assert index == 1
    changed = [line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in "---+++"]
    assert changed == ['-  "seed": 1,', '+  "seed": 2,']


def test_url_queries_are_scrubbed_in_the_diff() -> None:
    live = {"taskType": "imageUpload", "taskUUID": "1", "image": "https://x.test/b.png?sig=SECRET"}
    _, diff = closest(RECORDED, live)
    assert "SECRET" not in diff
    assert '+  "image": "https://x.test/b.png?sig=[scrubbed]",' in diff


def test_no_candidates() -> None:
    assert closest([], {"taskType": "ping"}) is None
