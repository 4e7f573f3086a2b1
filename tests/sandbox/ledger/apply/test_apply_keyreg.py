"""`keyreg` applied to an in-memory state: online, offline, and the final non-participation."""

from __future__ import annotations

import pytest
from mock_ledger import ALICE, ROUND, MockLedger, txn

from gridworks.sandbox.encoding import ZERO_ADDRESS
from gridworks.sandbox.ledger.apply.keyreg import apply_keyreg
from gridworks.sandbox.ledger.records import NOT_PARTICIPATING, OFFLINE, ONLINE

VOTE, SELECTION, STATE_PROOF = bytes([5]) * 32, bytes([6]) * 32, bytes([8]) * 64


def online(first: int = 1, last: int = 1_000) -> dict[str, object]:
    return {
        "votekey": VOTE,
        "selkey": SELECTION,
        "sprfkey": STATE_PROOF,
        "votefst": first,
        "votelst": last,
        "votekd": 100,
    }


def test_going_online_records_the_keys() -> None:
    ledger = MockLedger().fund(ALICE)
    ledger.apply(apply_keyreg, txn("keyreg", **online()), ROUND)
    acct = ledger.account(ALICE)
    assert acct.status == ONLINE
    assert (acct.vote_pk, acct.selection_pk, acct.state_proof_pk) == (VOTE, SELECTION, STATE_PROOF)
    assert (acct.vote_first, acct.vote_last, acct.vote_key_dilution) == (1, 1_000, 100)


def test_going_offline_clears_the_keys() -> None:
    ledger = MockLedger().fund(ALICE)
    ledger.apply(apply_keyreg, txn("keyreg", **online()), ROUND)
    ledger.apply(apply_keyreg, txn("keyreg"), ROUND)
    acct = ledger.account(ALICE)
    assert (acct.status, acct.vote_pk, acct.vote_last) == (OFFLINE, ZERO_ADDRESS, 0)


@pytest.mark.parametrize(
    ("first", "last", "reason"),
    [
        (1, ROUND, "with last voting round in the past"),
        (ROUND + 2, 1_000, "with first voting round beyond the next voting round"),
    ],
)
def test_voting_rounds_out_of_reach_are_refused(first: int, last: int, reason: str) -> None:
    ledger = MockLedger().fund(ALICE)
    message = ledger.refuse(apply_keyreg, txn("keyreg", **online(first, last)), ROUND)
    assert message.endswith(reason)


def test_non_participation_is_final() -> None:
    ledger = MockLedger().fund(ALICE)
    ledger.apply(apply_keyreg, txn("keyreg", nonpart=True), ROUND)
    assert ledger.account(ALICE).status == NOT_PARTICIPATING
    message = ledger.refuse(apply_keyreg, txn("keyreg", **online()), ROUND)
    assert message.startswith("cannot change online/offline status of non-participating account")
