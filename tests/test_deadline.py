"""kb.deadline: an async exchange driven from sync code, bounded in all, cancelled when the caller leaves."""
from __future__ import annotations

import asyncio
import threading
import time

import pytest

from kb.deadline import DeadlineExceeded, within

LONG_S = 60.0


def test_items_come_as_they_are_made_and_errors_pass_through():
    async def produce():
        yield 1
        yield 2
        raise ValueError("broken reply")

    got = []
    with pytest.raises(ValueError, match="broken reply"):
        for item in within(5, produce):
            got.append(item)
    assert got == [1, 2]


def test_past_the_deadline_the_producer_is_cancelled():
    cleaned = threading.Event()

    async def produce():
        try:
            yield "first"
            await asyncio.sleep(LONG_S)
        finally:
            cleaned.set()  # where a connection would be closed

    start = time.monotonic()
    got = []
    with pytest.raises(DeadlineExceeded, match="within 0.5 s"):
        for item in within(0.5, produce):
            got.append(item)
    assert got == ["first"] and time.monotonic() - start < LONG_S / 10
    assert cleaned.wait(2)


def test_a_caller_that_leaves_early_cancels_the_producer():
    cleaned = threading.Event()

    async def produce():
        try:
            yield "first"
            await asyncio.sleep(LONG_S)
        finally:
            cleaned.set()

    items = within(LONG_S, produce)
    assert next(items) == "first"
    items.close()
    assert cleaned.wait(2)
    assert not [t for t in threading.enumerate() if t.name == "deadline"]
