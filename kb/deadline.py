"""An overall deadline for a network exchange driven from synchronous code.

httpx bounds each read, not the whole exchange: a server that sends one byte every few seconds
never trips a read timeout. So the exchange runs as an async iterator on a private event loop in
a worker thread, under `asyncio.timeout`: past the deadline the task is cancelled, which closes
its connection, and the caller gets `DeadlineExceeded`. The caller consumes items as they come
(streaming stays streaming); leaving early cancels the task the same way.
"""
from __future__ import annotations

import asyncio
import queue
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import TypeVar

T = TypeVar("T")
CANCEL_GRACE_S = 2.0  # how long a cancelled exchange may take to close its connection and stop


class DeadlineExceeded(TimeoutError):
    """The exchange did not finish within its overall deadline."""


def within(seconds: float, produce: Callable[[], AsyncIterator[T]]) -> Iterator[T]:
    """The items `produce()` yields, each as soon as it comes, all within `seconds` of this call.

    Errors of the producer are raised here as they are; running out of time raises DeadlineExceeded.
    """
    out: queue.SimpleQueue[tuple[bool, object]] = queue.SimpleQueue()  # (is an item, item | error | None)
    loop = asyncio.new_event_loop()
    deadline = time.monotonic() + seconds

    async def pump() -> None:
        try:
            async with asyncio.timeout(seconds):
                async for item in produce():
                    out.put((True, item))
        except TimeoutError:
            out.put((False, DeadlineExceeded(f"no complete reply within {seconds:g} s")))
        except Exception as exc:  # handed to the consumer, which raises it in its own thread
            out.put((False, exc))
        else:
            out.put((False, None))

    task = loop.create_task(pump())

    def run() -> None:
        try:
            loop.run_until_complete(task)
        except asyncio.CancelledError:  # the consumer left early
            pass
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    worker = threading.Thread(target=run, name="deadline", daemon=True)
    worker.start()
    try:
        while True:
            try:
                # the task ends itself at the deadline; the grace only guards against a producer that blocks
                # its event loop, which cancellation cannot interrupt
                is_item, value = out.get(timeout=max(0.0, deadline - time.monotonic()) + CANCEL_GRACE_S)
            except queue.Empty:
                raise DeadlineExceeded(f"no complete reply within {seconds:g} s") from None
            if is_item:
                yield value  # type: ignore[misc]  # items are what `produce` yields
                continue
            if value is not None:
                raise value  # type: ignore[misc]  # an exception the producer raised
            return
    finally:
        if not task.done():
            try:
                loop.call_soon_threadsafe(task.cancel)
            except RuntimeError:  # the loop closed in between: the task is over
                pass
        worker.join(CANCEL_GRACE_S)
