"""The MarketMaker's book: every bid as it was signed, every clearing, every award, in SQLite.

Auditable by construction: a bid is kept with the signed envelope it came in (its bytes and
message id), and an award names the message id of the bid it was cleared from, so each award
traces back to a signature anyone can re-verify (`gridworks ear verify`'s checks, or the
verifier's). Rows are only ever added (triggers refuse UPDATE and DELETE): a bidder's new bid
for a slot replaces its old one by being later, and the old one stays on the record.

A slot is cleared once; after that it takes no bid and no second clearing. A clearing and its
awards are written in one transaction: all of it or nothing.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from gridworks.markets.bids import DemandCurve
from gridworks.markets.clearing import Clearing

_SCHEMA = """
CREATE TABLE IF NOT EXISTS bids (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    slot TEXT NOT NULL,
    bidder TEXT NOT NULL,
    message_id TEXT NOT NULL UNIQUE,
    envelope BLOB NOT NULL,
    curve TEXT NOT NULL,
    received_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS bids_by_slot ON bids (slot, bidder, seq);
CREATE TABLE IF NOT EXISTS clearings (
    slot TEXT PRIMARY KEY,
    price_usd_per_mwh REAL NOT NULL,
    quantity_kw REAL NOT NULL,
    feeder_limited INTEGER NOT NULL,
    cleared_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS awards (
    slot TEXT NOT NULL REFERENCES clearings (slot),
    party TEXT NOT NULL,
    side TEXT NOT NULL CHECK (side IN ('bought', 'sold')),
    kw REAL NOT NULL,
    bid_message_id TEXT REFERENCES bids (message_id),
    PRIMARY KEY (slot, party, side)
);
"""
_APPEND_ONLY = [
    f"CREATE TRIGGER IF NOT EXISTS {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
    f"BEGIN SELECT RAISE(ABORT, '{table} are append-only'); END;"
    for table in ("bids", "clearings", "awards")
    for verb in ("UPDATE", "DELETE")
]


class BookError(ValueError):
    """A bid or clearing the book refuses (a cleared slot, an unknown bidder...)."""


class Award(BaseModel):
    model_config = ConfigDict(frozen=True)

    slot: str
    party: str
    side: str
    kw: float
    bid_message_id: str | None
    """The bid it was cleared from (None for a seller without a signed offer, e.g. the grid)."""
    bid_envelope: bytes | None


class MarketBook:
    def __init__(self, path: Path | str) -> None:
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        # in WAL mode a crash may lose the last commits but never corrupts or half-applies one;
        # a MarketMaker takes hundreds of bids a second, which an fsync per bid would not allow
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.executescript(_SCHEMA)
        for statement in _APPEND_ONLY:
            self._db.execute(statement)
        self._lock = threading.Lock()

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> MarketBook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def cleared(self, slot: str) -> bool:
        with self._lock:
            row = self._db.execute("SELECT 1 FROM clearings WHERE slot = ?", (slot,)).fetchone()
        return row is not None

    def add_bid(
        self,
        slot: str,
        bidder: str,
        curve: DemandCurve,
        *,
        message_id: str,
        envelope: bytes,
        received_ms: int,
    ) -> None:
        """Keep a verified bid; it replaces `bidder`'s earlier bid for `slot`."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                if self._db.execute("SELECT 1 FROM clearings WHERE slot = ?", (slot,)).fetchone():
                    raise BookError(f"slot {slot} is cleared: it takes no more bids")
                self._db.execute(
                    "INSERT INTO bids (slot, bidder, message_id, envelope, curve, received_ms) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (slot, bidder, message_id, envelope, curve.model_dump_json(), received_ms),
                )
            except sqlite3.IntegrityError as error:
                self._db.execute("ROLLBACK")
                raise BookError(f"bid {message_id} is in the book already ({error})") from None
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _live(self, slot: str) -> dict[str, tuple[str, DemandCurve]]:
        rows = self._db.execute(
            "SELECT bidder, message_id, curve FROM bids WHERE seq IN "
            "(SELECT MAX(seq) FROM bids WHERE slot = ? GROUP BY bidder)",
            (slot,),
        ).fetchall()
        return {
            bidder: (message_id, DemandCurve.model_validate_json(curve))
            for bidder, message_id, curve in rows
        }

    def live(self, slot: str) -> dict[str, tuple[str, DemandCurve]]:
        """Each bidder's latest bid for `slot`: its message id and its curve."""
        with self._lock:
            return self._live(slot)

    def live_bids(self, slot: str) -> dict[str, DemandCurve]:
        """Each bidder's latest bid for `slot`."""
        return {bidder: curve for bidder, (_, curve) in self.live(slot).items()}

    def record_clearing(self, slot: str, clearing: Clearing, *, cleared_ms: int) -> None:
        """Write the clearing and every award, each bought award tied to the live bid it came
        from; all or nothing."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                live = self._live(slot)
                unknown = sorted(set(clearing.bought_kw) - set(live))
                if unknown:
                    raise BookError(f"awards to bidders with no bid in {slot}: {unknown}")
                self._db.execute(
                    "INSERT INTO clearings VALUES (?, ?, ?, ?, ?)",
                    (
                        slot,
                        clearing.price_usd_per_mwh,
                        clearing.quantity_kw,
                        int(clearing.feeder_limited),
                        cleared_ms,
                    ),
                )
                rows = [
                    (slot, bidder, "bought", kw, live[bidder][0])
                    for bidder, kw in clearing.bought_kw.items()
                ] + [(slot, seller, "sold", kw, None) for seller, kw in clearing.sold_kw.items()]
                self._db.executemany("INSERT INTO awards VALUES (?, ?, ?, ?, ?)", rows)
            except sqlite3.IntegrityError as error:
                self._db.execute("ROLLBACK")
                raise BookError(f"slot {slot} is cleared already ({error})") from None
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def awards(self, slot: str) -> list[Award]:
        """The slot's awards, each with the signed bid it traces back to."""
        with self._lock:
            rows = self._db.execute(
                "SELECT a.slot, a.party, a.side, a.kw, a.bid_message_id, b.envelope "
                "FROM awards a LEFT JOIN bids b ON b.message_id = a.bid_message_id "
                "WHERE a.slot = ? ORDER BY a.side, a.party",
                (slot,),
            ).fetchall()
        return [
            Award(slot=s, party=p, side=side, kw=kw, bid_message_id=m, bid_envelope=e)
            for s, p, side, kw, m, e in rows
        ]
