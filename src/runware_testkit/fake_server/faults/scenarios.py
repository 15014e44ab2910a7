"""Fault injection: scenarios queued through the control API, and magic tokens in prompts.

A `Scenario` says *which* task it applies to (``model``, ``task_uuid``, ``task_type``,
``prompt_contains``; None matches anything) and *what* happens to it. ``phase`` says when:

- ``"submit"``: while the task is being submitted. ``error_code`` makes the server answer the
  submission with that Runware error; ``http_status`` sets the HTTP status of the whole answer
  (with ``error_code`` absent the error is the catalog code for that status, see
  `code_for_status`); ``latency_ms`` delays the answer; ``malformed_body`` makes its body
  invalid JSON; ``drop_connection`` closes the connection without an answer.
- ``"processing"``: the task is accepted and fails later with ``error_code`` where it would
  have succeeded (see `Scenario.scheduled_failure`); the transport effects apply to the
  answers that report the task while it runs (``getResponse``).

- ``"connect"``: the next connection's authentication (the WebSocket ``authentication``
  message, or a REST request, each of which authenticates). No match fields. ``latency_ms``
  makes the answer late, ``error_code`` refuses it, ``drop_connection`` / ``truncate_frame``
  break the connection before / in the middle of the answer, ``half_open`` sends no answer
  and keeps the socket open.

In the submit and processing phases ``nsfw`` flags every result ``NSFWContent: true`` and
``webhook_failures`` makes the first N webhook deliveries of the task fail.

Network faults (see the transports for the exact wire behaviour):

- ``half_open`` (WebSocket): after the answer that carries it (the acknowledgement in the
  submit phase, the first ``processing`` poll answer in the processing phase), the socket stays
  open but the server goes silent: no pong, no frame. What the client sends is journaled
  (``frame_in`` with ``half_open: true``) and otherwise ignored. REST has no such state; the
  flag does nothing there.
- ``truncate_frame``: the answer is cut in the middle and the connection dropped: over REST the
  headers and half the body, over WebSocket a frame header and half its payload (when the
  server runs on a socket; in-process the socket is closed with 1011 instead).
- ``partial_results``: the first poll after the task finished answers one of its
  ``numberResults`` success items; every later poll answers all of them.
- ``replay_results`` (WebSocket): right after the first frame holding the task's results went
  out (all of them, or with ``partial_results`` the first one), the connection drops (no
  closing handshake) and the task counts as undelivered, so a client that resumes with its
  ``connectionSessionUUID`` gets those results a second time. REST has no sessions; the flag
  does nothing there.
- ``auth_latency_ms``: queues a connect-phase scenario with that latency when the task is
  submitted, so the next authentication (typically the client's reconnect) is answered late.
- ``queue_capacity`` (with ``queue_drain_per_s``, ``queue_full_status``, ``queue_max_wait_s``):
  the matching tasks share a simulated model queue on the fake clock (see `capacity`): over
  capacity they are refused with 429 or 503 and ``Retry-After``; a sync task that would wait
  past ``queue_max_wait_s`` with 504.
  A queue scenario stays until the scenarios are cleared (``times`` does not apply); prompt
  tokens with the same queue settings share one queue. ``times`` is how many tasks the scenario
applies to before it is used up (1 by default; None: every matching task, until cleared).

`ScenarioQueue.take` hands out the first pending scenario that matches a task in a phase.

Magic tokens (`magic_tokens`) put a scenario inside the prompt itself, like a payment provider's
test card numbers, e.g. ``"a kite [[testkit:error=insufficientCredits]]"``. Tokens, which may be
combined with commas or repeated ``[[testkit:...]]`` blocks:

==============================  ==========================================================
``error=CODE``                  answer the submission with Runware error CODE
``error=CODE@processing``       accept, then fail while processing (moves the whole
                                scenario to the processing phase; ``@submit`` is the default)
``http=NNN``                    HTTP status NNN (400-599) for the whole answer
``latency=MS``                  delay the answer by MS milliseconds
``nsfw``                        flag the results ``NSFWContent: true``
``webhook-fail=N``              the first N webhook deliveries fail
``malformed``                   answer with a body that is not valid JSON
``drop``                        close the connection without answering
``half-open``                   keep the WebSocket open but stop every frame and pong
``cut``                         break the connection in the middle of the answer
``partial``                     first finished poll: one result; later polls: all
``replay``                      drop the WebSocket after the results; replay on resume
``auth-latency=MS``             answer the next authentication MS milliseconds late
``queue=N``                     share a simulated queue of N tasks with the same tokens
``drain=R``                     the queue drains R tasks per second (default 1; decimals)
``queue-full=NNN``              a full queue answers 429 (default) or 503
``max-wait=S``                  a sync task that would wait over S seconds gets 504
==============================  ==========================================================

`ERROR_CATALOG` gives each Runware error code its HTTP status and a default message; codes not
in it get a status from their shape (`error_status`).

An injected code must be one the kit knows (`check_error_code`): a catalog code, or a parameter
code of the validator's shape (``invalid<Param>``, ``missing<Param>``, ``unsupported<Param>``,
``conflict<Param>``, ``duplicate<Param>``, ``unknown<Param>``, e.g. ``invalidWidth``). Anything
else is refused with the closest catalog code ("did you mean"), so a typo of
``insufficientCredits`` never turns into a silent 400; a code the kit does not list is accepted
when the scenario also gives its ``http_status`` (token ``http=NNN``), since only then is the
answer's status known.
"""

