"""`axfer`: opt in, transfer, close out, or claw back asset units."""

from __future__ import annotations

from ...encoding import ZERO_ADDRESS, encode_address
from ..errors import TransactionRejected
from ..records import Holding
from ..state import Overlay
from ..transaction import Transaction
from .common import ApplyData, missing_asset, put_asset, take_asset


def apply_asset_transfer(ov: Overlay, txn: Transaction, ad: ApplyData) -> None:
    """In algod's order: clawback check, opt-in, the move itself, then the close-out."""
    asset_id = txn.xfer_asset
    clawback = txn.asset_sender != ZERO_ADDRESS

    if clawback:
        params = ov.asset(asset_id)
        if params is None:
            raise missing_asset(asset_id)
        if params.clawback == ZERO_ADDRESS or txn.sender != params.clawback:
            raise TransactionRejected(
                f"clawback not allowed: sender {encode_address(txn.sender)}, "
                f"clawback {encode_address(params.clawback)}"
            )
        source = txn.asset_sender
    else:
        source = txn.sender

    # A zero-unit transfer to oneself opts in (allocates the holding) if not yet opted in.
    is_opt_in = not clawback and txn.asset_amount == 0 and txn.asset_receiver == source
    if is_opt_in and ov.holding(source, asset_id) is None:
        params = ov.asset(asset_id)
        if params is None:
            raise missing_asset(asset_id)
        ov.put_holding(source, asset_id, Holding(0, params.default_frozen))
        ov.account_for_update(source).total_assets += 1

    # Zero-unit moves look nothing up (algod): only the holdings that change must exist.
    take_asset(ov, source, asset_id, txn.asset_amount, bypass_freeze=clawback)
    put_asset(ov, txn.asset_receiver, asset_id, txn.asset_amount, bypass_freeze=clawback)

    if txn.asset_close_to != ZERO_ADDRESS:
        if clawback:
            raise TransactionRejected("cannot close asset by clawback")
        _close_out(ov, txn, ad, asset_id)


def _close_out(ov: Overlay, txn: Transaction, ad: ApplyData, asset_id: int) -> None:
    params = ov.asset(asset_id)
    if params is not None and params.creator == txn.sender:
        raise TransactionRejected(f"cannot close asset ID in allocating account {asset_id}")
    holding = ov.holding(txn.sender, asset_id)
    if holding is None:
        raise TransactionRejected(f"asset {asset_id} missing from {encode_address(txn.sender)}")
    rest = holding.amount
    # Closing out to the asset's creator is allowed even from (or to) a frozen holding.
    to_creator = params is not None and params.creator == txn.asset_close_to
    take_asset(ov, txn.sender, asset_id, rest, bypass_freeze=to_creator)
    put_asset(ov, txn.asset_close_to, asset_id, rest, bypass_freeze=to_creator)
    left = ov.holding(txn.sender, asset_id)
    if left is not None and left.amount:
        # closing to oneself: the units would vanish with the holding
        raise TransactionRejected(f"asset {asset_id} not zero ({left.amount}) after closing")
    ad.asset_closing_amount = rest
    ov.put_holding(txn.sender, asset_id, None)
    ov.account_for_update(txn.sender).total_assets -= 1
