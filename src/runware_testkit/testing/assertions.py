"""Assertions over what a fake Runware server saw, with failure messages meant to be read.

Each function takes a fake (`FakeControl`: the ``runware_server`` / ``runware_mock`` fixture
object) and raises AssertionError explaining what it found instead: the closest submitted task
field by field, every webhook attempt with its outcome, every contract error per task.
"""

from __future__ import annotations

import json
import urllib.parse
from collections import Counter
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .control_base import ControlBase as FakeControl

__all__ = [
    "assert_all_tasks_valid",
    "assert_no_unfinished_tasks",
    "assert_task_submitted",
    "assert_webhook_delivered",
]

CONTROL_TASK_TYPES = frozenset({"authentication", "ping", "getResponse"})
"""Task types that are protocol plumbing rather than work; skipped unless asked for."""
_MAX_SHOWN = 20
_MAX_VALUE = 160


class _Missing:
    def __repr__(self) -> str:
        return "(missing)"


MISSING: Any = _Missing()


# -- assert_task_submitted -------------------------------------------------------------------


def assert_task_submitted(
    fake: FakeControl, model: str | None = None, *, count: int | None = None, **fields: Any
) -> dict[str, Any] | None:
    """Assert the fake received a task whose fields include `model` and `fields`.

    Matching is by subset: a dict value matches any dict holding at least its keys; a key may
    be a dotted path (``**{"inputs.video": url}``); a callable value is a predicate; anything
    else compares with ``==`` (so ``unittest.mock.ANY`` works). `authentication`, `ping` and
    `getResponse` tasks are skipped unless ``taskType`` is given. With `count`, exactly that
    many tasks must match. Returns the last matching task (None when `count` is 0).

    On failure the message shows the closest task sent, field by field, the contract errors
    of that task if it has any, and the task itself.
    """
    __tracebackhide__ = True
    expected = _expand({**({"model": model} if model is not None else {}), **fields})
    sent = fake.requests()
    candidates = (
        sent if "taskType" in expected else [t for t in sent if not _is_control(t.get("taskType"))]
    )
    matches = [task for task in candidates if not _differences(expected, task)]
    wanted = _describe_expected(expected)
    if count is None and matches:
        return matches[-1]
    if count is not None and len(matches) == count:
        return matches[-1] if matches else None
    if matches:  # count given and wrong
        uuids = ", ".join(str(t.get("taskUUID")) for t in matches[:_MAX_SHOWN])
        raise AssertionError(
            f"expected {count} task(s) matching {wanted}, the fake received {len(matches)}: {uuids}"
        )
    lines = [f"no task sent to the fake matches {wanted}" + _count_note(count)]
    if not sent:
        lines.append(
            f"The fake received no tasks at all (is the client pointed at {fake.base_url}?)."
        )
        raise AssertionError("\n".join(lines))
    if not candidates:
        kinds = _kinds(sent)
        lines.append(f"The fake received only protocol tasks ({kinds}), no work task.")
        raise AssertionError("\n".join(lines))
    ranked = [(len(_differences(expected, task)), -i, i, task) for i, task in enumerate(candidates)]
    _, _, index, closest = min(ranked, key=lambda row: (row[0], row[1]))
    diffs = _differences(expected, closest)
    lines.append(
        f"The fake received {len(candidates)} task(s) ({_kinds(candidates)}); the closest is "
        f"#{index + 1}, {_task_label(closest)}, where {len(diffs)} of "
        f"{len(_leaves(expected))} expected field(s) differ:"
    )
    for path, want, got in diffs:
        lines.append(f"  {path}")
        lines.append(f"    expected: {_show(want)}")
        lines.append(f"    sent:     {_show(got)}")
    errors = _contract_errors(closest)
    if errors:
        lines.append("The contract rejects that task:")
        lines.extend(f"  {_error_line(e)}" for e in errors)
    lines.append("Task as sent:")
    lines.extend("  " + line for line in _json(closest).splitlines())
    raise AssertionError("\n".join(lines))


