"""Transaction searches over the indexer's tables: one SQL query per page, on an index.

A search matches transactions, inner ones included, and returns the top-level transactions
they belong to, each once, paged by (round, root offset). Searches by address run newest
first, as indexer's do; the others oldest first.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from .tables import (
    ASSET_CLOSE_TO,
    ASSET_RECEIVER,
    ASSET_SENDER,
    CLOSE_TO,
    FREEZE_TARGET,
    RECEIVER,
    SENDER,
    sql_u64,
    u64_range,
    unpack,
)

Position = tuple[int, int]  # (round, root offset): where a page ends
FEW_NOTES = 2_000
LOAD_CHUNK = 300  # positions per query: 3 parameters each, well under SQLite's limit


def role_mask(role: str | None, exclude_close_to: bool) -> int:
    """The ix_addrs.role bits an address-role selects (0: any role)."""
    if role is None:
        return 0
    if role == "sender":
        return SENDER | ASSET_SENDER
    if role == "receiver":
        mask = RECEIVER | ASSET_RECEIVER
        return mask if exclude_close_to else mask | CLOSE_TO | ASSET_CLOSE_TO
    if role == "freeze-target":
        return FREEZE_TARGET
    raise ValueError(f"unknown address role {role!r}")


@dataclass(frozen=True, slots=True)
class TxnQuery:
    """A transaction search; None leaves a filter out. Times are Unix seconds."""

    limit: int
    after: Position | None = None  # the previous page's end
    address: bytes | None = None
    roles: int = 0
    app: int | None = None
    asset: int | None = None
    typ: str | None = None
    sig: str | None = None
    note_prefix: bytes | None = None
    round: int | None = None
    min_round: int | None = None
    max_round: int | None = None
    before_time: int | None = None
    after_time: int | None = None
    currency_gt: int | None = None
    currency_lt: int | None = None
    txid: bytes | None = None
    group: bytes | None = None
    rekey_to: bool = False


@dataclass(slots=True)
class Found:
    """A top-level transaction a search matched, at (round, root offset): its indexer JSON as
    stored, and, when loaded, its block entry, id and round time."""

    round: int
    root: int
    json: str | None  # rendered as its block was written (None: render it now)
    data: bytes | None = None  # the block's entry, msgpack
    txid: bytes = b""
    round_time: int = 0

    @property
    def entry(self) -> dict[str, Any]:
        if self.data is None:
            raise LookupError("the entry was not loaded: load(..., entries=True)")
        return unpack(self.data)  # type: ignore[no-any-return]


def prefix_upper_bound(prefix: bytes) -> bytes | None:
    """The least byte string above every string that starts with `prefix` (None: no bound)."""
    trimmed = prefix.rstrip(b"\xff")
    if not trimmed:
        return None
    return trimmed[:-1] + bytes([trimmed[-1] + 1])


def _round_bounds(db: sqlite3.Connection, q: TxnQuery) -> tuple[int, int] | None:
    """The rounds a query may match (None: none can)."""
    low, high = 0, 2**63 - 1
    if q.round is not None:
        low, high = q.round, q.round
    if q.min_round is not None:
        low = max(low, q.min_round)
    if q.max_round is not None:
        high = min(high, q.max_round)
    if q.after_time is not None:
        row = db.execute("SELECT MIN(rnd) FROM ix_rounds WHERE ts > ?", (q.after_time,))
        first = row.fetchone()[0]
        if first is None:
            return None
        low = max(low, first)
    if q.before_time is not None:
        row = db.execute("SELECT MAX(rnd) FROM ix_rounds WHERE ts < ?", (q.before_time,))
        last = row.fetchone()[0]
        if last is None:
            return None
        high = min(high, last)
    return None if low > high else (low, high)


def search(db: sqlite3.Connection, q: TxnQuery) -> list[Position]:
    """The positions of the top-level transactions on the query's page."""
    bounds = _round_bounds(db, q)
    if bounds is None or q.limit <= 0:
        return []
    where: list[str] = []
    args: list[Any] = []
    index = ""  # an index `search` names: the planner has no statistics to choose it
    if q.address is not None:
        source = (
            "ix_addrs k JOIN ix_txns t ON t.rnd = k.rnd AND t.root = k.root AND t.intra = k.intra"
        )
        where.append("k.addr = ?")
        args.append(q.address)
        if q.roles:
            where.append("(k.role & ?) != 0")
            args.append(q.roles)
        key, descending = "k", True
    else:
        source, key, descending = "ix_txns t", "t", False
        if _few_notes(db, q):
            index = "ix_txns_note"
        elif q.sig is not None and _only_sig(q):
            index = "ix_txns_sig"
        if index:
            source = f"ix_txns t INDEXED BY {index}"
    where.append(f"{key}.rnd BETWEEN ? AND ?")
    args.extend(bounds)
    if q.after is not None:
        where.append(f"({key}.rnd, {key}.root) {'<' if descending else '>'} (?, ?)")
        args.extend(q.after)
    _add_txn_filters(q, where, args, index)
    order = "DESC" if descending else "ASC"
    sql = (
        f"SELECT {key}.rnd, {key}.root FROM {source} WHERE {' AND '.join(where)} "
        f"GROUP BY {key}.rnd, {key}.root ORDER BY {key}.rnd {order}, {key}.root {order} LIMIT ?"
    )
    args.append(q.limit)
    return [(rnd, root) for rnd, root in db.execute(sql, args)]


