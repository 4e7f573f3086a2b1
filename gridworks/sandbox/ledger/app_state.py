"""`LedgerAppState`: the AVM's `AppState` over the ledger's copy-on-write `Overlay`.

One is made per app call (top-level or inner). It checks what go's ledger checks as an app
writes: the global and local schemas ("store integer count 2 exceeds schema integer count 1"),
and keeps the app account's box counters (its minimum balance is checked when the top-level
transaction ends). It records the call's EvalDelta in the call's `ApplyData` (global and local
deltas, logs are added by the caller, inner transactions here) and applies inner groups through
the same apply functions as top-level transactions, on a child overlay: all or nothing.

Read API for the REST layer (on `Ledger`, each returns copies; None / empty when absent):
    app(app_id) -> AppParams | None            creator, programs, schemas, extra pages, global_state
    local_state(addr, app_id) -> LocalState | None     schema (uints, byte slices), values
    apps_created_by(addr) -> dict[int, AppParams]
    apps_opted_in(addr) -> dict[int, LocalState]
    box(app_id, name) -> bytes | None
    box_names(app_id) -> list[bytes]            sorted
State values are `int` (uint) or `bytes`. `ApplyData.to_wire()` (see `apply/common.py`) gives
`apid` and `dt` = {gd, ld, sa, lg, itx} as go's EvalDelta; `ConfirmedTransaction.apply_data`
holds that wire form.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

from ..avm.app_state import (
    AccountParams,
    AppState,
    AssetHolding,
    InnerResult,
    InnerTxn,
    InnerTxnFailed,
    StateValue,
    VoterParams,
    app_address,
)
from ..avm.app_state import AppParams as AvmAppParams
from ..avm.app_state import AssetParams as AvmAssetParams
from ..avm.errors import LogicError
from ..encoding import ZERO_ADDRESS, encode_address
from .apply.common import ApplyData, value_delta
from .inner import inner_transactions
from .records import ONLINE, Account, Schema
from .state import Overlay, StateReader

if TYPE_CHECKING:
    from ..avm.context import EvalContext
    from .app_run import AppRun
    from .transaction import Transaction


def check_schema(values: dict[bytes, StateValue], schema: Schema) -> None:
    """go's checkCounts: a state may hold no more uints and byte slices than its schema."""
    uints = sum(1 for value in values.values() if type(value) is int)
    slices = len(values) - uints
    if uints > schema[0]:
        raise LogicError(f"store integer count {uints} exceeds schema integer count {schema[0]}")
    if slices > schema[1]:
        raise LogicError(f"store bytes count {slices} exceeds schema bytes count {schema[1]}")


