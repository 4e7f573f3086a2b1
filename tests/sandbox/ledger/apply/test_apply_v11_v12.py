"""What consensus v40/v41 (AVM v11, v12) add to applying transactions: payouts eligibility
on going online, app versions and RejectVersion, and the online stake programs read."""

from __future__ import annotations

from mock_ledger import ALGO, ALICE, BOB, CAROL, ROUND, MockLedger, program, txn

from gridworks.sandbox.encoding import encode_address
from gridworks.sandbox.ledger.apply.keyreg import apply_keyreg
from gridworks.sandbox.ledger.records import AppParams
from gridworks.sandbox.ledger.wellformed import app_call_problem

UPDATE = 4
VOTE, SELECTION = bytes([5]) * 32, bytes([6]) * 32
APPROVE = program("int 1")


def online(fee: int = 1_000, last: int = 1_000) -> dict[str, object]:
    return {
        "fee": fee,
        "votekey": VOTE,
        "selkey": SELECTION,
        "votefst": 1,
        "votelst": last,
        "votekd": 100,
    }


def test_going_online_with_the_fee_makes_an_account_incentive_eligible() -> None:
    ledger = MockLedger().fund(ALICE).fund(BOB)
    ledger.apply(apply_keyreg, txn("keyreg", **online(fee=2_000_000)), ROUND)
    ledger.apply(apply_keyreg, txn("keyreg", BOB, **online(fee=1_999_999)), ROUND)
    alice, bob = ledger.account(ALICE), ledger.account(BOB)
    assert (alice.incentive_eligible, bob.incentive_eligible) == (True, False)
    assert alice.last_heartbeat == bob.last_heartbeat == ROUND + 320
    # going offline keeps the eligibility (go: no second fee to come back online)
    ledger.apply(apply_keyreg, txn("keyreg"), ROUND)
    assert ledger.account(ALICE).incentive_eligible


def test_updating_an_app_counts_its_versions() -> None:
    ledger = MockLedger().fund(ALICE)
    app_id = ledger.add_app(ALICE, APPROVE)
    assert ledger.state.apps[app_id].version == 0
    for expected in (1, 2):
        update = txn("appl", apid=app_id, apan=UPDATE, apap=APPROVE, apsu=APPROVE)
        ledger.apply_app_call(update)
        assert ledger.state.apps[app_id].version == expected
    # the record keeps it across a store round trip
    record = ledger.state.apps[app_id].to_record()
    assert AppParams.from_record(record).version == 2
    assert "v" not in AppParams(creator=ALICE).to_record()


def test_reject_version() -> None:
    ledger = MockLedger().fund(ALICE)
    app_id = ledger.add_app(ALICE, APPROVE)
    ledger.apply_app_call(txn("appl", apid=app_id, apan=UPDATE, apap=APPROVE, apsu=APPROVE))
    ledger.apply_app_call(txn("appl", apid=app_id, aprv=2))  # version 1 < 2: runs
    message = ledger.refuse(ledger.app_call(), txn("appl", apid=app_id, aprv=1))
    assert message == "app version (1) >= reject version (1)"
    reads = program("txn RejectVersion\nint 7\n==", version=12)
    checker = ledger.add_app(ALICE, reads)
    ledger.apply_app_call(txn("appl", apid=checker, aprv=7))


def test_reject_version_is_refused_at_creation() -> None:
    creation = txn("appl", apap=APPROVE, apsu=APPROVE, aprv=1)
    assert app_call_problem(creation, MockLedger().params) == (
        "tx.RejectVersion cannot be set during creation"
    )


def test_programs_read_the_online_stake_of_the_committed_state() -> None:
    ledger = MockLedger().fund(ALICE, 50 * ALGO).fund(BOB, 7 * ALGO).fund(CAROL, 3 * ALGO)
    ledger.apply(apply_keyreg, txn("keyreg", **online(fee=2_000_000)), ROUND)
    ledger.apply(apply_keyreg, txn("keyreg", CAROL, **online(last=ROUND - 1)), ROUND - 5)
    stake = ledger.account(ALICE).micro_algos
    source = f"""online_stake
int {stake}
==
assert
txn Sender
voter_params_get VoterBalance
assert
int {stake}
==
assert
txn Sender
voter_params_get VoterIncentiveEligible
assert
assert
addr {encode_address(BOB)}
voter_params_get VoterBalance
!
assert
!
"""
    # BOB (the address above) is offline; CAROL's key expired before this round.
    checker = ledger.add_app(ALICE, program(source, version=11))
    ledger.apply_app_call(txn("appl", apid=checker, apat=[BOB]))
