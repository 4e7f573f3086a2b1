"""Stored account records: every field survives a round trip, and older records still load."""

from __future__ import annotations

from gridworks.sandbox.ledger.records import Account


def test_an_account_survives_its_record() -> None:
    acct = Account(*range(1, 19))
    assert Account.from_record(acct.to_record()) == acct


def test_a_record_in_the_first_format_loads_with_new_counters_at_zero() -> None:
    old = {
        "a": 5_000_000, "s": 1, "au": bytes(32), "vk": b"v" * 32, "sk": b"s" * 32, "pk": b"",
        "vf": 1, "vl": 100, "kd": 10, "ta": 2, "tc": 1,
    }  # fmt: skip
    acct = Account.from_record(old)
    assert (acct.micro_algos, acct.status, acct.total_assets, acct.total_created_assets) == (
        5_000_000, 1, 2, 1,
    )  # fmt: skip
    assert acct.vote_pk == b"v" * 32 and acct.vote_last == 100
    assert acct.total_created_apps == acct.total_boxes == 0
