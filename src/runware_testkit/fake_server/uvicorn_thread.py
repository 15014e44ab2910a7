"""`LiveServer`: the app under uvicorn in a background thread, on a real loopback socket.

Used by the live test fixtures and by anything that needs a real URL (the official SDKs, a
browser, curl) while the caller keeps running in the main thread::

    with LiveServer(create_app()) as server:
        print(server.rest_url, server.ws_url)
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import uvicorn

from .config import DEFAULT_MAX_BYTES

__all__ = ["LiveServer", "bind_socket", "uvicorn_config", "ws_ceiling"]


def bind_socket(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    """A listening TCP socket bound to (`host`, `port`); port 0 picks a free one."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    # Listening at once: a client that reads the banner and connects before uvicorn has
    # started waits in the backlog instead of being refused.
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def uvicorn_config(app: Any, *, log_level: str = "warning", **overrides: Any) -> uvicorn.Config:
    """The uvicorn settings the fake runs with (WebSocket frames up to 4x the app's limit, so
    oversized frames reach the app and get a Runware error instead of a protocol close).

    `app` is a fake (``app.state.testkit``) or a namespaced fake (``app.root_state``); any
    other app gets the default frame limit.
    """
    state = getattr(app, "root_state", None) or getattr(
        getattr(app, "state", None), "testkit", None
    )
    frame_limit = state.config.limits.max_ws_frame_bytes if state is not None else DEFAULT_MAX_BYTES
    settings: dict[str, Any] = {
        "log_level": log_level,
        "lifespan": "on",
        "ws_max_size": ws_ceiling(frame_limit),
        "timeout_graceful_shutdown": 5,
        # nothing reads uvicorn's access log (the journal records every request); skipping it
        # saves a logger call per request
        "access_log": False,
    }
    settings.update(overrides)
    return uvicorn.Config(app, **settings)


def ws_ceiling(frame_limit: int) -> int:
    """Largest WebSocket message the transport accepts for an app whose frame limit is
    `frame_limit` bytes: 4x the limit, at least 16 MiB (larger ones are closed with 1009)."""
    return max(16 << 20, 4 * frame_limit)


class LiveServer:
    """Runs `app` with uvicorn on `host`:`port` (0: any free port) in a daemon thread."""

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app = app
        self.host = host
        self._socket = bind_socket(host, port)
        self.port: int = self._socket.getsockname()[1]
        self._server = uvicorn.Server(uvicorn_config(app))
        self._server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """``http://host:port``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def rest_url(self) -> str:
        """The REST endpoint, ``http://host:port/v1``."""
        return f"{self.base_url}/v1"

    @property
    def ws_url(self) -> str:
        """The WebSocket endpoint, ``ws://host:port/v1``."""
        return self.base_url.replace("http://", "ws://", 1) + "/v1"

    def start(self, timeout: float = 10.0) -> LiveServer:
        """Start serving; returns once uvicorn accepts connections (RuntimeError on timeout)."""
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [self._socket]},
            name=f"testkit-uvicorn-{self.port}",
            daemon=True,
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn did not start on {self.base_url}")
            time.sleep(0.01)
        return self

    def stop(self, timeout: float = 10.0, *, wait: bool = True) -> None:
        """Shut down gracefully (lifespan shutdown drains background jobs); with
        ``wait=False`` return at once and let the shutdown finish in the background."""
        self._server.should_exit = True
        if self._thread is None:
            self._socket.close()
        elif wait:
            self._thread.join(timeout)
            self._thread = None
            self._socket.close()

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
