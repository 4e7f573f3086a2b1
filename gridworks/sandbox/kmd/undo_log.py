"""An undo log for kmd's tables, written by SQLite triggers, for snapshots and time travel.

Every insert, update or delete on `wallets`, `keys` and `multisigs` appends the statement that
reverses it (old values quoted by SQLite itself, sealed secrets as they are at rest). A snapshot
keeps the log's position; reverting runs the statements after it newest first, then cuts the
log there, so a revert costs what changed since the snapshot.
"""

from __future__ import annotations

import sqlite3

TABLES = ("wallets", "keys", "multisigs")

_LOG = "CREATE TABLE IF NOT EXISTS undo_log (seq INTEGER PRIMARY KEY, statement TEXT NOT NULL)"


def install(db: sqlite3.Connection) -> None:
    """Creates the log and its triggers (idempotent). `INSERT OR REPLACE` deletes the row it
    replaces; recursive triggers make SQLite fire the delete trigger for it too."""
    db.execute("PRAGMA recursive_triggers=ON")
    db.execute(_LOG)
    for table in TABLES:
        columns = [row[1] for row in db.execute(f"PRAGMA table_info({table})")]
        for statement in _triggers(table, columns):
            db.execute(statement)
    db.commit()


def _triggers(table: str, columns: list[str]) -> list[str]:
    names = ",".join(columns)
    old_values = " || ',' || ".join(f"quote(OLD.{c})" for c in columns)
    assignments = " || ',' || ".join(f"'{c}=' || quote(OLD.{c})" for c in columns)
    log = "INSERT INTO undo_log (statement) VALUES"
    return [
        f"CREATE TRIGGER IF NOT EXISTS undo_{table}_insert AFTER INSERT ON {table} BEGIN "
        f"{log} ('DELETE FROM {table} WHERE rowid=' || NEW.rowid); END",
        f"CREATE TRIGGER IF NOT EXISTS undo_{table}_update AFTER UPDATE ON {table} BEGIN "
        f"{log} ('UPDATE {table} SET ' || {assignments} || ' WHERE rowid=' || OLD.rowid); END",
        f"CREATE TRIGGER IF NOT EXISTS undo_{table}_delete AFTER DELETE ON {table} BEGIN "
        f"{log} ('INSERT INTO {table} (rowid,{names}) VALUES (' || OLD.rowid || ',' || "
        f"{old_values} || ')'); END",
    ]


def position(db: sqlite3.Connection) -> int:
    """The log's current end: what a snapshot keeps."""
    (seq,) = db.execute("SELECT coalesce(max(seq), 0) FROM undo_log").fetchone()
    return int(seq)


def undo_after(db: sqlite3.Connection, seq: int) -> None:
    """Inside the caller's transaction: reverses every change logged after `seq`, newest
    first, and cuts the log back to `seq` (dropping what the reversal itself logged)."""
    rows = db.execute(
        "SELECT statement FROM undo_log WHERE seq > ? ORDER BY seq DESC", (seq,)
    ).fetchall()
    for (statement,) in rows:
        db.execute(statement)
    db.execute("DELETE FROM undo_log WHERE seq > ?", (seq,))
