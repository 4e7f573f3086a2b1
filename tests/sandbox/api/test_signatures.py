"""Who may sign: plain signatures, rekeying, multisig and logic signatures, through algod's API."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest
from algosdk import account, transaction
from algosdk.atomic_transaction_composer import (
    AccountTransactionSigner,
    MultisigTransactionSigner,
    sign_transaction_with_signer,
)
from algosdk.v2client.algod import AlgodClient
from conftest import rejected, send

from gridworks.sandbox import DevAccount

FEE = 1_000
FUNDS = 10_000_000

Factory = Callable[..., DevAccount]


def sp(algod: AlgodClient) -> transaction.SuggestedParams:
    params = algod.suggested_params()
    params.flat_fee = True
    params.fee = FEE
    return params


def sign(txn: transaction.Transaction, private_key: str) -> transaction.SignedTransaction:
    """algosdk's signing: adds `sgnr` (authorizing_address) when the key is not the sender's."""
    return sign_transaction_with_signer(txn, AccountTransactionSigner(private_key))


def pay(
    algod: AlgodClient, sender: str, receiver: str, amount: int, **kw: Any
) -> transaction.PaymentTxn:
    return transaction.PaymentTxn(sender, sp(algod), receiver, amount, **kw)


def balance(algod: AlgodClient, address: str) -> int:
    return algod.account_info(address)["amount"]


def keys(n: int) -> list[tuple[str, str]]:
    """n fresh (private key, address) pairs, in a stable order."""
    return [account.generate_account() for _ in range(n)]


def multisig_2_of_3() -> tuple[transaction.Multisig, list[str]]:
    members = keys(3)
    msig = transaction.Multisig(1, 2, [address for _, address in members])
    return msig, [sk for sk, _ in members]


def msig_sign(
    txn: transaction.Transaction, msig: transaction.Multisig, private_keys: list[str]
) -> transaction.MultisigTransaction:
    # A fresh copy each time: algosdk stores the signatures inside the Multisig object.
    signer = MultisigTransactionSigner(msig.get_multisig_account(), private_keys)
    return sign_transaction_with_signer(txn, signer)


# plain signatures ---------------------------------------------------------------------------


def test_a_tampered_signature_is_refused(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    alice, bob = account_factory(), account_factory()
    signed = sign(pay(algod, alice.address, bob.address, 1_000), alice.private_key)
    sig = bytearray(base64.b64decode(signed.signature))
    sig[10] ^= 0x01
    signed.signature = base64.b64encode(bytes(sig)).decode()
    with unchanged(alice.address, bob.address):
        message = rejected(algod, signed)
    assert "At least one signature didn't pass verification" in message


def test_a_transaction_changed_after_signing_is_refused(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    alice, bob = account_factory(), account_factory()
    signed = sign(pay(algod, alice.address, bob.address, 1_000), alice.private_key)
    signed.transaction.amt = 5_000_000
    with unchanged(alice.address, bob.address):
        message = rejected(algod, signed)
    assert "At least one signature didn't pass verification" in message


def test_a_signature_by_another_key_is_refused(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    alice, mallory = account_factory(), account_factory()
    txn = pay(algod, alice.address, mallory.address, 1_000_000)

    # Mallory's signature, passed off as Alice's (no sgnr): it does not verify.
    sig = sign(txn, mallory.private_key).signature
    with unchanged(alice.address, mallory.address):
        message = rejected(algod, transaction.SignedTransaction(txn, sig))
    assert "At least one signature didn't pass verification" in message

    # Mallory's signature, honestly labelled (algosdk sets sgnr): valid, but not Alice's.
    signed = sign(txn, mallory.private_key)
    assert signed.authorizing_address == mallory.address
    with unchanged(alice.address, mallory.address):
        message = rejected(algod, signed)
    assert f"should have been authorized by {alice.address}" in message
    assert mallory.address in message


def test_a_transaction_without_any_signature_is_refused(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    alice, bob = account_factory(), account_factory()
    unsigned = transaction.SignedTransaction(pay(algod, alice.address, bob.address, 1), None)
    with unchanged(alice.address, bob.address):
        message = rejected(algod, unsigned)
    assert "signedtxn has no sig" in message


# rekeying -----------------------------------------------------------------------------------


def test_rekey_moves_signing_authority_and_rekey_to_self_restores_it(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    alice, bob = account_factory(), account_factory()
    new_sk, new_addr = account.generate_account()  # the new key needs no Algos of its own

    send(
        algod,
        sign(pay(algod, alice.address, alice.address, 0, rekey_to=new_addr), alice.private_key),
    )
    assert algod.account_info(alice.address)["auth-addr"] == new_addr
    assert balance(algod, alice.address) == FUNDS - FEE

    # Alice's own key no longer works.
    with unchanged(alice.address, bob.address):
        message = rejected(
            algod, sign(pay(algod, alice.address, bob.address, 1_000), alice.private_key)
        )
    assert f"should have been authorized by {new_addr}" in message
    assert f"actually authorized by {alice.address}" in message

    # The new key signs for her; algosdk labels the signature with the signer (sgnr).
    signed = sign(pay(algod, alice.address, bob.address, 2_000), new_sk)
    assert signed.authorizing_address == new_addr
    info = send(algod, signed)[0]
    assert info["txn"]["sgnr"] == new_addr
    assert balance(algod, alice.address) == FUNDS - 2 * FEE - 2_000
    assert balance(algod, bob.address) == FUNDS + 2_000

    # Rekeying back to herself clears the auth address.
    back = pay(algod, alice.address, alice.address, 0, rekey_to=alice.address)
    send(algod, sign(back, new_sk))
    assert "auth-addr" not in algod.account_info(alice.address)

    with unchanged(alice.address, bob.address):
        message = rejected(algod, sign(pay(algod, alice.address, bob.address, 1), new_sk))
    assert f"should have been authorized by {alice.address}" in message
    send(algod, sign(pay(algod, alice.address, bob.address, 3_000), alice.private_key))
    assert balance(algod, alice.address) == FUNDS - 4 * FEE - 5_000
    assert balance(algod, bob.address) == FUNDS + 5_000


def test_a_rekeyed_account_can_rekey_again_only_with_its_current_key(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    alice = account_factory()
    (first_sk, first), (second_sk, second) = keys(2)
    send(
        algod, sign(pay(algod, alice.address, alice.address, 0, rekey_to=first), alice.private_key)
    )
    with unchanged(alice.address):
        message = rejected(
            algod, sign(pay(algod, alice.address, alice.address, 0, rekey_to=second), second_sk)
        )
    assert f"should have been authorized by {first}" in message
    send(algod, sign(pay(algod, alice.address, alice.address, 0, rekey_to=second), first_sk))
    assert algod.account_info(alice.address)["auth-addr"] == second


# multisig -----------------------------------------------------------------------------------


def fund(algod: AlgodClient, funder: DevAccount, address: str, amount: int) -> None:
    send(algod, sign(pay(algod, funder.address, address, amount), funder.private_key))


def test_multisig_2_of_3_is_accepted(algod: AlgodClient, account_factory: Factory) -> None:
    funder, bob = account_factory(), account_factory()
    msig, sks = multisig_2_of_3()
    fund(algod, funder, msig.address(), 1_000_000)

    signed = msig_sign(pay(algod, msig.address(), bob.address, 250_000), msig, [sks[0], sks[2]])
    info = send(algod, signed)[0]

    assert len([s for s in info["txn"]["msig"]["subsig"] if "s" in s]) == 2
    assert balance(algod, msig.address()) == 1_000_000 - 250_000 - FEE
    assert balance(algod, bob.address) == FUNDS + 250_000


def test_multisig_with_fewer_signatures_than_the_threshold_is_refused(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    funder, bob = account_factory(), account_factory()
    msig, sks = multisig_2_of_3()
    fund(algod, funder, msig.address(), 1_000_000)
    signed = msig_sign(pay(algod, msig.address(), bob.address, 250_000), msig, [sks[1]])
    with unchanged(msig.address(), bob.address):
        message = rejected(algod, signed)
    assert "multisig validation failed" in message


def test_multisig_subsigs_in_another_order_are_refused(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    """The order of the keys is part of the address: the same keys reordered are another one."""
    funder, bob = account_factory(), account_factory()
    msig, sks = multisig_2_of_3()
    fund(algod, funder, msig.address(), 1_000_000)
    signed = msig_sign(pay(algod, msig.address(), bob.address, 250_000), msig, sks[:2])
    subsigs = signed.multisig.subsigs
    signed.multisig.subsigs = [subsigs[1], subsigs[0], subsigs[2]]
    assert signed.multisig.address() != msig.address()
    with unchanged(msig.address(), bob.address):
        message = rejected(algod, signed)
    assert "multisig validation failed" in message


def test_multisig_with_a_forged_subsignature_is_refused(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    funder, bob = account_factory(), account_factory()
    msig, sks = multisig_2_of_3()
    fund(algod, funder, msig.address(), 1_000_000)
    signed = msig_sign(pay(algod, msig.address(), bob.address, 250_000), msig, sks[:2])
    forged = bytearray(signed.multisig.subsigs[1].signature)
    forged[0] ^= 0x01
    signed.multisig.subsigs[1].signature = bytes(forged)
    with unchanged(msig.address(), bob.address):
        message = rejected(algod, signed)
    assert "At least one signature didn't pass verification" in message


def test_an_all_zero_subsignature_counts_as_no_signature(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    """algod reads a zeroed signature as blank: it neither counts nor fails verification."""
    funder, bob = account_factory(), account_factory()
    msig, sks = multisig_2_of_3()
    fund(algod, funder, msig.address(), 1_000_000)

    one = msig_sign(pay(algod, msig.address(), bob.address, 1_000), msig, [sks[0]])
    one.multisig.subsigs[2].signature = bytes(64)
    with unchanged(msig.address(), bob.address):
        message = rejected(algod, one)
    assert "multisig validation failed" in message

    two = msig_sign(pay(algod, msig.address(), bob.address, 2_000), msig, sks[:2])
    two.multisig.subsigs[2].signature = bytes(64)
    send(algod, two)
    assert balance(algod, msig.address()) == 1_000_000 - 2_000 - FEE
    assert balance(algod, bob.address) == FUNDS + 2_000


def test_an_all_zero_signature_is_no_signature(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    alice, bob = account_factory(), account_factory()
    blank = base64.b64encode(bytes(64)).decode()
    signed = transaction.SignedTransaction(pay(algod, alice.address, bob.address, 1), blank)
    with unchanged(alice.address, bob.address):
        message = rejected(algod, signed)
    assert "signedtxn has no sig" in message


def test_multisig_version_2_is_refused(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    funder, bob = account_factory(), account_factory()
    msig, sks = multisig_2_of_3()
    fund(algod, funder, msig.address(), 1_000_000)
    signed = msig_sign(pay(algod, msig.address(), bob.address, 250_000), msig, sks[:2])
    signed.multisig.version = 2  # algosdk refuses to sign for it, so change it afterwards
    with unchanged(msig.address(), bob.address):
        message = rejected(algod, signed)
    assert "multisig validation failed" in message
    assert "unknown version" in message


def test_a_rekeyed_account_signed_by_its_multisig_auth_addr(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    alice, bob = account_factory(), account_factory()
    msig, sks = multisig_2_of_3()
    rekey = pay(algod, alice.address, alice.address, 0, rekey_to=msig.address())
    send(algod, sign(rekey, alice.private_key))
    assert algod.account_info(alice.address)["auth-addr"] == msig.address()

    signed = msig_sign(pay(algod, alice.address, bob.address, 7_000), msig, [sks[1], sks[2]])
    assert signed.auth_addr == msig.address()  # algosdk adds sgnr for a rekeyed sender
    send(algod, signed)
    assert balance(algod, alice.address) == FUNDS - 2 * FEE - 7_000
    assert balance(algod, bob.address) == FUNDS + 7_000

    with unchanged(alice.address, bob.address):
        message = rejected(
            algod, sign(pay(algod, alice.address, bob.address, 1), alice.private_key)
        )
    assert f"should have been authorized by {msig.address()}" in message
    with unchanged(alice.address, bob.address):
        message = rejected(
            algod, msig_sign(pay(algod, alice.address, bob.address, 1), msig, [sks[0]])
        )
    assert "multisig validation failed" in message


@pytest.mark.parametrize("threshold", [1, 3])
def test_multisig_thresholds_at_the_edges(
    algod: AlgodClient, account_factory: Factory, threshold: int
) -> None:
    funder, bob = account_factory(), account_factory()
    members = keys(3)
    msig = transaction.Multisig(1, threshold, [address for _, address in members])
    fund(algod, funder, msig.address(), 500_000)
    signers = [sk for sk, _ in members][:threshold]
    send(algod, msig_sign(pay(algod, msig.address(), bob.address, 10_000), msig, signers))
    assert balance(algod, msig.address()) == 500_000 - 10_000 - FEE
