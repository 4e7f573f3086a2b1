"""`hb` heartbeats: decoding, well-formedness, the one-time-signature proof, and applying."""

from __future__ import annotations

import msgpack
import pytest
from mock_ledger import ALICE, BOB, ROUND, MockLedger, txn

from gridworks.sandbox import ed25519
from gridworks.sandbox.encoding import encode_address
from gridworks.sandbox.ledger.apply.heartbeat import apply_heartbeat, go_array
from gridworks.sandbox.ledger.errors import DecodeError
from gridworks.sandbox.ledger.records import ONLINE
from gridworks.sandbox.ledger.signatures import check_heartbeat_proof
from gridworks.sandbox.ledger.transaction import TXN_TYPES, parse_transaction
from gridworks.sandbox.ledger.wellformed import heartbeat_problem

VOTE_SEED, SECOND_SEED, ONE_TIME_SEED = bytes([21]) * 32, bytes([22]) * 32, bytes([23]) * 32
VOTE_ID = ed25519.public_key_of(VOTE_SEED)
SEED = bytes([42]) * 32  # the block seed of the heartbeat's FirstValid
DILUTION = 7
LAST_VALID = 100


def proof(seed: bytes = SEED, last_valid: int = LAST_VALID) -> dict[str, bytes]:
    """A one-time signature made as a participation key makes it."""
    batch, offset = divmod(last_valid, DILUTION)
    pk2, pk = ed25519.public_key_of(SECOND_SEED), ed25519.public_key_of(ONE_TIME_SEED)
    batch_id = msgpack.packb({"batch": batch, "pk": pk2}, use_bin_type=True)
    offset_id = msgpack.packb({"batch": batch, "off": offset, "pk": pk}, use_bin_type=True)
    return {
        "s": ed25519.sign(ONE_TIME_SEED, b"SD" + seed),
        "p": pk,
        "p2": pk2,
        "p1s": ed25519.sign(SECOND_SEED, b"OT2" + offset_id),
        "p2s": ed25519.sign(VOTE_SEED, b"OT1" + batch_id),
    }


def heartbeat(fee: int = 1_000, **fields: object) -> dict[str, object]:
    hb = {"a": ALICE, "prf": proof(), "sd": SEED, "vid": VOTE_ID, "kd": DILUTION, **fields}
    return {"fee": fee, "lv": LAST_VALID, "hb": hb}


DISCOUNTED = heartbeat(c=True)["hb"]


def online_ledger(**fields: object) -> MockLedger:
    return MockLedger().fund(
        ALICE, status=ONLINE, vote_pk=VOTE_ID, vote_key_dilution=DILUTION, vote_last=1_000,
        **fields,
    )  # fmt: skip


def test_heartbeats_decode() -> None:
    assert "hb" in TXN_TYPES
    t = txn("hb", BOB, **heartbeat())
    assert t.heartbeat is not None
    assert (t.heartbeat.address, t.heartbeat.key_dilution) == (ALICE, DILUTION)
    with pytest.raises(DecodeError, match="txn.hb: unknown field 'zz'"):
        txn("hb", BOB, hb={"zz": 1})
    with pytest.raises(DecodeError, match="txn.hb.prf.s: expected 64 bytes"):
        txn("hb", BOB, hb={"prf": {"s": b"short"}})
    assert parse_transaction({"type": "hb", "snd": BOB}).heartbeat is None


def test_the_proof_is_checked() -> None:
    assert check_heartbeat_proof(txn("hb", BOB, **heartbeat()))
    assert not check_heartbeat_proof(txn("hb", BOB, **heartbeat(sd=bytes([43]) * 32)))
    assert not check_heartbeat_proof(txn("hb", BOB, **{**heartbeat(), "lv": LAST_VALID + 1}))
    assert not check_heartbeat_proof(txn("hb", BOB, **heartbeat(vid=bytes([1]) * 32)))


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        # V42: the challenge discount is claimed explicitly, and allows no extras
        ({"note": b"x", "hb": DISCOUNTED}, "tx.Note is set in discounted heartbeat"),
        ({"lx": bytes([1]) * 32, "hb": DISCOUNTED}, "tx.Lease is set in discounted heartbeat"),
        ({"fee": 0, "note": b"x"}, None),  # no discount claimed: the fee check refuses it
        ({"hb": {"sd": SEED, "vid": VOTE_ID, "kd": 1}}, "tx.HbProof is empty"),
        ({"hb": {"prf": proof(), "vid": VOTE_ID, "kd": 1}}, "tx.HbSeed is empty"),
        ({"hb": {"prf": proof(), "sd": SEED, "kd": 1}}, "tx.HbVoteID is empty"),
        ({"hb": {"prf": proof(), "sd": SEED, "vid": VOTE_ID}}, "tx.HbKeyDilution is zero"),
        ({"hb": {"c": True}}, "tx.HbProof is empty"),
    ],
)
def test_well_formedness(fields: dict[str, object], problem: str | None) -> None:
    t = txn("hb", BOB, **{**heartbeat(), **fields})
    assert heartbeat_problem(t, MockLedger().params) == problem


def apply(ledger: MockLedger, t: object, seed: bytes = SEED) -> None:
    def go(ov, t, ad):  # type: ignore[no-untyped-def]
        apply_heartbeat(ov, t, ROUND, lambda rnd: seed if rnd == 1 else None)

    ledger.apply(go, t)


def test_a_paid_heartbeat_records_the_round() -> None:
    ledger = online_ledger()
    apply(ledger, txn("hb", BOB, **heartbeat()))
    assert ledger.account(ALICE).last_heartbeat == ROUND


def test_a_heartbeat_must_match_the_account_and_the_block() -> None:
    ledger = online_ledger()

    def refused(t: object, seed: bytes = SEED) -> str:
        def go(ov, t, ad):  # type: ignore[no-untyped-def]
            apply_heartbeat(ov, t, ROUND, lambda rnd: seed)

        return ledger.refuse(go, t)  # type: ignore[arg-type]

    other = bytes([43]) * 32
    assert refused(txn("hb", BOB, **heartbeat()), other) == (
        f"provided seed {go_array(SEED)} does not match round 1's seed {go_array(other)}"
    )
    name = encode_address(ALICE)
    assert refused(txn("hb", BOB, **heartbeat(vid=other))) == (
        f"provided voter ID {go_array(other)} does not match {name}'s voter ID {go_array(VOTE_ID)}"
    )
    assert refused(txn("hb", BOB, **heartbeat(kd=8))) == (
        f"provided key dilution 8 does not match {name}'s key dilution {DILUTION}"
    )
    # discounted heartbeats answer challenges, and a dev sandbox never challenges anyone
    assert refused(txn("hb", BOB, **heartbeat(fee=0, c=True))) == (
        f"discounted heartbeat is not allowed when not IncentiveEligible {name}"
    )
    eligible = online_ledger(incentive_eligible=True)
    with pytest.raises(Exception, match="is not allowed with no challenge"):
        apply(eligible, txn("hb", BOB, **heartbeat(fee=10, c=True)))
    offline = MockLedger().fund(ALICE)
    with pytest.raises(Exception, match=f"discounted heartbeat is not allowed for Offline {name}"):
        apply(offline, txn("hb", BOB, **heartbeat(fee=0, c=True)))
    # without the claim, an underpaid heartbeat is an ordinary one (V42)
    apply(online_ledger(), txn("hb", BOB, **heartbeat(fee=0)))
