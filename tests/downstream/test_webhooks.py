"""The app's webhook receiver on its own (what the fake's payloads must satisfy)."""

from __future__ import annotations

import pytest

from .videoedit import WebhookError, WebhookStore, handle_webhook

ITEM = {
    "taskType": "videoInference",
    "taskUUID": "9f1c1c0e-5d59-4b0e-9a51-3a8c0f1d2e33",
    "videoUUID": "1b4e28ba-2fa1-4d2b-883f-0016d3cca427",
    "videoURL": "https://api.runware.ai/media/1b4e28ba-2fa1-4d2b-883f-0016d3cca427.mp4",
}


def test_result_is_stored() -> None:
    store = WebhookStore()
    handle_webhook(store, {"data": [ITEM]}, {"token": "t"}, token="t")
    assert store.results[ITEM["taskUUID"]] == [ITEM]


def test_error_is_stored() -> None:
    store = WebhookStore()
    item = {**ITEM, "status": "error", "error": {"code": "timeoutProvider", "message": "late"}}
    handle_webhook(store, {"data": [item]}, {"token": "t"}, token="t")
    assert store.errors[ITEM["taskUUID"]]["code"] == "timeoutProvider"


@pytest.mark.parametrize(
    ("body", "query", "status"),
    [
        ({"data": [ITEM]}, {}, 401),
        ({"data": [ITEM]}, {"token": "wrong"}, 401),
        (b"not json", {"token": "t"}, 400),
        ({"data": [ITEM, ITEM]}, {"token": "t"}, 400),
        ({"data": [{"taskUUID": ITEM["taskUUID"]}]}, {"token": "t"}, 400),
    ],
)
def test_bad_calls_are_refused(body: object, query: dict[str, str], status: int) -> None:
    with pytest.raises(WebhookError) as caught:
        handle_webhook(WebhookStore(), body, query, token="t")  # type: ignore[arg-type]
    assert caught.value.status == status