from __future__ import annotations

import copy
import dataclasses
import difflib
import math
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args

from ..engine.records import ScheduledFailure
from .capacity import CapacityQueue, QueueRefusal

__all__ = [
    "ERROR_CATALOG",
    "MAX_LATENCY_MS",
    "MagicTokenError",
    "Phase",
    "QueueRefusal",
    "Scenario",
    "ScenarioQueue",
    "UnknownErrorCode",
    "check_error_code",
    "code_for_status",
    "describe_error",
    "error_status",
    "is_known_code",
    "magic_tokens",
    "strip_magic_tokens",
]

Phase = Literal["submit", "processing", "connect"]
PHASES: tuple[str, ...] = get_args(Phase)
_TASK_PHASES = ("submit", "processing")
MAX_LATENCY_MS = 600_000
"""The longest injectable latency (10 minutes), so a typo cannot hang a test run for hours."""

ERROR_CATALOG: dict[str, tuple[int, str]] = {
    # validation
    "invalidPositivePrompt": (400, "The positivePrompt is invalid."),
    "missingPositivePrompt": (400, "The positivePrompt parameter is required."),
    "unsupportedParameter": (400, "A parameter is not supported by this model."),
    "unknownParameter": (400, "The request holds an unknown parameter."),
    "incompatibleParameters": (400, "Some parameters cannot be used together."),
    "conflictTaskUUID": (400, "A task with this taskUUID already exists."),
    "validationFailed": (400, "The request failed validation."),
    # authentication and permission
    "invalidApiKey": (401, "Invalid API key."),
    "missingApiKey": (401, "An API key is required."),
    "unauthorized": (401, "The request is not authorized."),
    "forbidden": (403, "The API key lacks permission for this operation."),
    "accountSuspended": (403, "The account is suspended."),
    # quota and payment
    "insufficientCredits": (402, "Insufficient credits to run this task."),
    "paymentRequired": (402, "Payment is required to run this task."),
    "quotaExceeded": (429, "The account quota is exceeded."),
    # rate limits
    "rateLimitExceeded": (429, "Too many requests: the queue capacity is exceeded."),
    "inferenceRateLimitExceeded": (429, "Too many inference requests; try again later."),
    "providerRateLimitExceeded": (429, "The provider's rate limit is exceeded; try again later."),
    # content safety
    "contentPolicyViolation": (400, "The request violates the content policy."),
    "providerContentPolicyViolation": (400, "The provider refused the content under its policy."),
    "nsfwContentDetected": (400, "NSFW content was detected."),
    "promptBlocked": (400, "The prompt was blocked by moderation."),
    "moderationFailed": (400, "The content did not pass moderation."),
    "invalidProviderContent": (400, "The provider rejected the content."),
    # timeouts
    "timeoutProvider": (504, "The provider did not answer in time."),
    "timeout": (504, "The task timed out."),
    "requestTimeout": (504, "The request timed out."),
    "providerTimeout": (504, "The provider did not answer in time."),
    # not found
    "taskNotFound": (404, "No task was found with this taskUUID."),
    "taskExpired": (404, "The task has expired."),
    "modelNotFound": (404, "The model was not found."),
    "mediaNotFound": (404, "The media was not found."),
    "mediaExpired": (404, "The media has expired."),
    "unknownModel": (400, "The model is unknown."),
    # provider and processing
    "inferenceError": (500, "The inference failed."),
    "processingFailed": (500, "Processing the task failed."),
    "downloadFailed": (400, "An input could not be downloaded."),
    "uploadFailed": (500, "The result could not be uploaded."),
    "noAvailableServer": (503, "No server is available to run the task; try again later."),
    "modelUnavailable": (503, "The model is temporarily unavailable."),
    # server
    "internalServerError": (500, "Internal server error."),
    "serviceUnavailable": (503, "The service is temporarily unavailable; try again later."),
    "unknownError": (500, "An unknown error occurred."),
}
"""Runware error codes -> (HTTP status, default message)."""

