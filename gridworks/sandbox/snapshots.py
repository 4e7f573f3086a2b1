"""Snapshots and time travel over the whole sandbox: ledger, indexer tables and kmd wallets.

A snapshot is a mark, not a copy: the round it was taken at, the position of kmd's undo log
and the devmode timestamp offset, kept in the ledger's database (so marks outlive the process
when the sandbox has a data dir). Every committed block keeps an undo record
(ledger/undo.py); reverting merges the records of the blocks after the mark and writes the
earlier values back, so it costs what changed since the snapshot, whatever the state's size.

Semantics, chosen for test suites that go back to one starting point again and again:
- reverting to a snapshot keeps it (revert to it as often as you like) and drops every
  snapshot taken after it, whose rounds no longer exist;
- reset goes back to genesis (the dev wallet as it was then) and drops every snapshot;
- the ledger, the indexer's rows and kmd go back in one step: if any part fails, none moves
  (the ledger's store and kmd commit together; kmd commits right after the ledger);
- confirmed transactions of the rounds kept stay confirmed; those of the rounds cut are
  forgotten (and may be submitted again);
- a pending one-shot timestamp is cleared; the devmode offset goes back to its value then.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import msgpack

from .kmd.wallets import WalletStore
from .ledger.ledger import Ledger
from .ledger.rewind import rewind_store

MAX_ADVANCE_ROUNDS = 10_000
MAX_TIMESTAMP = 2**63 - 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS snapshot_marks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    rnd INTEGER NOT NULL,
    kmd_position INTEGER NOT NULL,
    timestamp_offset INTEGER NOT NULL,
    created REAL NOT NULL
)
"""


class SnapshotError(Exception):
    """A time-travel request the sandbox refuses; `status` is the HTTP status to answer."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnknownSnapshot(SnapshotError):
    status = 404


@dataclass(frozen=True)
class Snapshot:
    id: int
    round: int
    created: float  # Unix time

    def to_json(self) -> dict[str, int | float]:
        return {"id": self.id, "round": self.round, "created": self.created}


@dataclass(frozen=True)
class _Mark:
    snapshot: Snapshot
    kmd_position: int
    timestamp_offset: int


class TimeMachine:
    """Snapshot, revert, reset, next-block timestamp and empty rounds for one sandbox."""

    def __init__(self, ledger: Ledger, wallets: WalletStore) -> None:
        self.ledger = ledger
        self.wallets = wallets
        store = ledger.store
        with store.lock:
            store.db.execute(_SCHEMA)
        # Ledgers written before undo records existed can go back only to when they were
        # first opened with them; kmd's log starts after the dev wallet (kept by reset).
        if store.get_meta("undo_from") is None:
            store.set_meta("undo_from", ledger.round)
        if store.get_meta("kmd_origin") is None:
            store.set_meta("kmd_origin", wallets.undo_position())

    def snapshot(self) -> Snapshot:
        store = self.ledger.store
        with self.ledger.lock:
            kmd_position = self.wallets.undo_position()
            created = time.time()
            with store.transaction() as db:
                cursor = db.execute(
                    "INSERT INTO snapshot_marks (rnd, kmd_position, timestamp_offset, created)"
                    " VALUES (?, ?, ?, ?)",
                    (self.ledger.round, kmd_position, self.ledger.timestamp_offset, created),
                )
            assert cursor.lastrowid is not None
            return Snapshot(cursor.lastrowid, self.ledger.round, created)

    def snapshots(self) -> list[Snapshot]:
        store = self.ledger.store
        with store.lock:
            rows = store.db.execute(
                "SELECT id, rnd, created FROM snapshot_marks ORDER BY id"
            ).fetchall()
        return [Snapshot(*row) for row in rows]

    def revert(self, snapshot_id: int) -> tuple[Snapshot, list[int]]:
        """Goes back to the snapshot; returns it and the ids of the later ones it dropped."""
        with self.ledger.lock:
            mark = self._mark(snapshot_id)
            dropped = [s.id for s in self.snapshots() if s.id > snapshot_id]
            self._go_back(
                mark.snapshot.round, mark.kmd_position, mark.timestamp_offset, snapshot_id
            )
            return mark.snapshot, dropped

    def reset(self) -> int:
        """Back to genesis with the dev wallet as it was then; every snapshot is dropped."""
        store = self.ledger.store
        with self.ledger.lock:
            origin = int(store.get_meta("undo_from"))
            self._go_back(origin, int(store.get_meta("kmd_origin")), 0, 0)
            return origin

    def set_next_timestamp(self, timestamp: int) -> int:
        if isinstance(timestamp, bool) or not isinstance(timestamp, int):
            raise SnapshotError(f"timestamp must be an integer, not {timestamp!r}")
        if not 0 <= timestamp <= MAX_TIMESTAMP:
            raise SnapshotError(f"timestamp {timestamp} is out of range (0 to {MAX_TIMESTAMP})")
        try:
            self.ledger.set_next_timestamp(timestamp)
        except ValueError as exc:
            raise SnapshotError(str(exc)) from None
        return timestamp

    def advance(self, rounds: int) -> int:
        """Adds `rounds` empty blocks (1 to MAX_ADVANCE_ROUNDS); returns the last round."""
        if isinstance(rounds, bool) or not isinstance(rounds, int):
            raise SnapshotError(f"rounds must be an integer, not {rounds!r}")
        if not 1 <= rounds <= MAX_ADVANCE_ROUNDS:
            raise SnapshotError(f"rounds must be from 1 to {MAX_ADVANCE_ROUNDS}, not {rounds}")
        self.ledger.advance(rounds)
        return self.ledger.round

    def _mark(self, snapshot_id: int) -> _Mark:
        store = self.ledger.store
        with store.lock:
            row = store.db.execute(
                "SELECT id, rnd, created, kmd_position, timestamp_offset FROM snapshot_marks"
                " WHERE id = ?",
                (snapshot_id,),
            ).fetchone()
        if row is None:
            known = ", ".join(str(s.id) for s in self.snapshots()) or "none"
            raise UnknownSnapshot(f"snapshot {snapshot_id} does not exist (snapshots: {known})")
        return _Mark(Snapshot(row[0], row[1], row[2]), row[3], row[4])

    def _go_back(self, round_: int, kmd_position: int, offset: int, keep_id: int) -> None:
        """Ledger, indexer and kmd back to `round_` / `kmd_position`, marks after `keep_id`
        dropped; the caller holds the ledger's lock."""
        ledger, store = self.ledger, self.ledger.store
        if not int(store.get_meta("undo_from")) <= round_ <= ledger.round:
            raise SnapshotError(f"round {round_} cannot be reached from round {ledger.round}")
        with self.wallets.reverting(kmd_position), store.transaction() as db:
            earlier = rewind_store(store, db, round_)
            db.execute("DELETE FROM snapshot_marks WHERE id > ?", (keep_id,))
            db.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('timestamp_offset', ?)",
                (msgpack.packb(offset),),
            )
            (block,) = db.execute("SELECT data FROM blocks WHERE rnd = ?", (round_,)).fetchone()
        header = msgpack.unpackb(block, raw=False, strict_map_key=False)
        ledger.rewound(round_, header, earlier)
        ledger.timestamp_offset = offset
