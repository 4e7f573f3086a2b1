"""Produce the next items while the current one is in flight.

A confirmed publish waits a broker round trip; sealing the next envelope (JSON, Ed25519) can
happen meanwhile. `ahead` runs an iterable on a helper thread, `depth` items ahead of its
consumer; libsodium and the socket wait both release the GIL, so the two overlap.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

_DONE = object()


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def ahead(items: Iterable[T], depth: int = 16) -> Iterator[T]:
    """Yield `items` in order, produced on a helper thread up to `depth` ahead.

    An exception raised while producing is raised here, at the item where it happened. If the
    consumer stops early, the helper stops after at most `depth` more items.
    """
    if depth < 1:
        raise ValueError("depth must be at least 1")
    buffer: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                buffer.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(item):
                    return
        except BaseException as error:  # handed to the consumer, raised there
            put(_Failure(error))
            return
        put(_DONE)

    thread = threading.Thread(target=produce, name="lookahead", daemon=True)
    thread.start()
    try:
        while True:
            item = buffer.get()
            if item is _DONE:
                return
            if isinstance(item, _Failure):
                raise item.error
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        thread.join(1.0)
