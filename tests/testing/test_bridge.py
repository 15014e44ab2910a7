"""LoopThread: one event loop in a thread, callable from sync code and from any async loop."""

from __future__ import annotations

import asyncio
import threading

import pytest

from runware_testkit.testing.bridge import LoopThread


@pytest.fixture
def loop_thread():
    loop = LoopThread("test-loop")
    yield loop
    loop.close()


async def where() -> str:
    await asyncio.sleep(0)
    return threading.current_thread().name


def test_call_runs_on_the_loop_thread(loop_thread: LoopThread) -> None:
    assert loop_thread.call(where(), 5) == "test-loop"


async def test_acall_awaits_from_another_loop(loop_thread: LoopThread) -> None:
    assert await loop_thread.acall(where(), 5) == "test-loop"


def test_call_times_out_and_cancels(loop_thread: LoopThread) -> None:
    event = asyncio.Event()
    with pytest.raises(TimeoutError, match=r"no answer within 0\.05 s"):
        loop_thread.call(event.wait(), 0.05)


async def test_acall_times_out(loop_thread: LoopThread) -> None:
    with pytest.raises(TimeoutError):
        await loop_thread.acall(asyncio.Event().wait(), 0.05)


def test_blocking_from_the_loop_itself_is_refused(loop_thread: LoopThread) -> None:
    async def nested() -> None:
        loop_thread.call(where(), 1)

    with pytest.raises(RuntimeError, match="from that loop itself"):
        loop_thread.call(nested(), 5)


def test_close_cancels_what_still_runs() -> None:
    loop = LoopThread()
    asyncio.run_coroutine_threadsafe(asyncio.sleep(60), loop.loop)
    loop.close()
    assert not loop.alive
    loop.close()
