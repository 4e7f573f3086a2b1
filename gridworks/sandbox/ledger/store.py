"""SQLite persistence: every block and the state it changes commit in one SQLite transaction.

WAL journaling with synchronous=NORMAL: a committed block survives the process being killed
(`kill -9`); only a power loss may drop the last blocks, which a dev sandbox can afford.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import msgpack

from ..indexer import tables as indexer_tables
from .records import Account, AppParams, AssetParams, Holding, LocalState
from .state import Delta, LedgerState

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS accounts (addr BLOB PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS holdings (
    addr BLOB NOT NULL, asset INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (addr, asset)
);
CREATE TABLE IF NOT EXISTS assets (asset INTEGER PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS apps (app INTEGER PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS local_states (
    addr BLOB NOT NULL, app INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (addr, app)
);
CREATE TABLE IF NOT EXISTS boxes (
    app INTEGER NOT NULL, name BLOB NOT NULL, value BLOB NOT NULL, PRIMARY KEY (app, name)
);
CREATE TABLE IF NOT EXISTS blocks (rnd INTEGER PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS txids (
    txid BLOB PRIMARY KEY, rnd INTEGER NOT NULL, intra INTEGER NOT NULL,
    last_valid INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS leases (
    sender BLOB NOT NULL, lease BLOB NOT NULL, last_valid INTEGER NOT NULL,
    PRIMARY KEY (sender, lease)
);
CREATE TABLE IF NOT EXISTS undo (rnd INTEGER PRIMARY KEY, data BLOB NOT NULL);
"""


def _pack(value: Any) -> bytes:
    return msgpack.packb(value, use_bin_type=True)


def _unpack(data: bytes) -> Any:
    return msgpack.unpackb(data, raw=False, strict_map_key=False)


