"""Chain reads cached with bounded staleness in rounds, dropped early when the chain says so.

Verifying a signed message reads the chain (auth-addr, the GNodeFactory registry, certificate
holdings). Reading it afresh for every message is slow; caching it forever would miss a
revocation. So a cached read is reused for at most `max_staleness_rounds` rounds, and sooner
dropped when a block touches an account it depends on, or calls a watched app (the factory
revokes, suspends and re-aliases only through its own app calls).

It fails closed. Freshness is counted against the newest round the node has reported, not
against the last block applied here, so a follower that is slow or stuck on a block never
stretches the bound. A block that cannot be read drops every entry, and while the follower
fails each `get` checks the node itself: if even its status cannot be read, `get` raises
`ChainUnavailable` (a verifier answers CHAIN_UNAVAILABLE) rather than serve what may be stale.
"""

from __future__ import annotations

import base64
import binascii
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, TypeVar, cast

from algosdk.encoding import encode_address, is_valid_address
from algosdk.v2client.algod import AlgodClient

log = logging.getLogger(__name__)

T = TypeVar("T")

# Transaction fields (algod's short keys) naming an account whose state the transaction may
# change: payment, asset transfer (`asnd` is the clawback target), freeze, rekey, app accounts.
ADDRESS_FIELDS = ("snd", "rcv", "close", "arcv", "asnd", "aclose", "rekey", "fadd")
ASSET_PARAM_FIELDS = ("m", "r", "f", "c")  # `apar`: manager, reserve, freeze, clawback
REQUEST_TIMEOUT = 10  # seconds, for the follower's status and block reads
MAX_BACKOFF = 30.0


@dataclass(frozen=True)
class CacheStats:
    hits: int = 0
    misses: int = 0
    invalidations: int = 0  # entries dropped because the chain (or a caller) said so
    expirations: int = 0  # entries dropped for being older than max_staleness_rounds
    evictions: int = 0  # entries dropped by the LRU bound


class ChainUnavailable(RuntimeError):
    """The cache cannot tell how far the chain has moved, so it serves nothing."""


@dataclass
class _Entry:
    value: Any
    round: int
    addresses: frozenset[str]


def _address(value: Any) -> str | None:
    """An address as algod's block JSON gives it (base32), or as base64/bytes of its key."""
    if isinstance(value, bytes | bytearray):
        return encode_address(bytes(value)) if len(value) == 32 else None
    if not isinstance(value, str):
        return None
    if is_valid_address(value):
        return value
    try:
        key = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None
    return encode_address(key) if len(key) == 32 else None


def _json(response: dict[str, Any] | bytes) -> dict[str, Any]:
    if not isinstance(response, dict):
        raise TypeError("expected algod's JSON response")
    return response


def _last_round(status: dict[str, Any] | bytes) -> int:
    return int(_json(status)["last-round"])


