"""Schemathesis against the exported OpenAPI documents: targets (in-process ASGI or live
uvicorn) and the checks of our own that run next to Schemathesis's built-in ones.

Server configuration for fuzzing (`FUZZ_CONFIG`): progression ``immediate``, no cap on open
tasks (so rate limiting cannot turn into false failures) and an **empty allowlist**, so the
server calls nobody: generated ``webhookURL`` / ``uploadEndpoint`` / input URLs are accepted and
never fetched, whatever host they name.

State between examples: every example starts from a reset server (``POST /__testkit/reset``).
Derandomized generation repeats taskUUIDs from one example to the next, and the protocol answers
a reused taskUUID with ``conflictTaskUUID`` (PROTOCOL.md, "The error object"): correct, but it
would hide whether a schema-valid task is accepted. After the reset, the only duplicates left
are those inside one request, and the oracle expects ``conflictTaskUUID`` for exactly those.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any

import jsonschema
import requests
import schemathesis
from schemathesis.python import asgi

from runware_testkit.fake_server.app import create_app
from runware_testkit.fake_server.config import DEV_API_KEY, Limits, ServerConfig
from runware_testkit.fake_server.engine.clock import ManualClock
from runware_testkit.fake_server.state import ServerState
from runware_testkit.fake_server.uvicorn_thread import LiveServer
from runware_testkit.validation.formats import format_checker

ROOT = Path(__file__).resolve().parents[2]
SLUGS = ("runway-aleph", "runway-aleph-2-0")
MODES = ("inprocess", "live")

FUZZ_CONFIG = ServerConfig(
    progression="immediate",
    limits=Limits(max_open_tasks=None),
    allowlist=(),
    seed=20250725,
)
"""The server configuration the fuzzing runs against (see the module docstring)."""

SEMANTIC_CODES = frozenset(
    {"invalidTaskOrder", "taskNotFound", "mediaNotFound", "conflictTaskUUID"}
)
"""The only refusals a schema-valid, authenticated request may get: facts the document
cannot know (what the server holds, order and uniqueness across the array)."""

_UUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")


def document_path(slug: str) -> Path:
    """The exported OpenAPI document of model `slug`."""
    return ROOT / "schemas" / "models" / slug / "openapi.json"


def schemathesis_config(base_url: str | None = None, *, auth_params: bool = False) -> Any:
    """Schemathesis settings: the dev key for the ``bearer`` scheme, and `base_url` if given
    (the documents name ``https://api.runware.ai``, which must never be contacted).

    Without `auth_params` the ``Authorization`` header is not generated but always the dev key,
    so negative cases break the body; with it, negative cases mostly break the credentials."""
    data: dict[str, Any] = {
        "auth": {"openapi": {"bearer": {"bearer": DEV_API_KEY}}},
        "generation": {"with-security-parameters": auth_params},
    }
    if base_url is not None:
        data["base-url"] = base_url
    return schemathesis.Config.from_dict(data)


@dataclass
class Target:
    """One fake server under test, the Schemathesis schemas loaded from it (``schema``: body
    fuzzing with the dev key; ``auth_schema``: credentials generated too) and a control client
    (a requests-style session) for ``/__testkit``."""

    mode: str
    slug: str
    schema: Any
    auth_schema: Any
    control: Any
    base_url: str
    known: set[str] = field(default_factory=set)
    """taskUUIDs the server already held at the last `accepted` call (or reset)."""

    def send(self, case: Any) -> Any:
        """Send a Schemathesis case to this server (live: through the proxy-free session)."""
        return case.call() if self.mode == "inprocess" else case.call(session=self.control)

    def reset(self) -> None:
        """Forget every task, media file and journal entry."""
        response = self.control.post(f"{self.base_url}/__testkit/reset", timeout=30)
        assert response.status_code == 200, response.text
        self.known = set()

    def accepted(self) -> list[str]:
        """taskUUIDs of the tasks the server took on since the previous call (or reset)."""
        response = self.control.get(f"{self.base_url}/__testkit/tasks", timeout=30)
        assert response.status_code == 200, response.text
        held = [task["task_uuid"] for task in response.json()["tasks"]]
        new = [uuid for uuid in held if uuid not in self.known]
        self.known.update(held)
        return new


@contextmanager
def open_target(mode: str, slug: str) -> Iterator[Target]:
    """A fake server in `mode` (``inprocess`` or ``live``) with the schemas of model `slug`,
    loaded over the server's own schema service (``/docs/models/{slug}/schema.json``)."""
    state = ServerState(FUZZ_CONFIG, clock=ManualClock())
    app = create_app(state=state)
    doc_path = f"/docs/models/{slug}/schema.json"
    server: LiveServer | None = None
    if mode == "inprocess":
        base_url = f"http://{asgi.HOST}"
        control: Any = asgi.get_client(app)

        def load(auth_params: bool) -> Any:
            config = schemathesis_config(auth_params=auth_params)
            return schemathesis.openapi.from_asgi(doc_path, app, config=config)
    else:
        server = LiveServer(app).start()
        base_url = server.base_url
        control = requests.Session()
        control.trust_env = False  # loopback only: no proxy from the environment

        def load(auth_params: bool) -> Any:
            config = schemathesis_config(base_url, auth_params=auth_params)
            return schemathesis.openapi.from_url(
                base_url + doc_path, config=config, proxies={"http": "", "https": ""}
            )

    try:
        yield Target(mode, slug, load(False), load(True), control, base_url)
    finally:
        control.close()
        if server is not None:
            server.stop()
        state.engine.close()


def item_validator(document: dict[str, Any]) -> Callable[[Any], bool]:
    """A predicate: does one element of the request array conform to `document`, including
    the contract's ``x-step`` (a decimal step, which OpenAPI tools do not know: the contract
    keeps it out of ``multipleOf`` because binary floats break that keyword, see README)?"""
    schema = {
        "$ref": "#/components/schemas/RequestBody/items",
        "components": document["components"],
    }
    validator = _WITH_STEP(schema, format_checker=format_checker())
    return validator.is_valid


def _on_step(validator: Any, step: Any, instance: Any, schema: Any) -> Iterator[Any]:
    if isinstance(instance, bool) or not isinstance(instance, int | float):
        return
    with localcontext() as exact:
        exact.prec = 800  # enough digits for any float's quotient: the remainder is exact
        off_step = Decimal(repr(instance)) % Decimal(repr(step)) != 0
    if off_step:
        yield jsonschema.ValidationError(f"{instance!r} is not a multiple of {step!r}")


_WITH_STEP = jsonschema.validators.extend(jsonschema.Draft202012Validator, {"x-step": _on_step})


# -- checks -------------------------------------------------------------------------------


def runware_error_body(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every 4xx answer is a Runware error object: ``errors``, a non-empty array of objects
    each with a non-empty string ``code`` and a string ``message``."""
    if not 400 <= response.status_code < 500:
        return None
    body = _json(response)
    assert isinstance(body, dict), f"{response.status_code} body is not a JSON object"
    errors = body.get("errors")
    assert isinstance(errors, list) and errors, f"{response.status_code} without an errors array"
    for error in errors:
        assert isinstance(error, dict), f"error is not an object: {error!r}"
        assert isinstance(error.get("code"), str) and error["code"], f"no code: {error!r}"
        assert isinstance(error.get("message"), str), f"no message: {error!r}"
    return True


@dataclass
class Sent:
    """What one request carried, read back from the request actually sent."""

    items: list[Any] | None
    """The request array; None when the body is not a non-empty JSON array."""
    authenticated: bool
    """True when the request names the dev key (header or leading authentication task)."""

    @property
    def tasks(self) -> list[Any]:
        """The items after a leading authentication task."""
        items = self.items or []
        return items[1:] if items and _is_auth(items[0]) else items


def read_sent(response: Any) -> Sent:
    """Decode the body and credentials of the request behind `response`."""
    request = response.request
    raw = request.body or b""
    try:
        items = json.loads(raw, parse_constant=_refuse)
    except (ValueError, UnicodeDecodeError):
        items = None
    if not isinstance(items, list) or not items:
        items = None
    header = request.headers.get("Authorization") or ""
    scheme, _, value = header.strip().partition(" ")
    header_key = value.strip() if scheme.lower() == "bearer" and value.strip() else None
    key = header_key
    if items and _is_auth(items[0]) and (header_key is None or "apiKey" in items[0]):
        key = items[0].get("apiKey")
    return Sent(items, key == DEV_API_KEY)


def acceptance_check(
    target: Target, is_valid: Callable[[Any], bool], tally: Counter[str]
) -> Callable[..., Any]:
    """The check that the server refuses what it must and accepts what it must, judged
    from the request sent, the answer, and the tasks the server holds afterwards; `tally`
    counts what was seen (``accepted`` tasks, refused ``invalid`` tasks, ``unusable``
    requests: no valid key or no task array)."""

    def refusal_and_acceptance(ctx: Any, response: Any, case: Any) -> bool | None:
        sent = read_sent(response)
        body = _json(response)
        data = body.get("data", []) if isinstance(body, dict) else []
        errors = body.get("errors", []) if isinstance(body, dict) else []
        acks = [
            item["taskUUID"]
            for item in data
            if isinstance(item, dict)
            and item.get("taskType") == "videoInference"
            and "status" not in item
        ]
        accepted = target.accepted()
        assert sorted(accepted) == sorted(acks), (
            f"acknowledged {acks} but the server holds {accepted}"
        )
        tally["accepted"] += len(accepted)
        if sent.items is None or not sent.authenticated:
            tally["unusable"] += 1
            assert response.status_code in (400, 401), (
                f"a request without a valid key or array got {response.status_code}"
            )
            assert not accepted, f"an unusable request had tasks accepted: {accepted}"
            if sent.items is not None:
                assert response.status_code == 401
                assert {e.get("taskType") for e in errors} == {"authentication"}, errors
            return True
        tasks = sent.tasks
        invalid = [t for t in tasks if not is_valid(t)]
        valid_uuids = {
            t["taskUUID"] for t in tasks if is_valid(t) and t.get("taskType") == "videoInference"
        }
        stray = set(accepted) - valid_uuids
        assert not stray, f"tasks accepted although not schema-valid: {stray}"
        tally["invalid"] += len(invalid)
        assert len(errors) >= len(invalid), (
            f"{len(invalid)} invalid task(s) but {len(errors)} error(s)"
        )
        if tasks and len(invalid) == len(tasks):
            assert 400 <= response.status_code < 500, (
                f"every task is invalid yet the answer is {response.status_code}"
            )
        if not invalid:
            _check_positive(tasks, acks, errors, response.status_code)
        return True

    return refusal_and_acceptance


def _check_positive(tasks: list[Any], acks: list[str], errors: list[Any], status: int) -> None:
    """A schema-valid, authenticated request: every fresh task accepted, and every refusal
    one of `SEMANTIC_CODES`, justified by the request itself."""
    claims = [t["taskUUID"] for t in tasks if t.get("taskType") == "videoInference"]
    fresh = [
        t["taskUUID"]
        for t in tasks
        if t.get("taskType") == "videoInference"
        and claims.count(t["taskUUID"]) == 1
        and not _UUID.match(str(t.get("inputs", {}).get("video", "")))
    ]
    missing = set(fresh) - set(acks)
    assert not missing, f"schema-valid tasks refused: {missing}; errors {errors}"
    if fresh:
        assert status == 200, f"tasks were accepted but the answer is {status}"
    polled = {t["taskUUID"] for t in tasks if t.get("taskType") == "getResponse"}
    for error in errors:
        code, uuid = error.get("code"), error.get("taskUUID")
        assert code in SEMANTIC_CODES, f"schema-valid request refused with {error}"
        if code == "invalidTaskOrder":
            assert any(_is_auth(t) for t in tasks), error
        elif code == "taskNotFound":
            assert uuid in polled and uuid not in acks, error
        elif code == "conflictTaskUUID":
            assert claims.count(uuid) > 1, error
        else:  # mediaNotFound: the parameter names a UUID input of a task with that taskUUID
            path = str(error.get("parameter", ""))
            values = [_lookup(t, path) for t in tasks if t.get("taskUUID") == uuid]
            assert any(isinstance(v, str) and _UUID.match(v) for v in values), error


def _lookup(task: Any, path: str) -> Any:
    node = task
    for part in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def _is_auth(item: Any) -> bool:
    return isinstance(item, dict) and item.get("taskType") == "authentication"


def _json(response: Any) -> Any:
    try:
        return json.loads(response.content)
    except ValueError:
        return None


def _refuse(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")
