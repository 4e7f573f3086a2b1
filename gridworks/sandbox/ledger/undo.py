"""Undo records: what a block's changes overwrite, kept beside the block so the ledger can go
back in time (gridworks/sandbox/snapshots.py).

A record holds, for every key the block's Delta writes, the value it had before (None where
there was none), the block's txids and the lease rows it replaced. Going back from round R to
round r merges the records of rounds r+1..R newest first, so each key ends with its value at r:
the cost follows what changed since r, not the size of the state.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import msgpack

from .records import Account, AppParams, AssetParams, Holding, LocalState
from .state import Delta, LedgerState

LeaseKey = tuple[bytes, bytes]  # (sender, lease)


def capture(
    state: LedgerState,
    delta: Delta,
    txids: list[bytes],
    leases: list[tuple[bytes, bytes, int | None]],
) -> bytes:
    """The undo record of a block about to apply `delta` to `state` (call it before applying).

    `leases`: (sender, lease, last valid round the store held before this block, or None)."""
    record: dict[str, Any] = {}
    if delta.accounts:
        accounts = state.accounts
        record["a"] = [[addr, _record(accounts.get(addr))] for addr in delta.accounts]
    if delta.holdings:
        holdings = state.holdings
        record["h"] = [
            [addr, asset, _holding(holdings.get((addr, asset)))] for addr, asset in delta.holdings
        ]
    if delta.assets:
        record["s"] = [[aid, _record(state.assets.get(aid))] for aid in delta.assets]
    if delta.apps:
        record["p"] = [[app, _record(state.apps.get(app))] for app in delta.apps]
    if delta.locals:
        record["l"] = [
            [addr, app, _record(state.locals.get((addr, app)))] for addr, app in delta.locals
        ]
    if delta.boxes:
        record["b"] = [[app, name, state.boxes.get((app, name))] for app, name in delta.boxes]
    if txids:
        record["t"] = txids
    if leases:
        record["e"] = [list(lease) for lease in leases]
    return msgpack.packb(record, use_bin_type=True)


def _record(value: Account | AssetParams | AppParams | LocalState | None) -> Any:
    return None if value is None else value.to_record()


def _holding(value: Holding | None) -> Any:
    return None if value is None else [value.amount, value.frozen]


@dataclass
class Rewind:
    """What taking the ledger back needs: the state's earlier values (as a Delta), the txids
    to forget and the lease rows to put back (None: delete the row)."""

    delta: Delta = field(default_factory=Delta)
    txids: list[bytes] = field(default_factory=list)
    leases: dict[LeaseKey, int | None] = field(default_factory=dict)


def merge(records: Iterable[bytes]) -> Rewind:
    """Merges undo records given newest first: the oldest prior value of each key wins."""
    rewind = Rewind()
    delta = rewind.delta
    for data in records:
        record = msgpack.unpackb(data, raw=False, strict_map_key=False)
        for addr, value in record.get("a", ()):
            delta.accounts[addr] = None if value is None else Account.from_record(value)
        for addr, asset, value in record.get("h", ()):
            delta.holdings[(addr, asset)] = None if value is None else Holding(*value)
        for aid, value in record.get("s", ()):
            delta.assets[aid] = None if value is None else AssetParams.from_record(value)
        for app, value in record.get("p", ()):
            delta.apps[app] = None if value is None else AppParams.from_record(value)
        for addr, app, value in record.get("l", ()):
            delta.locals[(addr, app)] = None if value is None else LocalState.from_record(value)
        for app, name, value in record.get("b", ()):
            delta.boxes[(app, name)] = value
        rewind.txids.extend(record.get("t", ()))
        for sender, lease, last_valid in record.get("e", ()):
            rewind.leases[(sender, lease)] = last_valid
    return rewind
