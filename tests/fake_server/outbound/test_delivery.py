import json

import httpx
import pytest

from runware_testkit.fake_server.config import ServerConfig
from runware_testkit.fake_server.engine.clock import ManualClock
from runware_testkit.fake_server.journal import Journal
from runware_testkit.fake_server.outbound.delivery import (
    Allowlist,
    Delivery,
    DeliveryOutcome,
    TargetRefused,
    tls_context,
)
from runware_testkit.fake_server.state import ServerState

HOOK = "http://127.0.0.1:9000/hook?token=abc"
PAYLOAD = {"data": [{"taskType": "videoInference", "taskUUID": "t-1", "videoUUID": "v-1"}]}


class Recorder:
    """An httpx.MockTransport handler answering from a script, keeping every request."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return httpx.Response(answer, text="nope" if answer >= 300 else "ok")


class Sleeps:
    def __init__(self):
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def journal():
    return Journal(ManualClock())


@pytest.fixture
def sleeps():
    return Sleeps()


def make(journal, sleeps, *answers, **kwargs):
    recorder = Recorder(*answers)
    delivery = Delivery(journal, transport=httpx.MockTransport(recorder), sleep=sleeps, **kwargs)
    return delivery, recorder


# -- webhooks ----------------------------------------------------------------------------------


async def test_webhook_delivered_first_time(journal, sleeps):
    delivery, recorder = make(journal, sleeps, 200)
    outcome = await delivery.deliver_webhook(HOOK, PAYLOAD, task_uuid="t-1")
    assert outcome.delivered
    assert outcome.attempts == 1
    assert outcome.status == 200
    assert outcome.error is None
    [request] = recorder.requests
    assert request.method == "POST"
    assert str(request.url) == HOOK
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.content) == PAYLOAD
    [entry] = journal.entries("webhook_attempt")
    assert entry["url"] == HOOK
    assert entry["attempt"] == 1
    assert entry["status"] == 200
    assert entry["error"] is None
    assert entry["outcome"] == "delivered"
    assert entry["sent"] is True
    assert entry["task_uuid"] == "t-1"
    assert entry["body"] == PAYLOAD
    assert entry["duration"] >= 0
    assert sleeps.calls == []


async def test_retry_after_500_then_200(journal, sleeps):
    delivery, recorder = make(journal, sleeps, 500, 204)
    outcome = await delivery.deliver_webhook(HOOK, PAYLOAD)
    assert outcome.delivered
    assert outcome.attempts == 2
    assert len(recorder.requests) == 2
    entries = journal.entries("webhook_attempt")
    assert [(e["attempt"], e["status"], e["outcome"]) for e in entries] == [
        (1, 500, "retry"),
        (2, 204, "delivered"),
    ]
    assert entries[0]["error"] == "HTTP 500"
    assert entries[0]["response_body"] == "nope"
    assert entries[0]["retry_in"] == 0.5
    assert sleeps.calls == [0.5]


async def test_timeout_counts_as_failure(journal, sleeps):
    timeout = httpx.ReadTimeout("slow receiver")
    delivery, _ = make(journal, sleeps, timeout, 200, timeout=2.0)
    outcome = await delivery.deliver_webhook(HOOK, PAYLOAD)
    assert outcome.delivered
    assert outcome.attempts == 2
    first = journal.entries("webhook_attempt")[0]
    assert first["status"] is None
    assert first["error"] == "timeout after 2 s (ReadTimeout)"
    assert first["outcome"] == "retry"


async def test_connection_error_counts_as_failure(journal, sleeps):
    delivery, _ = make(journal, sleeps, httpx.ConnectError("refused"), 200)
    outcome = await delivery.deliver_webhook(HOOK, PAYLOAD)
    assert outcome.delivered
    assert journal.entries("webhook_attempt")[0]["error"] == "ConnectError: refused"


async def test_every_attempt_failing(journal, sleeps):
    delivery, recorder = make(journal, sleeps, 503)
    outcome = await delivery.deliver_webhook(HOOK, PAYLOAD)
    assert outcome == DeliveryOutcome(
        kind="webhook",
        url=HOOK,
        delivered=False,
        attempts=5,
        status=503,
        error="HTTP 503",
        refused=False,
        duration=outcome.duration,
    )
    assert len(recorder.requests) == 5
    entries = journal.entries("webhook_attempt")
    assert [e["attempt"] for e in entries] == [1, 2, 3, 4, 5]
    assert [e["outcome"] for e in entries] == ["retry"] * 4 + ["failed"]
    assert [e["retry_in"] for e in entries] == [0.5, 1.0, 2.0, 4.0, None]
    assert sleeps.calls == [0.5, 1.0, 2.0, 4.0]
    assert delivery.delays() == sleeps.calls


async def test_backoff_is_capped(journal, sleeps):
    delivery, _ = make(journal, sleeps, 500, max_attempts=8, backoff=(1.0, 3.0, 30.0))
    await delivery.deliver_webhook(HOOK, PAYLOAD)
    assert sleeps.calls == [1.0, 3.0, 9.0, 27.0, 30.0, 30.0, 30.0]


async def test_redirect_is_not_followed(journal, sleeps):
    delivery, recorder = make(journal, sleeps, 302, max_attempts=2)
    outcome = await delivery.deliver_webhook(HOOK, PAYLOAD)
    assert not outcome.delivered
    assert outcome.status == 302
    assert len(recorder.requests) == 2


async def test_injected_failures_send_nothing_first(journal, sleeps):
    delivery, recorder = make(journal, sleeps, 200)
    outcome = await delivery.deliver_webhook(HOOK, PAYLOAD, failures_to_inject=2)
    assert outcome.delivered
    assert outcome.attempts == 3
    assert len(recorder.requests) == 1
    entries = journal.entries("webhook_attempt")
    assert [(e["sent"], e["outcome"]) for e in entries] == [
        (False, "retry"),
        (False, "retry"),
        (True, "delivered"),
    ]
    assert entries[0]["error"].startswith("injected failure")
    assert sleeps.calls == [0.5, 1.0]


async def test_injected_failures_beyond_attempts(journal, sleeps):
    delivery, recorder = make(journal, sleeps, 200, max_attempts=3)
    outcome = await delivery.deliver_webhook(HOOK, PAYLOAD, failures_to_inject=10)
    assert not outcome.delivered
    assert outcome.attempts == 3
    assert recorder.requests == []
    assert journal.entries("webhook_attempt")[-1]["outcome"] == "failed"


# -- uploads -----------------------------------------------------------------------------------


async def test_upload_puts_raw_bytes(journal, sleeps):
    delivery, recorder = make(journal, sleeps, 500, 200)
    data = b"\x00\x00\x00\x18ftypmp42" * 10
    outcome = await delivery.deliver_upload(
        "http://localhost:9000/presigned/abc?sig=1", data, "video/mp4"
    )
    assert outcome.delivered
    assert outcome.kind == "upload"
    assert [r.method for r in recorder.requests] == ["PUT", "PUT"]
    assert recorder.requests[-1].content == data
    assert recorder.requests[-1].headers["content-type"] == "video/mp4"
    entries = journal.entries("upload_attempt")
    assert [e["outcome"] for e in entries] == ["retry", "delivered"]
    assert entries[0]["size"] == len(data)
    assert len(entries[0]["sha256"]) == 64
    assert entries[0]["content_type"] == "video/mp4"
    assert journal.entries("webhook_attempt") == []


# -- targets -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://127.9.9.9/hook",
        "https://localhost/hook",
        "http://LOCALHOST:1/x",
        "http://[::1]:8000/hook",
        "http://[::ffff:127.0.0.1]/hook",
    ],
)
def test_default_allowlist_accepts_loopback(journal, url):
    Delivery(journal).check_target(url)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://example.com/hook", "not in the allowlist"),
        ("http://10.0.0.1/hook", "not in the allowlist"),
        ("http://127.1/hook", "not in the allowlist"),
        ("http://localhost.example.com/hook", "not in the allowlist"),
        ("http://[::2]/hook", "not in the allowlist"),
        ("ftp://127.0.0.1/hook", "not scheme ftp"),
        ("file:///etc/passwd", "not scheme file"),
        ("127.0.0.1/hook", "not scheme"),
        ("", "non-empty string"),
        ("http:///nohost", "no host"),
    ],
)
def test_refused_targets(journal, url, reason):
    with pytest.raises(TargetRefused, match=reason):
        Delivery(journal).check_target(url)


async def test_refused_target_sends_nothing(journal, sleeps):
    delivery, recorder = make(journal, sleeps, 200)
    outcome = await delivery.deliver_webhook("https://api.example.com/hook", PAYLOAD)
    assert outcome.refused
    assert not outcome.delivered
    assert outcome.attempts == 0
    assert "not in the allowlist" in outcome.error
    assert recorder.requests == []
    assert sleeps.calls == []
    [entry] = journal.entries("webhook_attempt")
    assert entry["outcome"] == "refused"
    assert entry["sent"] is False


async def test_non_http_upload_sends_nothing(journal, sleeps):
    delivery, recorder = make(journal, sleeps, 200)
    outcome = await delivery.deliver_upload("ftp://127.0.0.1/up", b"x", "video/mp4")
    assert outcome.refused
    assert recorder.requests == []


def test_allowlist_entries():
    allow = Allowlist(["10.0.0.0/8", "sink.test", "*.hooks.test", "[fd00::1]"])
    assert allow.allows("10.20.30.40")
    assert allow.allows("SINK.test.")
    assert allow.allows("a.b.hooks.test")
    assert not allow.allows("hooks.test")
    assert allow.allows("[fd00::1]")
    assert not allow.allows("127.0.0.1")
    assert not allow.allows("localhost")
    assert not allow.allows("")
    assert Allowlist(["localhost"]).allows("localhost")
    assert Allowlist(["127.0.0.1"]).allows("localhost")
    assert Allowlist(["::1"]).allows("localhost")
    assert not Allowlist([]).allows("127.0.0.1")


@pytest.mark.parametrize("entry", ["", "not a host!", "http://x", 5])
def test_bad_allowlist_entries(entry):
    with pytest.raises(ValueError, match="allowlist"):
        Allowlist([entry])


def test_bad_settings(journal):
    with pytest.raises(ValueError, match="max_attempts"):
        Delivery(journal, max_attempts=0)
    with pytest.raises(ValueError, match="backoff"):
        Delivery(journal, backoff=(1.0, 0.5, 30.0))
    with pytest.raises(ValueError, match="timeout"):
        Delivery(journal, timeout=0)


async def test_client_factory_is_used(journal, sleeps):
    recorder = Recorder(200)
    made = []

    def factory():
        client = httpx.AsyncClient(transport=httpx.MockTransport(recorder))
        made.append(client)
        return client

    delivery = Delivery(journal, client_factory=factory, sleep=sleeps)
    await delivery.deliver_webhook(HOOK, PAYLOAD)
    assert len(made) == 1
    assert made[0].is_closed
    assert len(recorder.requests) == 1


async def test_allowlist_from_server_config_shape(journal, sleeps):
    delivery, _ = make(journal, sleeps, 200, allowlist=("127.0.0.1", "localhost", "::1"))
    assert (await delivery.deliver_webhook("http://localhost:1/x", PAYLOAD)).delivered
    assert (await delivery.deliver_webhook("http://127.0.0.2:1/x", PAYLOAD)).refused


async def test_outgoing_clients_share_one_tls_context(journal):
    """Every delivery and input-download client verifies with the same TLS context, so none
    loads the CA bundle again."""
    delivery = Delivery(journal)
    state = ServerState(ServerConfig())
    for client in (delivery._default_client(), delivery._default_client(), state.http_client()):
        async with client:
            pool = client._transport._pool
            assert pool._ssl_context is tls_context()
    assert tls_context() is tls_context()
