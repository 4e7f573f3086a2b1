"""`acfg` applied to an in-memory state: create, reconfigure, destroy."""

from __future__ import annotations

from mock_ledger import ALICE, BOB, CAROL, MockLedger, txn

from gridworks.sandbox.encoding import ZERO_ADDRESS, encode_address
from gridworks.sandbox.ledger.apply.asset_config import apply_asset_config
from gridworks.sandbox.ledger.records import Holding

NEW_ID = 5_000


def test_creating_gives_the_creator_every_unit() -> None:
    ledger = MockLedger().fund(ALICE)
    apar = {"t": 100, "dc": 2, "un": "GW", "an": "Grid", "m": ALICE, "f": BOB}
    ad = ledger.apply(apply_asset_config, txn("acfg", apar=apar), NEW_ID)
    assert ad.created_asset == NEW_ID
    params = ledger.state.asset(NEW_ID)
    assert params is not None
    assert (params.creator, params.total, params.decimals, params.unit_name) == (
        ALICE,
        100,
        2,
        "GW",
    )
    assert (params.manager, params.freeze, params.clawback) == (ALICE, BOB, ZERO_ADDRESS)
    assert ledger.holding(ALICE, NEW_ID) == Holding(100, False)
    acct = ledger.account(ALICE)
    assert (acct.total_assets, acct.total_created_assets) == (1, 1)


def test_reconfiguring_changes_roles_but_a_cleared_role_stays_cleared() -> None:
    ledger = MockLedger().fund(ALICE)
    asset_id = ledger.add_asset(ALICE, clawback=ZERO_ADDRESS)
    apar = {"m": BOB, "r": BOB, "f": CAROL, "c": CAROL}
    ledger.apply(apply_asset_config, txn("acfg", caid=asset_id, apar=apar), 0)
    params = ledger.state.asset(asset_id)
    assert params is not None
    assert (params.manager, params.reserve, params.freeze) == (BOB, BOB, CAROL)
    assert params.clawback == ZERO_ADDRESS


def test_only_the_manager_reconfigures() -> None:
    ledger = MockLedger().fund(ALICE).fund(BOB)
    asset_id = ledger.add_asset(ALICE)
    message = ledger.refuse(apply_asset_config, txn("acfg", BOB, caid=asset_id, apar={"m": BOB}), 0)
    assert message == (
        "this transaction should be issued by the manager. It is issued by "
        f"{encode_address(BOB)}, manager key {encode_address(ALICE)}"
    )


def test_destroying_needs_every_unit_back_with_the_creator() -> None:
    ledger = MockLedger().fund(ALICE).fund(BOB)
    asset_id = ledger.add_asset(ALICE, total=10)
    ledger.opt_in_asset(BOB, asset_id, amount=3)
    message = ledger.refuse(apply_asset_config, txn("acfg", caid=asset_id), 0)
    assert message == "cannot destroy asset: creator is holding only 7/10"
    ledger.state.holdings[(ALICE, asset_id)] = Holding(10)
    ledger.state.holdings[(BOB, asset_id)] = Holding(0)
    ledger.apply(apply_asset_config, txn("acfg", caid=asset_id), 0)
    assert ledger.state.asset(asset_id) is None
    assert ledger.holding(ALICE, asset_id) is None
    acct = ledger.account(ALICE)
    assert (acct.total_assets, acct.total_created_assets) == (0, 0)


def test_a_missing_asset_is_refused() -> None:
    ledger = MockLedger().fund(ALICE)
    message = ledger.refuse(apply_asset_config, txn("acfg", caid=77, apar={"m": ALICE}), 0)
    assert message == "asset 77 does not exist or has been deleted"
