"""Key registration through algod's API: online with participation keys, offline, opted out."""

from __future__ import annotations

import base64
import os
from collections.abc import Callable

from algosdk import transaction
from algosdk.atomic_transaction_composer import (
    AccountTransactionSigner,
    sign_transaction_with_signer,
)
from algosdk.v2client.algod import AlgodClient
from conftest import rejected, send

from gridworks.sandbox import DevAccount

FEE = 1_000
FUNDS = 10_000_000
KEY_DILUTION = 10_000

Factory = Callable[..., DevAccount]


def sp(algod: AlgodClient) -> transaction.SuggestedParams:
    params = algod.suggested_params()
    params.flat_fee = True
    params.fee = FEE
    return params


def sign(txn: transaction.Transaction, who: DevAccount) -> transaction.SignedTransaction:
    return sign_transaction_with_signer(txn, AccountTransactionSigner(who.private_key))


def random_key(size: int) -> str:
    return base64.b64encode(os.urandom(size)).decode()


def online_txn(
    algod: AlgodClient, who: DevAccount, vote_first: int | None = None, vote_last: int | None = None
) -> tuple[transaction.KeyregOnlineTxn, dict[str, object]]:
    """A keyreg taking `who` online, and the `participation` JSON algod should then report."""
    params = sp(algod)
    first = params.first if vote_first is None else vote_first
    last = params.first + 3_000_000 if vote_last is None else vote_last
    votekey, selkey, sprfkey = random_key(32), random_key(32), random_key(64)
    txn = transaction.KeyregOnlineTxn(
        who.address, params, votekey, selkey, first, last, KEY_DILUTION, sprfkey=sprfkey
    )
    participation = {
        "selection-participation-key": selkey,
        "state-proof-key": sprfkey,
        "vote-first-valid": first,
        "vote-key-dilution": KEY_DILUTION,
        "vote-last-valid": last,
        "vote-participation-key": votekey,
    }
    return txn, participation


def test_a_fresh_account_is_offline(algod: AlgodClient, account_factory: Factory) -> None:
    info = algod.account_info(account_factory().address)
    assert info["status"] == "Offline"
    assert "participation" not in info


def test_going_online_registers_the_participation_keys(
    algod: AlgodClient, account_factory: Factory
) -> None:
    who = account_factory()
    txn, participation = online_txn(algod, who)
    info = send(algod, sign(txn, who))[0]

    assert info["txn"]["txn"]["type"] == "keyreg"
    acct = algod.account_info(who.address)
    assert acct["status"] == "Online"
    assert acct["participation"] == participation
    assert acct["amount"] == FUNDS - FEE


def test_going_offline_clears_the_participation_keys(
    algod: AlgodClient, account_factory: Factory
) -> None:
    who = account_factory()
    send(algod, sign(online_txn(algod, who)[0], who))
    assert algod.account_info(who.address)["status"] == "Online"

    send(algod, sign(transaction.KeyregOfflineTxn(who.address, sp(algod)), who))

    acct = algod.account_info(who.address)
    assert acct["status"] == "Offline"
    assert "participation" not in acct
    assert acct["amount"] == FUNDS - 2 * FEE


def test_new_keys_replace_the_old_ones(algod: AlgodClient, account_factory: Factory) -> None:
    who = account_factory()
    send(algod, sign(online_txn(algod, who)[0], who))
    txn, participation = online_txn(algod, who)
    send(algod, sign(txn, who))
    assert algod.account_info(who.address)["participation"] == participation


def test_nonparticipating_is_final(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    who = account_factory()
    send(algod, sign(online_txn(algod, who)[0], who))
    send(algod, sign(transaction.KeyregNonparticipatingTxn(who.address, sp(algod)), who))

    acct = algod.account_info(who.address)
    assert acct["status"] == "NotParticipating"
    assert "participation" not in acct
    assert acct["amount"] == FUNDS - 2 * FEE

    # A non-participating account can never come online (or go offline) again.
    with unchanged(who.address):
        message = rejected(algod, sign(online_txn(algod, who)[0], who))
    assert "cannot change online/offline status of non-participating account" in message
    with unchanged(who.address):
        message = rejected(algod, sign(transaction.KeyregOfflineTxn(who.address, sp(algod)), who))
    assert "non-participating" in message
    assert algod.account_info(who.address)["status"] == "NotParticipating"


def test_a_keyreg_whose_first_voting_round_is_after_its_last_is_refused(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    who = account_factory()
    first = algod.status()["last-round"] + 1
    txn, _ = online_txn(algod, who, vote_first=first + 10, vote_last=first + 5)
    with unchanged(who.address):
        message = rejected(algod, sign(txn, who))
    assert "first voting round" in message
    assert algod.account_info(who.address)["status"] == "Offline"


def test_going_online_with_keys_that_already_expired_is_refused(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    who = account_factory()
    last_round = algod.status()["last-round"]
    txn, _ = online_txn(algod, who, vote_first=0, vote_last=last_round + 1)
    with unchanged(who.address):
        message = rejected(algod, sign(txn, who))
    assert "last voting round in the past" in message


def test_going_online_with_a_first_voting_round_beyond_the_next_round_is_refused(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    who = account_factory()
    next_round = algod.status()["last-round"] + 1
    txn, _ = online_txn(algod, who, vote_first=next_round + 2, vote_last=next_round + 100)
    with unchanged(who.address):
        message = rejected(algod, sign(txn, who))
    assert "first voting round beyond the next voting round" in message
