"""What the fault scenarios of one submission do, merged into one set of effects."""

from __future__ import annotations

from dataclasses import dataclass

from ..engine.records import PollEffects, ScheduledFailure
from ..faults.scenarios import Scenario
from ..protocol.wire import TaskReply

__all__ = ["Effects"]


@dataclass
class Effects:
    """The merged effects of a submission's scenarios.

    ``submit_error`` is the first submit-phase scenario that answers with an error;
    ``failure`` the first processing-phase error and ``failure_status`` its HTTP status (what a
    sync task's failing reply answers with); ``nsfw`` and ``webhook_failures`` shape the
    results and their webhooks; ``latency_ms``, ``malformed_body``, ``drop_connection``,
    ``half_open`` and ``truncate_frame`` apply to the submission's answer, ``poll`` to the poll
    answers while the task runs (and ``partial_results`` / ``replay_results`` of any phase to
    the answers that report its results); ``auth_latency_ms`` is the latency of the next
    authentication.
    """

    submit_error: Scenario | None
    failure: ScheduledFailure | None
    failure_status: int | None
    nsfw: bool
    webhook_failures: int
    latency_ms: int
    malformed_body: bool
    drop_connection: bool
    poll: PollEffects
    half_open: bool = False
    truncate_frame: bool = False
    auth_latency_ms: int = 0

    @classmethod
    def of(cls, scenarios: list[Scenario]) -> Effects:
        """Merge `scenarios` (latencies: the longest; flags: any)."""
        submit = [s for s in scenarios if s.phase == "submit"]
        processing = [s for s in scenarios if s.phase == "processing"]
        failing = [(s, f) for s in processing if (f := s.scheduled_failure()) is not None]
        return cls(
            submit_error=next((s for s in submit if s.error() is not None), None),
            failure=failing[0][1] if failing else None,
            failure_status=failing[0][0].status if failing else None,
            nsfw=any(s.nsfw for s in scenarios),
            webhook_failures=max((s.webhook_failures for s in scenarios), default=0),
            latency_ms=max((s.latency_ms for s in submit), default=0),
            malformed_body=any(s.malformed_body for s in submit),
            drop_connection=any(s.drop_connection for s in submit),
            poll=PollEffects(
                latency_ms=max((s.latency_ms for s in processing), default=0),
                malformed_body=any(s.malformed_body for s in processing),
                drop_connection=any(s.drop_connection for s in processing),
                half_open=any(s.half_open for s in processing),
                truncate_frame=any(s.truncate_frame for s in processing),
                partial_results=any(s.partial_results for s in scenarios),
                replay_results=any(s.replay_results for s in scenarios),
            ),
            half_open=any(s.half_open for s in submit),
            truncate_frame=any(s.truncate_frame for s in submit),
            auth_latency_ms=max((s.auth_latency_ms for s in scenarios), default=0),
        )

    def apply(self, reply: TaskReply) -> TaskReply:
        """Give the submission's answer its transport effects."""
        reply.latency_ms = self.latency_ms
        reply.malformed_body = self.malformed_body
        reply.drop_connection = self.drop_connection
        reply.half_open = self.half_open
        reply.truncate_frame = self.truncate_frame
        return reply

    def apply_sync(self, reply: TaskReply) -> TaskReply:
        """Give a sync task's answer its transport effects: the submission's and those of the
        answers while the task runs (latencies: the longest; flags: any)."""
        self.apply(reply)
        reply.latency_ms = max(self.latency_ms, self.poll.latency_ms)
        reply.malformed_body = self.malformed_body or self.poll.malformed_body
        reply.drop_connection = self.drop_connection or self.poll.drop_connection
        reply.half_open = self.half_open or self.poll.half_open
        reply.truncate_frame = self.truncate_frame or self.poll.truncate_frame
        return reply