class LedgerAppState:
    """The chain state one app call (`app_id`, run by `txn`) reads and writes."""

    def __init__(
        self,
        ov: Overlay,
        run: AppRun,
        app_id: int,
        txn: Transaction,
        ad: ApplyData,
        top_index: int = 0,
    ) -> None:
        self.ov = ov
        self.top_index = top_index  # the top-level transaction this call runs under
        self.run = run
        self.app_id = app_id
        self.txn = txn
        self.ad = ad

    # Global and local state -------------------------------------------------------------

    def global_get(self, app_id: int, key: bytes) -> StateValue | None:
        app = self.ov.app(app_id)
        if app is None:
            raise LogicError(f"app {app_id} does not exist")
        return app.global_state.get(key)

    def global_put(self, app_id: int, key: bytes, value: StateValue) -> None:
        app = self.ov.app_for_update(app_id)
        if app is None:
            raise LogicError(f"app {app_id} does not exist")
        old = app.global_state.get(key)
        app.global_state[key] = value
        check_schema(app.global_state, app.global_schema)
        if app_id == self.app_id and old != value:
            self.ad.global_delta[key] = value_delta(value)

    def global_del(self, app_id: int, key: bytes) -> None:
        app = self.ov.app_for_update(app_id)
        if app is None:
            raise LogicError(f"app {app_id} does not exist")
        if app.global_state.pop(key, None) is not None and app_id == self.app_id:
            self.ad.global_delta[key] = value_delta(None)

    def _local(self, address: bytes, app_id: int, verb: str, write: bool):  # type: ignore[no-untyped-def]
        ov = self.ov
        local = ov.local_for_update(address, app_id) if write else ov.local_state(address, app_id)
        if local is None:
            raise LogicError(
                f"cannot {verb} key, {encode_address(address)} has not opted in to app {app_id}"
            )
        return local

    def local_get(self, address: bytes, app_id: int, key: bytes) -> StateValue | None:
        return self._local(address, app_id, "fetch", False).values.get(key)  # type: ignore[no-any-return]

    def local_put(self, address: bytes, app_id: int, key: bytes, value: StateValue) -> None:
        local = self._local(address, app_id, "set", True)
        old = local.values.get(key)
        local.values[key] = value
        check_schema(local.values, local.schema)
        if app_id == self.app_id and old != value:
            self._local_delta(address)[key] = value_delta(value)

    def local_del(self, address: bytes, app_id: int, key: bytes) -> None:
        local = self._local(address, app_id, "del", True)
        if local.values.pop(key, None) is not None and app_id == self.app_id:
            self._local_delta(address)[key] = value_delta(None)

    def _local_delta(self, address: bytes) -> dict[bytes, dict[str, object]]:
        """The delta of `address` by go's account index: 0 the sender, then `apat`, then the
        shared accounts (`sa`) the call reached without naming them."""
        txn, ad = self.txn, self.ad
        if address == txn.sender:
            index = 0
        elif address in txn.accounts:
            index = txn.accounts.index(address) + 1
        else:
            if address not in ad.shared_accounts:
                ad.shared_accounts.append(address)
            index = len(txn.accounts) + 1 + ad.shared_accounts.index(address)
        return ad.local_deltas.setdefault(index, {})

    def opted_in(self, address: bytes, app_id: int) -> bool:
        return self.ov.local_state(address, app_id) is not None

    # Accounts, assets, apps ----------------------------------------------------------------

    def account(self, address: bytes) -> AccountParams:
        acct = self.ov.account(address)
        params = self.run.ctx.params
        if acct is None:
            return AccountParams(min_balance=params.min_balance)
        return AccountParams(
            balance=acct.micro_algos,
            min_balance=params.minimum_balance(acct),
            auth_addr=acct.auth_addr,
            total_num_uint=acct.total_uints,
            total_num_byte_slice=acct.total_byte_slices,
            total_extra_app_pages=acct.total_extra_app_pages,
            total_apps_created=acct.total_created_apps,
            total_apps_opted_in=acct.total_apps_opted_in,
            total_assets_created=acct.total_created_assets,
            total_assets=acct.total_assets,
            total_boxes=acct.total_boxes,
            total_box_bytes=acct.total_box_bytes,
            incentive_eligible=acct.incentive_eligible,
            last_proposed=acct.last_proposed,
            last_heartbeat=acct.last_heartbeat,
        )

    # Consensus (v11+) -----------------------------------------------------------------------
    # go reads these as of the balance round, 320 rounds back. The sandbox keeps no history:
    # it reads the chain's committed state before this block, which nothing in the block
    # changes, and counts an account online while its participation key is valid.

    def _committed(self) -> StateReader:
        state: StateReader = self.ov
        while isinstance(state, Overlay):
            state = state.parent
        return state

    def _online_stake_of(self, acct: Account | None) -> int:
        round_ = self.run.ctx.round
        if acct is None or acct.status != ONLINE or acct.vote_last < round_:
            return 0
        return acct.micro_algos

    def voter(self, address: bytes) -> VoterParams:
        acct = self._committed().account(address)
        stake = self._online_stake_of(acct)
        if not stake or acct is None:
            return VoterParams()
        return VoterParams(balance=stake, incentive_eligible=acct.incentive_eligible)

    def online_stake(self) -> int:
        committed = self._committed()
        accounts = getattr(committed, "accounts", {})
        return sum(self._online_stake_of(acct) for acct in accounts.values())

    def asset_holding(self, address: bytes, asset_id: int) -> AssetHolding | None:
        holding = self.ov.holding(address, asset_id)
        return None if holding is None else AssetHolding(holding.amount, holding.frozen)

    def asset_params(self, asset_id: int) -> AvmAssetParams | None:
        p = self.ov.asset(asset_id)
        if p is None:
            return None
        return AvmAssetParams(
            creator=p.creator, total=p.total, decimals=p.decimals,
            default_frozen=p.default_frozen, unit_name=p.unit_name.encode(),
            name=p.asset_name.encode(), url=p.url.encode(),
            metadata_hash=p.metadata_hash or bytes(32), manager=p.manager, reserve=p.reserve,
            freeze=p.freeze, clawback=p.clawback,
        )  # fmt: skip

    def app_params(self, app_id: int) -> AvmAppParams | None:
        app = self.ov.app(app_id)
        if app is None:
            return None
        return AvmAppParams(
            creator=app.creator, approval_program=app.approval_program,
            clear_state_program=app.clear_state_program, global_num_uint=app.global_schema[0],
            global_num_byte_slice=app.global_schema[1], local_num_uint=app.local_schema[0],
            local_num_byte_slice=app.local_schema[1],
            extra_program_pages=app.extra_program_pages, version=app.version,
            foreign_box_reads=app.foreign_box_reads, family_box_access=app.family_box_access,
        )  # fmt: skip

    def app_params_set(self, app_id: int, name: str, value: bool) -> None:
        app = self.ov.app_for_update(app_id)
        if app is None:
            raise LogicError(f"app {app_id} does not exist")
        setattr(app, name, value)

    # Boxes ---------------------------------------------------------------------------------

    def box_get(self, app_id: int, name: bytes) -> bytes | None:
        return self.ov.box(app_id, name)

    def box_create(self, app_id: int, name: bytes, value: bytes) -> None:
        if self.ov.box(app_id, name) is not None:
            raise LogicError(f"attempt to recreate box 0x{name.hex()}")
        self.ov.put_box(app_id, name, bytes(value))
        self._count_box(app_id, 1, len(name) + len(value))

    def box_put(self, app_id: int, name: bytes, value: bytes) -> None:
        old = self.ov.box(app_id, name)
        if old is None:
            raise LogicError(f"box 0x{name.hex()} does not exist for {app_id}")
        if len(old) != len(value):
            raise LogicError(f"box 0x{name.hex()} is wrong size old:{len(old)} != new:{len(value)}")
        self.ov.put_box(app_id, name, bytes(value))

    def box_del(self, app_id: int, name: bytes) -> bool:
        old = self.ov.box(app_id, name)
        if old is None:
            return False
        self.ov.put_box(app_id, name, None)
        self._count_box(app_id, -1, -(len(name) + len(old)))
        return True

    def box_resize(self, app_id: int, name: bytes, size: int) -> None:
        old = self.ov.box(app_id, name)
        if old is None:
            raise LogicError(f"box 0x{name.hex()} does not exist for {app_id}")
        self.ov.put_box(app_id, name, old[:size].ljust(size, b"\0"))
        self._count_box(app_id, 0, size - len(old))

    def _count_box(self, app_id: int, boxes: int, size: int) -> None:
        """The app account pays for its boxes: its counters raise its minimum balance."""
        acct = self.ov.account_for_update(app_address(app_id))
        acct.total_boxes += boxes
        acct.total_box_bytes += size

    # Inner transactions ----------------------------------------------------------------------

    def submit_inner(self, txns: Sequence[InnerTxn], caller: EvalContext) -> list[InnerResult]:
        """Applies the inner group on a child overlay, merged only when every member applied."""
        child = self.ov.child()
        parsed = inner_transactions(txns, self.txn.txid_digest, len(self.ad.inner))
        run = self.run.inner(caller, parsed, self.top_index)
        run.add_budget(sum(1 for txn in parsed if txn.type == "appl"))
        results: list[InnerResult] = []
        wires = []
        for index, (inner, txn) in enumerate(zip(txns, parsed, strict=True)):
            ad = ApplyData()
            try:
                run.apply(child, txn, ad, index, partial(_authorize, child, txn, caller.app_id))
            except LogicError:
                raise
            except Exception as exc:  # a ledger refusal: go reports it as the inner tx's
                reason = getattr(exc, "message", None) or str(exc)
                raise InnerTxnFailed(index, reason) from None
            run.record_effects(index, ad)
            results.append(
                InnerResult(
                    replace(inner, group=txn.group), txn.txid_digest,
                    created_asset_id=ad.created_asset, created_app_id=ad.created_app,
                    logs=tuple(ad.logs),
                )
            )  # fmt: skip
            wires.append({"txn": txn.raw, **ad.to_wire()})
        self.ov.merge(child)
        self.ad.inner.extend(wires)
        return results


def _authorize(ov: Overlay, txn: Transaction, app_id: int) -> None:
    """An app may send only from its own address or from an account rekeyed to it."""
    acct = ov.account(txn.sender)
    authorizer = acct.auth_addr if acct and acct.auth_addr != ZERO_ADDRESS else txn.sender
    address = app_address(app_id)
    if authorizer != address:
        raise LogicError(
            f"app {app_id} (addr {encode_address(address)}) unauthorized "
            f"{encode_address(authorizer)}"
        )


if TYPE_CHECKING:

    def _conforms(state: LedgerAppState) -> AppState:
        return state  # mypy checks LedgerAppState against the protocol
