"""`pay`: move Algos, optionally closing the sender's account to another."""

from __future__ import annotations

from ...encoding import ZERO_ADDRESS, encode_address
from ..errors import TransactionRejected
from ..state import Overlay
from ..transaction import Transaction
from .common import ApplyData, move_algos


def apply_payment(ov: Overlay, txn: Transaction, ad: ApplyData) -> None:
    move_algos(ov, txn.sender, txn.receiver, txn.amount)
    if txn.close_remainder_to == ZERO_ADDRESS:
        return
    sender = ov.account_for_update(txn.sender)
    if sender.total_assets or sender.total_created_assets:
        raise TransactionRejected(
            f"cannot close account {encode_address(txn.sender)}: it still holds "
            f"{sender.total_assets} assets (opt out of them first)"
        )
    remainder = sender.micro_algos
    move_algos(ov, txn.sender, txn.close_remainder_to, remainder)
    ad.closing_amount = remainder
    ov.reset_account(txn.sender)  # a closed account is gone: keys and auth-addr too