_STATUS_CODES: dict[int, str] = {
    400: "validationFailed",
    401: "unauthorized",
    402: "insufficientCredits",
    403: "forbidden",
    404: "taskNotFound",
    408: "requestTimeout",
    429: "rateLimitExceeded",
    500: "internalServerError",
    502: "serviceUnavailable",
    503: "serviceUnavailable",
    504: "timeout",
}

_CODE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,99}$")
_VALIDATION_PREFIXES = ("invalid", "missing", "conflict", "duplicate", "unsupported", "unknown")
# A parameter code: one of the validation prefixes, then the parameter's name, capitalised.
_PARAMETER_CODE_RE = re.compile(rf"^(?:{'|'.join(_VALIDATION_PREFIXES)})[A-Z][A-Za-z0-9]*$")


class UnknownErrorCode(ValueError):
    """An injected error code the kit does not know, with the closest known one if any."""

    def __init__(self, code: str, suggestion: str | None) -> None:
        if suggestion:
            known = f" (did you mean {suggestion!r}?)"
        else:
            known = f"; known codes: {', '.join(sorted(ERROR_CATALOG, key=str.lower))}"
        super().__init__(
            f"unknown Runware error code {code!r}{known}. Parameter codes such as "
            "'invalidWidth' are accepted too; for a code the kit does not list, give its HTTP "
            "status as well (http_status=..., or the token http=NNN)"
        )
        self.code = code
        self.suggestion = suggestion


def is_known_code(code: str) -> bool:
    """True for a catalog code or a parameter code (``invalid<Param>``, ``missing<Param>``...)."""
    return code in ERROR_CATALOG or bool(_PARAMETER_CODE_RE.match(code))


def check_error_code(code: str, *, http_status: int | None = None) -> str:
    """Return `code` if the kit may inject it; raise `UnknownErrorCode` (a ValueError) if not.

    Known: `ERROR_CATALOG` codes and parameter codes (see the module docstring). With an
    explicit `http_status`, any well-formed code is accepted.
    """
    if not isinstance(code, str) or not _CODE_RE.match(code):
        raise ValueError(
            f"error_code must be a Runware error code such as 'insufficientCredits', got {code!r}"
        )
    if http_status is not None or is_known_code(code):
        return code
    return _refuse(code)


def _refuse(code: str) -> str:
    by_lower = {known.lower(): known for known in ERROR_CATALOG}
    if code.lower() in by_lower:
        raise UnknownErrorCode(code, by_lower[code.lower()])
    close = difflib.get_close_matches(code.lower(), list(by_lower), n=1, cutoff=0.6)
    raise UnknownErrorCode(code, by_lower[close[0]] if close else None)


def error_status(code: str) -> int:
    """HTTP status for a Runware error code: from `ERROR_CATALOG`, else from its shape.

    ``invalid*``, ``missing*``, ``conflict*``, ``duplicate*``, ``unsupported*``, ``unknown*``
    -> 400; ``*NotFound`` / ``*Expired`` -> 404; ``*RateLimitExceeded`` -> 429; ``*Timeout`` /
    ``timeout*`` -> 504; anything else -> 400.
    """
    if code in ERROR_CATALOG:
        return ERROR_CATALOG[code][0]
    lowered = code.lower()
    if lowered.endswith(("notfound", "expired")):
        return 404
    if lowered.endswith("ratelimitexceeded"):
        return 429
    if lowered.endswith("timeout") or lowered.startswith("timeout"):
        return 504
    return 400


