"""`acfg`: create, reconfigure or destroy an asset."""

from __future__ import annotations

from ...encoding import ZERO_ADDRESS, encode_address
from ..errors import TransactionRejected
from ..records import AssetParams, AssetParamsFields, Holding
from ..state import Overlay
from ..transaction import Transaction
from .common import ApplyData, missing_asset


def apply_asset_config(ov: Overlay, txn: Transaction, ad: ApplyData, new_index: int) -> None:
    fields = txn.asset_params
    if txn.config_asset == 0:
        _create(ov, txn, fields or AssetParamsFields(), ad, new_index)
        return
    params = ov.asset(txn.config_asset)
    if params is None:
        raise missing_asset(txn.config_asset)
    if params.manager == ZERO_ADDRESS or txn.sender != params.manager:
        raise TransactionRejected(
            "this transaction should be issued by the manager. It is issued by "
            f"{encode_address(txn.sender)}, manager key {encode_address(params.manager)}"
        )
    if fields is None or fields == AssetParamsFields():
        _destroy(ov, txn.config_asset, params)
    else:
        _reconfigure(ov, txn.config_asset, params, fields)


def _create(
    ov: Overlay, txn: Transaction, fields: AssetParamsFields, ad: ApplyData, index: int
) -> None:
    ov.put_asset(index, AssetParams.created(txn.sender, fields))
    ov.put_holding(txn.sender, index, Holding(fields.total, False))
    creator = ov.account_for_update(txn.sender)
    creator.total_assets += 1
    creator.total_created_assets += 1
    ad.created_asset = index


def _destroy(ov: Overlay, asset_id: int, params: AssetParams) -> None:
    holding = ov.holding(params.creator, asset_id)
    held = holding.amount if holding else 0
    if held != params.total:
        raise TransactionRejected(
            f"cannot destroy asset: creator is holding only {held}/{params.total}"
        )
    ov.put_asset(asset_id, None)
    ov.put_holding(params.creator, asset_id, None)
    creator = ov.account_for_update(params.creator)
    creator.total_assets -= 1
    creator.total_created_assets -= 1


def _reconfigure(
    ov: Overlay, asset_id: int, params: AssetParams, fields: AssetParamsFields
) -> None:
    """Only the four role addresses change; a role once cleared stays cleared."""
    updated = params.copy()
    updated.manager = fields.manager
    if params.reserve != ZERO_ADDRESS:
        updated.reserve = fields.reserve
    if params.freeze != ZERO_ADDRESS:
        updated.freeze = fields.freeze
    if params.clawback != ZERO_ADDRESS:
        updated.clawback = fields.clawback
    ov.put_asset(asset_id, updated)
