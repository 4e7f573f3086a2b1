"""What the GNode tree read at one state of the chain, kept until the chain moves.

A factory's registry (its box names) and its records can only change in a new block, so a tree
page asked for again at the same state reads nothing again: the state is the last round AND that
round's block hash (algod's `/v2/blocks/{round}/hash`), so a sandbox revert that comes back to
the same round number with other blocks is a new state. The first page at a new state clears
everything. A node that does not serve block hashes gets no caching (every page reads afresh).

Bounded: at most `MAX_REGISTRIES` factories' box-name listings and `MAX_RECORDS` records.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from algosdk.error import AlgodHTTPError

from .sources import ChainSources

MAX_REGISTRIES = 8
MAX_RECORDS = 20_000

T = TypeVar("T")


@dataclass(frozen=True)
class ChainState:
    round: int
    block_hash: str


def chain_state(sources: ChainSources) -> ChainState | None:
    """The node's last round and its block hash; None when the node cannot say (then nothing
    is cached)."""
    try:
        last = int(sources.algod.status()["last-round"])  # type: ignore[call-overload, index]
        answer = sources.algod.get_block_hash(last)
        return ChainState(last, str(answer["blockHash"]))  # type: ignore[call-overload, index]
    except (AlgodHTTPError, OSError, KeyError, TypeError, ValueError):
        return None


class TreeCache:
    """Values read at one `ChainState`, by key; thread-safe (pages are served on many threads).

    Two requests may read the same value at once (neither waits for the other); the reads are
    the same, so either's value is kept."""

    def __init__(self, max_registries: int = MAX_REGISTRIES, max_records: int = MAX_RECORDS):
        self._lock = threading.Lock()
        self._state: ChainState | None = None
        self._limits = {"registry": max_registries, "record": max_records}
        self._values: dict[str, dict[object, object]] = {"registry": {}, "record": {}}

    def get(self, state: ChainState | None, kind: str, key: object, read: Callable[[], T]) -> T:
        """The `kind` value for `key` at `state`, read (and kept) if not kept yet; read
        afresh, not kept, when `state` is None."""
        if state is None:
            return read()
        with self._lock:
            if state != self._state:
                self._state = state
                for values in self._values.values():
                    values.clear()
            values = self._values[kind]
            if key in values:
                return values[key]  # type: ignore[return-value]
        value = read()
        with self._lock:
            values = self._values[kind]
            if state == self._state and len(values) < self._limits[kind]:
                values[key] = value
        return value