def describe_error(code: str, message: str | None = None) -> tuple[int, str]:
    """(HTTP status, message) for an injected error: `message`, else the catalog's, else generic."""
    if message is None:
        message = ERROR_CATALOG[code][1] if code in ERROR_CATALOG else f"Injected error: {code}."
    return error_status(code), message


def code_for_status(status: int) -> str:
    """The Runware error code that goes with an HTTP error status (``unknownError`` if none)."""
    if status in _STATUS_CODES:
        return _STATUS_CODES[status]
    return "validationFailed" if 400 <= status < 500 else "unknownError"


# -- scenarios --------------------------------------------------------------------------------

_MATCH_FIELDS = ("model", "task_uuid", "task_type", "prompt_contains")
_FLAGS = (
    "malformed_body",
    "drop_connection",
    "nsfw",
    "half_open",
    "truncate_frame",
    "partial_results",
    "replay_results",
)
_QUEUE_FIELDS = ("queue_capacity", "queue_drain_per_s", "queue_full_status", "queue_max_wait_s")
_TASK_ONLY = (
    "nsfw",
    "webhook_failures",
    "partial_results",
    "replay_results",
    "auth_latency_ms",
    "malformed_body",
    "queue_capacity",
)


@dataclass(slots=True)
class Scenario:
    """A fault to inject into the tasks that match it (see the module docstring)."""

    model: str | None = None
    task_uuid: str | None = None
    prompt_contains: str | None = None
    phase: Phase = "submit"
    error_code: str | None = None
    error_message: str | None = None
    http_status: int | None = None
    latency_ms: int = 0
    malformed_body: bool = False
    drop_connection: bool = False
    nsfw: bool = False
    webhook_failures: int = 0
    times: int | None = 1
    task_type: str | None = None
    half_open: bool = False
    truncate_frame: bool = False
    partial_results: bool = False
    replay_results: bool = False
    auth_latency_ms: int = 0
    queue_capacity: int | None = None
    queue_drain_per_s: float = 1.0
    queue_full_status: int = 429
    queue_max_wait_s: float | None = None

    def __post_init__(self) -> None:
        for name in (*_MATCH_FIELDS, "error_message"):
            _check_optional_str(name, getattr(self, name))
        if self.phase not in PHASES:
            raise ValueError(f"phase must be one of {', '.join(PHASES)}; got {self.phase!r}")
        if self.error_message is not None and self.error_code is None:
            raise ValueError("error_message needs an error_code")
        if self.http_status is not None:
            _check_int("http_status", self.http_status, low=400, high=599)
        if self.error_code is not None:
            _check_optional_str("error_code", self.error_code)
            check_error_code(self.error_code, http_status=self.http_status)
        _check_int("latency_ms", self.latency_ms, low=0, high=MAX_LATENCY_MS)
        _check_int("auth_latency_ms", self.auth_latency_ms, low=0, high=MAX_LATENCY_MS)
        _check_int("webhook_failures", self.webhook_failures, low=0)
        if self.times is not None:
            _check_int("times", self.times, low=1)
        for name in _FLAGS:
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be true or false, got {getattr(self, name)!r}")
        CapacityQueue(1, self.queue_drain_per_s, self.queue_full_status, self.queue_max_wait_s)
        if self.queue_capacity is not None:
            self.queue()  # checks the capacity
            effects = [
                name
                for name in _DEFAULTS
                if name not in (*_MATCH_FIELDS, *_QUEUE_FIELDS, "times")
                and getattr(self, name) != _DEFAULTS[name]
            ]
            if effects:
                raise ValueError(
                    f"a queue scenario (queue_capacity) only models the queue; give "
                    f"{effects[0]} in a scenario of its own"
                )
            self.times = None
        if self.phase == "connect":
            self._check_connect()

    def _check_connect(self) -> None:
        given = [name for name in _MATCH_FIELDS if getattr(self, name) is not None]
        given += [name for name in _TASK_ONLY if getattr(self, name) != _DEFAULTS[name]]
        if given:
            raise ValueError(
                f"a connect-phase scenario applies to the next authentication, not to a task; "
                f"{given[0]} has no meaning there"
            )

    def queue(self) -> CapacityQueue | None:
        """A fresh `CapacityQueue` with this scenario's queue settings (None: no queue)."""
        if self.queue_capacity is None:
            return None
        return CapacityQueue(
            self.queue_capacity,
            self.queue_drain_per_s,
            self.queue_full_status,
            self.queue_max_wait_s,
        )

    def queue_key(self) -> tuple[Any, ...]:
        """The queue settings, naming the queue that prompt tokens with them share."""
        return (
            self.queue_capacity,
            self.queue_drain_per_s,
            self.queue_full_status,
            self.queue_max_wait_s,
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Scenario:
        """Build a scenario from a JSON object with the field names of this class.

        Raises ValueError naming the problem: not an object, an unknown key (with the closest
        known one), a value of the wrong type or out of range, an unknown phase.
        """
        if not isinstance(data, Mapping):
            raise ValueError(f"a scenario must be a JSON object, got {_type_name(data)}")
        known = [f.name for f in dataclasses.fields(cls)]
        for key in data:
            if key not in known:
                raise ValueError(_unknown_key_message(key, known))
        return cls(**dict(data))

    def to_dict(self) -> dict[str, Any]:
        """Return every field as a JSON-compatible dict (`from_dict` reads it back)."""
        return dataclasses.asdict(self)

    def matches(self, task: Mapping[str, Any], phase: str | None = None) -> bool:
        """True if the task (as sent) fits every match field set (and `phase`, when given)."""
        if phase is not None and phase != self.phase:
            return False
        if not isinstance(task, Mapping):
            task = {}
        if self.model is not None and task.get("model") != self.model:
            return False
        if self.task_uuid is not None and task.get("taskUUID") != self.task_uuid:
            return False
        if self.task_type is not None and task.get("taskType") != self.task_type:
            return False
        if self.prompt_contains is not None:
            prompt = task.get("positivePrompt")
            if not isinstance(prompt, str) or self.prompt_contains not in prompt:
                return False
        return True

    @property
    def status(self) -> int | None:
        """HTTP status of the failing answer: `http_status`, else that of `error_code`."""
        if self.http_status is not None:
            return self.http_status
        if self.error_code is not None:
            return error_status(self.error_code)
        return None

    def error(self, task_uuid: str | None = None) -> dict[str, Any] | None:
        """The Runware error object to answer with, or None if the scenario injects no error.

        With only `http_status` set, the code is `code_for_status` of it.
        """
        code = self.error_code
        if code is None and self.http_status is not None:
            code = code_for_status(self.http_status)
        if code is None:
            return None
        _, message = describe_error(code, self.error_message)
        error: dict[str, Any] = {"code": code, "message": message}
        if task_uuid is not None:
            error["taskUUID"] = task_uuid
        return error

    def scheduled_failure(self) -> ScheduledFailure | None:
        """The engine failure for a processing-phase error (None for any other scenario)."""
        if self.phase != "processing" or self.error_code is None:
            return None
        _, message = describe_error(self.error_code, self.error_message)
        return ScheduledFailure(self.error_code, message)


_DEFAULTS: dict[str, Any] = {f.name: f.default for f in dataclasses.fields(Scenario)}


class ScenarioQueue:
    """Pending scenarios in the order they were added, the simulated queues they define, and
    which one-off network faults were already played. Thread-safe."""

    def __init__(self) -> None:
        self._items: list[Scenario] = []
        self._lock = threading.Lock()
        self._queues: dict[int, CapacityQueue] = {}
        self._token_queues: dict[tuple[Any, ...], CapacityQueue] = {}
        self._played: set[tuple[str, str]] = set()

    def add(self, scenario: Scenario) -> Scenario:
        """Queue a copy of `scenario` at the end; return it."""
        if not isinstance(scenario, Scenario):
            raise TypeError(f"expected a Scenario, got {type(scenario).__name__}")
        stored = copy.copy(scenario)
        with self._lock:
            self._items.append(stored)
            queue = stored.queue()
            if queue is not None:
                self._queues[id(stored)] = queue
        return copy.copy(stored)

    def admit(
        self,
        task: Mapping[str, Any],
        now: float,
        prompt: Scenario | None = None,
        *,
        sync: bool = False,
    ) -> QueueRefusal | None:
        """Pass `task` through its simulated queues at `now` (fake clock seconds); `sync`: the
        client waits on the answer (see `CapacityQueue.admit`).

        The queue spelled by the prompt's tokens (`prompt`), else every queued queue scenario
        the task matches. None when admitted (or no queue applies), else the first refusal.
        """
        with self._lock:
            if prompt is not None and prompt.queue_capacity is not None:
                key = prompt.queue_key()
                queues = [self._token_queues.setdefault(key, prompt.queue())]  # type: ignore[arg-type]
            else:
                queues = [
                    self._queues[id(s)]
                    for s in self._items
                    if s.queue_capacity is not None and s.matches(task)
                ]
        for queue in queues:
            refusal = queue.admit(now, sync=sync)
            if refusal is not None:
                return refusal
        return None

    def take_connect(self) -> Scenario | None:
        """Use up one application of the first pending connect-phase scenario, or None."""
        if not self._items:
            return None
        return self.take({}, "connect")

    def first_time(self, fault: str, task_uuid: str) -> bool:
        """True the first time `fault` is played for `task_uuid` (until `clear`)."""
        with self._lock:
            key = (fault, task_uuid)
            if key in self._played:
                return False
            self._played.add(key)
            return True

    def take(self, task: Mapping[str, Any], phase: str) -> Scenario | None:
        """Use up one application of the first scenario matching `task` in `phase`.

        Returns a copy of it (``times`` as it was before this use), or None. A scenario whose
        ``times`` reaches 0 leaves the queue.
        """
        if phase not in PHASES:
            raise ValueError(f"phase must be one of {', '.join(PHASES)}; got {phase!r}")
        with self._lock:
            for index, scenario in enumerate(self._items):
                if scenario.queue_capacity is None and scenario.matches(task, phase):
                    taken = copy.copy(scenario)
                    if scenario.times is not None:
                        scenario.times -= 1
                        if scenario.times <= 0:
                            del self._items[index]
                    return taken
        return None

    def pending(self) -> list[Scenario]:
        """Copies of the scenarios still queued, first to be taken first."""
        with self._lock:
            return [copy.copy(scenario) for scenario in self._items]

    def remove(self, index: int) -> Scenario:
        """Drop the pending scenario at `index` (0 = first to be taken); return it.

        Raises IndexError when no scenario is pending at `index`.
        """
        with self._lock:
            if isinstance(index, bool) or not 0 <= index < len(self._items):
                raise IndexError(f"no pending scenario at index {index}")
            return self._items.pop(index)

    def clear(self) -> int:
        """Forget every pending scenario; return how many there were."""
        with self._lock:
            count = len(self._items)
            self._items.clear()
            self._queues.clear()
            self._token_queues.clear()
            self._played.clear()
            return count

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)