def _few_notes(db: sqlite3.Connection, q: TxnQuery) -> bool:
    """Whether a note-prefix search should range over the note index: when the prefix is rare
    (fewer than `FEW_NOTES` notes) and no other index narrows the search. A common prefix is
    found sooner walking the transactions in order than by sorting all its matches."""
    if not q.note_prefix or any(value is not None for value in (q.app, q.asset, q.txid, q.group)):
        return False
    upper = prefix_upper_bound(q.note_prefix)
    sql = "SELECT COUNT(*) FROM (SELECT 1 FROM ix_txns WHERE note >= ?"
    args: list[Any] = [q.note_prefix]
    if upper is not None:
        sql += " AND note < ?"
        args.append(upper)
    count = db.execute(sql + " LIMIT ?)", [*args, FEW_NOTES]).fetchone()[0]
    return bool(count < FEW_NOTES)


def _only_sig(q: TxnQuery) -> bool:
    """Whether sig-type is the only filter with an index (it is sparse for msig and lsig)."""
    others = (q.app, q.asset, q.typ, q.txid, q.group, q.note_prefix)
    return all(value is None for value in others)


def _add_txn_filters(q: TxnQuery, where: list[str], args: list[Any], index: str) -> None:
    """Filters on the matched transaction itself (an inner one, or a top-level one).

    Unary + keeps the planner off the note and sig indexes; `search` names them when they pay.
    """
    for column, value in (
        ("app", sql_u64(q.app)),
        ("asset", sql_u64(q.asset)),
        ("typ", q.typ),
        ("sig", q.sig),
        ("txid", q.txid),
        ("grp", q.group),
    ):
        if value is not None:
            plain = column != "sig" or index == "ix_txns_sig"
            where.append(f"{'' if plain else '+'}t.{column} = ?")
            args.append(value)
    if q.rekey_to:
        where.append("t.rekey = 1")
    if q.note_prefix:
        note = "t.note" if index == "ix_txns_note" else "+t.note"
        where.append(f"{note} >= ?")
        args.append(q.note_prefix)
        upper = prefix_upper_bound(q.note_prefix)
        if upper is not None:
            where.append(f"{note} < ?")
            args.append(upper)
    # with an asset id, amounts are in the asset; else in microAlgos
    amount = "t.asset_amount" if q.asset is not None else "t.algos"
    for op, bound in ((">", q.currency_gt), ("<", q.currency_lt)):
        if bound is not None:
            sql, values = u64_range(amount, op, bound)
            where.append(sql)
            args.extend(values)


def load(db: sqlite3.Connection, positions: list[Position], entries: bool = False) -> list[Found]:
    """The top-level transactions at these positions, in the same order: their stored JSON
    (one query for each `LOAD_CHUNK` of them; a page needs no more), and with `entries`, or
    where no JSON is stored, their block entries, ids and round times."""
    found = []
    for start in range(0, len(positions), LOAD_CHUNK):
        chunk = positions[start : start + LOAD_CHUNK]
        values = ",".join(["(?, ?, ?)"] * len(chunk))
        args = [value for k, (rnd, root) in enumerate(chunk) for value in (rnd, root, k)]
        rows = db.execute(
            f"WITH p (rnd, root, k) AS (VALUES {values}) SELECT p.rnd, p.root, r.json FROM p "
            "JOIN ix_roots r ON r.rnd = p.rnd AND r.root = p.root ORDER BY p.k",
            args,
        )
        for rnd, root, text in rows.fetchall():
            if entries or text is None:
                found.append(_with_entry(db, rnd, root, text))
            else:
                found.append(Found(rnd, root, text))
    return found


def _with_entry(db: sqlite3.Connection, rnd: int, root: int, text: str | None) -> Found:
    data, txid, ts = db.execute(
        "SELECT r.data, t.txid, o.ts FROM ix_roots r "
        "JOIN ix_txns t ON t.rnd = r.rnd AND t.root = r.root AND t.intra = r.root "
        "JOIN ix_rounds o ON o.rnd = r.rnd WHERE r.rnd = ? AND r.root = ?",
        (rnd, root),
    ).fetchone()
    return Found(rnd, root, text, bytes(data), bytes(txid), ts)
