"""Atomic transaction groups through algod's API: all or nothing, pooled fees, group ids."""

from __future__ import annotations

import base64
import copy
from collections.abc import Callable
from typing import Any

import msgpack
from algosdk import account, encoding, transaction
from algosdk.atomic_transaction_composer import (
    AccountTransactionSigner,
    sign_transaction_with_signer,
)
from algosdk.v2client.algod import AlgodClient
from conftest import rejected, send

from gridworks.sandbox import DevAccount

FEE = 1_000
FUNDS = 10_000_000

Factory = Callable[..., DevAccount]


def sp(algod: AlgodClient, fee: int = FEE) -> transaction.SuggestedParams:
    params = algod.suggested_params()
    params.flat_fee = True
    params.fee = fee
    return params


def pay(
    algod: AlgodClient, sender: DevAccount, receiver: DevAccount, amount: int, **kw: Any
) -> transaction.PaymentTxn:
    fee = kw.pop("fee", FEE)
    return transaction.PaymentTxn(sender.address, sp(algod, fee), receiver.address, amount, **kw)


def sign(txn: transaction.Transaction, private_key: str) -> transaction.SignedTransaction:
    return sign_transaction_with_signer(txn, AccountTransactionSigner(private_key))


def balance(algod: AlgodClient, who: DevAccount) -> int:
    return algod.account_info(who.address)["amount"]


def group_id(txns: list[transaction.Transaction]) -> bytes:
    """algosdk's `calculate_group_id`, without its client-side limit of 16."""
    txids = [
        encoding.checksum(b"TX" + base64.b64decode(encoding.msgpack_encode(txn))) for txn in txns
    ]
    return encoding.checksum(b"TG" + msgpack.packb({"txlist": txids}, use_bin_type=True))


def test_a_group_of_three_applies_all_in_one_round(
    algod: AlgodClient, account_factory: Factory
) -> None:
    a, b, c = account_factory(), account_factory(), account_factory()
    txns = [
        pay(algod, a, b, 1_000_000),
        pay(algod, b, c, 2_000_000),
        pay(algod, c, a, 500_000),
    ]
    transaction.assign_group_id(txns)
    infos = send(algod, *(sign(t, who.private_key) for t, who in zip(txns, (a, b, c), strict=True)))

    assert len({info["confirmed-round"] for info in infos}) == 1
    assert all(
        info["txn"]["txn"]["grp"] == base64.b64encode(txns[0].group).decode() for info in infos
    )
    assert balance(algod, a) == FUNDS - 1_000_000 - FEE + 500_000
    assert balance(algod, b) == FUNDS + 1_000_000 - 2_000_000 - FEE
    assert balance(algod, c) == FUNDS + 2_000_000 - 500_000 - FEE


