"""A minimal server state and app for testing the control API and the sink on their own."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
from starlette.applications import Starlette

from runware_testkit.fake_server.control.api import control_routes
from runware_testkit.fake_server.control.sink import WebhookSink, sink_routes
from runware_testkit.fake_server.engine.clock import Clock, ManualClock
from runware_testkit.fake_server.engine.engine import Engine
from runware_testkit.fake_server.engine.ids import IdSource
from runware_testkit.fake_server.faults.scenarios import ScenarioQueue
from runware_testkit.fake_server.handlers.registry import result_builders
from runware_testkit.fake_server.journal import Journal
from runware_testkit.fake_server.outbound.delivery import Delivery


@dataclass
class Config:
    control_token: str | None = None
    control_loopback_only: bool = True


@dataclass
class State:
    config: Config
    engine: Engine
    clock: Clock
    ids: IdSource
    journal: Journal
    scenarios: ScenarioQueue
    delivery: Delivery
    sink: WebhookSink
    finished: list[Any] = field(default_factory=list)
    clock_moves: int = 0

    def clock_moved(self) -> None:
        """What `ServerState.clock_moved` is told after the manual clock moves; counted."""
        self.clock_moves += 1


def make_state(clock: Clock | None = None, **config: Any) -> State:
    clock = clock if clock is not None else ManualClock()
    ids = IdSource(seed=7)
    journal = Journal(clock)
    state = State(
        config=Config(**config),
        engine=Engine(clock=clock, ids=ids, results=result_builders()),
        clock=clock,
        ids=ids,
        journal=journal,
        scenarios=ScenarioQueue(),
        delivery=Delivery(journal, transport=httpx.MockTransport(lambda r: httpx.Response(200))),
        sink=WebhookSink(clock),
    )
    state.engine.on_finish = state.finished.append
    return state


def make_app(state: State) -> Starlette:
    return Starlette(routes=[*control_routes(state), *sink_routes(state)])


def remote_client(app: Starlette, host: str = "10.1.2.3") -> httpx.AsyncClient:
    """An httpx client reaching `app` in-process as if from the peer address `host`."""
    transport = httpx.ASGITransport(app=app, client=(host, 1234))
    return httpx.AsyncClient(transport=transport, base_url="http://fake.test")


def local_client(app: Starlette) -> httpx.AsyncClient:
    """An httpx client reaching `app` in-process from a loopback address."""
    return remote_client(app, "127.0.0.1")
