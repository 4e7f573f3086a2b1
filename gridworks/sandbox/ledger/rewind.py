"""Taking the ledger's store back to an earlier round with the undo records of later blocks."""

from __future__ import annotations

import sqlite3

from ..indexer.tables import forget_after
from .state import Delta
from .store import Store
from .undo import merge


def rewind_store(store: Store, db: sqlite3.Connection, round_: int) -> Delta:
    """Inside `store.transaction()`: puts back every value the blocks after `round_` changed,
    deletes those blocks with their txids, leases, undo records and indexer rows, and returns
    the earlier values as a Delta for the in-memory state (`Ledger.rewound`)."""
    rows = db.execute("SELECT data FROM undo WHERE rnd > ? ORDER BY rnd DESC", (round_,))
    rewind = merge(row[0] for row in rows)
    store.write_delta(rewind.delta)
    if rewind.txids:
        db.executemany("DELETE FROM txids WHERE txid = ?", [(txid,) for txid in rewind.txids])
    for (sender, lease), last_valid in rewind.leases.items():
        if last_valid is None:
            db.execute("DELETE FROM leases WHERE sender = ? AND lease = ?", (sender, lease))
        else:
            db.execute(
                "INSERT OR REPLACE INTO leases (sender, lease, last_valid) VALUES (?, ?, ?)",
                (sender, lease, last_valid),
            )
    db.execute("DELETE FROM undo WHERE rnd > ?", (round_,))
    db.execute("DELETE FROM blocks WHERE rnd > ?", (round_,))
    forget_after(db, round_)
    return rewind.delta
