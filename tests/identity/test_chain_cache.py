"""ChainCache: chain reads reused for a bounded number of rounds, dropped when the chain says so.

On the embedded sandbox every transaction group gets its own block, so each payment below is
exactly one round. Most tests use `follow=False` (each get syncs itself, deterministically); the
follower thread is tested by polling with a deadline.
"""

from __future__ import annotations

import base64
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from algosdk import encoding, transaction
from algosdk.v2client.algod import AlgodClient
from conftest import send

from gridworks.contracts.factory import Factory
from gridworks.identity import CertificateKind
from gridworks.identity.chain_cache import ChainCache, ChainUnavailable, block_touches
from gridworks.sandbox import DevAccount

TA = "d1.isone.ver.keene.cache.ta"


class Loader:
    """A load function that counts its calls and returns a new value each time."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> int:
        self.calls += 1
        return self.calls


def pay(algod: AlgodClient, sender: DevAccount, receiver: str, **kwargs: Any) -> int:
    """One payment, confirmed: one new block on the sandbox. Returns its round."""
    txn = transaction.PaymentTxn(sender.address, algod.suggested_params(), receiver, 0, **kwargs)
    return int(send(algod, sender.sign(txn))[0]["confirmed-round"])


@pytest.fixture
def bystanders(account_factory) -> tuple[DevAccount, DevAccount]:
    """Two accounts whose payments to each other only make rounds pass."""
    return account_factory(), account_factory()


@pytest.fixture
def cache(algod) -> Iterator[ChainCache]:
    with ChainCache(algod, follow=False) as c:
        yield c


def test_hit_does_not_load_again(cache: ChainCache) -> None:
    load = Loader()
    assert cache.get("k", load) == 1
    assert cache.get("k", load) == 1
    assert load.calls == 1
    assert (cache.stats.hits, cache.stats.misses) == (1, 1)


def test_expires_after_max_staleness_rounds(algod, bystanders) -> None:
    a, b = bystanders
    cache = ChainCache(algod, max_staleness_rounds=2, follow=False)
    load = Loader()
    cache.get("k", load, addresses=[a.address])  # depends on a: b's payments don't touch it
    start = cache.current_round
    assert start is not None
    for _ in range(2):
        pay(algod, b, b.address)
        assert cache.get("k", load, addresses=[a.address]) == 1
    assert cache.current_round == start + 2
    pay(algod, b, b.address)
    assert cache.get("k", load, addresses=[a.address]) == 2
    assert cache.stats.expirations == 1
    assert cache.stats.invalidations == 0


@pytest.mark.parametrize("role", ["sender", "receiver", "close-to"])
def test_payment_touching_a_dependency_invalidates(
    cache: ChainCache, algod, account_factory, role: str
) -> None:
    dep, other, bystander = account_factory(), account_factory(), account_factory()
    load, unrelated = Loader(), Loader()
    cache.get("dep", load, addresses=[dep.address])
    cache.get("unrelated", unrelated, addresses=[bystander.address])
    if role == "sender":
        pay(algod, dep, other.address)
    elif role == "receiver":
        pay(algod, other, dep.address)
    else:
        pay(algod, other, other.address, close_remainder_to=dep.address)
    assert cache.get("dep", load, addresses=[dep.address]) == 2
    assert cache.get("unrelated", unrelated, addresses=[bystander.address]) == 1
    assert cache.stats.invalidations == 1


def test_rekey_invalidates_both_ends(cache: ChainCache, algod, account_factory) -> None:
    """A rekey changes the sender's auth-addr; the new signer is named by `rekey` only."""
    owner, new_signer, bystander = account_factory(), account_factory(), account_factory()
    loads = {name: Loader() for name in ("owner", "signer", "bystander")}
    deps = {"owner": owner, "signer": new_signer, "bystander": bystander}
    for name, load in loads.items():
        cache.get(name, load, addresses=[deps[name].address])
    pay(algod, owner, owner.address, rekey_to=new_signer.address)
    assert algod.account_info(owner.address)["auth-addr"] == new_signer.address
    for name, load in loads.items():
        cache.get(name, load, addresses=[deps[name].address])
    assert {n: load.calls for n, load in loads.items()} == {"owner": 2, "signer": 2, "bystander": 1}


@dataclass
class World:
    factory: Factory
    admin: DevAccount
    owner: DevAccount
    trader: DevAccount
    bystander: DevAccount


