"""The indexer's SQLite tables, written in the same SQLite transaction as each block.

Every row carries the round that wrote it, so `forget_after` can cut the tables back when the
chain is reverted. Transactions are numbered as indexer numbers them: `intra` counts every
transaction of a round, inner ones included, depth first; `root` is the `intra` of the
top-level transaction a row belongs to (its own for a top-level one). Queries page on
(rnd, root), so a transaction tree is returned once however many of its rows match.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import msgpack

from ..encoding import decode_address, hash_obj

if TYPE_CHECKING:
    from ..ledger.state import Delta

SCHEMA = """
CREATE TABLE IF NOT EXISTS ix_rounds (rnd INTEGER PRIMARY KEY, ts INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS ix_rounds_ts ON ix_rounds (ts);
CREATE TABLE IF NOT EXISTS ix_txns (
    rnd INTEGER NOT NULL, root INTEGER NOT NULL, intra INTEGER NOT NULL,
    txid BLOB, typ TEXT NOT NULL, sig TEXT, app INTEGER, asset INTEGER,
    algos INTEGER, asset_amount INTEGER, note BLOB, rekey INTEGER, grp BLOB,
    PRIMARY KEY (rnd, root, intra)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ix_txns_txid ON ix_txns (txid) WHERE txid IS NOT NULL;
CREATE INDEX IF NOT EXISTS ix_txns_app ON ix_txns (app, rnd, root) WHERE app IS NOT NULL;
CREATE INDEX IF NOT EXISTS ix_txns_asset ON ix_txns (asset, rnd, root)
    WHERE asset IS NOT NULL;
CREATE INDEX IF NOT EXISTS ix_txns_typ ON ix_txns (typ, rnd, root);
CREATE INDEX IF NOT EXISTS ix_txns_note ON ix_txns (note, rnd, root) WHERE note IS NOT NULL;
CREATE INDEX IF NOT EXISTS ix_txns_grp ON ix_txns (grp) WHERE grp IS NOT NULL;
CREATE INDEX IF NOT EXISTS ix_txns_sig ON ix_txns (sig, rnd, root) WHERE sig IS NOT NULL;
CREATE TABLE IF NOT EXISTS ix_roots (
    rnd INTEGER NOT NULL, root INTEGER NOT NULL, data BLOB NOT NULL, json TEXT,
    PRIMARY KEY (rnd, root)
);
CREATE TABLE IF NOT EXISTS ix_addrs (
    addr BLOB NOT NULL, rnd INTEGER NOT NULL, root INTEGER NOT NULL, intra INTEGER NOT NULL,
    role INTEGER NOT NULL, PRIMARY KEY (addr, rnd, root, intra)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ix_addrs_rnd ON ix_addrs (rnd);
CREATE TABLE IF NOT EXISTS ix_accounts (addr BLOB PRIMARY KEY, created INTEGER NOT NULL)
    WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ix_accounts_created ON ix_accounts (created);
CREATE TABLE IF NOT EXISTS ix_apps (
    app INTEGER PRIMARY KEY, created INTEGER NOT NULL, deleted INTEGER, last BLOB
);
CREATE INDEX IF NOT EXISTS ix_apps_created ON ix_apps (created);
CREATE INDEX IF NOT EXISTS ix_apps_deleted ON ix_apps (deleted) WHERE deleted IS NOT NULL;
CREATE TABLE IF NOT EXISTS ix_assets (
    asset INTEGER PRIMARY KEY, created INTEGER NOT NULL, deleted INTEGER, last BLOB
);
CREATE INDEX IF NOT EXISTS ix_assets_created ON ix_assets (created);
CREATE INDEX IF NOT EXISTS ix_assets_deleted ON ix_assets (deleted) WHERE deleted IS NOT NULL;
CREATE INDEX IF NOT EXISTS ix_holdings_by_asset ON holdings (asset, addr);
CREATE INDEX IF NOT EXISTS ix_local_states_by_app ON local_states (app, addr);
"""

# An address's roles in one transaction (bits of ix_addrs.role).
SENDER, RECEIVER, CLOSE_TO = 1, 2, 4
ASSET_SENDER, ASSET_RECEIVER, ASSET_CLOSE_TO, FREEZE_TARGET = 8, 16, 32, 64
_ROLE_KEYS = (
    ("snd", SENDER),
    ("rcv", RECEIVER),
    ("close", CLOSE_TO),
    ("asnd", ASSET_SENDER),
    ("arcv", ASSET_RECEIVER),
    ("aclose", ASSET_CLOSE_TO),
    ("fadd", FREEZE_TARGET),
)


def txid_digests(block: dict[str, Any]) -> list[bytes]:
    """The ids (digests) of a stored block's top-level transactions, in block order."""
    return [hash_obj(b"TX", entry["stxn"]["txn"]) for entry in block["txns"]]


def pack(value: Any) -> bytes:
    return msgpack.packb(value, use_bin_type=True)


def unpack(data: bytes) -> Any:
    return msgpack.unpackb(data, raw=False, strict_map_key=False)


def forget_after(db: sqlite3.Connection, round_: int) -> None:
    """Deletes every indexer row of the rounds after `round_` (inside the caller's transaction):
    the indexer then answers as it did when `round_` was the last round."""
    for table in ("ix_rounds", "ix_txns", "ix_roots", "ix_addrs"):
        db.execute(f"DELETE FROM {table} WHERE rnd > ?", (round_,))
    db.execute("DELETE FROM ix_accounts WHERE created > ?", (round_,))
    for table in ("ix_apps", "ix_assets"):
        db.execute(f"DELETE FROM {table} WHERE created > ?", (round_,))
        db.execute(f"UPDATE {table} SET deleted = NULL, last = NULL WHERE deleted > ?", (round_,))


def index_block(
    db: sqlite3.Connection, round_: int, block: dict[str, Any], txids: list[bytes], delta: Delta
) -> None:
    """Writes a block's indexer rows inside `Store.commit_block`'s transaction, before the
    block's state changes are written (a deleted app's or asset's last record is kept).

    `txids` are the block's top-level transaction ids, in order.
    """
    from .txn_shapes import rendered  # here: txn_shapes imports the ledger, which imports us

    ts = block["ts"]
    db.execute("INSERT OR REPLACE INTO ix_rounds (rnd, ts) VALUES (?, ?)", (round_, ts))
    txn_rows: list[tuple[Any, ...]] = []
    root_rows: list[tuple[int, int, bytes, str | None]] = []
    addr_rows: dict[tuple[bytes, int], int] = {}
    roots: dict[int, int] = {}
    intra = 0
    for entry, txid in zip(block["txns"], txids, strict=True):
        root = intra
        root_rows.append((round_, root, pack(entry), rendered(entry, txid, round_, ts, root)))
        stxn = entry["stxn"]
        for txn, apply_data in tree(stxn["txn"], entry["ad"]):
            top = intra == root
            txn_rows.append(
                _txn_row(round_, root, intra, txn, apply_data)
                + (sig_type(stxn) if top else None, txid if top else None)
            )
            roots[intra] = root
            for key, role in _ROLE_KEYS:
                addr = txn.get(key)
                if addr:
                    at = (bytes(addr), intra)
                    addr_rows[at] = addr_rows.get(at, 0) | role
            intra += 1
    db.executemany(
        "INSERT INTO ix_txns (rnd, root, intra, typ, app, asset, algos, asset_amount, note, "
        "rekey, grp, sig, txid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        txn_rows,
    )
    db.executemany("INSERT INTO ix_roots (rnd, root, data, json) VALUES (?, ?, ?, ?)", root_rows)
    db.executemany(
        "INSERT INTO ix_addrs (addr, rnd, root, intra, role) VALUES (?, ?, ?, ?, ?)",
        [(addr, round_, roots[i], i, role) for (addr, i), role in addr_rows.items()],
    )
    if delta.accounts:
        db.executemany(
            "INSERT OR IGNORE INTO ix_accounts (addr, created) VALUES (?, ?)",
            [(addr, round_) for addr in delta.accounts],
        )
    _index_created(db, "ix_apps", "apps", "app", round_, delta.apps)
    _index_created(db, "ix_assets", "assets", "asset", round_, delta.assets)


def _index_created(
    db: sqlite3.Connection,
    table: str,
    state_table: str,
    key: str,
    round_: int,
    records: Mapping[int, object | None],
) -> None:
    for ident, record in records.items():
        if record is None:
            # keep the last record, so include-all can still show the deleted app or asset
            db.execute(
                f"UPDATE {table} SET deleted = ?, "
                f"last = (SELECT data FROM {state_table} WHERE {key} = ?) "
                f"WHERE {key} = ? AND deleted IS NULL",
                (round_, ident, ident),
            )
        else:
            db.execute(
                f"INSERT OR IGNORE INTO {table} ({key}, created) VALUES (?, ?)", (ident, round_)
            )


def tree(txn: dict[str, Any], ad: dict[str, Any]) -> Iterator[tuple[dict, dict]]:  # type: ignore[type-arg]
    """A transaction and its inner transactions, depth first, each with its apply data."""
    yield txn, ad
    for inner in (ad.get("dt") or {}).get("itx", ()):
        inner_ad = {k: v for k, v in inner.items() if k != "txn"}
        yield from tree(inner["txn"], inner_ad)


U64_HIGH = 2**63
"""uint64 values from here up do not fit SQLite's signed 64-bit INTEGER."""


def sql_u64(value: int | None) -> int | None:
    """A uint64 as the ix_txns columns store it: values from 2**63 up wrap to negative integers
    (two's complement), so every uint64 fits and equality stays exact. An amount or an id that
    large is rare but legal (a transfer of an asset whose total is 2**64-1, a zero transfer of
    an asset id no one created), and must not fail the block. Range filters use
    `u64_range`."""
    return value - 2**64 if value is not None and value >= U64_HIGH else value


def u64_range(column: str, op: str, value: int) -> tuple[str, list[int]]:
    """SQL for `column op value` (op "<" or ">") over `sql_u64`-stored uint64 values."""
    if op == ">":
        if value < U64_HIGH:
            return f"({column} > ? OR {column} < 0)", [value]
        return f"({column} < 0 AND {column} > ?)", [value - 2**64]
    if op == "<":
        if value > U64_HIGH:
            return f"({column} >= 0 OR {column} < ?)", [value - 2**64]
        if value == U64_HIGH:
            return f"{column} >= 0", []
        return f"({column} >= 0 AND {column} < ?)", [value]
    raise ValueError(f"op must be < or >, not {op!r}")


def _txn_row(
    round_: int, root: int, intra: int, txn: dict[str, Any], ad: dict[str, Any]
) -> tuple[Any, ...]:
    """(rnd, root, intra, typ, app, asset, algos, asset_amount, note, rekey, grp) of one
    transaction."""
    typ = txn.get("type", "")
    app = asset = algos = asset_amount = None
    if typ == "appl":
        app = txn.get("apid") or ad.get("apid")
    elif typ == "acfg":
        asset = txn.get("caid") or ad.get("caid")
    elif typ == "axfer":
        asset = txn.get("xaid", 0)
        asset_amount = txn.get("aamt", 0)
    elif typ == "afrz":
        asset = txn.get("faid", 0)
    elif typ == "pay":
        algos = txn.get("amt", 0)
    note, group = txn.get("note"), txn.get("grp")
    app, asset, algos, asset_amount = (sql_u64(v) for v in (app, asset, algos, asset_amount))
    return (
        round_, root, intra, typ, app, asset, algos, asset_amount, bytes(note) if note else None,
        1 if txn.get("rekey") else None, bytes(group) if group else None,
    )  # fmt: skip


def sig_type(stxn: dict[str, Any]) -> str | None:
    """indexer's sig-type of a top-level transaction: sig, msig or lsig."""
    if "lsig" in stxn:
        return "lsig"
    if "msig" in stxn:
        return "msig"
    if "sig" in stxn:
        return "sig"
    return None


def _backfill_created(db: sqlite3.Connection) -> None:
    """When accounts, apps and assets of an older store first appeared: genesis for those it
    allocates, else the round of their first rows."""
    row = db.execute("SELECT value FROM meta WHERE key = 'genesis'").fetchone()
    if row is not None:
        alloc = unpack(row[0]).get("alloc", [])
        db.executemany(
            "INSERT OR IGNORE INTO ix_accounts (addr, created) VALUES (?, 0)",
            [(decode_address(entry["addr"]),) for entry in alloc],
        )
    db.execute(
        "INSERT OR IGNORE INTO ix_accounts (addr, created) SELECT addr, "
        "COALESCE((SELECT MIN(x.rnd) FROM ix_addrs x WHERE x.addr = a.addr), 0) FROM accounts a"
    )
    db.execute(
        "INSERT OR IGNORE INTO ix_apps (app, created) SELECT app, "
        "COALESCE((SELECT MIN(t.rnd) FROM ix_txns t WHERE t.app = a.app), 0) FROM apps a"
    )
    db.execute(
        "INSERT OR IGNORE INTO ix_assets (asset, created) SELECT asset, "
        "COALESCE((SELECT MIN(t.rnd) FROM ix_txns t WHERE t.asset = a.asset), 0) FROM assets a"
    )


class _NoDelta:
    accounts: dict[bytes, object] = {}
    apps: dict[int, object] = {}
    assets: dict[int, object] = {}


_NO_DELTA: Any = _NoDelta()


def backfill(db: sqlite3.Connection) -> None:
    """Indexes the blocks of a store written before it had indexer tables (one transaction)."""
    columns = [row[1] for row in db.execute("PRAGMA table_info(ix_roots)")]
    if "json" not in columns:  # the tables' first form: rendered on reads
        db.execute("ALTER TABLE ix_roots ADD COLUMN json TEXT")
    last = db.execute("SELECT MAX(rnd) FROM ix_rounds").fetchone()[0]
    start = -1 if last is None else last
    rows = db.execute("SELECT rnd, data FROM blocks WHERE rnd > ? ORDER BY rnd", (start,))
    pending = rows.fetchall()
    if not pending:
        return
    db.execute("BEGIN")
    try:
        for round_, data in pending:
            block = unpack(data)
            index_block(db, round_, block, txid_digests(block), _NO_DELTA)
        _backfill_created(db)
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
