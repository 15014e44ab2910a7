"""A cassette's interactions sorted for replay."""

from __future__ import annotations

from pathlib import Path

from runware_testkit.fake_server.replay.load import load_plan

HERE = Path(__file__).parent / "cassettes"


def test_requests_polls_media_and_webhooks_are_filed_apart() -> None:
    plan = load_plan(HERE / "video_rest.jsonl")
    assert [(s.task, s.task_type, s.line) for s in plan.requests] == [("t1", "videoInference", 2)]
    assert [(s.at, s.line) for s in plan.polls["t1"]] == [(4.0, 3), (8.0, 4), (12.5, 5)]
    assert plan.media["{{url:u1}}"].content_type == "video/mp4"
    assert plan.url_keys["{{url:u1}}"] == "videoURL"
    assert plan.url_media["{{url:u1}}"] == "{{media:m1}}"
    assert plan.media_dir is None
    webhooks = load_plan(HERE / "video_webhook.jsonl").webhooks
    assert [(s.at, s.attempt) for s in webhooks["t1"]] == [(41.2, 1)]


def test_pushed_frames_and_authentication() -> None:
    plan = load_plan(HERE / "video_ws_push.jsonl")
    assert [s.task_type for s in plan.requests] == ["authentication", "imageInference"]
    assert [s.at for s in plan.pushes["t1"]] == [6.5]
