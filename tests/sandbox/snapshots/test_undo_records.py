"""The pieces under a revert: kmd's trigger-written undo log (inserts, updates, deletes and
INSERT OR REPLACE) and the ledger's undo records of leases and txids."""

from __future__ import annotations

import pytest
from algosdk import transaction
from conftest import send
from snapshot_helpers import pay  # type: ignore[import-not-found]

from gridworks.sandbox import Network
from gridworks.sandbox.encoding import decode_address
from gridworks.sandbox.kmd.wallets import InvalidHandleError, WalletStore

PK = [bytes([i]) * 32 for i in range(1, 4)]


def wallet_contents(store: WalletStore, token: str) -> tuple[object, ...]:
    return (
        store.list_wallets(),
        store.list_keys(token),
        [store.export_multisig(token, a) for a in store.list_multisig(token)],
    )


def test_the_kmd_undo_log_reverses_every_kind_of_write() -> None:
    store = WalletStore(None)
    wallet = store.create_wallet("w", "pw")
    token = store.init_handle(wallet.id, "pw")
    store.generate_key(token)
    store.import_multisig(token, 1, 1, PK[:2])
    before = wallet_contents(store, token)
    position = store.undo_position()

    store.generate_key(token)  # insert, and next_index updated
    store.import_multisig(token, 1, 2, PK[:2])  # INSERT OR REPLACE of another preimage
    store.import_multisig(token, 1, 1, PK[:2])  # INSERT OR REPLACE of the same one
    first_key = store.list_keys(token)[0]
    store.delete_key(token, "pw", decode_address(first_key))  # delete
    store.rename_wallet(wallet.id, "pw", "renamed")  # update
    other = store.create_wallet("other", "")
    other_token = store.init_handle(other.id, "")
    assert wallet_contents(store, token) != before

    with store.reverting(position):
        pass

    assert wallet_contents(store, token) == before
    assert store.undo_position() == position
    with pytest.raises(InvalidHandleError):
        store.list_keys(other_token)
    # keys come back in their order and key generation goes on where it was
    second = store.generate_key(token)
    assert second not in before[1]
    store.close()


def test_a_failed_kmd_revert_is_rolled_back() -> None:
    store = WalletStore(None)
    wallet = store.create_wallet("w", "pw")
    token = store.init_handle(wallet.id, "pw")
    position = store.undo_position()
    store.generate_key(token)
    before = wallet_contents(store, token)
    with pytest.raises(RuntimeError), store.reverting(position):
        raise RuntimeError("the ledger's part failed")
    assert wallet_contents(store, token) == before
    assert store.undo_position() > position
    store.close()


def test_leases_and_txids_of_cut_rounds_are_put_back(fresh_chain: Network) -> None:
    net = fresh_chain
    assert net.sandbox is not None
    ledger = net.sandbox.ledger
    rich, other = net.dev_accounts()[:2]
    lease = b"L" * 32

    def leased(last_valid_in: int, amount: int) -> transaction.Transaction:
        params = net.algod.suggested_params()
        params.last = ledger.round + last_valid_in
        txn = transaction.PaymentTxn(rich.address, params, other.address, amount, lease=lease)
        return rich.sign(txn)

    send(net.algod, leased(2, 1))
    first_last_valid = ledger.store.lease_last_valid(decode_address(rich.address), lease)
    net.sandbox.advance(3)
    snapshot = net.sandbox.snapshot()
    later = leased(50, 2)
    send(net.algod, later)
    assert ledger.store.lease_last_valid(decode_address(rich.address), lease) != first_last_valid
    net.sandbox.revert(snapshot.id)
    assert ledger.store.lease_last_valid(decode_address(rich.address), lease) == first_last_valid
    send(net.algod, later)  # its lease and txid are free again
    # a block's txids outlive the in-memory cache of recent confirmations
    kept = pay(net, rich, other.address, 3)
    snapshot = net.sandbox.snapshot()
    pay(net, rich, other.address, 4)
    net.sandbox.revert(snapshot.id)
    ledger._recent.clear()
    assert net.algod.pending_transaction_info(kept["txid"])["confirmed-round"] == snapshot.round
