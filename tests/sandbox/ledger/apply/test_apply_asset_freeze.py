"""`afrz` applied to an in-memory state: the freeze address freezes one holding."""

from __future__ import annotations

from mock_ledger import ALICE, BOB, CAROL, MockLedger, txn

from gridworks.sandbox.encoding import ZERO_ADDRESS, encode_address
from gridworks.sandbox.ledger.apply.asset_freeze import apply_asset_freeze
from gridworks.sandbox.ledger.records import Holding


def test_the_freeze_address_freezes_and_unfreezes_a_holding() -> None:
    ledger = MockLedger().fund(ALICE).fund(BOB)
    asset_id = ledger.add_asset(ALICE)
    ledger.opt_in_asset(BOB, asset_id, amount=4)
    ledger.apply(apply_asset_freeze, txn("afrz", faid=asset_id, fadd=BOB, afrz=True))
    assert ledger.holding(BOB, asset_id) == Holding(4, True)
    ledger.apply(apply_asset_freeze, txn("afrz", faid=asset_id, fadd=BOB, afrz=False))
    assert ledger.holding(BOB, asset_id) == Holding(4, False)


def test_anyone_else_is_refused() -> None:
    ledger = MockLedger().fund(ALICE).fund(BOB).fund(CAROL)
    asset_id = ledger.add_asset(ALICE)
    ledger.opt_in_asset(BOB, asset_id)
    message = ledger.refuse(
        apply_asset_freeze, txn("afrz", CAROL, faid=asset_id, fadd=BOB, afrz=True)
    )
    assert message == (
        f"freeze not allowed: sender {encode_address(CAROL)}, freeze {encode_address(ALICE)}"
    )


def test_an_asset_without_a_freeze_address_cannot_be_frozen() -> None:
    ledger = MockLedger().fund(ALICE).fund(BOB)
    asset_id = ledger.add_asset(ALICE, freeze=ZERO_ADDRESS)
    ledger.opt_in_asset(BOB, asset_id)
    message = ledger.refuse(apply_asset_freeze, txn("afrz", faid=asset_id, fadd=BOB, afrz=True))
    assert message.startswith("freeze not allowed")


def test_a_missing_holding_or_asset_is_refused() -> None:
    ledger = MockLedger().fund(ALICE).fund(BOB)
    asset_id = ledger.add_asset(ALICE)
    message = ledger.refuse(apply_asset_freeze, txn("afrz", faid=asset_id, fadd=BOB, afrz=True))
    assert message == f"asset {asset_id} missing from {encode_address(BOB)}"
    message = ledger.refuse(apply_asset_freeze, txn("afrz", faid=99, fadd=BOB, afrz=True))
    assert message == "asset 99 does not exist or has been deleted"