# -- magic tokens -----------------------------------------------------------------------------

_BLOCK_RE = re.compile(r"\[\[\s*testkit\s*:(.*?)\]\]", re.IGNORECASE | re.DOTALL)
_FLAG_TOKENS = {
    "nsfw": "nsfw",
    "malformed": "malformed_body",
    "drop": "drop_connection",
    "half-open": "half_open",
    "cut": "truncate_frame",
    "partial": "partial_results",
    "replay": "replay_results",
}
_INT_TOKENS = {
    "http": "http_status",
    "latency": "latency_ms",
    "webhook-fail": "webhook_failures",
    "auth-latency": "auth_latency_ms",
    "queue": "queue_capacity",
    "queue-full": "queue_full_status",
}
_NUMBER_TOKENS = {"drain": "queue_drain_per_s", "max-wait": "queue_max_wait_s"}
_VALUE_TOKENS = ("error", *_INT_TOKENS, *_NUMBER_TOKENS)
_ALL_TOKENS = (*_VALUE_TOKENS, *_FLAG_TOKENS)


class MagicTokenError(ValueError):
    """A ``[[testkit:...]]`` block in the prompt holds a token the kit does not know or accept."""

    code = "invalidPositivePrompt"
    parameter = "positivePrompt"

    def __init__(self, message: str, token: str) -> None:
        super().__init__(message)
        self.token = token