def _signed_txns(block: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """Every signed transaction of a block, inner ones (apply data `dt.itx`) included."""
    stack = list(block.get("txns") or ())
    while stack:
        stxn = stack.pop()
        yield stxn
        stack.extend((stxn.get("dt") or {}).get("itx") or ())


def block_touches(block: Mapping[str, Any]) -> tuple[set[str], set[int]]:
    """The accounts a block's transactions may change, and the app ids they call.

    `block` is the `block` member of algod's `GET /v2/blocks/{round}` JSON.
    """
    addresses: set[str] = set()
    apps: set[int] = set()
    for stxn in _signed_txns(block):
        txn = stxn.get("txn") or {}
        named = [txn.get(k) for k in ADDRESS_FIELDS] + list(txn.get("apat") or ())
        named += [(txn.get("apar") or {}).get(k) for k in ASSET_PARAM_FIELDS]
        addresses.update(a for a in map(_address, named) if a is not None)
        if txn.get("type") == "appl":
            apps.add(int(txn.get("apid") or 0))
    return addresses, apps


class ChainCache:
    """Chain reads, each reused while at most `max_staleness_rounds` rounds old.

    A reader declares the accounts its value depends on (`addresses`); a block touching any of
    them drops it, and a call to any of `watch_app_ids` drops everything. Blocks are read by a
    follower thread (`start()` or `with`), which long-polls algod. While no follower runs
    (`follow=False`, or before `start()`), each `get` first calls `sync()` itself: one status
    request, plus one block request per round since the last `get`.
    """

    def __init__(
        self,
        algod: AlgodClient,
        *,
        watch_app_ids: Iterable[int] = (),
        max_staleness_rounds: int = 10,
        max_entries: int = 10_000,
        follow: bool = True,
        poll_seconds: float = 1.0,
    ) -> None:
        if max_staleness_rounds < 0 or max_entries < 1:
            raise ValueError("max_staleness_rounds must be >= 0 and max_entries >= 1")
        self.algod = algod
        self.watch_app_ids = frozenset(watch_app_ids)
        self.max_staleness_rounds = max_staleness_rounds
        self.max_entries = max_entries
        self.follow = follow
        self.poll_seconds = poll_seconds  # bounds how long close() waits for the follower
        self._lock = threading.Lock()  # entries, round, stats
        self._sync_lock = threading.Lock()  # one block reader at a time
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._round: int | None = None  # the last block applied here
        self._node_round: int | None = None  # the newest round the node has reported
        self._failure: str | None = None  # why the last block read failed, until one succeeds
        self._reading_since: float | None = None  # monotonic time a block read began
        self._epoch = 0  # bumped by every invalidation: a load that straddles one isn't stored
        self._counts = dict.fromkeys(CacheStats.__dataclass_fields__, 0)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # ---- reads -------------------------------------------------------------------------------

    def get(self, key: Hashable, load: Callable[[], T], *, addresses: Iterable[str] = ()) -> T:
        """The cached value for `key` if fresh, else `load()`'s (which is then cached).

        `load` runs without the lock; its exceptions propagate and nothing is cached.
        """
        deps = frozenset(addresses)
        if self._round is None or not self.following:
            self._catch_up()
        elif self._failure is not None or self._stalled():
            self._read_node_round()
        with self._lock:
            now = cast(int, self._round)
            newest = max(now, self._node_round or 0)
            entry = self._entries.get(key)
            if entry is not None and newest - entry.round <= self.max_staleness_rounds:
                self._entries.move_to_end(key)
                self._count(hits=1)
                return cast(T, entry.value)
            if entry is not None:
                del self._entries[key]
                self._count(expirations=1)
            self._count(misses=1)
            epoch = self._epoch
        value = load()
        with self._lock:
            if self._epoch == epoch:  # else the chain changed while loading: don't keep it
                self._entries[key] = _Entry(value, now, deps)
                self._entries.move_to_end(key)
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
                    self._count(evictions=1)
        return value

    def _catch_up(self) -> None:
        """Apply the blocks this cache is missing, here and now (no follower, or a failing one).

        Fails closed: if the node's status cannot be read, nobody can tell how stale a cached
        value is, so `ChainUnavailable`. A block that cannot be read drops every entry (values
        are then read afresh, and dropped again at the next `get`, until the block reads or the
        node is so far ahead that no entry could be fresh anyway).
        """
        last_round = self._read_node_round()
        try:
            self.observe_round(last_round)
        except Exception:
            pass  # already dropped everything; the reason stays in self._failure

    def _read_node_round(self) -> int:
        """Learn the node's last round from its status (the follower cannot tell us now)."""
        try:
            last_round = _last_round(self.algod.status(timeout=REQUEST_TIMEOUT))
        except Exception as error:
            following = f"; following failed: {self._failure}" if self._failure else ""
            raise ChainUnavailable(
                f"the node's status could not be read ({type(error).__name__}: {error}){following}"
            ) from error
        with self._lock:
            self._node_round = max(last_round, self._node_round or 0)
        return last_round

    def _stalled(self) -> bool:
        """The follower has been reading one block for longer than a poll."""
        since = self._reading_since
        return since is not None and time.monotonic() - since > self.poll_seconds

    @property
    def lag(self) -> int | None:
        """How many rounds the node has reported beyond the last block applied here."""
        with self._lock:
            if self._round is None or self._node_round is None:
                return None
            return max(0, self._node_round - self._round)

    @property
    def current_round(self) -> int | None:
        """The last round whose block was applied (None before the first sync)."""
        with self._lock:
            return self._round

    @property
    def stats(self) -> CacheStats:
        with self._lock:
            return CacheStats(**self._counts)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    # ---- invalidation ------------------------------------------------------------------------

    def invalidate(self, key: Hashable) -> None:
        with self._lock:
            self._drop([key] if key in self._entries else [])

    def invalidate_address(self, address: str) -> None:
        self._drop_touching({address})

    def clear(self) -> None:
        with self._lock:
            self._drop(list(self._entries))

    def _drop_touching(self, addresses: set[str]) -> None:
        with self._lock:
            self._drop(
                [k for k, e in self._entries.items() if not e.addresses.isdisjoint(addresses)]
            )

    def _drop(self, keys: list[Hashable]) -> None:  # under the lock
        self._epoch += 1
        for key in keys:
            del self._entries[key]
        self._count(invalidations=len(keys))

    def _count(self, **deltas: int) -> None:  # under the lock
        counts = self._counts
        for name, delta in deltas.items():
            counts[name] += delta

    # ---- following the chain -----------------------------------------------------------------

    def caught_up(self, round_: int, timeout: float = 10.0) -> bool:
        """Wait until the blocks up to `round_` are applied (by the follower, or here when none
        runs); False if that did not happen within `timeout` seconds."""
        if not self.following:
            return self.sync() >= round_
        deadline = time.monotonic() + timeout
        while (self.current_round or 0) < round_:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.01)
        return True

    def sync(self) -> int:
        """Apply every block up to the node's last round, now; returns that round."""
        return self.observe_round(_last_round(self.algod.status()))

    def observe_round(self, last_round: int) -> int:
        """Apply the blocks after the current round up to `last_round` (the node must have them).

        More than `max_staleness_rounds` behind, every entry is stale anyway: they are dropped and
        no block is read. If a block can't be read, everything is dropped and the error raised.
        """
        with self._lock:
            self._node_round = max(last_round, self._node_round or 0)
        with self._sync_lock:
            start = self.current_round
            if start is None or last_round - start > self.max_staleness_rounds:
                with self._lock:
                    self._count(expirations=len(self._entries))
                    self._entries.clear()
                    self._epoch += 1
                    self._round = max(last_round, start or 0)
                    self._failure = None
                return last_round
            for round_ in range(start + 1, last_round + 1):
                try:
                    self._reading_since = time.monotonic()
                    block = _json(self.algod.block_info(round_, timeout=REQUEST_TIMEOUT))["block"]
                    addresses, apps = block_touches(block)
                except Exception as error:
                    self.clear()
                    self._failure = (
                        f"block {round_} could not be read: {type(error).__name__}: {error}"
                    )
                    raise
                finally:
                    self._reading_since = None
                if apps & self.watch_app_ids:
                    self.clear()
                elif addresses:
                    self._drop_touching(addresses)
                with self._lock:
                    self._round = round_
            self._failure = None
            return max(start, last_round)

    @property
    def following(self) -> bool:
        thread = self._thread
        return thread is not None and thread.is_alive() and not self._stop.is_set()

    def start(self) -> ChainCache:
        """Start the follower thread (a no-op with `follow=False` or if it already runs)."""
        if self.follow and not self.following:
            self._stop.clear()
            self._thread = threading.Thread(target=self._follow, name="chain-cache", daemon=True)
            self._thread.start()
        return self

    def close(self) -> None:
        """Stop the follower; it notices within about `poll_seconds`."""
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(self.poll_seconds + REQUEST_TIMEOUT)

    def __enter__(self) -> ChainCache:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _follow(self) -> None:
        backoff = self.poll_seconds
        while not self._stop.is_set():
            try:
                self.observe_round(self._wait_for_round())
                backoff = self.poll_seconds
            except Exception as error:  # never die: drop everything, say so, retry
                self.clear()
                self._failure = self._failure or f"{type(error).__name__}: {error}"
                log.warning(
                    "chain cache: reading the chain failed (%s: %.200s); cache cleared, "
                    "retrying in %.1fs",
                    type(error).__name__,
                    error,
                    backoff,
                )
                self._stop.wait(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)

    def _wait_for_round(self) -> int:
        """The node's last round, once past ours or after about `poll_seconds`.

        algod holds `wait-for-block-after` open until a new block (a minute at most); the short
        client timeout keeps close() prompt, and an idle poll ends with a plain status read so a
        node that stops answering is noticed (and the cache cleared) quickly.
        """
        known = self.current_round
        if known is not None:
            try:
                # urlopen takes a float timeout; algosdk's hint says int
                status = self.algod.status_after_block(known, timeout=cast(int, self.poll_seconds))
                return _last_round(status)
            except TimeoutError:
                pass
        return _last_round(self.algod.status(timeout=REQUEST_TIMEOUT))
