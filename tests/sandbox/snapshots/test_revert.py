"""Snapshot and revert over the whole sandbox: balances, apps, boxes, local state, assets, kmd
wallets and keys, blocks and the round; confirmed transactions of the state returned to stay."""

from __future__ import annotations

import pytest
from algosdk import account, transaction
from algosdk.error import AlgodHTTPError, KMDHTTPError
from conftest import send
from snapshot_helpers import (  # type: ignore[import-not-found]
    call_app,
    create_app,
    create_asset,
    default_handle,
    exists,
    opt_in_app,
    pay,
    picture,
)

from gridworks.sandbox import Network
from gridworks.sandbox.encoding import decode_txid
from gridworks.sandbox.ledger import rewind
from gridworks.sandbox.snapshots import UnknownSnapshot


def test_revert_restores_every_part_of_the_state(fresh_chain: Network) -> None:
    net = fresh_chain
    assert net.sandbox is not None
    rich, other = net.dev_accounts()[:2]
    app_id = create_app(net, rich)
    call_app(net, rich, app_id, b"before")
    asset_id = create_asset(net, rich, "kept")
    kept_payment = pay(net, rich, other.address, 1_234)
    kept_txid = kept_payment["txid"]
    kept_round = kept_payment["confirmed-round"]
    addresses = [rich.address, other.address]
    before = picture(net, addresses, [app_id, app_id + 100])
    snapshot = net.sandbox.snapshot()

    # after the snapshot: every kind of change
    stranger = account.generate_account()[1]
    cut_payment = pay(net, rich, stranger, 500_000)
    call_app(net, rich, app_id, b"after!")
    opt_in_app(net, other, app_id)
    second_app = create_app(net, other)
    call_app(net, other, second_app, b"new")
    new_asset = create_asset(net, other, "cut")
    opt_in = transaction.AssetOptInTxn(other.address, net.algod.suggested_params(), asset_id)
    send(net.algod, other.sign(opt_in))
    handle = default_handle(net)
    net.kmd.generate_key(handle)
    net.kmd.import_multisig(handle, transaction.Multisig(1, 1, [rich.address, other.address]))
    net.kmd.create_wallet("made-after", "pw")
    assert picture(net, addresses, [app_id, app_id + 100]) != before

    reverted = net.sandbox.revert(snapshot.id)

    assert reverted == snapshot
    assert picture(net, addresses, [app_id, app_id + 100]) == before
    assert not exists(net.algod.account_info, stranger) or net.balance(stranger) == 0
    assert not exists(net.algod.application_info, second_app)
    assert not exists(net.algod.asset_info, new_asset)
    assert net.algod.asset_info(asset_id)["params"]["name"] == "kept"
    assert net.algod.status()["last-round"] == snapshot.round
    assert not exists(net.algod.block_info, snapshot.round + 1)
    # the confirmed transactions of the state returned to are still found; the cut ones not
    found = net.algod.pending_transaction_info(kept_txid)
    assert isinstance(found, dict) and found["confirmed-round"] == kept_round
    block = net.algod.block_info(kept_round)
    assert isinstance(block, dict) and len(block["block"]["txns"]) == 1
    cut_txid = cut_payment["txid"]
    with pytest.raises(AlgodHTTPError) as info:
        net.algod.pending_transaction_info(cut_txid)
    assert info.value.code == 404
    assert net.sandbox.ledger.confirmed(decode_txid(cut_txid)) is None
    net.kmd.release_wallet_handle(handle)


def test_the_chain_goes_on_after_a_revert(fresh_chain: Network) -> None:
    net = fresh_chain
    assert net.sandbox is not None
    rich = net.dev_accounts()[0]
    receiver = account.generate_account()[1]
    snapshot = net.sandbox.snapshot()
    txn = transaction.PaymentTxn(rich.address, net.algod.suggested_params(), receiver, 200_000)
    signed = rich.sign(txn)
    send(net.algod, signed)
    net.sandbox.revert(snapshot.id)
    # the cut transaction was forgotten: the same signed transaction is accepted again
    confirmed = send(net.algod, signed)[0]
    assert confirmed["confirmed-round"] == snapshot.round + 1
    assert net.balance(receiver) == 200_000


def test_revert_keeps_its_snapshot_and_drops_later_ones(fresh_chain: Network) -> None:
    net = fresh_chain
    assert net.sandbox is not None
    sandbox = net.sandbox
    rich = net.dev_accounts()[0]
    receiver = account.generate_account()[1]
    first = sandbox.snapshot()
    pay(net, rich, receiver, 100_000)
    second = sandbox.snapshot()
    pay(net, rich, receiver, 100_000)
    third = sandbox.snapshot()
    pay(net, rich, receiver, 100_000)

    assert sandbox.time_machine.revert(second.id) == (second, [third.id])
    assert net.balance(receiver) == 100_000
    ids = [s.id for s in sandbox.snapshots()]
    assert first.id in ids and second.id in ids and third.id not in ids
    with pytest.raises(UnknownSnapshot, match=f"snapshot {third.id} does not exist"):
        sandbox.revert(third.id)
    pay(net, rich, receiver, 7)
    sandbox.revert(second.id)  # again: it was kept
    assert net.balance(receiver) == 100_000
    sandbox.revert(first.id)
    assert not exists(net.algod.account_info, receiver) or net.balance(receiver) == 0


def test_a_handle_on_a_wallet_that_no_longer_exists_is_dropped(fresh_chain: Network) -> None:
    net = fresh_chain
    assert net.sandbox is not None
    kept = default_handle(net)
    snapshot = net.sandbox.snapshot()
    wallet = net.kmd.create_wallet("short-lived", "pw")
    handle = net.kmd.init_wallet_handle(wallet["id"], "pw")
    net.kmd.generate_key(handle)
    net.sandbox.revert(snapshot.id)
    with pytest.raises(KMDHTTPError, match="does not exist or has expired"):
        net.kmd.list_keys(handle)
    assert "short-lived" not in [w["name"] for w in net.kmd.list_wallets()]
    assert len(net.kmd.list_keys(kept)) == 3  # the dev wallet's handle stays valid
    net.kmd.release_wallet_handle(kept)


def test_a_revert_that_fails_changes_nothing(
    fresh_chain: Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    net = fresh_chain
    assert net.sandbox is not None
    rich = net.dev_accounts()[0]
    snapshot = net.sandbox.snapshot()
    pay(net, rich, account.generate_account()[1], 300_000)
    handle = default_handle(net)
    net.kmd.generate_key(handle)
    net.kmd.release_wallet_handle(handle)
    before = picture(net, [rich.address], [])

    def broken(db: object, round_: int) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(rewind, "forget_after", broken)
    with pytest.raises(RuntimeError, match="disk on fire"):
        net.sandbox.revert(snapshot.id)
    assert picture(net, [rich.address], []) == before
    assert [s.id for s in net.sandbox.snapshots()][-1] == snapshot.id
    monkeypatch.undo()
    net.sandbox.revert(snapshot.id)
    assert net.sandbox.ledger.round == snapshot.round
