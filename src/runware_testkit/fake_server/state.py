"""`ServerState`: the one object the protocol side and the control plane of the server share.

It owns the engine (with its store, clock and id source), the journal, the scenario queue, the
delivery of webhooks and uploads, the webhook sink and the WebSocket sessions, plus the
background jobs started when tasks finish (webhooks, upload PUTs), which `ServerState.drain`
awaits.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from collections.abc import Coroutine
from typing import Any

import httpx

from ..contract import Contract, load_contract
from .config import IN_PROCESS_HOST, ServerConfig
from .control.sink import WebhookSink
from .engine.clock import Clock, SystemClock
from .engine.engine import Engine
from .engine.ids import IdSource
from .engine.records import TaskRecord
from .engine.store import MemoryStore, SQLiteStore, Store
from .faults.scenarios import ScenarioQueue
from .handlers.registry import result_builders
from .journal import Journal
from .outbound.delivery import Allowlist, Delivery, tls_context
from .outbound.notify import notify_finished
from .protocol.sessions import SessionRegistry
from .replay.session import ReplaySession

__all__ = ["IN_PROCESS_HOST", "ServerState"]

"""Host name in-process clients use (httpx.ASGITransport, Starlette's TestClient). Outgoing
calls to it are routed back into the app itself, never to the network."""


class ServerState:
    """Everything one fake server knows; shared by REST, WebSocket, media and control routes."""

    def __init__(
        self,
        config: ServerConfig | None = None,
        *,
        clock: Clock | None = None,
        store: Store | None = None,
        contract: Contract | None = None,
    ) -> None:
        self.config: ServerConfig = config if config is not None else ServerConfig()
        self.clock: Clock = clock if clock is not None else SystemClock()
        self.ids = IdSource(self.config.seed)
        if store is None:
            path = self.config.state_path
            store = SQLiteStore(path) if path is not None else MemoryStore()
        self.engine = Engine(
            store,
            self.clock,
            self.ids,
            self.config.progression,
            max_open_tasks=self.config.limits.max_open_tasks,
            on_finish=self._on_finish,
            results=result_builders(),
        )
        self.contract: Contract = contract if contract is not None else load_contract()
        self.journal = Journal(self.clock)
        self.scenarios = ScenarioQueue()
        self.sink = WebhookSink(self.clock)
        self._session_ids = IdSource()
        self.sessions = SessionRegistry(
            now=self.clock.now, window=self.config.resume_window, new_uuid=self._session_ids.uuid4
        )
        self.allowlist = Allowlist([*self.config.allowlist, IN_PROCESS_HOST])
        """Hosts the server may call (webhooks, uploads, input downloads)."""
        self.app: Any = None
        """The ASGI app serving this state (set by `create_app`); outgoing calls to
        `IN_PROCESS_HOST` are routed into it."""
        self.base_url: str | None = self.config.base_url
        """Public base URL: the configured one, else the first one a request came in on."""
        self.delivery = Delivery(self.journal, self.allowlist.entries, self.http_client)
        self.replay: ReplaySession | None = None
        """Recorded cassettes answering before the contract-driven fake (see `replay`)."""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._jobs: set[asyncio.Future[Any] | concurrent.futures.Future[Any]] = set()
        self._jobs_lock = threading.Lock()

    # -- URLs ---------------------------------------------------------------------------------

    def public_base(self, request_base: str | None = None) -> str:
        """Base URL for links handed to clients (configured, else the request's own)."""
        if self.config.base_url:
            return self.config.base_url
        if request_base:
            base = request_base.rstrip("/")
            if self.base_url is None:
                self.base_url = base
            return base
        return self.base_url or f"http://{IN_PROCESS_HOST}"

    def media_base(self, request_base: str | None = None) -> str:
        """Base of media URLs: ``{public base}/media``."""
        return self.public_base(request_base) + "/media"

    def http_client(self, **kwargs: Any) -> httpx.AsyncClient:
        """An httpx client for outgoing calls; `IN_PROCESS_HOST` goes straight into the app."""
        mounts: dict[str, httpx.AsyncBaseTransport] = {}
        if self.app is not None:
            mounts[f"all://{IN_PROCESS_HOST}"] = httpx.ASGITransport(app=self.app)
        kwargs.setdefault("timeout", self.config.fetch_timeout)
        kwargs.setdefault("verify", tls_context())
        return httpx.AsyncClient(mounts=mounts, trust_env=False, **kwargs)

    # -- background jobs ----------------------------------------------------------------------

    def bind_loop(self) -> None:
        """Remember the running event loop as the one background jobs run on."""
        with contextlib.suppress(RuntimeError):
            self._loop = asyncio.get_running_loop()

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        """Run `coro` in the background: on the running loop, else on the server's loop (from
        another thread), else in a thread of its own; `drain` awaits it."""
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        job: asyncio.Future[Any] | concurrent.futures.Future[Any]
        if running is not None:
            job = running.create_task(coro)
        elif self._loop is not None and self._loop.is_running():
            job = asyncio.run_coroutine_threadsafe(coro, self._loop)
        else:
            job = _run_in_thread(coro)
        with self._jobs_lock:
            self._jobs.add(job)
        job.add_done_callback(self._forget_job)

    def _forget_job(self, job: Any) -> None:
        with self._jobs_lock:
            self._jobs.discard(job)
        if not job.cancelled() and job.exception() is not None:
            exc = job.exception()
            self.journal.record("error", where="background", error=repr(exc))

    def pending_jobs(self) -> int:
        """How many background jobs are still running."""
        with self._jobs_lock:
            return len(self._jobs)

    async def drain(self, timeout: float | None = 30.0) -> None:
        """Wait (bounded by `timeout` seconds) until every background job has finished,
        whichever event loop or thread it runs on."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while True:
            with self._jobs_lock:
                jobs = list(self._jobs)
            if not jobs:
                return
            remaining = None if deadline is None else deadline - loop.time()
            if remaining is not None and remaining <= 0:
                return
            await asyncio.wait([_awaitable(job, loop) for job in jobs], timeout=remaining)

    def _on_finish(self, record: TaskRecord) -> None:
        if not _needs_notify(record):
            return
        self.spawn(notify_finished(self, record))

    # -- lifecycle ----------------------------------------------------------------------------

    async def aclose(self, timeout: float = 10.0) -> None:
        """Finish background jobs (bounded), then close the store."""
        await self.drain(timeout)
        self.engine.close()

    def clock_moved(self) -> None:
        """Tell the parts that follow the clock that a manual clock was moved: replayed
        deliveries whose time has come go out."""
        if self.replay is not None:
            self.replay.release_due(self)

    def reset(self) -> None:
        """Forget tasks, media, sessions, journal entries, scenarios, sink contents and what a
        replay has played so far."""
        if self.replay is not None:
            self.replay.reset()
        self.engine.reset()
        self.sessions.clear()
        self.journal.clear()
        self.scenarios.clear()
        self.sink.clear()


def _awaitable(
    job: asyncio.Future[Any] | concurrent.futures.Future[Any], loop: asyncio.AbstractEventLoop
) -> asyncio.Future[Any]:
    """A future of `loop` that completes when `job` (of any loop or thread) does."""
    if isinstance(job, concurrent.futures.Future):
        return asyncio.wrap_future(job, loop=loop)
    if job.get_loop() is loop:
        return job
    done: concurrent.futures.Future[Any] = concurrent.futures.Future()
    try:
        job.get_loop().call_soon_threadsafe(
            job.add_done_callback, lambda _: done.done() or done.set_result(None)
        )
    except RuntimeError:  # that loop is closed: the job will never finish
        done.set_result(None)
    return asyncio.wrap_future(done, loop=loop)


def _needs_notify(record: TaskRecord) -> bool:
    request = record.request
    return bool(request.get("webhookURL")) or bool(request.get("uploadEndpoint"))


def _run_in_thread(coro: Coroutine[Any, Any, Any]) -> concurrent.futures.Future[Any]:
    future: concurrent.futures.Future[Any] = concurrent.futures.Future()

    def target() -> None:
        try:
            future.set_result(asyncio.run(coro))
        except BaseException as exc:  # reported through the future
            future.set_exception(exc)

    threading.Thread(target=target, name="testkit-notify", daemon=True).start()
    return future