def magic_tokens(prompt: str) -> Scenario | None:
    """The scenario spelled by ``[[testkit:...]]`` tokens in `prompt`, or None if it has none.

    Raises `MagicTokenError` (a ValueError) naming an unknown or malformed token, or a token
    given twice.
    """
    if not isinstance(prompt, str):
        return None
    tokens = [token.strip() for block in _BLOCK_RE.findall(prompt) for token in block.split(",")]
    if not tokens:
        return None
    values: dict[str, Any] = {}
    seen: set[str] = set()
    for token in tokens:
        name, _, raw = token.partition("=")
        name = name.strip().lower()
        if not name:
            raise MagicTokenError("empty [[testkit:]] token in the prompt", token)
        if name not in _ALL_TOKENS:
            raise MagicTokenError(
                f"unknown testkit token {token!r} in the prompt (known: {', '.join(_ALL_TOKENS)})",
                token,
            )
        if name in seen:
            raise MagicTokenError(f"testkit token {name!r} is given twice in the prompt", token)
        seen.add(name)
        values.update(_parse_token(name, raw.strip(), token))
    try:
        return Scenario(**values)
    except ValueError as exc:
        raise MagicTokenError(f"testkit tokens in the prompt: {exc}", ", ".join(tokens)) from exc


def strip_magic_tokens(prompt: str) -> str:
    """The prompt without its ``[[testkit:...]]`` blocks (and the spaces around them)."""
    return re.sub(r"\s*" + _BLOCK_RE.pattern + r"\s*", " ", prompt, flags=_BLOCK_RE.flags).strip()


