"""`axfer` applied to an in-memory state: opt in, transfer, freeze, clawback, close out."""

from __future__ import annotations

from mock_ledger import ALICE, BOB, CAROL, MockLedger, txn

from gridworks.sandbox.encoding import encode_address
from gridworks.sandbox.ledger.apply.asset_transfer import apply_asset_transfer
from gridworks.sandbox.ledger.records import Holding


def _ledger(**asset_fields: object) -> tuple[MockLedger, int]:
    ledger = MockLedger().fund(ALICE).fund(BOB).fund(CAROL)
    return ledger, ledger.add_asset(ALICE, total=100, **asset_fields)


def test_opting_in_allocates_an_empty_holding_frozen_by_default() -> None:
    ledger, asset_id = _ledger(default_frozen=True)
    ledger.apply(apply_asset_transfer, txn("axfer", BOB, xaid=asset_id, arcv=BOB))
    assert ledger.holding(BOB, asset_id) == Holding(0, True)
    assert ledger.account(BOB).total_assets == 1


def test_a_transfer_moves_units_between_holdings() -> None:
    ledger, asset_id = _ledger()
    ledger.opt_in_asset(BOB, asset_id)
    ledger.apply(apply_asset_transfer, txn("axfer", xaid=asset_id, arcv=BOB, aamt=30))
    assert ledger.holding(ALICE, asset_id) == Holding(70)
    assert ledger.holding(BOB, asset_id) == Holding(30)


def test_a_receiver_that_has_not_opted_in_is_refused() -> None:
    ledger, asset_id = _ledger()
    message = ledger.refuse(apply_asset_transfer, txn("axfer", xaid=asset_id, arcv=BOB, aamt=1))
    assert (
        message
        == f"receiver error: must optin, asset {asset_id} missing from {encode_address(BOB)}"
    )


def test_a_zero_unit_transfer_looks_nothing_up() -> None:
    ledger, asset_id = _ledger()
    ledger.apply(apply_asset_transfer, txn("axfer", xaid=asset_id, arcv=BOB))
    assert ledger.holding(BOB, asset_id) is None


def test_more_than_held_is_refused() -> None:
    ledger, asset_id = _ledger()
    ledger.opt_in_asset(BOB, asset_id, amount=5)
    message = ledger.refuse(
        apply_asset_transfer, txn("axfer", BOB, xaid=asset_id, arcv=ALICE, aamt=6)
    )
    assert message == "underflow on subtracting 6 from sender amount 5"


def test_a_frozen_holding_neither_sends_nor_receives_but_clawback_moves_it() -> None:
    ledger, asset_id = _ledger()
    ledger.opt_in_asset(BOB, asset_id, amount=5, frozen=True)
    frozen = f"asset {asset_id} frozen in {encode_address(BOB)}"
    assert (
        ledger.refuse(apply_asset_transfer, txn("axfer", BOB, xaid=asset_id, arcv=ALICE, aamt=1))
        == frozen
    )
    assert (
        ledger.refuse(apply_asset_transfer, txn("axfer", xaid=asset_id, arcv=BOB, aamt=1)) == frozen
    )
    ledger.apply(apply_asset_transfer, txn("axfer", xaid=asset_id, asnd=BOB, arcv=ALICE, aamt=5))
    assert ledger.holding(BOB, asset_id) == Holding(0, True)
    assert ledger.holding(ALICE, asset_id) == Holding(100)


def test_only_the_clawback_address_claws_back() -> None:
    ledger, asset_id = _ledger()
    ledger.opt_in_asset(BOB, asset_id, amount=5)
    message = ledger.refuse(
        apply_asset_transfer, txn("axfer", CAROL, xaid=asset_id, asnd=BOB, arcv=CAROL, aamt=1)
    )
    assert message.startswith(f"clawback not allowed: sender {encode_address(CAROL)}")


def test_closing_out_sends_the_rest_and_drops_the_holding() -> None:
    ledger, asset_id = _ledger()
    ledger.opt_in_asset(BOB, asset_id, amount=5)
    ledger.opt_in_asset(CAROL, asset_id)
    ad = ledger.apply(
        apply_asset_transfer, txn("axfer", BOB, xaid=asset_id, arcv=CAROL, aamt=2, aclose=ALICE)
    )
    assert ad.asset_closing_amount == 3
    assert ledger.holding(BOB, asset_id) is None
    assert ledger.account(BOB).total_assets == 0
    assert (ledger.holding(CAROL, asset_id), ledger.holding(ALICE, asset_id)) == (
        Holding(2),
        Holding(98),
    )


def test_the_creator_cannot_close_out() -> None:
    ledger, asset_id = _ledger()
    ledger.opt_in_asset(BOB, asset_id)
    message = ledger.refuse(apply_asset_transfer, txn("axfer", xaid=asset_id, arcv=BOB, aclose=BOB))
    assert message == f"cannot close asset ID in allocating account {asset_id}"