def test_a_failing_second_transaction_leaves_everything_unchanged(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    a, b, c = account_factory(), account_factory(), account_factory()
    txns = [pay(algod, a, b, 1_000_000), pay(algod, b, c, FUNDS + 1_000_000)]
    transaction.assign_group_id(txns)
    signed = [sign(txns[0], a.private_key), sign(txns[1], b.private_key)]
    with unchanged(a.address, b.address, c.address):
        message = rejected(algod, *signed)
    assert "overspend" in message
    assert b.address in message
    assert [balance(algod, x) for x in (a, b, c)] == [FUNDS, FUNDS, FUNDS]


def test_fees_are_pooled_across_the_group(algod: AlgodClient, account_factory: Factory) -> None:
    a, b = account_factory(), account_factory()
    txns = [pay(algod, a, b, 10_000, fee=2 * FEE), pay(algod, b, a, 3_000, fee=0)]
    transaction.assign_group_id(txns)
    send(algod, sign(txns[0], a.private_key), sign(txns[1], b.private_key))
    assert balance(algod, a) == FUNDS - 10_000 - 2 * FEE + 3_000
    assert balance(algod, b) == FUNDS + 10_000 - 3_000


def test_pooled_fees_below_the_minimum_are_refused(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    a, b = account_factory(), account_factory()
    txns = [pay(algod, a, b, 10_000, fee=FEE + 999), pay(algod, b, a, 3_000, fee=0)]
    transaction.assign_group_id(txns)
    with unchanged(a.address, b.address):
        message = rejected(algod, sign(txns[0], a.private_key), sign(txns[1], b.private_key))
    # go-algorand v5's text (usage in min fees, amounts as MicroAlgos.String)
    assert "txgroup with 1.999mA fees is less than 2mA (usage=2.000000 * base=1mA)" in message


def test_a_single_transaction_below_the_minimum_fee_is_refused(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    a, b = account_factory(), account_factory()
    with unchanged(a.address, b.address):
        message = rejected(algod, sign(pay(algod, a, b, 1, fee=FEE - 1), a.private_key))
    assert "txgroup with 999uA fees is less than 1mA (usage=1.000000 * base=1mA)" in message


def test_transactions_sent_together_without_a_group_id_are_refused(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    a, b = account_factory(), account_factory()
    signed = [
        sign(pay(algod, a, b, 1_000), a.private_key),
        sign(pay(algod, b, a, 2_000), b.private_key),
    ]
    with unchanged(a.address, b.address):
        message = rejected(algod, *signed)
    assert "transactionGroup: [0] had zero Group but was submitted in a group of 2" in message


def test_a_group_id_that_does_not_match_the_transactions_sent_is_refused(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    a, b, c = account_factory(), account_factory(), account_factory()
    txns = [pay(algod, a, b, 1_000), pay(algod, b, c, 1_000), pay(algod, c, a, 1_000)]
    transaction.assign_group_id(txns)
    # Only two of the three: the group id commits to all three.
    with unchanged(a.address, b.address, c.address):
        message = rejected(algod, sign(txns[0], a.private_key), sign(txns[1], b.private_key))
    assert "transactionGroup: incomplete group" in message
    # The same three in another order make another group.
    with unchanged(a.address, b.address, c.address):
        message = rejected(
            algod,
            sign(txns[1], b.private_key),
            sign(txns[0], a.private_key),
            sign(txns[2], c.private_key),
        )
    assert "transactionGroup: incomplete group" in message


def test_transactions_carrying_different_group_ids_are_refused(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    a, b = account_factory(), account_factory()
    first = [pay(algod, a, b, 1_000), pay(algod, b, a, 1_000, note=b"first")]
    second = [pay(algod, a, b, 2_000), pay(algod, b, a, 2_000, note=b"second")]
    transaction.assign_group_id(first)
    transaction.assign_group_id(second)
    with unchanged(a.address, b.address):
        message = rejected(algod, sign(first[0], a.private_key), sign(second[1], b.private_key))
    assert "transactionGroup: inconsistent group values" in message


def test_a_group_of_seventeen_is_refused(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    a = account_factory()
    txns = [pay(algod, a, a, 0, note=f"{i}".encode()) for i in range(17)]
    gid = group_id(txns)
    for txn in txns:
        txn.group = gid
    with unchanged(a.address):
        message = rejected(algod, *(sign(t, a.private_key) for t in txns))
    assert "group size" in message


def test_a_group_of_sixteen_is_accepted(algod: AlgodClient, account_factory: Factory) -> None:
    a, b = account_factory(), account_factory()
    txns = [pay(algod, a, b, i, note=f"{i}".encode()) for i in range(1, 17)]
    assert group_id(txns) == transaction.calculate_group_id(txns)
    transaction.assign_group_id(txns)
    send(algod, *(sign(t, a.private_key) for t in txns))
    assert balance(algod, b) == FUNDS + sum(range(1, 17))
    assert balance(algod, a) == FUNDS - sum(range(1, 17)) - 16 * FEE


def test_the_same_transaction_twice_in_a_group_is_refused(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    a, b = account_factory(), account_factory()
    txn = pay(algod, a, b, 1_000)
    twin = copy.deepcopy(txn)
    transaction.assign_group_id([txn, twin])
    assert txn.get_txid() == twin.get_txid()
    signed = sign(txn, a.private_key)
    with unchanged(a.address, b.address):
        message = rejected(algod, signed, signed)
    # algod: "transaction already in ledger" (newer: "transactionGroup: duplicate transaction")
    assert "already in ledger" in message or "duplicate" in message


def test_resending_a_confirmed_transaction_is_refused(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    a, b = account_factory(), account_factory()
    signed = sign(pay(algod, a, b, 1_000), a.private_key)
    send(algod, signed)
    with unchanged(a.address, b.address):
        message = rejected(algod, signed)
    assert "already in ledger" in message
    assert balance(algod, b) == FUNDS + 1_000


def test_a_dead_transaction_sinks_its_whole_group(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    a, b = account_factory(), account_factory()
    expired = sp(algod)
    expired.first, expired.last = 1, 1
    txns = [
        pay(algod, a, b, 1_000),
        transaction.PaymentTxn(b.address, expired, a.address, 1_000),
    ]
    transaction.assign_group_id(txns)
    with unchanged(a.address, b.address):
        message = rejected(algod, sign(txns[0], a.private_key), sign(txns[1], b.private_key))
    assert "txn dead" in message
    assert "outside of 1--1" in message


def test_a_rekey_earlier_in_the_group_changes_who_signs_later(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    a, b = account_factory(), account_factory()
    new_sk, new_addr = account.generate_account()

    # Signed by the old key after the rekey in the same group: refused, and nothing applies.
    txns = [pay(algod, a, a, 0, rekey_to=new_addr), pay(algod, a, b, 5_000)]
    transaction.assign_group_id(txns)
    with unchanged(a.address, b.address):
        message = rejected(algod, sign(txns[0], a.private_key), sign(txns[1], a.private_key))
    assert f"should have been authorized by {new_addr}" in message
    assert "auth-addr" not in algod.account_info(a.address)

    # Signed by the new key: both apply.
    txns = [pay(algod, a, a, 0, rekey_to=new_addr), pay(algod, a, b, 5_000, note=b"2")]
    transaction.assign_group_id(txns)
    send(algod, sign(txns[0], a.private_key), sign(txns[1], new_sk))
    assert algod.account_info(a.address)["auth-addr"] == new_addr
    assert balance(algod, a) == FUNDS - 5_000 - 2 * FEE
    assert balance(algod, b) == FUNDS + 5_000
