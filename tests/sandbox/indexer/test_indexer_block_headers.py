"""The indexer's `GET /v2/block-headers`: headers as `/v2/blocks/{round}?header-only=true` gives
them, round and time filters, paging, participation filters and bad parameters."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote

import pytest
from algosdk.error import IndexerHTTPError
from algosdk.v2client.algod import AlgodClient
from algosdk.v2client.indexer import IndexerClient
from indexer_helpers import pay, raw_get

from gridworks.sandbox import DevAccount, EmbeddedSandbox, Network

Factory = Callable[..., DevAccount]


def headers(indexer: IndexerClient, query: str) -> dict[str, Any]:
    """GET /v2/block-headers?<query> over raw HTTP; the page, which must be a 200."""
    status, body = raw_get(indexer, f"/v2/block-headers?{query}")
    assert status == 200, body
    return body  # type: ignore[no-any-return]


def rounds(page: dict[str, Any]) -> list[int]:
    return [block["round"] for block in page["blocks"]]


def header_only(indexer: IndexerClient, round_: int) -> dict[str, Any]:
    status, body = raw_get(indexer, f"/v2/blocks/{round_}?header-only=true")
    assert status == 200, body
    return body  # type: ignore[no-any-return]


def rfc3339(seconds: int, zone: timezone = UTC) -> str:
    return quote(datetime.fromtimestamp(seconds, zone).isoformat())


def last_round(net: Network) -> int:
    assert net.indexer is not None
    return int(net.indexer.health()["round"])


def test_a_header_is_the_header_only_block(
    algod: AlgodClient, indexer: IndexerClient, account_factory: Factory
) -> None:
    sender = account_factory()
    _, info = pay(algod, sender, sender.address, 0, note=b"a header")
    round_ = info["confirmed-round"]
    expected = header_only(indexer, round_)
    assert "transactions" not in expected and expected["fees-collected"] == 1000

    page = indexer.search_block_headers(min_round=round_, max_round=round_)
    assert page["blocks"] == [expected]
    assert page["current-round"] >= round_
    raw = headers(indexer, f"min-round={round_}&max-round={round_}")
    assert raw["blocks"] == [expected]
    assert indexer.block_info(round_)["transactions"] != []  # the block has one, its header none

    genesis = headers(indexer, "max-round=0")
    assert genesis["blocks"] == [header_only(indexer, 0)] and rounds(genesis) == [0]


def test_min_and_max_round(indexer: IndexerClient, sandbox: EmbeddedSandbox) -> None:
    last = sandbox.advance(4)
    first = last - 3
    page = headers(indexer, f"min-round={first}&max-round={last}")
    assert rounds(page) == [first, first + 1, first + 2, last]
    assert page["blocks"] == [header_only(indexer, r) for r in rounds(page)]
    assert page["current-round"] >= last
    assert rounds(headers(indexer, f"min-round={last}&max-round={last}")) == [last]
    assert rounds(headers(indexer, "min-round=0&max-round=2")) == [0, 1, 2]
    beyond = headers(indexer, f"min-round={page['current-round'] + 1}")
    assert beyond["blocks"] == [] and "next-token" not in beyond
    # the oldest first, with the default limit of 100
    assert rounds(headers(indexer, "")) == list(range(min(100, page["current-round"] + 1)))


def test_paging_by_two_gives_consecutive_rounds(fresh_chain: Network) -> None:
    indexer, box = fresh_chain.indexer, fresh_chain.sandbox
    assert indexer is not None and box is not None
    start = last_round(fresh_chain)
    last = box.advance(5)
    seen: list[int] = []
    token = None
    pages = 0
    for _ in range(10):
        page = indexer.search_block_headers(min_round=start, limit=2, next_page=token)
        pages += 1
        if not page["blocks"]:
            assert "next-token" not in page
            break
        assert len(page["blocks"]) <= 2
        token = page["next-token"]
        # as indexer writes it: the page's last round, 8 bytes little-endian, URL-safe base64
        decoded = base64.urlsafe_b64decode(token)
        assert int.from_bytes(decoded, "little") == page["blocks"][-1]["round"]
        seen.extend(rounds(page))
    assert seen == list(range(start, last + 1)) and pages == 4
    assert len(seen) == 6

    # raw HTTP, a round window: the token moves past min-round and stops at max-round
    window = f"min-round={start + 1}&max-round={start + 4}&limit=3"
    first = headers(indexer, window)
    assert rounds(first) == [start + 1, start + 2, start + 3]
    second = headers(indexer, f"{window}&next={first['next-token']}")
    assert rounds(second) == [start + 4]
    third = headers(indexer, f"{window}&next={second['next-token']}")
    assert third["blocks"] == [] and "next-token" not in third
    # the later of min-round and the token's round + 1 is where a page starts
    assert rounds(headers(indexer, f"min-round={start + 3}&limit=1&next={_token(start + 1)}")) == [
        start + 3
    ]
    assert rounds(headers(indexer, f"min-round={start}&limit=1&next={_token(start + 3)}")) == [
        start + 4
    ]


def test_limits_are_indexers(fresh_chain: Network) -> None:
    indexer, box = fresh_chain.indexer, fresh_chain.sandbox
    assert indexer is not None and box is not None
    start = last_round(fresh_chain)
    last = box.advance(1005)
    assert len(headers(indexer, f"min-round={start}")["blocks"]) == 100  # the default
    assert len(headers(indexer, f"min-round={start}&limit=0")["blocks"]) == 100
    assert len(headers(indexer, f"min-round={start}&limit=5000")["blocks"]) == 1000  # the max
    tail = headers(indexer, f"min-round={start}&limit=1000&next={_token(last - 3)}")
    assert rounds(tail) == [last - 2, last - 1, last]


def _token(round_: int) -> str:
    return base64.urlsafe_b64encode(round_.to_bytes(8, "little")).decode()


def test_before_and_after_time(fresh_chain: Network) -> None:
    indexer, box = fresh_chain.indexer, fresh_chain.sandbox
    assert indexer is not None and box is not None
    start = last_round(fresh_chain)
    base = header_only(indexer, start)["timestamp"]
    # rounds r1..r4 at base+10, +20, +30, +30 (a block may share its parent's time)
    for offset in (10, 20, 30, 30):
        box.set_next_timestamp(base + offset)
        box.advance(1)
    r1, r2, r3, r4 = start + 1, start + 2, start + 3, start + 4
    assert [header_only(indexer, r)["timestamp"] - base for r in (r1, r2, r3, r4)] == [
        10, 20, 30, 30,
    ]  # fmt: skip

    def window(**times: int) -> list[int]:
        query = "&".join(f"{name.replace('_', '-')}={rfc3339(t)}" for name, t in times.items())
        return rounds(headers(indexer, f"min-round={start}&{query}"))

    assert window(after_time=base + 15) == [r2, r3, r4]
    assert window(after_time=base + 10) == [r2, r3, r4]  # strictly after
    assert window(after_time=base + 29) == [r3, r4]
    assert window(after_time=base + 30) == []
    assert window(before_time=base + 20) == [start, r1]  # strictly before
    assert window(before_time=base + 31) == [start, r1, r2, r3, r4]
    assert window(before_time=base + 30) == [start, r1, r2]
    assert window(before_time=base) == []
    assert window(after_time=base + 5, before_time=base + 25) == [r1, r2]
    assert window(after_time=base + 20, before_time=base + 20) == []
    # the same instant in another zone
    plus_two = timezone(timedelta(hours=2))
    other_zone = headers(indexer, f"min-round={start}&after-time={rfc3339(base + 15, plus_two)}")
    assert rounds(other_zone) == [r2, r3, r4]
    # algosdk's names: start_time is after-time, end_time before-time
    found = indexer.search_block_headers(
        min_round=start,
        start_time=datetime.fromtimestamp(base + 5, UTC).isoformat(),
        end_time=datetime.fromtimestamp(base + 25, UTC).isoformat(),
    )
    assert rounds(found) == [r1, r2] and "next-token" in found
    assert found["blocks"] == [header_only(indexer, r) for r in (r1, r2)]
    # with a round bound too
    assert window(after_time=base + 5, before_time=base + 35) == [r1, r2, r3, r4]
    assert rounds(
        headers(indexer, f"min-round={r2}&max-round={r3}&after-time={rfc3339(base + 5)}")
    ) == [r2, r3]


def test_participation_filters_match_no_sandbox_block(
    indexer: IndexerClient, dev_accounts: list[DevAccount]
) -> None:
    """The sandbox records no proposer and no participation updates, so nothing matches."""
    a, b = dev_accounts[0].address, dev_accounts[1].address
    page = headers(indexer, "max-round=50")
    assert page["blocks"]
    assert not any(
        "proposer" in block or "participation-updates" in block for block in page["blocks"]
    )
    for name in ("proposers", "expired", "absent"):
        found = headers(indexer, f"{name}={a}")
        assert found["blocks"] == [] and "next-token" not in found
        assert found["current-round"] >= 0
        assert headers(indexer, f"{name}={a},{b}&min-round=0")["blocks"] == []
        assert headers(indexer, f"{name}={a}&{name}={b}")["blocks"] == []
    found = indexer.search_block_headers(proposers=a, limit=5)
    assert found["blocks"] == [] and "next-token" not in found


ADDRESS = "A" * 52 + "Y5HFKQ"


@pytest.mark.parametrize(
    "query, words",
    [
        ("limit=abc", "limit"),
        ("limit=-1", "limit"),
        ("min-round=x", "min-round"),
        ("max-round=-3", "max-round"),
        ("min-round=5&max-round=4", "min-round must be less than max-round"),
        ("max-round=9223372036854775808", "round"),
        ("before-time=yesterday", "before-time"),
        ("after-time=2024-01-01T00:00:00", "after-time"),
        (
            "after-time=2024-01-02T00:00:00Z&before-time=2024-01-01T00:00:00Z",
            "after-time must be less than before-time",
        ),
        ("next=%21", "next"),
        ("next=AAAA", "next"),
        ("proposers=NOTANADDRESS", "proposers"),
        ("expired=", "expired"),
        (f"absent={ADDRESS},nope", "absent"),
        (f"proposers={ADDRESS}&absent={ADDRESS}", "only one of"),
        ("expired=" + ",".join([ADDRESS] * 51), "too long"),
        ("round=1", "Unknown parameter"),
        ("header-only=true", "Unknown parameter"),
    ],
)
def test_bad_parameters_are_a_400(
    indexer: IndexerClient, sandbox: EmbeddedSandbox, query: str, words: str
) -> None:
    before = (sandbox.ledger.round, sandbox.ledger.state_digest())
    status, body = raw_get(indexer, f"/v2/block-headers?{query}")
    assert status == 400, body
    assert set(body) == {"message"} and words in body["message"]
    assert (sandbox.ledger.round, sandbox.ledger.state_digest()) == before


def test_algosdk_sees_the_400(indexer: IndexerClient) -> None:
    with pytest.raises(IndexerHTTPError, match="min-round must be less than max-round"):
        indexer.search_block_headers(min_round=5, max_round=4)
    # algosdk sends a Python list as its repr, which is no address
    with pytest.raises(IndexerHTTPError, match="proposers"):
        indexer.search_block_headers(proposers=[ADDRESS])
