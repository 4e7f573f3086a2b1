"""`ahead`: items in order, produced on a helper thread, errors raised where they happened."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from gridworks.actors.lookahead import ahead


def test_items_come_in_order_and_all_of_them() -> None:
    assert list(ahead(range(1000), depth=4)) == list(range(1000))
    assert list(ahead([], depth=1)) == []


def test_production_runs_on_another_thread_up_to_depth_ahead() -> None:
    produced: list[int] = []
    threads: set[str] = set()

    def items() -> Iterator[int]:
        for i in range(10):
            threads.add(threading.current_thread().name)
            produced.append(i)
            yield i

    stream = ahead(items(), depth=3)
    assert next(stream) == 0
    deadline = time.monotonic() + 5
    while len(produced) < 4 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.05)
    assert len(produced) <= 1 + 3 + 1  # the one taken, a full buffer, one waiting to be put
    assert threads == {"lookahead"}
    assert list(stream) == list(range(1, 10))


def test_an_error_is_raised_at_the_item_where_it_happened() -> None:
    def items() -> Iterator[int]:
        yield 1
        yield 2
        raise ValueError("bad reading")

    got = []
    with pytest.raises(ValueError, match="bad reading"):
        for item in ahead(items()):
            got.append(item)
    assert got == [1, 2]


def test_stopping_early_stops_the_producer() -> None:
    produced: list[int] = []

    def endless() -> Iterator[int]:
        i = 0
        while True:
            produced.append(i)
            yield i
            i += 1

    stream = ahead(endless(), depth=2)
    assert [next(stream) for _ in range(3)] == [0, 1, 2]
    stream.close()  # the consumer is done
    count = len(produced)
    time.sleep(0.3)
    assert len(produced) <= count + 1


def test_depth_must_be_positive() -> None:
    with pytest.raises(ValueError):
        list(ahead([1], depth=0))
