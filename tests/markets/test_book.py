"""The MarketMaker's SQLite book: replacement, one clearing per slot, awards traced to the
signed bids, all-or-nothing writes, append-only rows."""

from __future__ import annotations

import sqlite3

import pytest

from gridworks.markets.bids import DemandCurve, Step
from gridworks.markets.book import BookError, MarketBook
from gridworks.markets.clearing import GRID, clear
from gridworks.markets.market_types import PRICE_CAP_USD_PER_MWH as CAP

SLOT = "rt60gate5.d1.isone.ver.keene.1577854800"


def curve(*steps: tuple[float, float]) -> DemandCurve:
    return DemandCurve(steps=tuple(Step(price=p, quantity=q) for p, q in steps))


def test_a_new_bid_replaces_the_old_and_awards_trace_to_the_live_one(tmp_path) -> None:
    with MarketBook(tmp_path / "book.sqlite") as book:
        book.add_bid(
            SLOT, "d1.a", curve((CAP, 1)), message_id="m1", envelope=b"env-1", received_ms=1
        )
        book.add_bid(
            SLOT,
            "d1.a",
            curve((CAP, 2), (50, 4)),
            message_id="m2",
            envelope=b"env-2",
            received_ms=2,
        )
        book.add_bid(
            SLOT, "d1.b", curve((CAP, 3)), message_id="m3", envelope=b"env-3", received_ms=3
        )
        live = book.live_bids(SLOT)
        assert live["d1.a"].steps[-1].quantity == 4 and set(live) == {"d1.a", "d1.b"}
        result = clear(live, grid_price_usd_per_mwh=40, feeder_capacity_kw=100)
        book.record_clearing(SLOT, result, cleared_ms=10)
        awards = {(a.party, a.side): a for a in book.awards(SLOT)}
        assert awards[("d1.a", "bought")].bid_message_id == "m2"
        assert awards[("d1.a", "bought")].bid_envelope == b"env-2"
        assert awards[("d1.a", "bought")].kw == 4 and awards[("d1.b", "bought")].kw == 3
        assert (
            awards[(GRID, "sold")].kw == pytest.approx(7)
            and awards[(GRID, "sold")].bid_message_id is None
        )


def test_a_cleared_slot_takes_no_bid_and_no_second_clearing(tmp_path) -> None:
    with MarketBook(tmp_path / "book.sqlite") as book:
        book.add_bid(SLOT, "d1.a", curve((CAP, 1)), message_id="m1", envelope=b"e", received_ms=1)
        result = clear(book.live_bids(SLOT), grid_price_usd_per_mwh=40, feeder_capacity_kw=10)
        book.record_clearing(SLOT, result, cleared_ms=2)
        with pytest.raises(BookError, match="takes no more bids"):
            book.add_bid(
                SLOT, "d1.b", curve((CAP, 1)), message_id="m2", envelope=b"e", received_ms=3
            )
        with pytest.raises(BookError, match="cleared already"):
            book.record_clearing(SLOT, result, cleared_ms=4)
        assert len(book.awards(SLOT)) == 2


def test_a_clearing_naming_an_unknown_bidder_writes_nothing(tmp_path) -> None:
    with MarketBook(tmp_path / "book.sqlite") as book:
        book.add_bid(SLOT, "d1.a", curve((CAP, 1)), message_id="m1", envelope=b"e", received_ms=1)
        stranger = clear(
            {"d1.zz": curve((CAP, 1))}, grid_price_usd_per_mwh=40, feeder_capacity_kw=10
        )
        with pytest.raises(BookError, match="d1.zz"):
            book.record_clearing(SLOT, stranger, cleared_ms=2)
        assert not book.cleared(SLOT) and book.awards(SLOT) == []
        book.add_bid(SLOT, "d1.b", curve((CAP, 1)), message_id="m2", envelope=b"e", received_ms=3)


def test_the_same_bid_twice_is_refused_and_rows_cannot_be_changed(tmp_path) -> None:
    path = tmp_path / "book.sqlite"
    with MarketBook(path) as book:
        book.add_bid(SLOT, "d1.a", curve((CAP, 1)), message_id="m1", envelope=b"e", received_ms=1)
        with pytest.raises(BookError, match="already"):
            book.add_bid(
                SLOT, "d1.a", curve((CAP, 1)), message_id="m1", envelope=b"e", received_ms=2
            )
    raw = sqlite3.connect(path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        raw.execute("UPDATE bids SET curve = '{}'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        raw.execute("DELETE FROM bids")
    raw.close()