def _expand(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Dotted keys (``inputs.video``) become nested dicts."""
    out: dict[str, Any] = {}
    for key, value in fields.items():
        node = out
        parts = key.split(".")
        for part in parts[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        node[parts[-1]] = value
    return out


def _differences(expected: Mapping[str, Any], actual: Any, prefix: str = "") -> list[tuple]:
    """(path, expected, actual) for every expected leaf the actual value does not satisfy."""
    found: list[tuple] = []
    for key, want in expected.items():
        path = f"{prefix}{key}"
        got = actual.get(key, MISSING) if isinstance(actual, Mapping) else MISSING
        if isinstance(want, Mapping) and isinstance(got, Mapping):
            found.extend(_differences(want, got, path + "."))
        elif not _satisfies(want, got):
            found.append((path, want, got))
    return found


def _satisfies(want: Any, got: Any) -> bool:
    if _is_predicate(want):
        if got is MISSING:
            return False
        try:
            return bool(want(got))
        except Exception:
            return False
    if got is MISSING:
        return False
    return bool(want == got)


def _is_predicate(value: Any) -> bool:
    return callable(value) and not isinstance(value, type)


def _leaves(expected: Mapping[str, Any]) -> list[str]:
    out: list[str] = []
    for key, value in expected.items():
        if isinstance(value, Mapping) and value:
            out.extend(f"{key}.{leaf}" for leaf in _leaves(value))
        else:
            out.append(key)
    return out


def _describe_expected(expected: Mapping[str, Any]) -> str:
    parts = []
    for key in _leaves(expected):
        value: Any = expected
        for part in key.split("."):
            value = value[part]
        parts.append(f"{key}={_show(value)}")
    return ", ".join(parts) if parts else "(any task)"


def _count_note(count: int | None) -> str:
    return "" if count is None else f" (expected {count})"


def _kinds(tasks: list[dict[str, Any]]) -> str:
    counter = Counter(
        " ".join(str(t.get(k)) for k in ("taskType", "model") if t.get(k) is not None)
        for t in tasks
    )
    return ", ".join(f"{kind} x{n}" for kind, n in counter.most_common())


def _task_label(task: Mapping[str, Any]) -> str:
    bits = [str(task.get("taskType", "(no taskType)"))]
    if task.get("model") is not None:
        bits.append(str(task.get("model")))
    if task.get("taskUUID") is not None:
        bits.append(f"taskUUID {task.get('taskUUID')}")
    return " ".join(bits)


def _contract_errors(task: Any) -> list[dict[str, Any]]:
    from ..validation import validate_request

    return [error.to_dict() for error in validate_request(task)]


# -- assert_webhook_delivered ----------------------------------------------------------------


def assert_webhook_delivered(
    fake: FakeControl,
    target: str = "default",
    *,
    count: int | None = None,
    status: int | str | None = None,
) -> list[dict[str, Any]]:
    """Assert the fake delivered webhooks to `target`: a sink name (see ``webhook_url``) or
    a URL (query ignored unless `target` has one). Waits for pending deliveries first.

    `count`: exactly this many deliveries (default: at least one). `status`: an int is the
    HTTP status the receiver answered; a string (``"success"``, ``"error"``) is the status of
    the task the payload reports. Returns the journal entries of the delivered attempts
    (``url``, ``status``, ``body`` the payload, ``task_uuid`` ...).
    """
    __tracebackhide__ = True
    attempts = fake.journal("webhook_attempt")
    matches, label = _target_matcher(fake, target)
    mine = [a for a in attempts if matches(str(a.get("url", "")))]
    delivered = [a for a in mine if a.get("outcome") == "delivered"]
    if isinstance(status, int) and not isinstance(status, bool):
        delivered = [a for a in delivered if a.get("status") == status]
    elif isinstance(status, str):
        delivered = [a for a in delivered if _payload_status(a.get("body")) == status]
    ok = len(delivered) == count if count is not None else bool(delivered)
    if ok:
        return delivered
    want = f"{count}" if count is not None else "at least 1"
    qualifier = ""
    if isinstance(status, str):
        qualifier = f" reporting task status {status!r}"
    elif status is not None:
        qualifier = f" answered with HTTP {status}"
    lines = [f"expected {want} webhook(s) delivered to {label}{qualifier}, found {len(delivered)}."]
    if mine:
        lines.append(f"Attempts to {label} ({len(mine)}):")
        lines.extend(f"  {_attempt_line(a)}" for a in mine[-_MAX_SHOWN:])
    else:
        lines.append(f"The fake made no attempt to reach {label}.")
    others = Counter(str(a.get("url")) for a in attempts if not matches(str(a.get("url", ""))))
    if others:
        lines.append("Other webhook targets the fake tried:")
        for url, n in others.most_common(_MAX_SHOWN):
            last = [a for a in attempts if str(a.get("url")) == url][-1]
            lines.append(f"  {url} ({n} attempt(s); last: {_outcome(last)})")
    lines.extend(_webhook_task_hints(fake))
    raise AssertionError("\n".join(lines))


def _target_matcher(fake: FakeControl, target: str) -> tuple[Callable[[str], bool], str]:
    if "://" in target:
        wanted = urllib.parse.urlsplit(target)

        def matches_url(url: str) -> bool:
            got = urllib.parse.urlsplit(url)
            same = (got.scheme, got.netloc.lower(), got.path or "/") == (
                wanted.scheme,
                wanted.netloc.lower(),
                wanted.path or "/",
            )
            return same and (not wanted.query or got.query == wanted.query)

        return matches_url, target
    sink = urllib.parse.urlsplit(fake.webhook_url(target))

    def matches_sink(url: str) -> bool:
        got = urllib.parse.urlsplit(url)
        return got.netloc.lower() == sink.netloc.lower() and got.path == sink.path

    return matches_sink, f"sink {target!r} ({sink.scheme}://{sink.netloc}{sink.path})"


def _payload_status(body: Any) -> str | None:
    try:
        item = body["data"][0]
    except (KeyError, IndexError, TypeError):
        return None
    if not isinstance(item, dict):
        return None
    if item.get("status"):
        return str(item["status"])
    return "success" if item.get("videoUUID") else None


def _attempt_line(attempt: Mapping[str, Any]) -> str:
    task = attempt.get("task_uuid") or "?"
    return f"task {task} attempt {attempt.get('attempt')}: {_outcome(attempt)}"


def _outcome(attempt: Mapping[str, Any]) -> str:
    outcome = attempt.get("outcome")
    if outcome == "delivered":
        return f"delivered (HTTP {attempt.get('status')})"
    error = attempt.get("error") or f"HTTP {attempt.get('status')}"
    text = f"{outcome}: {_clip(str(error))}"
    if attempt.get("retry_in") is not None:
        text += f", retry in {attempt['retry_in']:g} s"
    return text


def _webhook_task_hints(fake: FakeControl) -> list[str]:
    tasks = [t for t in fake.tasks() if t["request"].get("webhookURL")]
    if not tasks:
        return ["No accepted task has a webhookURL."]
    by_status = Counter(t["status"] for t in tasks)
    summary = ", ".join(f"{n} {s}" for s, n in sorted(by_status.items()))
    lines = [f"Accepted tasks with a webhookURL: {len(tasks)} ({summary})."]
    if by_status.get("processing"):
        lines.append(
            "Webhooks go out when a task finishes: poll it, complete(task_uuid) it or "
            "advance() the manual clock."
        )
    return lines


# -- assert_all_tasks_valid ------------------------------------------------------------------


def assert_all_tasks_valid(fake: FakeControl) -> None:
    """Assert every task the fake received passes the contract (REST and WebSocket alike).

    `authentication` tasks are skipped; a taskUUID repeated inside one request counts as a
    conflict, as on the server. On failure every offending task is listed with its Runware
    errors (code, parameter, message).
    """
    __tracebackhide__ = True
    from ..validation import validate_request

    checked = 0
    problems: list[str] = []
    for number, body in enumerate(_bodies(fake), start=1):
        if not isinstance(body, list):
            problems.append(f"request #{number}: the body is not a JSON array of tasks")
            continue
        seen: set[str] = set()
        for task in body:
            if isinstance(task, dict) and task.get("taskType") == "authentication":
                continue
            checked += 1
            errors = validate_request(task, seen_task_uuids=seen)
            if errors:
                label = _task_label(task) if isinstance(task, dict) else repr(task)
                problems.append(f"request #{number}, task {label}:")
                problems.extend(f"    {_error_line(e.to_dict())}" for e in errors)
    if problems:
        bad = sum(1 for line in problems if not line.startswith("    "))
        head = f"{bad} of {checked} task(s) the fake received break the contract:"
        raise AssertionError("\n".join([head, *("  " + p for p in problems)]))


def _bodies(fake: FakeControl) -> list[Any]:
    out = []
    for entry in fake.journal():
        if entry["kind"] == "request":
            out.append(entry.get("body"))
        elif entry["kind"] == "frame_in" and "data" in entry:
            out.append(entry.get("data"))
    return out


# -- assert_no_unfinished_tasks --------------------------------------------------------------


def assert_no_unfinished_tasks(fake: FakeControl) -> None:
    """Assert no accepted task is still ``processing`` (e.g. a client that gave up polling)."""
    __tracebackhide__ = True
    open_tasks = fake.tasks(status="processing")
    if not open_tasks:
        return
    now = fake.now()
    lines = [f"{len(open_tasks)} task(s) still processing:"]
    for task in open_tasks[:_MAX_SHOWN]:
        lines.append(
            f"  {task['task_uuid']} ({task.get('model') or task.get('task_type')}): progression "
            f"{task.get('progression')}, polled {task.get('polls')} time(s), submitted "
            f"{max(0.0, now - task.get('created_at', now)):.1f} s ago (fake clock)"
        )
    lines.append(
        "Poll them until they finish, or end them with complete(task_uuid) / fail(task_uuid, "
        "code) / advance(seconds)."
    )
    raise AssertionError("\n".join(lines))


# -- rendering -------------------------------------------------------------------------------


def _error_line(error: Mapping[str, Any]) -> str:
    parameter = error.get("parameter")
    where = ""
    if isinstance(parameter, list):
        where = f" ({', '.join(map(str, parameter))})"
    elif parameter:
        where = f" ({parameter})"
    return f"{error.get('code')}{where}: {error.get('message')}"


def _show(value: Any) -> str:
    if value is MISSING:
        return "(missing)"
    if _is_predicate(value):
        name = getattr(value, "__name__", None) or repr(value)
        return "a value satisfying " + ("a lambda" if name == "<lambda>" else name)
    return _clip(repr(value))


def _clip(text: str) -> str:
    return text if len(text) <= _MAX_VALUE else text[: _MAX_VALUE - 15] + f"... ({len(text)} chars)"


def _json(task: Any) -> str:
    def clip(value: Any) -> Any:
        if isinstance(value, str) and len(value) > _MAX_VALUE:
            return _clip(value)
        if isinstance(value, dict):
            return {k: clip(v) for k, v in value.items()}
        if isinstance(value, list):
            return [clip(v) for v in value]
        return value

    return json.dumps(clip(task), indent=2, ensure_ascii=False, default=repr)


def _is_control(task_type: Any) -> bool:
    """A session task type (False for a list or object, which a set cannot hold)."""
    return isinstance(task_type, str) and task_type in CONTROL_TASK_TYPES