def _parse_token(name: str, raw: str, token: str) -> dict[str, Any]:
    if name in _FLAG_TOKENS:
        if raw:
            raise MagicTokenError(f"testkit token {name!r} takes no value, got {token!r}", token)
        return {_FLAG_TOKENS[name]: True}
    if not raw:
        raise MagicTokenError(f"testkit token {name!r} needs a value, e.g. {name}=...", token)
    if name == "error":
        code, _, phase = raw.partition("@")
        result: dict[str, Any] = {"error_code": code.strip()}
        if phase:
            phase = phase.strip()
            if phase not in _TASK_PHASES:
                raise MagicTokenError(
                    f"unknown phase {phase!r} in testkit token {token!r}"
                    f" (one of {', '.join(_TASK_PHASES)})",
                    token,
                )
            result["phase"] = phase
        return result
    if name in _NUMBER_TOKENS:
        if not re.fullmatch(r"[0-9]{1,9}(\.[0-9]{1,6})?", raw) or not math.isfinite(float(raw)):
            raise MagicTokenError(f"testkit token {token!r} needs a number such as 0.5", token)
        return {_NUMBER_TOKENS[name]: float(raw)}
    if not re.fullmatch(r"[0-9]{1,9}", raw):
        raise MagicTokenError(f"testkit token {token!r} needs a whole number", token)
    return {_INT_TOKENS[name]: int(raw)}


# -- validation helpers -----------------------------------------------------------------------


def _check_optional_str(name: str, value: object) -> None:
    if value is not None and (not isinstance(value, str) or not value):
        raise ValueError(f"{name} must be a non-empty string or null, got {value!r}")


def _check_int(name: str, value: object, *, low: int, high: int | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if value < low or (high is not None and value > high):
        bounds = f">= {low}" if high is None else f"between {low} and {high}"
        raise ValueError(f"{name} must be {bounds}, got {value}")


def _unknown_key_message(key: object, known: list[str]) -> str:
    message = f"unknown scenario key {key!r}"
    if isinstance(key, str):
        snake = re.sub(r"(?<!^)(?=[A-Z])", "_", key).lower().replace("u_u_i_d", "uuid")
        close = [snake] if snake in known else difflib.get_close_matches(key, known, n=1)
        if close:
            message += f" (did you mean {close[0]!r}?)"
    return message + f"; known keys: {', '.join(known)}"


def _type_name(value: object) -> str:
    return {dict: "object", list: "array", str: "string", type(None): "null"}.get(
        type(value), type(value).__name__
    )