class Store:
    """The ledger's database; `path=None` keeps it in memory (the `--ephemeral` sandbox)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        target = ":memory:" if path is None else str(path)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
        self.lock = threading.Lock()
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        self.db.executescript(indexer_tables.SCHEMA)
        indexer_tables.backfill(self.db)

    def close(self) -> None:
        with self.lock:
            self.db.close()

    # meta
    def get_meta(self, key: str) -> Any:
        with self.lock:
            row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else _unpack(row[0])

    def set_meta(self, key: str, value: Any) -> None:
        with self.lock:
            self.db.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, _pack(value))
            )

    # state
    def load_state(self, state: LedgerState) -> None:
        delta = Delta()
        for addr, data in self.db.execute("SELECT addr, data FROM accounts"):
            delta.accounts[addr] = Account.from_record(_unpack(data))
        for addr, asset, data in self.db.execute("SELECT addr, asset, data FROM holdings"):
            amount, frozen = _unpack(data)
            delta.holdings[(addr, asset)] = Holding(amount, frozen)
        for asset, data in self.db.execute("SELECT asset, data FROM assets"):
            delta.assets[asset] = AssetParams.from_record(_unpack(data))
        for app, data in self.db.execute("SELECT app, data FROM apps"):
            delta.apps[app] = AppParams.from_record(_unpack(data))
        for addr, app, data in self.db.execute("SELECT addr, app, data FROM local_states"):
            delta.locals[(addr, app)] = LocalState.from_record(_unpack(data))
        for app, name, value in self.db.execute("SELECT app, name, value FROM boxes"):
            delta.boxes[(app, bytes(name))] = bytes(value)
        state.apply(delta)

    def commit_block(
        self,
        round_: int,
        block: dict[str, Any],
        delta: Delta,
        txids: list[tuple[bytes, int]],
        leases: list[tuple[bytes, bytes, int]],
        meta: dict[str, Any],
        undo: bytes | None = None,
    ) -> None:
        """Writes the block and its state changes atomically: all of them or none.

        `undo` (ledger/undo.py) holds what the block's changes overwrite, for time travel."""
        db = self.db
        with self.lock:
            db.execute("BEGIN")
            try:
                # the indexer's rows first: a deleted app's or asset's record is still there
                indexer_tables.index_block(db, round_, block, [txid for txid, _ in txids], delta)
                self.write_delta(delta)
                if undo is not None:
                    db.execute("INSERT INTO undo (rnd, data) VALUES (?, ?)", (round_, undo))
                db.execute("INSERT INTO blocks (rnd, data) VALUES (?, ?)", (round_, _pack(block)))
                db.executemany(
                    "INSERT INTO txids (txid, rnd, intra, last_valid) VALUES (?, ?, ?, ?)",
                    [(txid, round_, intra, lv) for intra, (txid, lv) in enumerate(txids)],
                )
                if leases:
                    db.executemany(
                        "INSERT OR REPLACE INTO leases (sender, lease, last_valid) "
                        "VALUES (?, ?, ?)",
                        leases,
                    )
                if meta:
                    db.executemany(
                        "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                        [(key, _pack(value)) for key, value in meta.items()],
                    )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def write_delta(self, delta: Delta) -> None:
        """Writes state changes; the caller holds the lock and runs the transaction."""
        db = self.db
        for addr, acct in delta.accounts.items():
            if acct is None or acct.is_empty():
                db.execute("DELETE FROM accounts WHERE addr = ?", (addr,))
            else:
                db.execute(
                    "INSERT OR REPLACE INTO accounts (addr, data) VALUES (?, ?)",
                    (addr, _pack(acct.to_record())),
                )
        for (addr, asset), holding in delta.holdings.items():
            if holding is None:
                db.execute("DELETE FROM holdings WHERE addr = ? AND asset = ?", (addr, asset))
            else:
                db.execute(
                    "INSERT OR REPLACE INTO holdings (addr, asset, data) VALUES (?, ?, ?)",
                    (addr, asset, _pack((holding.amount, holding.frozen))),
                )
        for asset, params in delta.assets.items():
            if params is None:
                db.execute("DELETE FROM assets WHERE asset = ?", (asset,))
            else:
                db.execute(
                    "INSERT OR REPLACE INTO assets (asset, data) VALUES (?, ?)",
                    (asset, _pack(params.to_record())),
                )
        if delta.apps or delta.locals or delta.boxes:
            self._write_apps(delta)

    def _write_apps(self, delta: Delta) -> None:
        """Apps, local states and boxes of a block (inside `write_delta`'s transaction)."""
        db = self.db
        for app, params in delta.apps.items():
            if params is None:
                db.execute("DELETE FROM apps WHERE app = ?", (app,))
            else:
                db.execute(
                    "INSERT OR REPLACE INTO apps (app, data) VALUES (?, ?)",
                    (app, _pack(params.to_record())),
                )
        for (addr, app), local in delta.locals.items():
            if local is None:
                db.execute("DELETE FROM local_states WHERE addr = ? AND app = ?", (addr, app))
            else:
                db.execute(
                    "INSERT OR REPLACE INTO local_states (addr, app, data) VALUES (?, ?, ?)",
                    (addr, app, _pack(local.to_record())),
                )
        for (app, name), value in delta.boxes.items():
            if value is None:
                db.execute("DELETE FROM boxes WHERE app = ? AND name = ?", (app, name))
            else:
                db.execute(
                    "INSERT OR REPLACE INTO boxes (app, name, value) VALUES (?, ?, ?)",
                    (app, name, value),
                )

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Holds the lock over one SQLite transaction: committed if the block ends normally,
        rolled back if it raises."""
        with self.lock:
            self.db.execute("BEGIN")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    # lookups
    def block(self, round_: int) -> dict[str, Any] | None:
        with self.lock:
            row = self.db.execute("SELECT data FROM blocks WHERE rnd = ?", (round_,)).fetchone()
        return None if row is None else _unpack(row[0])

    def last_block(self) -> dict[str, Any]:
        with self.lock:
            row = self.db.execute("SELECT data FROM blocks ORDER BY rnd DESC LIMIT 1").fetchone()
        if row is None:
            raise LookupError("the store holds no blocks")
        return _unpack(row[0])

    def txid_location(self, txid: bytes) -> tuple[int, int, int] | None:
        with self.lock:
            row = self.db.execute(
                "SELECT rnd, intra, last_valid FROM txids WHERE txid = ?", (txid,)
            ).fetchone()
        return None if row is None else (row[0], row[1], row[2])

    def lease_last_valid(self, sender: bytes, lease: bytes) -> int | None:
        with self.lock:
            row = self.db.execute(
                "SELECT last_valid FROM leases WHERE sender = ? AND lease = ?", (sender, lease)
            ).fetchone()
        return None if row is None else int(row[0])
