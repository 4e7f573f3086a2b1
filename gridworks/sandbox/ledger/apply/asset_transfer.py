"""`axfer`: opt in, transfer, close out, or claw back asset units."""

from __future__ import annotations

from ...encoding import ZERO_ADDRESS, encode_address
from ..errors import TransactionRejected
from ..records import Holding
from ..state import Overlay
from ..transaction import Transaction
from .common import ApplyData, missing_asset, put_asset, take_asset


def apply_asset_transfer(ov: Overlay, txn: Transaction, ad: ApplyData) -> None:
    asset_id = txn.xfer_asset
    params = ov.asset(asset_id)
    clawback = txn.asset_sender != ZERO_ADDRESS
    closing = txn.asset_close_to != ZERO_ADDRESS

    if clawback:
        if params is None:
            raise missing_asset(asset_id)
        if params.clawback == ZERO_ADDRESS or txn.sender != params.clawback:
            raise TransactionRejected(
                f"clawback not allowed: sender {encode_address(txn.sender)}, "
                f"clawback {encode_address(params.clawback)}"
            )
        if closing:
            raise TransactionRejected("cannot close asset by clawback")
        source = txn.asset_sender
    else:
        source = txn.sender

    is_opt_in = (
        not clawback
        and not closing
        and txn.asset_amount == 0
        and txn.asset_receiver == txn.sender
    )
    if is_opt_in and ov.holding(txn.sender, asset_id) is None:
        if params is None:
            raise missing_asset(asset_id)
        ov.put_holding(txn.sender, asset_id, Holding(0, params.default_frozen))
        ov.account_for_update(txn.sender).total_assets += 1
        return

    if params is None and not closing:
        raise missing_asset(asset_id)
    if params is not None:
        take_asset(ov, source, asset_id, txn.asset_amount, bypass_freeze=clawback)
        put_asset(ov, txn.asset_receiver, asset_id, txn.asset_amount, bypass_freeze=clawback)
    if closing:
        _close_out(ov, txn, ad, asset_id, params is not None)


def _close_out(
    ov: Overlay, txn: Transaction, ad: ApplyData, asset_id: int, asset_exists: bool
) -> None:
    params = ov.asset(asset_id)
    if params is not None and params.creator == txn.sender:
        raise TransactionRejected(f"cannot close asset ID in allocating account {asset_id}")
    holding = ov.holding(txn.sender, asset_id)
    if holding is None:
        raise TransactionRejected(f"asset {asset_id} missing from {encode_address(txn.sender)}")
    rest = holding.amount
    if asset_exists and txn.asset_close_to != txn.sender:
        take_asset(ov, txn.sender, asset_id, rest, bypass_freeze=False)
        put_asset(ov, txn.asset_close_to, asset_id, rest, bypass_freeze=False)
    ad.asset_closing_amount = rest
    ov.put_holding(txn.sender, asset_id, None)
    ov.account_for_update(txn.sender).total_assets -= 1
