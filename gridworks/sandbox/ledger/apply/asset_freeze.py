"""`afrz`: the asset's freeze address freezes or unfreezes one account's holding."""

from __future__ import annotations

from ...encoding import ZERO_ADDRESS, encode_address
from ..errors import TransactionRejected
from ..state import Overlay
from ..transaction import Transaction
from .common import ApplyData, missing_asset


def apply_asset_freeze(ov: Overlay, txn: Transaction, ad: ApplyData) -> None:
    params = ov.asset(txn.freeze_asset)
    if params is None:
        raise missing_asset(txn.freeze_asset)
    if params.freeze == ZERO_ADDRESS or txn.sender != params.freeze:
        raise TransactionRejected(
            f"freeze not allowed: sender {encode_address(txn.sender)}, "
            f"freeze {encode_address(params.freeze)}"
        )
    holding = ov.holding_for_update(txn.freeze_account, txn.freeze_asset)
    if holding is None:
        raise TransactionRejected(
            f"asset {txn.freeze_asset} missing from {encode_address(txn.freeze_account)}"
        )
    holding.frozen = txn.asset_frozen
    ov.touched.add(txn.freeze_account)
