"""`LoopThread`: an asyncio event loop in a daemon thread, the one loop the in-process fake runs on.

The ASGI app is async, while the clients under test may be sync (``httpx.Client``) or async
(``httpx.AsyncClient``, on the test's own loop). Running the app on its own loop serves both the
same way: a sync caller blocks on a `concurrent.futures.Future`, an async caller awaits it, and
background work the app starts (webhooks, uploads) keeps running between requests, on the same
loop whichever client made the request.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

__all__ = ["LoopThread"]

T = TypeVar("T")


class LoopThread:
    """An event loop running forever in a daemon thread until `close`."""

    def __init__(self, name: str = "testkit-loop") -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_forever()
        finally:
            pending = asyncio.all_tasks(self.loop)
            for task in pending:
                task.cancel()
            if pending:
                self.loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            self.loop.run_until_complete(self.loop.shutdown_asyncgens())
            self.loop.run_until_complete(self.loop.shutdown_default_executor())
            self.loop.close()

    @property
    def alive(self) -> bool:
        """True while the loop runs."""
        return self._thread.is_alive() and not self.loop.is_closed()

    def in_loop_thread(self) -> bool:
        """True when called from the loop's own thread."""
        return threading.current_thread() is self._thread

    def call(self, coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        """Run `coro` on the loop and block until it is done (TimeoutError after `timeout`)."""
        if self.in_loop_thread():
            coro.close()
            raise RuntimeError("blocking call into the fake's event loop from that loop itself")
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise TimeoutError(f"no answer within {timeout} s") from None

    async def acall(self, coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        """Run `coro` on the loop and await it from any async library's loop."""
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            import sniffio

            library = sniffio.current_async_library()
        except Exception:
            library = "asyncio"
        if library == "asyncio":
            try:
                return await asyncio.wait_for(asyncio.wrap_future(future), timeout)
            except TimeoutError:
                future.cancel()
                raise TimeoutError(f"no answer within {timeout} s") from None
        import anyio.to_thread

        def wait() -> T:
            try:
                return future.result(timeout)
            except concurrent.futures.TimeoutError:
                future.cancel()
                raise TimeoutError(f"no answer within {timeout} s") from None

        return await anyio.to_thread.run_sync(wait)

    def close(self, timeout: float = 5.0) -> None:
        """Stop the loop (cancelling what still runs on it) and wait for the thread."""
        if self.loop.is_closed():
            return
        try:
            self.loop.call_soon_threadsafe(self.loop.stop)
        except RuntimeError:
            return
        if not self.in_loop_thread():
            self._thread.join(timeout)
