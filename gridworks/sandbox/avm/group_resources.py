"""What a transaction group makes available to its app calls, and what those calls share as
they run (go: resources and the parts of EvalParams that inner groups share).

`GroupResources` is built from the top-level group when its first app call needs it, and an
inner group is given the same one: the accounts, assets, apps, holdings and local states its
transactions name (for v9+ sharing, see `resources.py`), what the group created, its box
references with their I/O budget, the inner transactions it may still issue, and its fee
credit. `begin_app_call` does what go does as each app call starts.

App-call fields are read from the transaction objects by attribute (`application_id`,
`on_completion`, `accounts`, `foreign_assets`, `foreign_apps`, `boxes`: a list of
(app index, name), the index 0 naming the called app, i > 0 `foreign_apps[i - 1]`), with zero
values when a transaction lacks them, as `ops/transaction.py` does.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..encoding import ZERO_ADDRESS
from .app_state import app_address
from .context import MAX_APP_PROGRAM_COST
from .errors import LogicError
from .fees import fee_for_usage, group_usage

if TYPE_CHECKING:
    from .context import EvalContext
    from .unnamed import UnnamedResources
    from .views import GroupView

BYTES_PER_BOX_REFERENCE = 2_048  # BytesPerBoxReference (V41): I/O budget per box ref
MAX_TXN_GROUP_SIZE = 16  # MaxTxGroupSize
MAX_INNER_TRANSACTIONS = 16  # MaxInnerTransactions, pooled over the group
CLEAR_STATE = 3  # OnCompletion ClearState
STATE_PROOF = "stpf"


def app_field(txn: Any, name: str, default: Any) -> Any:
    """An app-call field of `txn`, or `default` for transactions that lack it."""
    return getattr(txn, name, default)


def current_txn(cx: EvalContext) -> Any:
    txns = cx.group.txns
    if cx.group_index >= len(txns):
        raise LogicError(f"txn index {cx.group_index}, len(group) is {len(txns)}")
    return txns[cx.group_index]


class GroupResources:
    """What a top-level group makes available to its app calls (go: resources), and what those
    calls share as they run, inner ones included: the box references with their "dirty" flag
    and the write budget, the inner transactions left, and the fee credit."""

    __slots__ = (
        "accounts",
        "assets",
        "apps",
        "holdings",
        "locals",
        "created_assets",
        "created_apps",
        "effects",
        "boxes",
        "io_budget",
        "dirty_bytes",
        "read_checked",
        "inners_left",
        "fee_credit",
        "fee_residue",
        "unnamed",
        "unnamed_access",
    )

    def __init__(self, group: GroupView, min_fee: int) -> None:
        self.accounts: set[bytes] = set()
        self.assets: set[int] = set()
        self.apps: set[int] = set()
        self.holdings: set[tuple[bytes, int]] = set()
        self.locals: set[tuple[bytes, int]] = set()
        self.created_assets: set[int] = set()  # by inner transactions (top-level: `effects`)
        self.created_apps: set[int] = set()
        self.effects = group.effects  # the top-level group's: what its members created
        self.boxes: dict[tuple[int, bytes], bool] = {}  # (app, name) -> written in this group
        self.dirty_bytes = 0
        self.read_checked = False
        self.inners_left = MAX_TXN_GROUP_SIZE * MAX_INNER_TRANSACTIONS
        self.unnamed: UnnamedResources | None = None  # simulate's allow-unnamed-resources
        # v41: an app the group creates may use one box no reference names per empty box
        # reference of the group (go: unnamedAccess)
        self.unnamed_access = 0
        box_refs = 0
        for txn in group.txns:
            self._fill(txn)
            boxes = app_field(txn, "boxes", ())
            box_refs += len(boxes)
            self.unnamed_access += sum(1 for index, name in boxes if not index and not name)
        self.io_budget = box_refs * BYTES_PER_BOX_REFERENCE
        # go's feeCredit: what the group paid beyond its usage (V42's size pricing, its logic
        # sigs' programs included), and the fraction of a microAlgo rounding that usage up
        # overpaid, which inner groups' fees use before rounding up again
        usage = group_usage(group.txns, (group.logic_sig_bytes,))
        needed, self.fee_residue = fee_for_usage(min_fee, usage)
        self.fee_credit = max(sum(txn.fee for txn in group.txns) - needed, 0)

    def _share(self, address: bytes, asset_id: int = 0) -> None:
        self.accounts.add(address)
        if asset_id:
            self.holdings.add((address, asset_id))

    def _fill(self, txn: Any) -> None:
        kind = txn.type
        sender = txn.sender
        if kind == "pay":
            self.accounts.update((sender, txn.receiver))
            if txn.close_remainder_to != ZERO_ADDRESS:
                self.accounts.add(txn.close_remainder_to)
        elif kind == "keyreg":
            self.accounts.add(sender)
        elif kind == "acfg":
            self.accounts.add(sender)
            if txn.config_asset:
                self.assets.add(txn.config_asset)
        elif kind == "axfer":
            asset = txn.xfer_asset
            self.assets.add(asset)
            self._share(sender, asset)
            self._share(txn.asset_receiver, asset)
            for other in (txn.asset_sender, txn.asset_close_to):
                if other != ZERO_ADDRESS:
                    self._share(other, asset)
        elif kind == "afrz":
            self.accounts.add(sender)
            self.assets.add(txn.freeze_asset)
            self._share(txn.freeze_account, txn.freeze_asset)
        elif kind == "appl":
            self._fill_app_call(txn)

    def _fill_app_call(self, txn: Any) -> None:
        app_id = app_field(txn, "application_id", 0)
        foreign_apps = app_field(txn, "foreign_apps", ())
        foreign_assets = app_field(txn, "foreign_assets", ())
        addresses = [txn.sender, *app_field(txn, "accounts", ())]
        self.assets.update(foreign_assets)
        if app_id:
            addresses.append(app_address(app_id))
            self.apps.add(app_id)
        for foreign in foreign_apps:
            addresses.append(app_address(foreign))
            self.apps.add(foreign)
        apps = ([app_id] if app_id else []) + list(foreign_apps)
        for address in addresses:
            self.accounts.add(address)
            self.holdings.update((address, asset) for asset in foreign_assets)
            self.locals.update((address, app) for app in apps)
        for index, name in app_field(txn, "boxes", ()):
            if index == 0:
                if app_id:  # refs to an app being created resolve when it runs
                    self.boxes[(app_id, bytes(name))] = False
            elif index <= len(foreign_apps):
                self.boxes[(foreign_apps[index - 1], bytes(name))] = False

    def created_asset(self, asset_id: int) -> bool:
        return asset_id in self.created_assets or any(
            e.created_asset_id == asset_id for e in self.effects
        )

    def created_app(self, app_id: int) -> bool:
        return app_id in self.created_apps or any(e.created_app_id == app_id for e in self.effects)

    def created_app_ids(self) -> Iterator[int]:
        yield from self.created_apps
        yield from (e.created_app_id for e in self.effects if e.created_app_id)

    def created_app_address(self, address: bytes) -> bool:
        return any(app_address(app) == address for app in self.created_app_ids())

    def record_created(self, asset_id: int = 0, app_id: int = 0) -> None:
        """Notes what an inner transaction created (go: RecordAD)."""
        if asset_id:
            self.created_assets.add(asset_id)
        if app_id:
            self.created_apps.add(app_id)


def group_resources(cx: EvalContext) -> GroupResources:
    """The group's resources, built when an app call first needs them."""
    resources = cx.group.resources
    if resources is None:
        resources = cx.group.resources = GroupResources(cx.group, cx.globals.min_txn_fee)
    return resources


