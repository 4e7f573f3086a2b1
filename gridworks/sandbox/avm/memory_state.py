"""`MemoryState`: the reference `AppState`, held in plain dicts, for tests and benchmarks.

It behaves as go's ledger does where the AVM can tell (a missing app's global state and a
local state of an account that has not opted in fail with go's reasons; boxes are created,
resized and deleted with the app account's box counters kept), and no further: it checks no
schema and no minimum balance, and `submit_inner` applies nothing. It records each inner group
in `inner_groups` and returns results with sequential ids for what the group creates (asset
configs without an asset, app calls without an app), no logs, and a txid made from a counter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from ..encoding import encode_address, sha512_256
from .app_state import (
    AccountParams,
    AppParams,
    AppState,
    AssetHolding,
    AssetParams,
    InnerResult,
    InnerTxn,
    StateValue,
    VoterParams,
    app_address,
)
from .errors import LogicError

if TYPE_CHECKING:
    from .context import EvalContext


@dataclass
class MemoryState:
    """An `AppState` over dicts; the helpers below set up accounts, apps and assets."""

    accounts: dict[bytes, AccountParams] = field(default_factory=dict)
    apps: dict[int, AppParams] = field(default_factory=dict)
    global_state: dict[int, dict[bytes, StateValue]] = field(default_factory=dict)
    local_state: dict[tuple[bytes, int], dict[bytes, StateValue]] = field(default_factory=dict)
    assets: dict[int, AssetParams] = field(default_factory=dict)
    holdings: dict[tuple[bytes, int], AssetHolding] = field(default_factory=dict)
    boxes: dict[tuple[int, bytes], bytes] = field(default_factory=dict)
    inner_groups: list[list[InnerTxn]] = field(default_factory=list)
    voters: dict[bytes, VoterParams] = field(default_factory=dict)  # the online accounts
    next_id: int = 1_001  # the next app or asset id (ids up to 255 are forbidden to apps)
    txns_submitted: int = 0

    # Setting up ----------------------------------------------------------------------------

    def fund(self, address: bytes, balance: int, **params: Any) -> None:
        """Sets an account's balance (and any other `AccountParams` field)."""
        current = self.accounts.get(address, AccountParams())
        self.accounts[address] = replace(current, balance=balance, **params)

    def create_app(self, creator: bytes, app_id: int | None = None, **params: Any) -> int:
        """A new app (with empty global state); returns its id."""
        app_id = app_id if app_id is not None else self._new_id()
        self.apps[app_id] = AppParams(creator=creator, **params)
        self.global_state[app_id] = {}
        return app_id

    def opt_in(self, address: bytes, app_id: int) -> None:
        self.local_state.setdefault((address, app_id), {})

    def create_asset(self, creator: bytes, asset_id: int | None = None, **params: Any) -> int:
        asset_id = asset_id if asset_id is not None else self._new_id()
        self.assets[asset_id] = AssetParams(creator=creator, **params)
        return asset_id

    def hold(self, address: bytes, asset_id: int, amount: int = 0, frozen: bool = False) -> None:
        self.holdings[(address, asset_id)] = AssetHolding(amount, frozen)

    def _new_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    # Global and local state -----------------------------------------------------------------

    def _globals(self, app_id: int) -> dict[bytes, StateValue]:
        state = self.global_state.get(app_id)
        if state is None:
            raise LogicError(f"app {app_id} does not exist")
        return state

    def _locals(self, address: bytes, app_id: int, verb: str) -> dict[bytes, StateValue]:
        state = self.local_state.get((address, app_id))
        if state is None:
            raise LogicError(
                f"cannot {verb} key, {encode_address(address)} has not opted in to app {app_id}"
            )
        return state

    def global_get(self, app_id: int, key: bytes) -> StateValue | None:
        return self._globals(app_id).get(key)

    def global_put(self, app_id: int, key: bytes, value: StateValue) -> None:
        self._globals(app_id)[key] = value

    def global_del(self, app_id: int, key: bytes) -> None:
        self._globals(app_id).pop(key, None)

    def local_get(self, address: bytes, app_id: int, key: bytes) -> StateValue | None:
        return self._locals(address, app_id, "fetch").get(key)

    def local_put(self, address: bytes, app_id: int, key: bytes, value: StateValue) -> None:
        self._locals(address, app_id, "set")[key] = value

    def local_del(self, address: bytes, app_id: int, key: bytes) -> None:
        self._locals(address, app_id, "del").pop(key, None)

    def opted_in(self, address: bytes, app_id: int) -> bool:
        return (address, app_id) in self.local_state

    # Accounts, assets, apps ------------------------------------------------------------------

    def account(self, address: bytes) -> AccountParams:
        return self.accounts.get(address) or AccountParams()

    def asset_holding(self, address: bytes, asset_id: int) -> AssetHolding | None:
        return self.holdings.get((address, asset_id))

    def app_params_set(self, app_id: int, name: str, value: bool) -> None:
        flags: dict[str, Any] = {name: value}
        self.apps[app_id] = replace(self.apps[app_id], **flags)

    def voter(self, address: bytes) -> VoterParams:
        return self.voters.get(address) or VoterParams()

    def online_stake(self) -> int:
        return sum(voter.balance for voter in self.voters.values())

    def asset_params(self, asset_id: int) -> AssetParams | None:
        return self.assets.get(asset_id)

    def app_params(self, app_id: int) -> AppParams | None:
        return self.apps.get(app_id)

    # Boxes -----------------------------------------------------------------------------------

    def box_get(self, app_id: int, name: bytes) -> bytes | None:
        return self.boxes.get((app_id, name))

    def box_create(self, app_id: int, name: bytes, value: bytes) -> None:
        if (app_id, name) in self.boxes:
            raise LogicError(f"attempt to recreate box 0x{name.hex()}")
        self.boxes[(app_id, name)] = value
        self._count_box(app_id, 1, len(name) + len(value))

    def box_put(self, app_id: int, name: bytes, value: bytes) -> None:
        old = self.boxes.get((app_id, name))
        if old is None:
            raise LogicError(f"box 0x{name.hex()} does not exist for {app_id}")
        if len(old) != len(value):
            raise LogicError(f"box 0x{name.hex()} is wrong size old:{len(old)} != new:{len(value)}")
        self.boxes[(app_id, name)] = value

    def box_del(self, app_id: int, name: bytes) -> bool:
        old = self.boxes.pop((app_id, name), None)
        if old is None:
            return False
        self._count_box(app_id, -1, -(len(name) + len(old)))
        return True

    def box_resize(self, app_id: int, name: bytes, size: int) -> None:
        old = self.boxes[(app_id, name)]
        self.boxes[(app_id, name)] = old[:size].ljust(size, b"\0")
        self._count_box(app_id, 0, size - len(old))

    def _count_box(self, app_id: int, boxes: int, size: int) -> None:
        """Keeps the app account's AcctTotalBoxes and AcctTotalBoxBytes (go: NewBox, DelBox)."""
        address = app_address(app_id)
        account = self.account(address)
        self.accounts[address] = replace(
            account,
            total_boxes=account.total_boxes + boxes,
            total_box_bytes=account.total_box_bytes + size,
        )

    # Inner transactions ----------------------------------------------------------------------

    def submit_inner(self, txns: Sequence[InnerTxn], caller: EvalContext) -> list[InnerResult]:
        """Records the group and returns results with sequential ids; applies nothing."""
        self.inner_groups.append(list(txns))
        results = []
        for txn in txns:
            self.txns_submitted += 1
            txid = sha512_256(b"inner" + self.txns_submitted.to_bytes(8, "big"))
            creates_asset = txn.type == "acfg" and txn.config_asset == 0
            creates_app = txn.type == "appl" and txn.application_id == 0
            results.append(
                InnerResult(
                    txn,
                    txid,
                    created_asset_id=self._new_id() if creates_asset else 0,
                    created_app_id=self._new_id() if creates_app else 0,
                )
            )
        return results


if TYPE_CHECKING:
    _conforms: AppState = MemoryState()  # mypy checks MemoryState against the protocol
