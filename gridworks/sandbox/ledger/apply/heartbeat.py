"""`hb`: an online account's heartbeat (consensus v40+), proving its participation key works.

A dev sandbox has no agreement: nobody is ever challenged, so a heartbeat claiming the
challenge discount (V42: HbChallengeDiscount, one minimum fee less), which go allows only to
answer a challenge, is always refused; any other heartbeat is checked as go checks it (seed,
vote key, key dilution; the proof in `signatures.check_heartbeat_proof`) and records the round
as the account's LastHeartbeat.
"""

from __future__ import annotations

from collections.abc import Callable

from ...encoding import encode_address
from ..errors import TransactionRejected
from ..records import STATUS_NAMES
from ..state import Overlay
from ..transaction import Transaction
from ..wellformed import heartbeat_kind


def go_array(data: bytes) -> str:
    """Go's %v of a byte array: its bytes in decimal, in brackets."""
    return "[" + " ".join(str(b) for b in data) + "]"


def apply_heartbeat(
    ov: Overlay,
    txn: Transaction,
    round_: int,
    block_seed: Callable[[int], bytes | None] | None,
) -> None:
    hb = txn.heartbeat
    assert hb is not None, "a well-formed heartbeat has its fields"
    acct = ov.account_for_update(hb.address)
    address = encode_address(hb.address)
    kind = heartbeat_kind(txn)
    if kind:
        if STATUS_NAMES[acct.status] != "Online":
            raise TransactionRejected(
                f"{kind} heartbeat is not allowed for {STATUS_NAMES[acct.status]} {address}"
            )
        if not acct.incentive_eligible:
            raise TransactionRejected(
                f"{kind} heartbeat is not allowed when not IncentiveEligible {address}"
            )
        raise TransactionRejected(
            f"{kind} heartbeat for {address} is not allowed with no challenge"
        )
    seed = block_seed(txn.first_valid) if block_seed is not None else None
    if seed is None:
        raise TransactionRejected(f"round {txn.first_valid} is not available")
    if seed != hb.seed:
        raise TransactionRejected(
            f"provided seed {go_array(hb.seed)} does not match round {txn.first_valid}'s seed "
            f"{go_array(seed)}"
        )
    if acct.vote_pk != hb.vote_id:
        raise TransactionRejected(
            f"provided voter ID {go_array(hb.vote_id)} does not match {address}'s voter ID "
            f"{go_array(acct.vote_pk)}"
        )
    if acct.vote_key_dilution != hb.key_dilution:
        raise TransactionRejected(
            f"provided key dilution {hb.key_dilution} does not match {address}'s key dilution "
            f"{acct.vote_key_dilution}"
        )
    acct.last_heartbeat = round_
