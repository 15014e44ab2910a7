"""`ReplayPlan`: a cassette's interactions arranged for replay (docs/cassettes.md).

An interaction is one line of a cassette after its header, as the cassette reader gives it (an
object with the fields of the format: ``id``, ``transport``, ``direction``, ``task``,
``taskType``, ``at``, ``attempt``, ``request``, ``status``, ``response``, ``volatile``) or as a
plain mapping of them. The plan sorts them into

- ``requests``: what a client sent (``rest`` and ``websocket`` lines of direction ``client``)
  other than a poll: the candidates a live task is matched against, in recorded order;
- ``polls[task]``: the ``getResponse`` answers recorded for a task, in order;
- ``pushes[task]``: WebSocket frames the server sent about a task unasked;
- ``webhooks[task]``: the deliveries to the task's ``webhookURL`` (first attempts: a retry
  repeats the same body because the receiver failed, which is the receiver's business);
- ``media[url placeholder]``: what a download of a result URL got (content type, size, sha256).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ...cassettes import PLACEHOLDER

__all__ = ["RecordedMedia", "ReplayPlan", "Step", "step_of"]

_FIELDS = (
    "id",
    "transport",
    "direction",
    "connection",
    "task",
    "taskType",
    "at",
    "attempt",
    "request",
    "status",
    "response",
    "volatile",
)


@dataclass(frozen=True)
class Step:
    """One recorded interaction, as replay and verify use it; ``line`` is its line in the
    cassette file (None when it was not read from one)."""

    id: int
    transport: str
    direction: str
    task: str | None
    task_type: str | None
    at: float
    request: Any
    status: int | None
    response: Any
    attempt: int | None = None
    connection: int | None = None
    volatile: tuple[str, ...] = ()
    line: int | None = None

    @property
    def is_poll(self) -> bool:
        """A ``getResponse`` the client sent."""
        return self.direction == "client" and self.task_type == "getResponse"


def step_of(interaction: Any, line: int | None = None) -> Step:
    """A `Step` from a reader's interaction object or a mapping with the format's fields."""
    values = {name: _get(interaction, name) for name in _FIELDS}
    if line is None:
        line = _get(interaction, "line")
    at = values["at"]
    return Step(
        id=int(values["id"] or 0),
        transport=str(values["transport"]),
        direction=str(values["direction"]),
        task=values["task"],
        task_type=values["taskType"],
        at=float(at) if isinstance(at, int | float) else 0.0,
        request=values["request"],
        status=values["status"],
        response=values["response"],
        attempt=values["attempt"],
        connection=values["connection"],
        volatile=tuple(values["volatile"] or ()),
        line=line if isinstance(line, int) else None,
    )


def _get(interaction: Any, name: str) -> Any:
    if isinstance(interaction, Mapping):
        return interaction.get(name)
    snake = "task_type" if name == "taskType" else name
    return getattr(interaction, name, getattr(interaction, snake, None))


@dataclass(frozen=True)
class RecordedMedia:
    """What a download of a result URL got."""

    content_type: str | None
    size: int | None
    sha256: str | None


@dataclass
class ReplayPlan:
    """A cassette's interactions sorted for replay (see the module docstring)."""

    source: str = "<cassette>"
    """Where the interactions came from (the cassette's path), for messages."""
    media_dir: str | None = None
    """The cassette's media folder when it keeps media by hash."""
    requests: list[Step] = field(default_factory=list)
    polls: dict[str, list[Step]] = field(default_factory=dict)
    pushes: dict[str, list[Step]] = field(default_factory=dict)
    webhooks: dict[str, list[Step]] = field(default_factory=dict)
    media: dict[str, RecordedMedia] = field(default_factory=dict)
    url_keys: dict[str, str] = field(default_factory=dict)
    """URL placeholder -> the answer key it was first seen under (``videoURL``...)."""
    url_media: dict[str, str] = field(default_factory=dict)
    """URL placeholder -> the media UUID placeholder of the same answer item (``videoUUID``),
    so the replayed URL serves the file of that UUID."""

    @classmethod
    def build(
        cls,
        interactions: Iterable[Any],
        *,
        source: str = "<cassette>",
        media_dir: str | None = None,
    ) -> ReplayPlan:
        """Sort `interactions` (reader objects, mappings or `Step`s) into a plan."""
        plan = cls(source=source, media_dir=media_dir)
        for item in interactions:
            plan.add(item if isinstance(item, Step) else step_of(item))
        return plan

    def add(self, step: Step) -> None:
        """File one interaction where it belongs."""
        if step.transport == "media":
            url = step.request.get("url") if isinstance(step.request, Mapping) else None
            hit = PLACEHOLDER.search(url) if isinstance(url, str) else None
            answer = step.response if isinstance(step.response, Mapping) else {}
            if hit is not None:
                self.media[hit.group(0)] = RecordedMedia(
                    content_type=answer.get("contentType"),
                    size=answer.get("bytes"),
                    sha256=answer.get("sha256"),
                )
            return
        _note_url_keys(step.response, self.url_keys, self.url_media)
        if step.transport == "webhook":
            _note_url_keys(step.request, self.url_keys, self.url_media)
            if step.task is not None and (step.attempt or 1) == 1:
                self.webhooks.setdefault(step.task, []).append(step)
            return
        if step.direction == "server":
            if step.task is not None:
                self.pushes.setdefault(step.task, []).append(step)
            return
        if step.is_poll and step.task is not None:
            self.polls.setdefault(step.task, []).append(step)
            return
        if step.request is not None:
            self.requests.append(step)

    @property
    def size(self) -> int:
        """How many interactions replay can answer with."""
        return len(self.requests) + sum(len(p) for p in self.polls.values())


def _note_url_keys(value: Any, keys: dict[str, str], media: dict[str, str]) -> None:
    if isinstance(value, Mapping):
        uuids = [
            v
            for k, v in value.items()
            if isinstance(v, str) and str(k).endswith("UUID") and _is_media_placeholder(v)
        ]
        for key, element in value.items():
            if isinstance(element, str):
                for hit in PLACEHOLDER.finditer(element):
                    if hit.group(1) == "url":
                        keys.setdefault(hit.group(0), str(key))
                        if len(uuids) == 1:
                            media.setdefault(hit.group(0), uuids[0])
            else:
                _note_url_keys(element, keys, media)
    elif isinstance(value, list):
        for element in value:
            _note_url_keys(element, keys, media)


def _is_media_placeholder(text: str) -> bool:
    hit = PLACEHOLDER.fullmatch(text)
    return hit is not None and hit.group(1) in ("image", "media")
