"""The next block's timestamp, set exactly, and empty rounds; refusals change nothing."""

from __future__ import annotations

import pytest
from snapshot_helpers import pay  # type: ignore[import-not-found]

from gridworks.sandbox import Network
from gridworks.sandbox.snapshots import MAX_ADVANCE_ROUNDS, SnapshotError


def test_the_next_block_gets_the_timestamp_exactly_once(fresh_chain: Network) -> None:
    net = fresh_chain
    assert net.sandbox is not None
    sandbox = net.sandbox
    dev = net.dev_accounts()
    last = sandbox.ledger.block(sandbox.ledger.round)["ts"]
    future = last + 86_400 * 365
    sandbox.set_next_timestamp(future)
    stamped = pay(net, dev[0], dev[1].address, 1)["confirmed-round"]
    assert net.algod.block_info(stamped)["block"]["ts"] == future
    after = pay(net, dev[0], dev[1].address, 1)["confirmed-round"]
    assert net.algod.block_info(after)["block"]["ts"] == future  # never before the last block
    sandbox.set_next_timestamp(future)  # equal to the last block's is allowed
    sandbox.advance(1)
    assert sandbox.ledger.block(sandbox.ledger.round)["ts"] == future


def test_a_timestamp_before_the_last_block_is_refused(fresh_chain: Network) -> None:
    net = fresh_chain
    assert net.sandbox is not None
    sandbox = net.sandbox
    last = sandbox.ledger.block(sandbox.ledger.round)["ts"]
    for bad in (last - 1, -5, 2**63, "soon", True, 1.5):
        with pytest.raises(SnapshotError) as info:
            sandbox.set_next_timestamp(bad)  # type: ignore[arg-type]
        assert info.value.status == 400
    with pytest.raises(SnapshotError, match=f"before the last block's \\({last}, round 0\\)"):
        sandbox.set_next_timestamp(last - 1)
    assert sandbox.ledger.next_timestamp is None
    sandbox.advance(1)
    assert sandbox.ledger.block(1)["ts"] >= last


def test_advance_adds_empty_blocks(fresh_chain: Network) -> None:
    net = fresh_chain
    assert net.sandbox is not None
    sandbox = net.sandbox
    accounts = dict(sandbox.ledger.state.accounts)
    assert sandbox.advance(25) == 25
    assert net.algod.status()["last-round"] == 25
    for round_ in (1, 13, 25):
        block = net.algod.block_info(round_)["block"]
        assert block["rnd"] == round_ and "txns" not in block
    timestamps = [sandbox.ledger.block(r)["ts"] for r in range(26)]
    assert timestamps == sorted(timestamps)
    assert sandbox.ledger.state.accounts == accounts  # empty blocks change no state
    # empty rounds are reverted like any others
    snapshot = sandbox.snapshot()
    sandbox.advance(10)
    sandbox.revert(snapshot.id)
    assert sandbox.ledger.round == 25


def test_bad_round_counts_are_refused_and_change_nothing(fresh_chain: Network) -> None:
    net = fresh_chain
    assert net.sandbox is not None
    sandbox = net.sandbox
    before = (sandbox.ledger.round, sandbox.ledger.state_digest())
    for bad in (0, -1, MAX_ADVANCE_ROUNDS + 1, "5", True, 2.0):
        with pytest.raises(SnapshotError, match="rounds must"):
            sandbox.advance(bad)  # type: ignore[arg-type]
    assert (sandbox.ledger.round, sandbox.ledger.state_digest()) == before