@pytest.fixture
def world(network, account_factory) -> World:
    admin, validator, owner, trader, bystander = (account_factory() for _ in range(5))
    factory = Factory.deploy(network, admin)
    factory.certify_validator(admin, validator, "dwgps.cache.validator")
    factory.create_terminal_asset(validator, TA, owner, trader)
    return World(factory, admin, owner, trader, bystander)


@pytest.mark.parametrize("action", ["suspend", "revoke"])
def test_call_to_watched_app_clears_everything(algod, world: World, action: str) -> None:
    cache = ChainCache(algod, watch_app_ids=[world.factory.app_id], follow=False)
    with_deps, without = Loader(), Loader()
    cache.get("bystander", with_deps, addresses=[world.bystander.address])
    cache.get("registry", without)  # no account dependencies: only an app call drops it
    if action == "suspend":
        world.factory.suspend(world.admin, TA)
    else:
        world.factory.revoke(world.admin, TA, CertificateKind.TaTradingRights)
    cache.get("bystander", with_deps, addresses=[world.bystander.address])
    cache.get("registry", without)
    assert (with_deps.calls, without.calls) == (2, 2)


def test_unwatched_app_call_drops_only_what_it_touches(algod, world: World) -> None:
    cache = ChainCache(algod, follow=False)
    held, other = Loader(), Loader()
    cache.get("trader", held, addresses=[world.trader.address])
    cache.get("bystander", other, addresses=[world.bystander.address])
    world.factory.suspend(world.admin, TA)  # touches the admin (sender) only
    cache.get("trader", held, addresses=[world.trader.address])
    cache.get("bystander", other, addresses=[world.bystander.address])
    assert (held.calls, other.calls) == (1, 1)


def test_inner_transactions_are_followed(algod, world: World) -> None:
    """revoke's inner clawback and destroy are sent by the factory's app account, which the
    outer application call does not name: only the apply data's `dt.itx` does."""
    cache = ChainCache(algod, follow=False)
    factory_account, other = Loader(), Loader()
    factory_address = world.factory.address
    cache.get("factory", factory_account, addresses=[factory_address])
    cache.get("bystander", other, addresses=[world.bystander.address])
    world.factory.revoke(world.admin, TA, CertificateKind.TaTradingRights)
    block = algod.block_info(algod.status()["last-round"])["block"]
    (outer,) = block["txns"]
    assert factory_address not in block_touches({"txns": [{"txn": outer["txn"]}]})[0]
    assert factory_address in block_touches(block)[0]
    cache.get("factory", factory_account, addresses=[factory_address])
    cache.get("bystander", other, addresses=[world.bystander.address])
    assert (factory_account.calls, other.calls) == (2, 1)


def test_load_exceptions_are_not_cached(cache: ChainCache) -> None:
    def failing() -> int:
        raise ConnectionError("algod away")

    with pytest.raises(ConnectionError):
        cache.get("k", failing)
    assert len(cache) == 0
    load = Loader()
    assert cache.get("k", load) == 1


def test_load_straddling_an_invalidation_is_not_kept(cache: ChainCache) -> None:
    """The chain may have changed under a load that was in flight during an invalidation."""
    load = Loader()

    def racing() -> int:
        cache.invalidate_address(addr(1))  # as the follower would, mid-load
        return load()

    assert cache.get("k", racing) == 1
    assert len(cache) == 0
    assert cache.get("k", load) == 2


def test_lru_bound(algod) -> None:
    cache = ChainCache(algod, max_entries=2, follow=False)
    loads = {k: Loader() for k in "abc"}
    for key in "aba":  # a is now the most recently used
        cache.get(key, loads[key])
    cache.get("c", loads["c"])  # evicts b
    assert len(cache) == 2
    for key in "acb":  # b last: reloading it evicts the least recently used again
        cache.get(key, loads[key])
    assert {k: load.calls for k, load in loads.items()} == {"a": 1, "b": 2, "c": 1}
    assert cache.stats.evictions == 2


def test_manual_invalidation(cache: ChainCache, account_factory) -> None:
    addr = account_factory().address
    loads = {k: Loader() for k in "abc"}
    cache.get("a", loads["a"], addresses=[addr])
    cache.get("b", loads["b"])
    cache.invalidate_address(addr)
    cache.invalidate("b")
    for key in "ab":
        cache.get(key, loads[key])
    assert (loads["a"].calls, loads["b"].calls) == (2, 2)
    cache.clear()
    assert len(cache) == 0


