"""`RunwareServer`: the fake on a real loopback socket (HTTP and WebSocket), for any client.

The ``runware_server`` fixture starts one per test session (per xdist worker) and resets it
before every test; `server` is the same thing as a context manager for use outside pytest::

    with runware_testkit.testing.server(progression="polls:2") as fake:
        client = MyClient(base_url=fake.base_url, api_key=fake.api_key)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..fake_server.app import create_app
from ..fake_server.config import ServerConfig
from ..fake_server.state import ServerState
from ..fake_server.uvicorn_thread import LiveServer
from .clock import SwitchableClock
from .control import FakeControl
from .options import FakeOptions

__all__ = ["RunwareServer", "server"]


class RunwareServer(FakeControl):
    """The fake under uvicorn on 127.0.0.1 (ephemeral port), plus the control mirror."""

    mode = "server"

    def __init__(
        self, options: FakeOptions | None = None, *, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        options = options if options is not None else FakeOptions()
        state = ServerState(ServerConfig(progression=options.progression), clock=SwitchableClock())
        super().__init__(state, options)
        self.app = create_app(state=state)
        self._live = LiveServer(self.app, host=host, port=port)
        self._started = False

    @property
    def port(self) -> int:
        """The TCP port the fake listens on."""
        return self._live.port

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return self._live.base_url

    @property
    def base_url(self) -> str:
        """The REST endpoint, ``http://127.0.0.1:PORT/v1``."""
        return self._live.rest_url

    @property
    def ws_url(self) -> str:
        """The WebSocket endpoint, ``ws://127.0.0.1:PORT/v1``."""
        return self._live.ws_url

    def start(self) -> RunwareServer:
        """Start serving (returns once uvicorn accepts connections) and apply the options."""
        if not self._started:
            self._live.start()
            self._started = True
            self.reset(self.options)
        return self

    def stop(self) -> None:
        """Finish background work, stop uvicorn and close the store."""
        if self._started:
            self.drain()
            self._live.stop()
            self._started = False
        self.state.engine.close()

    def __enter__(self) -> RunwareServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


@contextmanager
def server(options: FakeOptions | None = None, **changes: Any) -> Iterator[RunwareServer]:
    """A started `RunwareServer` for the duration of the block; `changes` are `FakeOptions`
    fields (``progression``, ``seed``, ``api_keys``, ``scenarios``, ``clock``)."""
    options = options if options is not None else FakeOptions()
    if changes:
        options = options.merged(changes)
    fake = RunwareServer(options)
    try:
        yield fake.start()
    finally:
        fake.stop()
