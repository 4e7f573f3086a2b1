"""Ledger state in memory, and copy-on-write overlays that make a group all-or-nothing.

A group is evaluated against an `Overlay`; only when every transaction in it succeeds is the
overlay's delta merged into the `LedgerState` (and written to the store in the same step).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from .records import Account, AssetParams, Holding

HoldingKey = tuple[bytes, int]


class StateReader(Protocol):
    def account(self, addr: bytes) -> Account | None: ...
    def holding(self, addr: bytes, asset_id: int) -> Holding | None: ...
    def asset(self, asset_id: int) -> AssetParams | None: ...
    @property
    def txn_counter(self) -> int: ...


@dataclass
class Delta:
    """What a block changes; `None` values are deletions."""

    accounts: dict[bytes, Account | None] = field(default_factory=dict)
    holdings: dict[HoldingKey, Holding | None] = field(default_factory=dict)
    assets: dict[int, AssetParams | None] = field(default_factory=dict)
    txn_counter: int | None = None


class LedgerState:
    """The committed state. Read it through the `Ledger`, which holds its lock."""

    def __init__(self, txn_counter: int) -> None:
        self.accounts: dict[bytes, Account] = {}
        self.holdings: dict[HoldingKey, Holding] = {}
        self.assets: dict[int, AssetParams] = {}
        self.holdings_by_account: dict[bytes, set[int]] = {}
        self.assets_by_creator: dict[bytes, set[int]] = {}
        self._txn_counter = txn_counter

    @property
    def txn_counter(self) -> int:
        return self._txn_counter

    def account(self, addr: bytes) -> Account | None:
        return self.accounts.get(addr)

    def holding(self, addr: bytes, asset_id: int) -> Holding | None:
        return self.holdings.get((addr, asset_id))

    def asset(self, asset_id: int) -> AssetParams | None:
        return self.assets.get(asset_id)

    def apply(self, delta: Delta) -> None:
        for addr, acct in delta.accounts.items():
            if acct is None or acct.is_empty():
                self.accounts.pop(addr, None)
            else:
                self.accounts[addr] = acct
        for key, holding in delta.holdings.items():
            addr, asset_id = key
            if holding is None:
                self.holdings.pop(key, None)
                owned = self.holdings_by_account.get(addr)
                if owned is not None:
                    owned.discard(asset_id)
                    if not owned:
                        del self.holdings_by_account[addr]
            else:
                self.holdings[key] = holding
                self.holdings_by_account.setdefault(addr, set()).add(asset_id)
        for asset_id, params in delta.assets.items():
            old = self.assets.get(asset_id)
            if params is None:
                if old is not None:
                    del self.assets[asset_id]
                    created = self.assets_by_creator.get(old.creator)
                    if created is not None:
                        created.discard(asset_id)
                        if not created:
                            del self.assets_by_creator[old.creator]
            else:
                self.assets[asset_id] = params
                self.assets_by_creator.setdefault(params.creator, set()).add(asset_id)
        if delta.txn_counter is not None:
            self._txn_counter = delta.txn_counter


class Overlay:
    """A copy-on-write view over a parent state. Writes land here until `delta()` is merged."""

    def __init__(self, parent: StateReader) -> None:
        self.parent = parent
        self._delta = Delta()
        self._counter = parent.txn_counter
        self.touched: set[bytes] = set()

    # reads
    @property
    def txn_counter(self) -> int:
        return self._counter

    def account(self, addr: bytes) -> Account | None:
        accounts = self._delta.accounts
        if addr in accounts:
            return accounts[addr]
        return self.parent.account(addr)

    def holding(self, addr: bytes, asset_id: int) -> Holding | None:
        holdings = self._delta.holdings
        key = (addr, asset_id)
        if key in holdings:
            return holdings[key]
        return self.parent.holding(addr, asset_id)

    def asset(self, asset_id: int) -> AssetParams | None:
        assets = self._delta.assets
        if asset_id in assets:
            return assets[asset_id]
        return self.parent.asset(asset_id)

    # writes
    def account_for_update(self, addr: bytes) -> Account:
        """The account's record in this overlay (a copy of the parent's, or a new empty one)."""
        self.touched.add(addr)
        accounts = self._delta.accounts
        acct = accounts.get(addr)
        if acct is None:
            base = self.parent.account(addr) if addr not in accounts else None
            acct = base.copy() if base is not None else Account()
            accounts[addr] = acct
        return acct

    def reset_account(self, addr: bytes) -> None:
        self.touched.add(addr)
        self._delta.accounts[addr] = Account()

    def holding_for_update(self, addr: bytes, asset_id: int) -> Holding | None:
        key = (addr, asset_id)
        holdings = self._delta.holdings
        if key in holdings:
            return holdings[key]
        base = self.parent.holding(addr, asset_id)
        if base is None:
            return None
        copy = base.copy()
        holdings[key] = copy
        return copy

    def put_holding(self, addr: bytes, asset_id: int, holding: Holding | None) -> None:
        self.touched.add(addr)
        self._delta.holdings[(addr, asset_id)] = holding

    def put_asset(self, asset_id: int, params: AssetParams | None) -> None:
        self._delta.assets[asset_id] = params

    def next_index(self) -> int:
        """Count one transaction; the new count is the id of anything it creates."""
        self._counter += 1
        return self._counter

    def delta(self) -> Delta:
        self._delta.txn_counter = self._counter
        return self._delta
