"""Applying one authorized transaction of any type, top-level or inner: the fee, a rekey, then
the type's own effects. Authorization and minimum balances are the caller's to check."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...encoding import ZERO_ADDRESS
from ..errors import LedgerError
from ..state import Overlay
from ..transaction import Transaction
from .application import apply_application
from .asset_config import apply_asset_config
from .asset_freeze import apply_asset_freeze
from .asset_transfer import apply_asset_transfer
from .common import ApplyData, move_algos
from .heartbeat import apply_heartbeat
from .keyreg import apply_keyreg
from .payment import apply_payment

if TYPE_CHECKING:
    from ..app_run import AppRun
    from ..block_context import BlockContext


def apply_transaction(
    ov: Overlay,
    txn: Transaction,
    ad: ApplyData,
    ctx: BlockContext,
    new_index: int,
    run: AppRun | None,
    index: int,
) -> None:
    """`new_index` is the transaction's count (the id of what it creates); `run` is its group's
    app context (None in a group without app calls) and `index` its place in the group."""
    move_algos(ov, txn.sender, ctx.fee_sink, txn.fee)
    if txn.rekey_to != ZERO_ADDRESS:
        acct = ov.account_for_update(txn.sender)
        acct.auth_addr = ZERO_ADDRESS if txn.rekey_to == txn.sender else txn.rekey_to
    kind = txn.type
    if kind == "pay":
        apply_payment(ov, txn, ad)
    elif kind == "axfer":
        apply_asset_transfer(ov, txn, ad)
    elif kind == "acfg":
        apply_asset_config(ov, txn, ad, new_index)
    elif kind == "afrz":
        apply_asset_freeze(ov, txn, ad)
    elif kind == "keyreg":
        apply_keyreg(ov, txn, ad, ctx.round)
    elif kind == "appl":
        assert run is not None, "a group with an app call has an AppRun"
        apply_application(ov, txn, ad, new_index, run, index)
    elif kind == "hb":
        apply_heartbeat(ov, txn, ctx.round, ctx.block_seed)
    else:  # parse_transaction admits no other type
        raise LedgerError(f"transaction {txn.txid}: unknown type {kind!r}")
