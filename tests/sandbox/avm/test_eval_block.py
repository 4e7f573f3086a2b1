"""`block`: seeds and timestamps of the rounds a transaction's validity window reaches back to."""

from __future__ import annotations

from avm_app_helpers import Txn, code_of
from avm_eval_helpers import int_, op, reason, stack

from gridworks.sandbox.avm.spec import Mode
from gridworks.sandbox.avm.views import GlobalView, GroupView

SEED = op("block", code_of("block Fields", "BlkSeed"))
TIMESTAMP = op("block", code_of("block Fields", "BlkTimestamp"))


def seed(rnd: int) -> bytes:
    return rnd.to_bytes(32, "big")


def kw(first_valid: int = 2_000, last_valid: int = 2_500, **lookups: object) -> dict[str, object]:
    """A logic sig of a transaction valid for [first_valid, last_valid] (MaxTxnLife 1,000)."""
    chain = {"block_seed": seed, "block_timestamp": lambda rnd: 1_000_000 + rnd, **lookups}
    txn = Txn(type="pay", first_valid=first_valid, last_valid=last_valid)
    return {"group": GroupView([txn]), "globals": GlobalView(**chain)}  # type: ignore[arg-type]


def test_seed_and_timestamp_of_available_rounds() -> None:
    assert stack(int_(1_999), SEED, int_(1_500), TIMESTAMP, **kw()) == [seed(1_999), 1_001_500]
    assert stack(int_(1_499), TIMESTAMP, mode=Mode.APP, **kw()) == [1_001_499]


def test_rounds_outside_the_window_are_not_available() -> None:
    # from LastValid - MaxTxnLife - 1 to FirstValid - 1
    assert (
        reason(int_(2_000), SEED, **kw()) == "round 2000 is not available. It's outside [1499-1999]"
    )
    assert (
        reason(int_(1_498), SEED, **kw()) == "round 1498 is not available. It's outside [1499-1999]"
    )
    assert reason(int_(0), SEED, **kw(10, 20)) == "round 0 is not available. It's outside [1-9]"


def test_missing_headers_and_bad_timestamps() -> None:
    assert reason(int_(1_999), SEED, **kw(block_seed=None)) == "no block header access"
    assert reason(int_(1_999), TIMESTAMP, **kw(block_timestamp=lambda rnd: -5)) == (
        "block(1999) timestamp -5 < 0"
    )


def test_block_fields_and_versions() -> None:
    assert reason(int_(1_999), op("block", 99), **kw()) == "invalid block field BlockField(99)"
    # a field of a later version is named (go's Stringer knows it)
    assert reason(int_(1_999), op("block", 9), **kw()) == "invalid block field BlkProposerPayout"
    assert reason(int_(1_999), SEED, version=6, **kw()).startswith("illegal opcode 0xd1")
