"""Simulate's `allow-unnamed-resources`: which resources an app may use without naming them, and
what it used (go: ledger/simulation/resources.go).

A resource is allowed when the group could have named it: each app call has the foreign-array
slots it left empty, and a group of fewer than 16 transactions has the slots of the app calls it
could still add. Programs before v9 (with no v9 caller) must use the slots of their own
top-level transaction (`local` trackers); v9+ ones draw on the group's (`shared`), as do all
holdings and local states. Boxes are always the group's: an unnamed box takes a box-reference
slot, and so may empty ones (`extra-box-refs`) that raise the I/O budget enough for the box
bytes read and written. While a program runs, the write budget is as large as the box
references the group could still add allow (go: maxPossibleBoxIOBudget). The report names no box
of an app the group created (a later submission could not name its id): an empty ref stands in
for each (go: Simplify), and empty refs alone are worth reporting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..avm.app_state import app_address
from ..avm.group_resources import BYTES_PER_BOX_REFERENCE, group_resources
from ..avm.spec import APP_ADDRESS_AVAILABLE_VERSION, SHARED_RESOURCES_VERSION
from ..avm.unnamed import UnnamedResources

if TYPE_CHECKING:
    from ..avm.context import EvalContext
    from .params import ConsensusParams
    from .transaction import Transaction


@dataclass(slots=True)
class ResourceTracker:
    """The unnamed resources one transaction (or the group) used, within its limits."""

    max_accounts: int = 0
    max_assets: int = 0
    max_apps: int = 0
    max_boxes: int = 0
    max_total_refs: int = 0
    max_cross_products: int = 0
    accounts: set[bytes] = field(default_factory=set)
    assets: set[int] = field(default_factory=set)
    apps: set[int] = field(default_factory=set)
    boxes: dict[tuple[int, bytes], int] = field(default_factory=dict)  # -> size when first read
    new_app_boxes: set[tuple[int, bytes]] = field(default_factory=set)  # of apps the group made
    empty_box_refs: int = 0  # `extra-box-refs`: refs that only add I/O budget
    max_write_budget: int = 0  # the most box bytes the group has had written at once
    holdings: set[tuple[bytes, int]] = field(default_factory=set)
    locals: set[tuple[bytes, int]] = field(default_factory=set)

    def any(self) -> bool:
        """go's HasResources (extra box refs alone count too)."""
        return bool(
            self.accounts or self.assets or self.apps or self.boxes or self.holdings
            or self.locals or self.empty_box_refs
        )  # fmt: skip

    def reported_boxes(self) -> tuple[list[tuple[int, bytes]], int]:
        """The boxes to name and the empty refs to add (go: Simplify): a box of an app the
        group created cannot be named (its id is unknown until the group runs), so an empty
        ref stands in for it."""
        named = sorted(key for key in self.boxes if key not in self.new_app_boxes)
        return named, self.empty_box_refs + len(self.boxes) - len(named)

    def _refs(self) -> int:
        return (
            len(self.accounts) + len(self.assets) + len(self.apps) + len(self.boxes)
            + self.empty_box_refs
        )  # fmt: skip

    def has_account(self, address: bytes, version: int) -> bool:
        if address in self.accounts:
            return True
        return version >= APP_ADDRESS_AVAILABLE_VERSION and any(
            app_address(app) == address for app in self.apps
        )

    def add_account(self, address: bytes) -> bool:
        if len(self.accounts) >= self.max_accounts or self._refs() >= self.max_total_refs:
            return False
        self.accounts.add(address)
        return True

    def add_asset(self, asset_id: int) -> bool:
        if len(self.assets) >= self.max_assets or self._refs() >= self.max_total_refs:
            return False
        self.assets.add(asset_id)
        return True

    def add_app(self, app_id: int, version: int) -> bool:
        if len(self.apps) >= self.max_apps:
            return False
        if version >= APP_ADDRESS_AVAILABLE_VERSION:
            self.accounts.discard(app_address(app_id))  # the app reference makes it available
        if self._refs() >= self.max_total_refs:
            return False
        self.apps.add(app_id)
        return True

    def _full(self, used: int, limit: int) -> bool:
        return used >= limit or self._refs() >= self.max_total_refs

    def remove_slot(self, kind: str) -> bool:
        """The group gives up one slot that a transaction's own tracker took."""
        used, limit = {
            "account": (len(self.accounts), self.max_accounts),
            "asset": (len(self.assets), self.max_assets),
            "app": (len(self.apps), self.max_apps),
        }[kind]
        if self._full(used, limit):
            return False
        self.max_total_refs -= 1
        if kind == "account":
            self.max_accounts -= 1
        elif kind == "asset":
            self.max_assets -= 1
        else:
            self.max_apps -= 1
            self.max_accounts = max(self.max_accounts - 1, 0)
        return True

    def box_io_budget(self) -> int:
        """The I/O budget of the box refs this tracker added, named or empty."""
        return (len(self.boxes) + self.empty_box_refs) * BYTES_PER_BOX_REFERENCE

    def _box_slots_left(self) -> int:
        return min(self.max_boxes - len(self.boxes) - self.empty_box_refs,
                   self.max_total_refs - self._refs())  # fmt: skip

    def add_box(
        self, key: tuple[int, bytes], read_size: int, surplus_read: int, new_app: bool = False
    ) -> bool:
        """Takes a box ref for `key`, with as many empty refs as reading its `read_size` bytes
        needs, or gives back an empty ref the new one makes unnecessary (go: addBox).
        `new_app`: the box's app was created by the group."""
        per_ref = BYTES_PER_BOX_REFERENCE
        used = sum(self.boxes.values()) + read_size
        budget = surplus_read + self.box_io_budget() + per_ref  # the new ref adds budget too
        empty = 0
        if used > budget:
            empty = -(-(used - budget) // per_ref)
        elif self.empty_box_refs and (
            budget - used >= per_ref and budget - per_ref >= self.max_write_budget
        ):
            empty = -1
        if empty >= self._box_slots_left():
            return False
        self.boxes[key] = read_size
        if new_app:
            self.new_app_boxes.add(key)
        self.empty_box_refs += empty
        return True

    def add_empty_box_refs(self, used: int, named_budget: int) -> bool:
        """Adds the empty refs writing `used` box bytes needs (go:
        addEmptyBoxRefsForWriteBudget)."""
        budget = named_budget + self.box_io_budget()
        if used > budget:
            extra = -(-(used - budget) // BYTES_PER_BOX_REFERENCE)
            if extra > self._box_slots_left():
                return False
            self.empty_box_refs += extra
        self.max_write_budget = max(self.max_write_budget, used)
        return True

    def max_unnamed_boxes(self) -> int:
        """go: maxPossibleUnnamedBoxes."""
        return min(
            self.max_boxes, self.max_total_refs - len(self.accounts) - len(self.assets)
            - len(self.apps)
        )  # fmt: skip

    def add_cross_product(self, pairs: set[tuple[bytes, int]], pair: tuple[bytes, int]) -> bool:
        if len(self.holdings) + len(self.locals) >= self.max_cross_products:
            return False
        pairs.add(pair)
        return True


def txn_tracker(txn: Transaction, params: ConsensusParams) -> ResourceTracker:
    """The slots an app call left empty (go: makeTxnResourceTracker); none for other types.
    App references also make accounts available, so they count towards accounts."""
    if txn.type != "appl":
        return ResourceTracker()
    accounts, assets, apps = len(txn.accounts), len(txn.foreign_assets), len(txn.foreign_apps)
    return ResourceTracker(
        max_accounts=params.max_app_txn_accounts + params.max_app_txn_foreign_apps
        - accounts - apps,
        max_assets=params.max_app_txn_foreign_assets - assets,
        max_apps=params.max_app_txn_foreign_apps - apps,
        max_boxes=params.max_app_box_references - len(txn.boxes),
        max_total_refs=params.max_app_total_txn_references - accounts - assets - apps
        - len(txn.boxes),
    )  # fmt: skip


def group_tracker(
    local: list[ResourceTracker], txns: list[Transaction], params: ConsensusParams
) -> ResourceTracker:
    """The group's shared slots (go: makeGlobalResourceTracker): its app calls' empty slots,
    plus those of the app calls it could still add, and the holdings and local states as many
    app calls with full foreign arrays could reach."""
    foreign_apps = params.max_app_txn_foreign_apps
    per_call = foreign_apps * (foreign_apps + 2)
    non_app_calls = sum(1 for txn in txns if txn.type != "appl")
    unused = params.max_group_size - len(txns)
    shared = ResourceTracker(
        max_accounts=unused * (params.max_app_txn_accounts + foreign_apps),
        max_assets=unused * params.max_app_txn_foreign_assets,
        max_apps=unused * foreign_apps,
        max_boxes=unused * params.max_app_box_references,
        max_total_refs=unused * params.max_app_total_txn_references,
        max_cross_products=per_call * (params.max_group_size - non_app_calls),
    )
    for tracker in local:
        shared.max_accounts += tracker.max_accounts
        shared.max_assets += tracker.max_assets
        shared.max_apps += tracker.max_apps
        shared.max_boxes += tracker.max_boxes
        shared.max_total_refs += tracker.max_total_refs
    return shared


class UnnamedResourcePolicy(UnnamedResources):
    """go's resourcePolicy: allows what fits the trackers, and records it for the response.

    `enter`/`leave` follow the app programs as they run (inner ones nest), so the policy knows
    the top-level transaction they run under and whether a v9+ program is on the call stack.
    """

    def __init__(self, txns: list[Transaction], params: ConsensusParams) -> None:
        self.local = [txn_tracker(txn, params) for txn in txns]
        self.shared = group_tracker(self.local, txns, params)
        self.root = 0
        self._versions: list[int] = []
        self.named_box_budget = sum(len(txn.boxes) for txn in txns) * BYTES_PER_BOX_REFERENCE
        self.surplus_read: int | None = None  # what the named refs left of the read budget

    def enter(self, root: int, version: int) -> None:
        self.root = root
        self._versions.append(version)

    def leave(self) -> None:
        if self._versions:
            self._versions.pop()

    def _sharing(self, cx: EvalContext) -> bool:
        return cx.version >= SHARED_RESOURCES_VERSION or any(
            v >= SHARED_RESOURCES_VERSION for v in self._versions
        )

    def available_account(self, cx: EvalContext, address: bytes) -> bool:
        version = cx.version
        if self._sharing(cx):
            trackers = [*self.local, self.shared]
            if any(t.has_account(address, version) for t in trackers):
                return True
            return self.shared.add_account(address)
        local = self.local[self.root]
        if local.has_account(address, version):
            return True
        if not local.add_account(address):
            return False
        return self._claim(local, local.accounts, self.shared.accounts, address, "account")

    def available_asset(self, cx: EvalContext, asset_id: int) -> bool:
        if self._sharing(cx):
            if any(asset_id in t.assets for t in (*self.local, self.shared)):
                return True
            return self.shared.add_asset(asset_id)
        local = self.local[self.root]
        if asset_id in local.assets:
            return True
        if not local.add_asset(asset_id):
            return False
        return self._claim(local, local.assets, self.shared.assets, asset_id, "asset")

    def available_app(self, cx: EvalContext, app_id: int) -> bool:
        version = cx.version
        if self._sharing(cx):
            if any(app_id in t.apps for t in (*self.local, self.shared)):
                return True
            return self.shared.add_app(app_id, version)
        local = self.local[self.root]
        if app_id in local.apps:
            return True
        if not local.add_app(app_id, version):
            return False
        return self._claim(local, local.apps, self.shared.apps, app_id, "app")

    def _claim(
        self, local: ResourceTracker, mine: set[Any], shared: set[Any], item: Any, kind: str
    ) -> bool:
        """A transaction's own slot also takes one of the group's (go: removeXSlot), and the
        group stops listing what the transaction now lists; undone when the group is full."""
        if item in shared:
            shared.discard(item)
            self.shared.max_total_refs += 1
            if kind == "account":
                self.shared.max_accounts += 1
            elif kind == "asset":
                self.shared.max_assets += 1
            else:
                self.shared.max_apps += 1
        if self.shared.remove_slot(kind):
            return True
        mine.discard(item)
        return False

    def allows_holding(self, cx: EvalContext, address: bytes, asset_id: int) -> bool:
        pair = (address, asset_id)
        shared = self.shared
        return pair in shared.holdings or shared.add_cross_product(shared.holdings, pair)

    def allows_locals(self, cx: EvalContext, address: bytes, app_id: int) -> bool:
        if app_address(app_id) == address:
            return True  # an app's own account's local state is always available
        pair = (address, app_id)
        shared = self.shared
        return pair in shared.locals or shared.add_cross_product(shared.locals, pair)

    def available_box(self, cx: EvalContext, app_id: int, name: bytes) -> bool:
        """Boxes are always the group's (go: resourcePolicy.AvailableBox)."""
        key = (app_id, name)
        if key in self.shared.boxes:
            return True
        assert cx.app is not None
        content = cx.app.state.box_get(app_id, name)
        read_size = 0 if content is None else len(content)
        new_app = group_resources(cx).created_app(app_id)
        return self.shared.add_box(key, read_size, self.surplus_read or 0, new_app)

    def box_read_surplus(self, surplus: int) -> None:
        if self.surplus_read is None:
            self.surplus_read = surplus

    def box_io_budget(self, named: int) -> int:
        return self.named_box_budget + self.shared.max_unnamed_boxes() * BYTES_PER_BOX_REFERENCE

    def box_bytes_written(self, dirty_bytes: int) -> None:
        if not self.shared.add_empty_box_refs(dirty_bytes, self.named_box_budget):
            # cannot happen: the write budget was at most what the free refs allow
            raise AssertionError(f"cannot add extra box refs for {dirty_bytes} bytes")
