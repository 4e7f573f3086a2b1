"""Ledger state in memory, and copy-on-write overlays that make a group all-or-nothing.

A group is evaluated against an `Overlay`; only when every transaction in it succeeds is the
overlay's delta merged into the `LedgerState` (and written to the store in the same step).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from .records import Account, AppParams, AssetParams, Holding, LocalState

HoldingKey = tuple[bytes, int]
LocalKey = tuple[bytes, int]  # (account, app)
BoxKey = tuple[int, bytes]  # (app, name)


class StateReader(Protocol):
    def account(self, addr: bytes) -> Account | None: ...
    def holding(self, addr: bytes, asset_id: int) -> Holding | None: ...
    def asset(self, asset_id: int) -> AssetParams | None: ...
    def app(self, app_id: int) -> AppParams | None: ...
    def local_state(self, addr: bytes, app_id: int) -> LocalState | None: ...
    def box(self, app_id: int, name: bytes) -> bytes | None: ...
    @property
    def txn_counter(self) -> int: ...


@dataclass
class Delta:
    """What a block changes; `None` values are deletions."""

    accounts: dict[bytes, Account | None] = field(default_factory=dict)
    holdings: dict[HoldingKey, Holding | None] = field(default_factory=dict)
    assets: dict[int, AssetParams | None] = field(default_factory=dict)
    apps: dict[int, AppParams | None] = field(default_factory=dict)
    locals: dict[LocalKey, LocalState | None] = field(default_factory=dict)
    boxes: dict[BoxKey, bytes | None] = field(default_factory=dict)
    txn_counter: int | None = None


class LedgerState:
    """The committed state. Read it through the `Ledger`, which holds its lock."""

    def __init__(self, txn_counter: int) -> None:
        self.accounts: dict[bytes, Account] = {}
        self.holdings: dict[HoldingKey, Holding] = {}
        self.assets: dict[int, AssetParams] = {}
        self.holdings_by_account: dict[bytes, set[int]] = {}
        self.assets_by_creator: dict[bytes, set[int]] = {}
        self.apps: dict[int, AppParams] = {}
        self.apps_by_creator: dict[bytes, set[int]] = {}
        self.locals: dict[LocalKey, LocalState] = {}
        self.locals_by_account: dict[bytes, set[int]] = {}
        self.boxes: dict[BoxKey, bytes] = {}
        self.boxes_by_app: dict[int, set[bytes]] = {}
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

    def app(self, app_id: int) -> AppParams | None:
        return self.apps.get(app_id)

    def local_state(self, addr: bytes, app_id: int) -> LocalState | None:
        return self.locals.get((addr, app_id))

    def box(self, app_id: int, name: bytes) -> bytes | None:
        return self.boxes.get((app_id, name))

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
        if delta.apps or delta.locals or delta.boxes:
            self._apply_apps(delta)
        if delta.txn_counter is not None:
            self._txn_counter = delta.txn_counter

    def _apply_apps(self, delta: Delta) -> None:
        for app_id, app in delta.apps.items():
            old = self.apps.pop(app_id, None)
            if old is not None:
                _unindex(self.apps_by_creator, old.creator, app_id)
            if app is not None:
                self.apps[app_id] = app
                self.apps_by_creator.setdefault(app.creator, set()).add(app_id)
        for key, local in delta.locals.items():
            addr, app_id = key
            if local is None:
                if self.locals.pop(key, None) is not None:
                    _unindex(self.locals_by_account, addr, app_id)
            else:
                self.locals[key] = local
                self.locals_by_account.setdefault(addr, set()).add(app_id)
        for box_key, value in delta.boxes.items():
            app_id, name = box_key
            if value is None:
                if self.boxes.pop(box_key, None) is not None:
                    _unindex(self.boxes_by_app, app_id, name)
            else:
                self.boxes[box_key] = value
                self.boxes_by_app.setdefault(app_id, set()).add(name)


def _unindex(index: dict, key: object, member: object) -> None:  # type: ignore[type-arg]
    members = index.get(key)
    if members is not None:
        members.discard(member)
        if not members:
            del index[key]


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

    def app(self, app_id: int) -> AppParams | None:
        apps = self._delta.apps
        if app_id in apps:
            return apps[app_id]
        return self.parent.app(app_id)

    def local_state(self, addr: bytes, app_id: int) -> LocalState | None:
        key = (addr, app_id)
        states = self._delta.locals
        if key in states:
            return states[key]
        return self.parent.local_state(addr, app_id)

    def box(self, app_id: int, name: bytes) -> bytes | None:
        key = (app_id, name)
        boxes = self._delta.boxes
        if key in boxes:
            return boxes[key]
        return self.parent.box(app_id, name)

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

    def app_for_update(self, app_id: int) -> AppParams | None:
        """The app's record in this overlay, copied from the parent's on first write."""
        apps = self._delta.apps
        if app_id in apps:
            return apps[app_id]
        base = self.parent.app(app_id)
        if base is None:
            return None
        copy = apps[app_id] = base.copy()
        return copy

    def put_app(self, app_id: int, app: AppParams | None) -> None:
        self._delta.apps[app_id] = app

    def local_for_update(self, addr: bytes, app_id: int) -> LocalState | None:
        key = (addr, app_id)
        states = self._delta.locals
        if key in states:
            return states[key]
        base = self.parent.local_state(addr, app_id)
        if base is None:
            return None
        copy = states[key] = base.copy()
        return copy

    def put_local(self, addr: bytes, app_id: int, local: LocalState | None) -> None:
        self.touched.add(addr)
        self._delta.locals[(addr, app_id)] = local

    def put_box(self, app_id: int, name: bytes, value: bytes | None) -> None:
        self._delta.boxes[(app_id, name)] = value

    def child(self) -> Overlay:
        """An overlay over this one, for what must apply all or nothing inside a transaction
        (an inner group, a clear-state program): `merge` it, or drop it."""
        return Overlay(self)

    def merge(self, child: Overlay) -> None:
        """Takes a child overlay's writes (and its transaction count) as this overlay's own."""
        mine, theirs = self._delta, child._delta
        mine.accounts.update(theirs.accounts)
        mine.holdings.update(theirs.holdings)
        mine.assets.update(theirs.assets)
        mine.apps.update(theirs.apps)
        mine.locals.update(theirs.locals)
        mine.boxes.update(theirs.boxes)
        self._counter = child._counter
        self.touched |= child.touched

    def next_index(self) -> int:
        """Count one transaction; the new count is the id of anything it creates."""
        self._counter += 1
        return self._counter

    def delta(self) -> Delta:
        self._delta.txn_counter = self._counter
        return self._delta
