"""`pay` applied to an in-memory state: Algos move, a close-out empties and forgets the account."""

from __future__ import annotations

from mock_ledger import ALGO, ALICE, BOB, CAROL, FEE_SINK, MockLedger, txn

from gridworks.sandbox.encoding import ZERO_ADDRESS, encode_address
from gridworks.sandbox.ledger.apply.payment import apply_payment
from gridworks.sandbox.ledger.records import Account
from gridworks.sandbox.ledger.transaction import U64_MAX


def test_a_payment_moves_the_amount() -> None:
    ledger = MockLedger().fund(ALICE, 5 * ALGO).fund(BOB, 1 * ALGO)
    ad = ledger.apply(apply_payment, txn("pay", rcv=BOB, amt=2 * ALGO))
    assert (ledger.balance(ALICE), ledger.balance(BOB)) == (3 * ALGO, 3 * ALGO)
    assert ad.to_wire() == {}


def test_a_payment_to_a_new_account_creates_it() -> None:
    ledger = MockLedger().fund(ALICE, 5 * ALGO)
    ledger.apply(apply_payment, txn("pay", rcv=CAROL, amt=ALGO))
    assert ledger.state.account(CAROL) == Account(micro_algos=ALGO)


def test_closing_sends_the_remainder_and_forgets_the_account() -> None:
    ledger = MockLedger().fund(ALICE, 5 * ALGO, auth_addr=BOB).fund(BOB, ALGO)
    ad = ledger.apply(apply_payment, txn("pay", rcv=BOB, amt=ALGO, close=CAROL))
    assert ledger.balance(BOB) == 2 * ALGO
    assert ledger.balance(CAROL) == 4 * ALGO
    assert ad.closing_amount == 4 * ALGO
    assert ALICE not in ledger.state.accounts  # auth-addr and all: the account is gone


def test_an_overspend_is_refused_and_changes_nothing() -> None:
    ledger = MockLedger().fund(ALICE, ALGO).fund(BOB, ALGO)
    message = ledger.refuse(apply_payment, txn("pay", rcv=BOB, amt=ALGO + 1))
    assert message == (
        f"overspend (account {encode_address(ALICE)}, data {{MicroAlgos:{{Raw:{ALGO}}}}}, "
        f"tried to spend {{{ALGO + 1}}})"
    )


def test_an_overflowing_balance_is_refused() -> None:
    ledger = MockLedger().fund(ALICE, ALGO).fund(BOB, U64_MAX)
    message = ledger.refuse(apply_payment, txn("pay", rcv=BOB, amt=1))
    assert message.startswith("overflowed account balance when applying payment to")


def test_an_account_holding_assets_cannot_close() -> None:
    ledger = MockLedger().fund(ALICE).fund(BOB)
    asset_id = ledger.add_asset(BOB)
    ledger.opt_in_asset(ALICE, asset_id)
    message = ledger.refuse(apply_payment, txn("pay", rcv=BOB, amt=1, close=CAROL))
    assert "it still holds 1 assets" in message


def test_the_dispatcher_takes_the_fee_and_rekeys() -> None:
    ledger = MockLedger().fund(ALICE, 5 * ALGO).fund(FEE_SINK, ALGO)
    ledger.submit(txn("pay", rcv=BOB, amt=ALGO, rekey=CAROL))
    assert ledger.balance(ALICE) == 4 * ALGO - 1_000
    assert ledger.balance(FEE_SINK) == ALGO + 1_000
    assert ledger.account(ALICE).auth_addr == CAROL
    ledger.submit(txn("pay", rcv=BOB, amt=0, rekey=ALICE))  # rekeying to oneself clears it
    assert ledger.account(ALICE).auth_addr == ZERO_ADDRESS
