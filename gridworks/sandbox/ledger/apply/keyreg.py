"""`keyreg`: mark an account online (with participation keys), offline, or non-participating."""

from __future__ import annotations

from ...avm.views import BALANCE_LOOKBACK, PAYOUTS_ENABLED, PAYOUTS_GO_ONLINE_FEE
from ...encoding import ZERO_ADDRESS, encode_address
from ..errors import TransactionRejected
from ..records import NOT_PARTICIPATING, OFFLINE, ONLINE
from ..state import Overlay
from ..transaction import Transaction
from .common import ApplyData


def apply_keyreg(ov: Overlay, txn: Transaction, ad: ApplyData, round_: int) -> None:
    acct = ov.account_for_update(txn.sender)
    if acct.status == NOT_PARTICIPATING:  # final: it can never come online (or offline) again
        raise TransactionRejected(
            "cannot change online/offline status of non-participating account "
            f"{encode_address(txn.sender)}"
        )
    going_online = txn.vote_pk != ZERO_ADDRESS
    if going_online and not txn.nonparticipation:
        if txn.vote_last <= round_:
            raise TransactionRejected(
                "transaction tries to mark an account as online with last voting round in the past"
            )
        if txn.vote_first > round_ + 1:
            raise TransactionRejected(
                "transaction tries to mark an account as online with first voting round beyond "
                "the next voting round"
            )
    acct.status = NOT_PARTICIPATING if txn.nonparticipation else ONLINE if going_online else OFFLINE
    acct.vote_pk = txn.vote_pk
    acct.selection_pk = txn.selection_pk
    acct.state_proof_pk = txn.state_proof_pk
    acct.vote_first = txn.vote_first
    acct.vote_last = txn.vote_last
    acct.vote_key_dilution = txn.vote_key_dilution
    if acct.status == ONLINE and PAYOUTS_ENABLED:
        # going offline keeps the eligibility: coming back online need not pay again
        acct.last_heartbeat = round_ + BALANCE_LOOKBACK
        if txn.fee >= PAYOUTS_GO_ONLINE_FEE:
            acct.incentive_eligible = True