def wait_until(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_follower_applies_blocks_and_stops_promptly(algod, account_factory) -> None:
    dep, other = account_factory(), account_factory()
    load = Loader()
    with ChainCache(algod, poll_seconds=0.2) as cache:
        wait_until(lambda: cache.following and cache.current_round is not None)
        cache.get("dep", load, addresses=[dep.address])
        paid = pay(algod, dep, other.address)
        wait_until(lambda: (cache.current_round or 0) >= paid)
        assert len(cache) == 0  # dropped by the follower, without any get or sync
        assert cache.get("dep", load, addresses=[dep.address]) == 2
        thread = cache._thread
    # close() joined the follower (a follower that missed the stop would outlive the join)
    assert thread is not None and not thread.is_alive()
    assert not cache.following


def test_without_a_follower_get_syncs_itself(algod, account_factory) -> None:
    """follow=True but never started: still correct, each get reads the new blocks itself."""
    dep, other = account_factory(), account_factory()
    cache = ChainCache(algod)
    load = Loader()
    cache.get("dep", load, addresses=[dep.address])
    assert not cache.following
    pay(algod, other, dep.address)
    assert cache.get("dep", load, addresses=[dep.address]) == 2


# ---- against a scripted node: inner app calls, read failures, the follower's recovery --------


def addr(n: int) -> str:
    return encoding.encode_address(bytes([n]) * 32)


@dataclass
class FakeAlgod:
    """Just the three algod calls ChainCache makes, serving scripted blocks."""

    blocks: dict[int, dict[str, Any]] = field(default_factory=dict)
    last: int = 1
    fail_blocks: int = 0  # the next n block reads fail
    fail_status: int = 0  # the next n status reads fail
    hold_blocks: threading.Event = field(default_factory=threading.Event)  # clear: reads hang
    block_reads: int = 0
    block_calls: int = 0  # block reads begun (some may hang)
    new_block: threading.Event = field(default_factory=threading.Event)

    def add(self, *txns: dict[str, Any]) -> None:
        self.last += 1
        self.blocks[self.last] = {"rnd": self.last, "txns": list(txns)}
        self.new_block.set()

    def __post_init__(self) -> None:
        self.hold_blocks.set()

    def status(self, **_: Any) -> dict[str, Any]:
        if self.fail_status:
            self.fail_status -= 1
            raise ConnectionError("node away")
        return {"last-round": self.last}

    def status_after_block(self, round_: int, timeout: float = 30, **_: Any) -> dict[str, Any]:
        if self.last <= round_ and not self.new_block.wait(timeout):
            raise TimeoutError("timed out")
        self.new_block.clear()
        return self.status()

    def block_info(self, round_: int, **_: Any) -> dict[str, Any]:
        self.block_calls += 1
        self.hold_blocks.wait(10)
        self.block_reads += 1
        if self.fail_blocks:
            self.fail_blocks -= 1
            raise ConnectionError("node away")
        return {"block": self.blocks.get(round_, {"rnd": round_})}


def appl(app_id: int, *inner: dict[str, Any]) -> dict[str, Any]:
    return {"txn": {"type": "appl", "snd": addr(9), "apid": app_id}, "dt": {"itx": list(inner)}}


def fake_cache(node: FakeAlgod, **kwargs: Any) -> ChainCache:
    return ChainCache(node, **kwargs)  # type: ignore[arg-type]


def test_watched_app_called_only_from_an_inner_transaction() -> None:
    node = FakeAlgod()
    cache = fake_cache(node, watch_app_ids=[77], follow=False)
    load = Loader()
    cache.get("k", load)
    node.add(appl(5, appl(6)))  # unwatched, nested
    assert cache.get("k", load) == 1
    node.add(appl(5, appl(6, appl(77))))  # the watched app, two levels down
    assert cache.get("k", load) == 2


def test_block_touches_reads_every_address_field() -> None:
    key = bytes([3]) * 32
    inner = {
        "txn": {
            "type": "axfer",
            "snd": addr(1),
            "asnd": addr(2),
            "arcv": base64.b64encode(key).decode(),  # base64 form is understood too
            "aclose": addr(4),
        }
    }
    deeper = {"txn": {"type": "afrz", "snd": addr(5), "fadd": addr(6)}}
    outer = {
        "txn": {"type": "appl", "snd": addr(7), "apid": 12, "apat": [addr(8)]},
        "dt": {"itx": [inner, appl(13, deeper)]},
    }
    pay_ = {"txn": {"type": "pay", "snd": addr(10), "rcv": addr(11), "close": addr(12)}}
    rekey = {"txn": {"type": "pay", "snd": addr(13), "rekey": addr(14)}}
    addresses, apps = block_touches({"txns": [outer, pay_, rekey]})
    assert addresses == {addr(n) for n in range(1, 15)}
    assert apps == {12, 13}
    assert block_touches({"rnd": 3}) == (set(), set())


def test_unreadable_block_drops_everything_and_nothing_is_kept_until_it_reads() -> None:
    node = FakeAlgod()
    cache = fake_cache(node, follow=False)
    load = Loader()
    cache.get("k", load)
    node.add({"txn": {"type": "pay", "snd": addr(1), "rcv": addr(2)}})
    node.fail_blocks = 3
    assert cache.get("k", load) == 2  # read afresh: the unread block may have changed it
    assert cache.get("k", load) == 3  # and not kept while that block stays unread
    assert cache.current_round == 1 and cache.lag == 1
    assert cache.get("k", load) == 4
    assert cache.get("k", load) == 4  # the block read at last: cached again
    assert cache.current_round == 2 and cache.lag == 0


def test_a_stuck_follower_does_not_stretch_the_bound() -> None:
    """Freshness counts the rounds the node has reported, not the blocks applied here: while
    the follower hangs on a block, a `get` asks the node's round itself and entries still age."""
    node = FakeAlgod()
    load = Loader()
    with fake_cache(node, max_staleness_rounds=3, poll_seconds=0.05) as cache:
        wait_until(lambda: cache.current_round == 1)
        assert cache.get("k", load) == 1
        node.hold_blocks.clear()  # block reads now hang until released
        node.add()
        wait_until(lambda: node.block_calls == 1)
        time.sleep(0.1)  # longer than a poll: the follower is stalled on block 2
        node.add()
        node.add()  # the node is at 4, the entry read at 1: 3 rounds old, still fresh
        assert cache.get("k", load) == 1
        node.add()  # at 5 it is 4 rounds old, though no block has been applied since
        assert cache.get("k", load) == 2
        assert cache.current_round == 1 and cache.lag == 4
        node.hold_blocks.set()
        wait_until(lambda: cache.current_round == 5)


def test_no_status_while_following_fails_is_chain_unavailable() -> None:
    node = FakeAlgod()
    cache = fake_cache(node, follow=False)
    load = Loader()
    cache.get("k", load)
    node.add()
    node.fail_blocks = 1
    assert cache.get("k", load) == 2
    node.fail_status = 1
    with pytest.raises(ChainUnavailable, match="status could not be read.*node away"):
        cache.get("k", load)
    assert load.calls == 2  # nothing served, nothing loaded


def test_far_behind_drops_everything_without_reading_blocks() -> None:
    node = FakeAlgod()
    cache = fake_cache(node, max_staleness_rounds=3, follow=False)
    load = Loader()
    cache.get("k", load)
    for _ in range(4):
        node.add()
    assert cache.get("k", load) == 2
    assert node.block_reads == 0
    assert cache.current_round == node.last


def test_follower_survives_errors(caplog: pytest.LogCaptureFixture) -> None:
    node = FakeAlgod()
    load = Loader()
    with fake_cache(node, poll_seconds=0.05) as cache:
        wait_until(lambda: cache.current_round == 1)
        cache.get("k", load, addresses=[addr(40)])
        node.fail_blocks = 2
        with caplog.at_level(logging.WARNING, logger="gridworks.identity.chain_cache"):
            node.add({"txn": {"type": "pay", "snd": addr(1), "rcv": addr(2)}})
            wait_until(lambda: cache.current_round == 2)
        assert cache.following
        assert len(cache) == 0  # cleared to be safe, although the block did not touch addr(40)
        assert "ConnectionError: node away" in caplog.text
        assert "cache cleared" in caplog.text


def test_caught_up_with_and_without_a_follower(algod, bystanders) -> None:
    a, b = bystanders
    with ChainCache(algod, follow=False) as still:
        paid = pay(algod, a, b.address)
        assert still.caught_up(paid) and still.current_round == paid
        assert not still.caught_up(paid + 5)  # no such round yet
    with ChainCache(algod, poll_seconds=0.2) as following:
        following.sync()
        paid = pay(algod, a, b.address)
        assert following.caught_up(paid, timeout=10)
        assert (following.current_round or 0) >= paid
        assert not following.caught_up(paid + 5, timeout=0.3)