def begin_app_call(cx: EvalContext) -> None:
    """What go does as an app call starts (EvalContract): an app being created becomes a
    created app and gets its box refs; the first top-level app call checks the group's box
    reads fit its I/O budget ("box read budget (N) exceeded")."""
    assert cx.app is not None
    txn = current_txn(cx)
    resources = group_resources(cx)
    if app_field(txn, "on_completion", 0) == CLEAR_STATE and (
        cx.budget.remaining < MAX_APP_PROGRAM_COST
    ):
        raise LogicError(
            f"Attempted ClearState execution with low OpcodeBudget {cx.budget.remaining}"
        )
    if app_field(txn, "application_id", 0) == 0 and cx.app_id:
        resources.created_apps.add(cx.app_id)
        for index, name in app_field(txn, "boxes", ()):
            if index == 0:
                resources.boxes.setdefault((cx.app_id, bytes(name)), False)
    if cx.app.callers or resources.read_checked:
        return
    used = 0
    for (app, name), _ in list(resources.boxes.items()):
        if not name:
            continue  # empty refs only add budget
        content = cx.app.state.box_get(app, name)
        if content is None:
            continue
        resources.boxes[(app, name)] = False
        used += len(content)
        if used > resources.io_budget:
            raise LogicError(f"box read budget ({resources.io_budget}) exceeded")
    resources.read_checked = True
    if resources.unnamed is not None:
        resources.unnamed.box_read_surplus(resources.io_budget - used)
